"""Quote exports in each analysis scope: a passage two coders coded is one row with both
coders (never printed twice); every quote in Word has a source line with document, speaker,
coders, round, codebook version, paragraph number and offsets; CSV/XLSX carry guid, start,
end, round and version columns and name their scope."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from app.core import codebook as cb
from app.core.export.quotes import quote_rows, write_quotes_csv, write_quotes_docx, \
    write_quotes_xlsx
from app.models import CodebookVersion, Coder, Coding, Document, Round, SpeakerTurn
from tests.core.export.conftest import blocks, source_lines, table_texts

TEXT = ("Intervju i Alna\n"
        "\n"
        "Moderator: Hvordan ble dere møtt?\n"
        "\n"
        "Kari: Jeg ble møtt med respekt. De hørte på meg.\n"
        "Kari: Men ingen ringte tilbake.\n")


def at(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


@pytest.fixture
def team(project):
    """Hanne and Tor coded 'Jeg ble møtt med respekt.' alike in Runde 1 (codebook v1); Tor
    also 'De hørte på meg.' overlapping Hanne's longer span; Konsensus one passage."""
    with project.write() as s:
        respekt = cb.create_code(s, "Respekt")
        doc = Document(name="ind1-alna", text=TEXT, length=len(TEXT), sha256="t")
        who = {n: Coder(name=n) for n in ("Hanne", "Tor", "Konsensus")}
        version = CodebookVersion(name="v1", snapshot="[]")
        s.add_all([doc, *who.values(), version])
        s.flush()
        rnd = Round(name="Runde 1", codebook_version_id=version.id, position=1)
        s.add(rnd)
        s.flush()
        for label, line in (("Moderator", 2), ("Kari", 4), ("Kari", 5)):
            text_line = TEXT.split("\n")[line]
            start = TEXT.index(text_line) + len(label) + 2
            s.add(SpeakerTurn(document_id=doc.id, start=start,
                              end=TEXT.index(text_line) + len(text_line), speaker=label))

        def code(coder, quote, **kw):
            a, b = at(quote)
            s.add(Coding(document_id=doc.id, code_id=respekt.id, coder_id=who[coder].id, start=a,
                         end=b, **kw))

        for coder in ("Hanne", "Tor"):
            code(coder, "Jeg ble møtt med respekt.", round_id=rnd.id,
                 codebook_version_id=version.id, valence=1)
        code("Hanne", "hørte på meg.", memo="kort")
        code("Tor", "De hørte på", memo="kort")
        code("Hanne", "ingen ringte tilbake.", valence=-1)
        code("Konsensus", "Jeg ble møtt med respekt.", valence=1)
    return project


def test_one_row_per_passage_with_its_coders(team):
    with team.read() as s:
        rows = quote_rows(s, coders=["Hanne", "Tor"])
        every = quote_rows(s, coders=["Hanne", "Tor"], scope="codings")
        consensus = quote_rows(s, scope="consensus")
    assert [(r.text, r.coders, r.rounds, r.versions, r.paragraph) for r in rows] == [
        ("Jeg ble møtt med respekt.", ("Hanne", "Tor"), ("Runde 1",), ("v1",), 3),
        ("De hørte på meg.", ("Hanne", "Tor"), (), (), 3),
        ("ingen ringte tilbake.", ("Hanne",), (), (), 4),
    ]
    assert rows[0].coder == "Hanne, Tor" and len(rows[0].guid.split()) == 2
    assert rows[1].memo == "kort" and rows[0].speaker == "Kari"
    assert len(every) == 5  # every coding: the shared passage twice
    assert [(r.text, r.coders) for r in consensus] == [
        ("Jeg ble møtt med respekt.", ("Konsensus",))]


def test_word_prints_each_passage_once_with_a_source_line(team, tmp_path):
    out = tmp_path / "sitater.docx"
    with team.read() as s:
        write_quotes_docx(s, out, coders=["Hanne", "Tor"])
    body = blocks(out)
    texts = [b[2] for b in body if b[0] == "p"]
    assert ("Scope: Passages: overlapping codings of one code by different coders count once; "
            "coders: Hanne, Tor.") in texts
    (table,) = [b[2] for b in body if b[0] == "t"]
    quotes = [row[0] for row in table_texts(table)[1:]]
    assert quotes == ["«Jeg ble møtt med respekt.»", "«De hørte på meg.»",
                      "«ingen ringte tilbake.»"]
    a, b = at("Jeg ble møtt med respekt.")
    c, d = at("De hørte på meg.")
    e, f = at("ingen ringte tilbake.")
    assert source_lines(table) == [
        f"ind1-alna · Kari · coded by Hanne, Tor · round Runde 1 · codebook v1 · ¶ 3, {a}\u2013{b}",
        f"ind1-alna · Kari · coded by Hanne, Tor · no round · no codebook version · "
        f"¶ 3, {c}\u2013{d}",
        f"ind1-alna · Kari · coded by Hanne · no round · no codebook version · ¶ 4, {e}\u2013{f}",
    ]
    assert [row[-1] for row in table_texts(table)[1:]] == ["Hanne, Tor", "Hanne, Tor", "Hanne"]


def test_every_coding_scope_prints_the_shared_passage_per_coder(team, tmp_path):
    out = tmp_path / "alle.docx"
    with team.read() as s:
        write_quotes_docx(s, out, coders=["Hanne", "Tor"], scope="codings")
    (table,) = [b[2] for b in blocks(out) if b[0] == "t"]
    quotes = [row[0] for row in table_texts(table)[1:]]
    assert quotes.count("«Jeg ble møtt med respekt.»") == 2
    assert any(t.startswith("Scope: Every coding") for k, _s, t in blocks(out) if k == "p")


def test_csv_and_xlsx_columns(team, tmp_path):
    with team.read() as s:
        rows = quote_rows(s, coders=["Hanne", "Tor"])
        write_quotes_csv(s, tmp_path / "q.csv", coders=["Hanne", "Tor"])
        write_quotes_xlsx(s, tmp_path / "q.xlsx", coders=["Hanne", "Tor"], scope="codings")
    with (tmp_path / "q.csv").open(encoding="utf-8-sig", newline="") as fh:
        got = list(csv.reader(fh))
    assert got[0] == ["# Scope: Passages: overlapping codings of one code by different coders "
                      "count once; coders: Hanne, Tor."]
    header = got[1]
    assert header[-5:] == ["Guid", "Start", "End", "Round", "Codebook version"]
    first = dict(zip(header, got[2]))
    a, b = at("Jeg ble møtt med respekt.")
    assert (first["Start"], first["End"], first["Round"], first["Codebook version"]) == (
        str(a), str(b), "Runde 1", "v1")
    assert first["Guid"].split() == list(rows[0].guids) and first["Coder"] == "Hanne, Tor"
    assert len(got) == 2 + 3  # one line per passage
    ws = load_workbook(tmp_path / "q.xlsx").active
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    assert values[0][0].startswith("Scope: Every coding")
    assert len(values) == 2 + 5 and len(set(v[-5] for v in values[2:])) == 5  # guid each


def test_anonymised_sources_name_nobody(team, tmp_path):
    out = tmp_path / "anonym.docx"
    with team.read() as s:
        write_quotes_docx(s, out, coders=["Hanne", "Tor"], anonymise=True)
    body = blocks(out)
    (table,) = [b[2] for b in body if b[0] == "t"]
    everything = " ".join([b[2] for b in body if b[0] == "p"] + source_lines(table))
    for name in ("Hanne", "Tor", "ind1-alna", "Kari"):
        assert name not in everything
    # coders are lettered by name: Hanne A, Konsensus B, Tor C
    assert source_lines(table)[0].startswith("Interview 1 · Participant · coded by Coder A, "
                                             "Coder C · round Runde 1 · codebook v1 · ¶ 3")
