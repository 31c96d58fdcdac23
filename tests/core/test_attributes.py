"""Attribute definitions, typed values and CSV import."""

from __future__ import annotations

import pytest

from app.core import attributes as attrs
from app.errors import InvalidInput, NotFound
from app.models import Document


@pytest.fixture
def doc_id(project):
    with project.write() as s:
        doc = Document(name="fg01", text="Hei", length=3, sha256="x")
        s.add(doc)
        s.flush()
        return doc.id


def _values(project):
    with project.read() as s:
        return attrs.values_by_document(s)


def test_typed_values_are_stored_canonically(project, doc_id):
    with project.write() as s:
        attrs.define_attribute(s, "informanter", "number")
        attrs.define_attribute(s, "dato", "date")
        attrs.define_attribute(s, "bydel", "choice", ["Alna", "Grünerløkka"])
        doc = s.get(Document, doc_id)
        attrs.set_values(s, doc, {"informanter": "6,0", "dato": "4.3.2025", "bydel": "grünerløkka",
                                  "merknad": "fri tekst"})
    assert _values(project)[doc_id] == {"informanter": "6", "dato": "2025-03-04",
                                        "bydel": "Grünerløkka", "merknad": "fri tekst"}


@pytest.mark.parametrize(
    "type_, choices, value",
    [("number", None, "seks"), ("date", None, "31.02.2025"), ("date", None, "i går"),
     ("choice", ["Alna"], "Stovner"), ("number", None, "nan")],
)
def test_invalid_values_refused(project, doc_id, type_, choices, value):
    with pytest.raises(InvalidInput):
        with project.write() as s:
            attrs.define_attribute(s, "a", type_, choices)
            attrs.set_values(s, s.get(Document, doc_id), {"a": value})
    with project.read() as s:
        assert attrs.definitions(s) == []  # the whole action rolled back


def test_empty_value_removes(project, doc_id):
    with project.write() as s:
        attrs.set_values(s, s.get(Document, doc_id), {"bydel": "Alna"})
    with project.write() as s:
        attrs.set_values(s, s.get(Document, doc_id), {"bydel": ""})
    assert _values(project).get(doc_id, {}) == {}


def test_changing_type_checks_existing_values(project, doc_id):
    with project.write() as s:
        attrs.set_values(s, s.get(Document, doc_id), {"informanter": "seks"})
    with pytest.raises(InvalidInput):
        with project.write() as s:
            attrs.define_attribute(s, "informanter", "number")


def test_csv_reader_accepts_semicolons_and_bom(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes("\ufeffdokument;bydel;tjeneste\nfg01;Søndre Nordstrand;NAV\n".encode("utf-8"))
    table = attrs.read_attributes_csv(p)
    assert table.attributes == ["bydel", "tjeneste"]
    assert table.rows == {"fg01": {"bydel": "Søndre Nordstrand", "tjeneste": "NAV"}}


def test_csv_in_cp1252(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes("document,bydel\nfg01,Østensjø\n".encode("cp1252"))
    assert attrs.read_attributes_csv(p).rows == {"fg01": {"bydel": "Østensjø"}}


@pytest.mark.parametrize(
    "content", ["", "navn,bydel\nfg01,Alna\n", "document,bydel\nfg01,Alna\nfg01,Stovner\n",
                "document,bydel\nfg01,Alna,ekstra\n"],
)
def test_bad_csv_refused(tmp_path, content):
    p = tmp_path / "a.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput):
        attrs.read_attributes_csv(p)


def test_csv_with_unknown_document_changes_nothing(project, doc_id, tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("document,bydel\nfg01,Alna\nfg99,Stovner\n", encoding="utf-8")
    table = attrs.read_attributes_csv(p)
    with pytest.raises(NotFound, match="fg99"):
        with project.write() as s:
            attrs.apply_attributes_csv(s, table)
    assert _values(project) == {}


# -- CSV files as spreadsheet programs save them ---------------------------------------------
# Excel in Norway: ';' between cells, CRLF, cp1252 ("CSV (semikolonseparert)") or UTF-8 with
# BOM ("CSV UTF-8"), a quote inside a cell doubled and the cell quoted, empty cells at the end.
EXCEL_ROWS = (
    'Dokument;Bydel;Tjeneste;Informanter;Merknad\r\n'
    'fg01;Søndre Nordstrand;"Huset ""Nord""";6;\r\n'
    'fg02;Grünerløkka;"Helsestasjon; barn og unge";4;"Møtte opp ""sent"", men ble"\r\n'
    'fg03;Østensjø;NAV;5;"To linjer:\nførst, så"\r\n'
    ';;;;\r\n'
)
EXCEL_EXPECTED = {
    "fg01": {"Bydel": "Søndre Nordstrand", "Tjeneste": 'Huset "Nord"', "Informanter": "6",
             "Merknad": ""},
    "fg02": {"Bydel": "Grünerløkka", "Tjeneste": "Helsestasjon; barn og unge",
             "Informanter": "4", "Merknad": 'Møtte opp "sent", men ble'},
    "fg03": {"Bydel": "Østensjø", "Tjeneste": "NAV", "Informanter": "5",
             "Merknad": "To linjer:\nførst, så"},
}
# LibreOffice Calc's default: ',' between cells, UTF-8 without BOM, LF, text cells quoted.
LIBREOFFICE = (
    '"document","bydel","tjeneste"\n'
    '"fg01","Søndre Nordstrand","Huset ""Nord"""\n'
    '"fg02","Grünerløkka","Bo, og ""omsorg"""\n'
    '"fg03","Østensjø","NAV"\n'
).encode("utf-8")


@pytest.mark.parametrize("data", [EXCEL_ROWS.encode("cp1252"),
                                  b"\xef\xbb\xbf" + EXCEL_ROWS.encode("utf-8"),
                                  b"sep=;\r\n" + EXCEL_ROWS.encode("cp1252")],
                         ids=["excel-cp1252", "excel-utf8-bom", "excel-sep-line"])
def test_csv_saved_by_excel(tmp_path, data):
    p = tmp_path / "bydeler.csv"
    p.write_bytes(data)
    table = attrs.read_attributes_csv(p)
    assert table.attributes == ["Bydel", "Tjeneste", "Informanter", "Merknad"]
    assert table.rows == EXCEL_EXPECTED


def test_csv_saved_by_libreoffice(tmp_path):
    p = tmp_path / "bydeler.csv"
    p.write_bytes(LIBREOFFICE)
    table = attrs.read_attributes_csv(p)
    assert table.attributes == ["bydel", "tjeneste"]
    assert table.rows == {
        "fg01": {"bydel": "Søndre Nordstrand", "tjeneste": 'Huset "Nord"'},
        "fg02": {"bydel": "Grünerløkka", "tjeneste": 'Bo, og "omsorg"'},
        "fg03": {"bydel": "Østensjø", "tjeneste": "NAV"},
    }


def test_excel_csv_is_applied_with_the_quotes_as_written(project, tmp_path):
    with project.write() as s:
        for name in ("fg01", "fg02", "fg03"):
            s.add(Document(name=name, text="Hei", length=3, sha256=name))
    p = tmp_path / "bydeler.csv"
    p.write_bytes(EXCEL_ROWS.encode("cp1252"))
    with project.write() as s:
        assert attrs.apply_attributes_csv(s, attrs.read_attributes_csv(p)) == 3
    with project.read() as s:
        values = {s.get(Document, i).name: v for i, v in attrs.values_by_document(s).items()}
    assert values["fg01"]["Tjeneste"] == 'Huset "Nord"'
    assert values["fg02"]["Merknad"] == 'Møtte opp "sent", men ble'
    assert "Merknad" not in values["fg01"]  # an empty cell sets nothing


def test_attribute_names_with_control_characters_are_refused(project, doc_id):
    with pytest.raises(InvalidInput, match=r"control character \(U\+001B\)"):
        with project.write() as s:
            attrs.set_values(s, s.get(Document, doc_id), {"by\x1bdel": "Alna"})
    with pytest.raises(InvalidInput, match="must not be empty"):
        with project.write() as s:
            attrs.set_values(s, s.get(Document, doc_id), {" ": "x"})
    assert _values(project) == {}
