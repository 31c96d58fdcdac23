"""The .docx reader: body text in order, tables flattened, turns; broken and hostile files refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from app.core.importing import read_file
from app.errors import ImportFailed

from .builders import docx_xml, make_docx, make_odt, rewrite_zip

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_paragraphs_runs_tabs_breaks_and_no_headers(tmp_path: Path) -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "TOPPTEKST"
    document.sections[0].footer.paragraphs[0].text = "BUNNTEKST"
    document.add_heading("Intervju 7 – Tøyen 🙂", level=1)
    p = document.add_paragraph("Intervjuer: Hva ")
    p.add_run("heter").bold = True
    p.add_run(" du?")
    document.add_paragraph("Informant: Åse.\tMed tab\nog linjeskift.")
    document.add_paragraph("")
    document.add_paragraph("Intervjuer: Takk 🙂")
    path = tmp_path / "intervju.docx"
    document.save(str(path))

    result = read_file(path)

    assert result.text == (
        "Intervju 7 – Tøyen 🙂\nIntervjuer: Hva heter du?\n"
        "Informant: Åse.\tMed tab\nog linjeskift.\n\nIntervjuer: Takk 🙂"
    )
    assert result.source_format == "docx" and result.encoding is None
    assert [(t.speaker, result.text[t.start:t.end]) for t in result.turns] == [
        ("Intervjuer", "Hva heter du?"),
        ("Informant", "Åse.\tMed tab\nog linjeskift."),
        ("Intervjuer", "Takk 🙂"),
    ]


def test_tables_are_flattened_row_by_row_in_document_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Før tabellen")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([["Navn", "Alder", "Sted"], ["Kari", "34", "Bodø"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(1, 2).add_paragraph("Nordland")
    nested = table.cell(0, 0).add_table(rows=2, cols=2)
    nested.cell(0, 0).text, nested.cell(0, 1).text = "a", "b"
    nested.cell(1, 0).text, nested.cell(1, 1).text = "c", "ø"
    document.add_paragraph("Etter tabellen")
    path = tmp_path / "tabell.docx"
    document.save(str(path))

    assert read_file(path).text == (
        "Før tabellen\nNavn a b c ø\tAlder\tSted\nKari\t34\tBodø Nordland\nEtter tabellen"
    )


def test_tracked_changes_hyperlinks_and_content_controls(tmp_path: Path) -> None:
    src = make_docx(tmp_path / "src.docx", ["PLASS"])
    xml = docx_xml(src)
    body = (
        '<w:p><w:r><w:t xml:space="preserve">Det var </w:t></w:r>'
        '<w:del w:id="1" w:author="A"><w:r><w:delText>ikke </w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="A"><w:r><w:t xml:space="preserve">veldig </w:t></w:r></w:ins>'
        '<w:hyperlink><w:r><w:t>fint</w:t></w:r></w:hyperlink>'
        '<w:r><w:t>.</w:t><w:br w:type="page"/><w:noBreakHyphen/><w:t>x</w:t></w:r></w:p>'
        '<w:sdt><w:sdtContent><w:p><w:r><w:t>Inni en innholdskontroll</w:t></w:r></w:p>'
        '</w:sdtContent></w:sdt>'
    )
    start = xml.index("<w:p>") if "<w:p>" in xml else xml.index("<w:p ")
    end = xml.index("</w:p>", start) + len("</w:p>")
    path = rewrite_zip(src, tmp_path / "endringer.docx",
                       replace={"word/document.xml": xml[:start] + body + xml[end:]})
    assert read_file(path).text == "Det var veldig fint.-x\nInni en innholdskontroll"


def test_python_docx_gives_the_same_paragraph_text(tmp_path: Path) -> None:
    lines = ["Intervjuer: æøå\tÆØÅ", "Informant: 🙂 to\nlinjer", "  mellomrom  "]
    path = make_docx(tmp_path / "lik.docx", lines)
    expected = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert read_file(path).text == expected


def test_empty_document(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "tom.docx", [])
    with pytest.raises(ImportFailed, match='"tom.docx": The file contains no text'):
        read_file(path)


def test_truncated_docx(tmp_path: Path) -> None:
    full = make_docx(tmp_path / "hel.docx", ["Intervjuer: hei"]).read_bytes()
    path = tmp_path / "halv.docx"
    path.write_bytes(full[: len(full) // 2])
    with pytest.raises(ImportFailed, match='"halv.docx": The file is damaged or incomplete'):
        read_file(path)


def test_text_file_with_docx_extension(tmp_path: Path) -> None:
    path = tmp_path / "notat.docx"
    path.write_text("Intervjuer: Hei på deg\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        read_file(path)
    assert str(err.value) == (
        'Could not import "notat.docx": This is not a Word document (.docx) - is it a text '
        "file with the wrong extension?"
    )


@pytest.mark.parametrize(
    "data,expected",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100), "damaged or incomplete"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "password-protected or in an old"),
        (b"%PDF-1.7\n", "This is a PDF file"),
    ],
    ids=["png", "ole-doc-or-encrypted", "pdf"],
)
def test_other_binary_formats_named_docx(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "feil.docx"
    path.write_bytes(data)
    with pytest.raises(ImportFailed, match=expected):
        read_file(path)


def test_zip_without_word_document(tmp_path: Path) -> None:
    path = tmp_path / "arkiv.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hei.txt", "hei")
    with pytest.raises(ImportFailed, match="zip archive without the text of a Word document"):
        read_file(path)


def test_odt_with_docx_extension(tmp_path: Path) -> None:
    path = make_odt(tmp_path / "egentlig-odt.docx", "<text:p>Hei</text:p>")
    with pytest.raises(ImportFailed, match="OpenDocument text, not a Word document.*\\.odt"):
        read_file(path)


def test_entity_bomb_in_document_xml_is_refused(tmp_path: Path) -> None:
    src = make_docx(tmp_path / "src.docx", ["Hei"])
    xml = docx_xml(src)
    bomb = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    head_end = xml.index("?>") + 2
    xml = xml[:head_end] + bomb + xml[head_end:].replace("Hei", "&lol3;")
    path = rewrite_zip(src, tmp_path / "bombe.docx", replace={"word/document.xml": xml})
    with pytest.raises(ImportFailed, match="DOCTYPE or ENTITY.*refused for safety"):
        read_file(path)


def test_external_entity_in_another_part_is_refused(tmp_path: Path) -> None:
    src = make_docx(tmp_path / "src.docx", ["Hei"])
    xxe = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           f"<w:styles {W_NS}>&e;</w:styles>")
    path = rewrite_zip(src, tmp_path / "xxe.docx", replace={"word/styles.xml": xxe})
    with pytest.raises(ImportFailed, match="refused for safety"):
        read_file(path)


def test_utf16_xml_part_is_refused(tmp_path: Path) -> None:
    src = make_docx(tmp_path / "src.docx", ["Hei"])
    xml = docx_xml(src).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = rewrite_zip(src, tmp_path / "u16.docx",
                       replace={"word/document.xml": xml.encode("utf-16")})
    with pytest.raises(ImportFailed, match="stored in an unexpected way"):
        read_file(path)


def test_malformed_document_xml(tmp_path: Path) -> None:
    src = make_docx(tmp_path / "src.docx", ["Hei"])
    path = rewrite_zip(src, tmp_path / "odelagt.docx",
                       replace={"word/document.xml": docx_xml(src)[:-40]})
    with pytest.raises(ImportFailed, match="contents of the document are damaged"):
        read_file(path)


def test_doc_extension_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "gammel.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    with pytest.raises(ImportFailed, match="old Word format \\(.doc\\).*save it as a Word"):
        read_file(path)


@pytest.mark.parametrize("encoding", ["utf-7"])
def test_unknown_declared_encoding_is_damage_not_a_crash(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "rar.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", f'<?xml version="1.0" encoding="{encoding}"?>'
                                         f"<w:document {W_NS}><w:body/></w:document>")
    with pytest.raises(ImportFailed, match="damaged"):
        read_file(path)
