"""The .odt reader: paragraphs, headings, spaces, lists, tables in order; notes skipped; bad files refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from app.core.importing import read_file
from app.errors import ImportFailed

from .builders import make_docx, make_odt, odt_content


def test_paragraphs_headings_spaces_tabs_breaks_and_notes(tmp_path: Path) -> None:
    body = (
        "<text:sequence-decls><text:sequence-decl text:name='Tabell'/></text:sequence-decls>"
        '<text:h text:outline-level="1">Intervju 2 – Bodø 🙂</text:h>'
        "<text:p>Intervjuer: Hva <text:span>gjorde</text:span> du?"
        '<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>'
        "<text:note-body><text:p>FOTNOTE</text:p></text:note-body></text:note></text:p>"
        '<text:p>Informant: Tre<text:s text:c="3"/>mellomrom,<text:tab/>tab og'
        "<text:line-break/>linjeskift.<office:annotation><text:p>KOMMENTAR</text:p>"
        "</office:annotation> Ferdig.</text:p>"
        "<text:p/>"
        "<text:p>   Intervjuer:   Takk,\n    æøå   ÆØÅ.  </text:p>"
    )
    path = make_odt(tmp_path / "intervju.odt", body)
    result = read_file(path)
    assert result.text == (
        "Intervju 2 – Bodø 🙂\nIntervjuer: Hva gjorde du?\n"
        "Informant: Tre   mellomrom,\ttab og\nlinjeskift. Ferdig.\n\nIntervjuer: Takk, æøå ÆØÅ."
    )
    assert result.source_format == "odt" and result.encoding is None
    assert [(t.speaker, result.text[t.start:t.end]) for t in result.turns] == [
        ("Intervjuer", "Hva gjorde du?"),
        ("Informant", "Tre   mellomrom,\ttab og\nlinjeskift. Ferdig."),
        ("Intervjuer", "Takk, æøå ÆØÅ."),
    ]


def test_lists_sections_and_tables_in_document_order(tmp_path: Path) -> None:
    body = (
        "<text:p>Før</text:p>"
        "<text:list><text:list-item><text:p>Punkt én</text:p>"
        "<text:list><text:list-item><text:p>Underpunkt</text:p></text:list-item></text:list>"
        "</text:list-item><text:list-item><text:h>Punkt to</text:h></text:list-item></text:list>"
        '<text:section text:name="S1"><text:p>I en seksjon</text:p></text:section>'
        '<table:table table:name="T"><table:table-column table:number-columns-repeated="2"/>'
        "<table:table-header-rows><table:table-row>"
        "<table:table-cell><text:p>Navn</text:p></table:table-cell>"
        "<table:table-cell><text:p>Sted</text:p></table:table-cell>"
        "</table:table-row></table:table-header-rows>"
        "<table:table-row><table:table-cell><text:p>Kari</text:p><text:p>Nordmann</text:p>"
        "</table:table-cell><table:table-cell><table:table><table:table-row>"
        "<table:table-cell><text:p>indre</text:p></table:table-cell>"
        "<table:table-cell><text:p>ø</text:p></table:table-cell>"
        "</table:table-row></table:table></table:table-cell></table:table-row>"
        '<table:table-row><table:table-cell table:number-columns-spanned="2">'
        "<text:p>Slått sammen</text:p></table:table-cell><table:covered-table-cell/>"
        "</table:table-row></table:table>"
        "<text:p>Etter</text:p>"
    )
    path = make_odt(tmp_path / "liste.odt", body)
    assert read_file(path).text == (
        "Før\nPunkt én\nUnderpunkt\nPunkt to\nI en seksjon\nNavn\tSted\n"
        "Kari Nordmann\tindre ø\nSlått sammen\nEtter"
    )


def test_pretty_printed_content_is_not_taken_as_text(tmp_path: Path) -> None:
    body = "\n  <text:p>\n    Første\n  </text:p>\n  <text:p>Andre</text:p>\n"
    assert read_file(make_odt(tmp_path / "pen.odt", body)).text == "Første\nAndre"


def test_empty_odt(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match='"tom.odt": The file contains no text'):
        read_file(make_odt(tmp_path / "tom.odt", "<text:p/>"))


def test_spreadsheet_is_not_a_text_document(tmp_path: Path) -> None:
    path = make_odt(tmp_path / "regneark.odt", "",
                    mimetype="application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(ImportFailed, match="not a text document"):
        read_file(path)


def test_docx_with_odt_extension(tmp_path: Path) -> None:
    src = make_docx(tmp_path / "a.docx", ["Hei"])
    path = tmp_path / "egentlig-docx.odt"
    path.write_bytes(src.read_bytes())
    with pytest.raises(ImportFailed, match="Word document, not an OpenDocument text.*\\.docx"):
        read_file(path)


def test_zip_without_content(tmp_path: Path) -> None:
    path = tmp_path / "tomt-arkiv.odt"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hei")
    with pytest.raises(ImportFailed, match="zip archive without the text of a document"):
        read_file(path)


def test_text_file_with_odt_extension(tmp_path: Path) -> None:
    path = tmp_path / "notat.odt"
    path.write_text("Bare tekst, æøå.", encoding="utf-8")
    with pytest.raises(ImportFailed, match="not an OpenDocument text \\(.odt\\) - is it a text"):
        read_file(path)


def test_entity_bomb_in_content_xml(tmp_path: Path) -> None:
    content = odt_content("<text:p>&b;</text:p>").replace(
        "?>\n", '?>\n<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>\n'
    )
    path = make_odt(tmp_path / "bombe.odt", "", content=content)
    with pytest.raises(ImportFailed, match="DOCTYPE or ENTITY"):
        read_file(path)


def test_malformed_content_xml(tmp_path: Path) -> None:
    path = make_odt(tmp_path / "brutt.odt", "", content=odt_content("<text:p>Hei")[:-30])
    with pytest.raises(ImportFailed, match="contents of the document are damaged"):
        read_file(path)


def test_huge_space_count_is_capped(tmp_path: Path) -> None:
    path = make_odt(tmp_path / "s.odt", '<text:p>a<text:s text:c="999999999"/>b</text:p>')
    assert read_file(path).text == "a" + " " * 1000 + "b"


@pytest.mark.parametrize("encoding", ["ttf-8", "rot13"])
def test_unknown_declared_encoding_is_damage_not_a_crash(tmp_path: Path, encoding: str) -> None:
    content = f'<?xml version="1.0" encoding="{encoding}"?><office:document-content/>'
    with pytest.raises(ImportFailed, match="damaged"):
        read_file(make_odt(tmp_path / "rar.odt", "", content=content))
