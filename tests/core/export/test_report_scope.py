"""The STC report in Word is traceable: it names its scope, every condensate and illustrative
quote has a source line (coders, round, codebook version, paragraph, offsets), a passage two
coders coded is quoted once, and an appendix lists the rounds with their codebook versions,
coders and agreement (a closed round as recorded, an open one marked open). The demo's Word
files print each passage of the sample once, with its coders."""

from __future__ import annotations

from collections import Counter

import docx
import pytest

from app.core import codebook as cb
from app.core.coding import code_text
from app.core.displays import condensation as stc
from app.core.export.report_docx import write_report_docx
from app.core.team.round_records import close_round
from app.core.team.rounds import create_round
from app.core.team.versions import freeze
from app.models import Document, SpeakerTurn
from tests.core.export.conftest import blocks

TEXT = ("Intervju i Alna\n"
        "\n"
        "Kari: Jeg ble møtt med respekt. De hørte på meg.\n"
        "Kari: Men ingen ringte tilbake.\n")


def at(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


@pytest.fixture
def stc_project(project):
    """Runde 1 (codebook v1, closed): Hanne and Tor coded the same span; Runde 2 (open):
    Hanne coded another; a condensate rests on the shared passage, both its codings are
    marked illustrative."""
    with project.write() as s:
        cb.create_code(s, "Respekt")
        doc = Document(name="ind1-alna", text=TEXT, length=len(TEXT), sha256="t")
        s.add(doc)
        s.flush()
        for line in TEXT.split("\n")[2:4]:
            start = TEXT.index(line)
            s.add(SpeakerTurn(document_id=doc.id, start=start + 6, end=start + len(line),
                              speaker="Kari"))
        freeze(s, "v1")
        create_round(s, "Runde 1", ["ind1-alna"], ["Hanne", "Tor"], "v1")
    with project.write() as s:
        a, b = at("Jeg ble møtt med respekt.")
        shared = [code_text(s, "ind1-alna", "Respekt", who, a, b).guid
                  for who in ("Hanne", "Tor")]
        close_round(s, "Runde 1")
        create_round(s, "Runde 2", ["ind1-alna"], ["Hanne", "Tor"])
        c, d = at("ingen ringte tilbake.")
        later = code_text(s, "ind1-alna", "Respekt", "Hanne", c, d).guid
        stc.add_condensate(s, "Respekt", "Jeg ble tatt på alvor.", shared)
        stc.add_condensate(s, "Respekt", "Ingen fulgte opp.", [later])
        for guid in shared + [later]:
            stc.set_illustrative(s, "Respekt", guid)
        stc.set_synthesis(s, "Respekt", "Brukerne vil bli tatt på alvor.")
    return project


def test_report_quotes_each_passage_once_with_its_source(stc_project, tmp_path):
    out = tmp_path / "syntese.docx"
    with stc_project.read() as s:
        write_report_docx(s, out)
    body = blocks(out)
    texts = [text for kind, _style, text in body if kind == "p"]
    assert texts[1] == ("Scope: Passages: overlapping codings of one code by different coders "
                        "count once; all coders.")
    a, b = at("Jeg ble møtt med respekt.")
    c, d = at("ingen ringte tilbake.")
    i = texts.index("«Jeg ble tatt på alvor.»")
    assert texts[i + 1] == ("Meaning units (1): ind1-alna ¶ 2 (Hanne, Tor) · round Runde 1 · "
                            "codebook v1")
    assert texts[texts.index("«Ingen fulgte opp.»") + 1] == (
        "Meaning units (1): ind1-alna ¶ 3 (Hanne) · round Runde 2 · codebook v1")
    quotes = [t for t in texts[texts.index("Illustrative quotes"):] if t.startswith("«")]
    assert quotes == ["«Jeg ble møtt med respekt.»", "«ingen ringte tilbake.»"]  # once each
    j = texts.index("«Jeg ble møtt med respekt.»", texts.index("Illustrative quotes"))
    assert texts[j + 1] == (f"ind1-alna · Kari · coded by Hanne, Tor · round Runde 1 · "
                            f"codebook v1 · ¶ 2, {a}\u2013{b}")
    assert texts[texts.index("«ingen ringte tilbake.»") + 1] == (
        f"ind1-alna · Kari · coded by Hanne · round Runde 2 · codebook v1 · ¶ 3, {c}\u2013{d}")


def test_report_ends_with_the_rounds_appendix(stc_project, tmp_path):
    out = tmp_path / "syntese.docx"
    with stc_project.read() as s:
        write_report_docx(s, out, scope="codings")
    body = blocks(out)
    k = next(i for i, b in enumerate(body) if b[2] == "Appendix: coding rounds")
    assert body[k][1] == "Heading 1"
    table = next(b[2] for b in body[k:] if b[0] == "t")
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Round", "Codebook version", "Coders", "Agreement", "Status"]
    assert rows[1][:3] == ["Runde 1", "v1", "Hanne, Tor"]
    assert rows[1][3] == "κ 1.00 · α 1.00 · 100.0 %"  # both coded alike; English figures
    assert rows[1][4].startswith("closed 20")
    assert rows[2][0] == "Runde 2" and rows[2][4] == "open (figures computed now)"
    # every coding scope: the shared passage once per coder in the illustrative quotes
    texts = [t for kind, _s, t in body if kind == "p"]
    assert texts[1].startswith("Scope: Every coding")


def test_demo_word_files_print_each_passage_once_with_its_coders(tmp_path):
    from app.core.demo import run_demo

    result = run_demo(tmp_path / "demo", language="en")  # English labels
    quotes, matrix = result.outputs[0], result.outputs[1]
    d = docx.Document(str(quotes))
    rows, code = [], None
    for kind, style, item in blocks(quotes):
        if style == "Heading 1":
            code = item
        elif kind == "t":
            rows += [(code, r.cells[0].paragraphs[0].text, r.cells[0].paragraphs[1].text)
                     for r in item.rows[1:]]
    # a passage is one code's: the same words under two codes are two passages
    per_passage = Counter((code, source) for code, _q, source in rows)
    assert max(per_passage.values()) == 1  # no passage printed twice
    shared = [source for _c, _q, source in rows if "coded by Hanne, Tor" in source]
    assert len(shared) >= 264
    assert any(p.text.startswith("Scope: Passages") for p in d.paragraphs)
    m = docx.Document(str(matrix))
    assert any(p.text.startswith("Scope: Passages") for p in m.paragraphs)
    assert any(p.text.startswith("Cells: number of passages") for p in m.paragraphs)
    assert "Scope of the Word files: Passages" in result.message
