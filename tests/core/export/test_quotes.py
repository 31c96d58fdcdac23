"""Quote rows and quote tables: codebook order with child codes, exact quotes in «», speakers,
groups by attribute without empty headings, repeating header rows, anonymisation, CSV, XLSX."""

from __future__ import annotations

import csv
from collections import Counter

import docx
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.core.export.docx_base import is_repeated_header, normalise_space
from app.core.export.quotes import (
    is_generic_speaker,
    quote_rows,
    write_quotes_csv,
    write_quotes_docx,
    write_quotes_xlsx,
)
from app.errors import InvalidInput, NotFound
from app.models import Coder, Coding, Document
from tests.core.export.conftest import blocks, headings, source_lines, table_texts

HEADER = ["Quote", "Source", "Coder"]


def quote_table(table) -> list[list[str]]:
    """Rows as [quote (without its source line), the source cell's lines joined by ' | ',
    coders]: the source cell holds document, speaker and service one under the other."""
    return [[row.cells[0].paragraphs[0].text,
             " | ".join(p.text for p in row.cells[1].paragraphs), row.cells[2].text]
            for row in table.rows]


def test_rows_follow_the_codebook_then_document_and_text_order(small):
    with small.read() as s:
        rows = quote_rows(s)
        assert [(r.code, r.document, r.text, r.speaker, r.coder) for r in rows] == [
            ("Respekt", "a-alna", "Jeg ble møtt med respekt", "Kari", "Tor"),
            ("Respekt", "b-stovner", "Ingen ringte meg tilbake etter krisen.", "Informant",
             "Hanne"),
            ("Respekt/Bli hørt", "a-alna", "møtt med respekt,\n  ærlig talt", "Kari", "Hanne"),
            ("Informasjon", "a-alna", "Velkommen 😀", "Moderator", "Tor"),
            ("Informasjon", "a-alna", "Det var  bra å få vite hva som skjer.", "Deltaker 2",
             "Hanne"),
            ("Informasjon", "b-stovner", "Ingen ringte meg tilbake", "Informant", "Tor"),
        ]
        first = rows[0]
        assert first.definition == "Å bli sett og tatt på alvor."
        assert first.attributes == {"bydel": "Alna", "tjeneste": "DPS"}
        assert first.valence == 1 and rows[1].valence == -1 and rows[3].valence is None
        doc_text = s.scalar(select(Document.text).where(Document.name == "a-alna"))
        for r in rows:
            if r.document == "a-alna":
                assert doc_text[r.start:r.end] == r.text
        # child codes are included; filters by coder and document
        assert [r.code for r in quote_rows(s, codes=["Respekt"])] == [
            "Respekt", "Respekt", "Respekt/Bli hørt"]
        assert [r.text for r in quote_rows(s, codes=["Bli hørt"])] == [
            "møtt med respekt,\n  ærlig talt"]
        assert {r.coder for r in quote_rows(s, coders=["Tor"])} == {"Tor"}
        assert {r.document for r in quote_rows(s, documents=["b-stovner"])} == {"b-stovner"}
        assert quote_rows(s, codes=["Tom"]) == []
        with pytest.raises(NotFound):
            quote_rows(s, codes=["Finnes ikke"])
        with pytest.raises(NotFound):
            quote_rows(s, coders=["Nobody"])


def test_word_file_groups_by_attribute_without_empty_groups(small, tmp_path):
    out = tmp_path / "sitater.docx"
    with small.read() as s:
        write_quotes_docx(s, out, group_by="bydel", title="Sitater om respekt")
    assert headings(out) == [
        ("Title", "Sitater om respekt"),
        ("Heading 1", "Respekt"),
        ("Heading 2", "bydel: Alna"),
        ("Heading 2", "bydel: (no value)"),
        ("Heading 1", "Respekt / Bli hørt"),
        ("Heading 2", "bydel: Alna"),
        ("Heading 1", "Informasjon"),
        ("Heading 2", "bydel: Alna"),
        ("Heading 2", "bydel: (no value)"),
    ]
    body = blocks(out)
    # the definition follows the code's heading; every group heading is followed by its table
    i = body.index(("p", "Heading 1", "Respekt"))
    assert body[i + 1] == ("p", "Normal", "Å bli sett og tatt på alvor.")
    tables = []
    for k, (kind, style, _text) in enumerate(body):
        if style == "Heading 2":
            assert body[k + 1][0] == "t"
            tables.append(quote_table(body[k + 1][2]))
    assert len(tables) == 5 == sum(1 for b in body if b[0] == "t")
    assert tables[0] == [HEADER, ["«Jeg ble møtt med respekt»", "a-alna | Kari | DPS", "Tor"]]
    assert tables[1] == [HEADER, ["«Ingen ringte meg tilbake etter krisen.»",
                                  "b-stovner | Informant | Legevakt", "Hanne"]]
    assert tables[2][1][0] == "«møtt med respekt, ærlig talt»"
    assert [r[0] for r in tables[3][1:]] == ["«Velkommen 😀»",
                                             "«Det var bra å få vite hva som skjer.»"]
    for t in (b[2] for b in body if b[0] == "t"):
        assert is_repeated_header(t.rows[0])
        assert not any(is_repeated_header(r) for r in t.rows[1:])


def test_word_file_without_groups_and_without_a_service_attribute(project, tmp_path):
    from app.core import codebook as cb

    text = "Deltaker 1: Hun hørte på meg.\n"
    with project.write() as s:
        code = cb.create_code(s, "Respekt")
        doc = Document(name="d1", text=text, length=len(text), sha256="x")
        coder = Coder(name="Hanne")
        s.add_all([doc, coder])
        s.flush()
        s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=12, end=29))
    out = tmp_path / "q.docx"
    with project.read() as s:
        write_quotes_docx(s, out)
    assert headings(out) == [("Title", "Quotes"), ("Heading 1", "Respekt")]
    (table,) = [b[2] for b in blocks(out) if b[0] == "t"]
    assert quote_table(table) == [HEADER, ["«Hun hørte på meg.»", "d1", "Hanne"]]


def test_grouping_by_service_drops_the_service_column_and_limit_cuts_rows(small, tmp_path):
    out = tmp_path / "q.docx"
    with small.read() as s:
        write_quotes_docx(s, out, codes=["Informasjon"], group_by="tjeneste", limit=2)
    assert headings(out)[1:] == [("Heading 1", "Informasjon"), ("Heading 2", "tjeneste: DPS")]
    (table,) = [b[2] for b in blocks(out) if b[0] == "t"]
    assert quote_table(table)[0] == HEADER
    assert [r[1] for r in quote_table(table)[1:]] == ["a-alna | Moderator",
                                                      "a-alna | Deltaker 2"]  # no service
    assert len(table.rows) == 3
    assert any("Only the first 2 of 3 quotes" in b[2] for b in blocks(out) if b[0] == "p")


def test_anonymised_word_file_names_nobody(small, tmp_path):
    out = tmp_path / "anonym.docx"
    with small.read() as s:
        write_quotes_docx(s, out, group_by="bydel", coders=["Hanne", "Tor"], anonymise=True)
    body = blocks(out)
    texts = [b[2] for b in body if b[0] == "p"]
    cells = [c for b in body if b[0] == "t" for row in table_texts(b[2]) for c in row]
    for name in ("a-alna", "b-stovner", "Hanne", "Tor", "Kari"):
        assert not any(name in t for t in texts + cells), name
    assert any(t.startswith("Anonymised:") for t in texts)
    sources = [line for b in body if b[0] == "t" for line in source_lines(b[2])]
    for name in ("a-alna", "b-stovner", "Hanne", "Tor", "Kari"):
        assert not any(name in line for line in sources), name
    assert "Interview 1 · Participant · coded by Coder B · no round · no codebook version · " \
           "¶ 2, 42\u201366" in sources
    rows = [row for b in body if b[0] == "t" for row in quote_table(b[2])[1:]]
    assert ["«Jeg ble møtt med respekt»", "Interview 1 | Participant | DPS", "Coder B"] in rows
    assert ["«Ingen ringte meg tilbake etter krisen.»", "Interview 2 | Informant | Legevakt",
            "Coder A"] in rows
    assert {r[1].split(" | ")[1] for r in rows} == {"Participant", "Informant", "Moderator",
                                                    "Deltaker 2"}


def test_generic_speaker_labels():
    for label in ("Moderator", "Medmoderator", "Intervjuer", "Informant", "Deltaker 3",
                  "Deltaker", "I", "D1", "P12", "M"):
        assert is_generic_speaker(label), label
    for label in ("Kari", "Ole Hansen", "Fatima"):
        assert not is_generic_speaker(label), label


def test_errors_are_the_users(small, tmp_path):
    before = set(tmp_path.iterdir())
    with small.read() as s:
        with pytest.raises(NotFound):
            write_quotes_docx(s, tmp_path / "q.docx", group_by="kommune")
        with pytest.raises(InvalidInput):
            write_quotes_docx(s, tmp_path / "missing" / "q.docx")
        with pytest.raises(InvalidInput):
            write_quotes_csv(s, tmp_path / "missing" / "q.csv")
    assert set(tmp_path.iterdir()) == before


def test_csv_and_xlsx_read_back(small, tmp_path):
    with small.read() as s:
        expected = quote_rows(s)
        write_quotes_csv(s, tmp_path / "q.csv", group_by="bydel")
        write_quotes_xlsx(s, tmp_path / "q.xlsx", group_by="bydel")
        write_quotes_csv(s, tmp_path / "anon.csv", anonymise=True)
    note = ("Scope: Passages: overlapping codings of one code by different coders count once; "
            "all coders.")
    header = ["Code", "bydel", "Quote", "Document", "Speaker", "Service", "Coder", "Valence",
              "Guid", "Start", "End", "Round", "Codebook version"]
    want = [[r.code, r.attributes.get("bydel", ""), r.text, r.document, r.speaker,
             r.attributes.get("tjeneste", ""), r.coder,
             {1: "+1", -1: "-1"}.get(r.valence, ""), r.guid, str(r.start), str(r.end), "", ""]
            for r in expected]
    raw = (tmp_path / "q.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (tmp_path / "q.csv").open(encoding="utf-8-sig", newline="") as fh:
        got = list(csv.reader(fh))
    assert got == [["# " + note], header] + want
    ws = load_workbook(tmp_path / "q.xlsx").active
    sheet = [[c if c is not None else "" for c in row] for row in ws.iter_rows(values_only=True)]
    assert sheet[0][0] == note and sheet[1:] == [header] + want
    assert ws["A2"].font.b and ws.freeze_panes == "A3" and ws.auto_filter.ref.startswith("A2:")
    with (tmp_path / "anon.csv").open(encoding="utf-8-sig", newline="") as fh:
        anon = list(csv.reader(fh))
    flat = " ".join(c for row in anon[2:] for c in row)
    assert "Hanne" not in flat and "a-alna" not in flat and "Kari" not in flat
    assert anon[2][2:7] == ["Interview 1", "Participant", "DPS", "Coder B", "+1"]


def test_xlsx_never_turns_a_quote_into_a_formula(project, tmp_path):
    from app.core import codebook as cb

    text = "=HYPERLINK(\"x\") sa hun\n"
    with project.write() as s:
        code = cb.create_code(s, "Respekt")
        doc = Document(name="d", text=text, length=len(text), sha256="x")
        coder = Coder(name="=Hanne")
        s.add_all([doc, coder])
        s.flush()
        s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=0, end=23))
    with project.read() as s:
        write_quotes_xlsx(s, tmp_path / "q.xlsx")
    ws = load_workbook(tmp_path / "q.xlsx").active
    assert ws["B3"].value == text[:23] and ws["B3"].data_type == "s"  # under note and header
    assert ws["E3"].value == "=Hanne" and ws["E3"].data_type == "s"


def test_every_sample_passage_appears_exactly_once_as_a_quote(sample, tmp_path):
    out = tmp_path / "alle.docx"
    with sample.read() as s:
        write_quotes_docx(s, out, group_by="bydel")
        codings = list(s.execute(select(Document.id, Document.text, Coding.code_id,
                                        Coding.start, Coding.end)
                                 .join(Document, Document.id == Coding.document_id)))
        rows = quote_rows(s)
    spans: dict = {}
    for doc, text, code, a, b in sorted(codings, key=lambda r: (r[0], r[2], r[3], r[4])):
        found = spans.setdefault((doc, code), [])
        if found and a < found[-1][1]:
            found[-1][1] = max(found[-1][1], b)
        else:
            found.append([a, b])
    texts = {doc: text for doc, text, *_rest in codings}
    want = Counter("«" + normalise_space(texts[doc][a:b]) + "»"
                   for (doc, _code), found in spans.items() for a, b in found)
    body = blocks(out)
    got = Counter(row[0] for b in body if b[0] == "t" for row in table_texts(b[2])[1:])
    assert len(codings) == 1085 + 42 and got == want and sum(got.values()) == len(rows) < 1085 - 264
    # a Heading 2 exists exactly for the (code, bydel) pairs that have quotes
    seen = {(r.code, r.attributes.get("bydel", "")) for r in rows}
    pairs, code = [], None
    for kind, style, text in body:
        if style == "Heading 1":
            code = text
        elif style == "Heading 2":
            pairs.append((code, text.split(": ", 1)[1]))
    assert sorted(pairs) == sorted((c.replace("/", " / "), v) for c, v in seen)
    assert all(b[2].rows[0].cells[0].text == "Quote" for b in body if b[0] == "t")
    assert docx.Document(str(out)).sections[0].footer.paragraphs[0]._p.xml.count("PAGE") == 1


def test_speaker_of_a_coding_that_starts_on_the_label():
    from app.core.export.quotes import _speaker_at

    turns = ([12, 40], [30, 60], ["Moderator", "Kari"])  # labels sit in 0-12 and 30-40
    assert _speaker_at(turns, 12, 20) == "Moderator"
    assert _speaker_at(turns, 29, 45) == "Moderator"
    assert _speaker_at(turns, 32, 45) == "Kari"  # starts on "Kari: ", runs into her turn
    assert _speaker_at(turns, 0, 5) == ""  # header text before any turn
    assert _speaker_at(turns, 61, 70) == ""
    assert _speaker_at(None, 1, 2) == ""
