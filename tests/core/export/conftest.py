"""Fixtures for the export tests: a small hand-built project, the bundled sample, and a way to
read a Word file back as a sequence of headings, paragraphs and tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core import attributes as attrs
from app.core import codebook as cb
from app.models import Coder, Coding, Document, SpeakerTurn

# Two transcripts with æøå, an emoji, a line break inside a quote and a named speaker.
TEXT_A = ("Moderator: Velkommen 😀 alle sammen.\n"
          "Kari: Jeg ble møtt med respekt,\n  ærlig talt.\n"
          "Deltaker 2: Det var  bra å få vite hva som skjer.\n")
TEXT_B = ("Intervjuer: Hvordan var det?\n"
          "Informant: Ingen ringte meg tilbake etter krisen.\n")


def _turns(doc: Document, text: str) -> list[SpeakerTurn]:
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        label, _sep, rest = line.partition(": ")
        if rest:
            start = pos + len(label) + 2
            out.append(SpeakerTurn(document_id=doc.id, start=start,
                                   end=start + len(rest.rstrip()), speaker=label))
        pos += len(line)
    return out


def span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


@pytest.fixture
def small(project):
    """Codes Respekt (with child Bli hørt), Informasjon and an unused Tom; documents a-alna
    (bydel Alna, tjeneste DPS) and b-stovner (no bydel); coders Hanne and Tor."""
    with project.write() as s:
        attrs.define_attribute(s, "bydel", "choice", ["Stovner", "Alna"])
        attrs.define_attribute(s, "tjeneste", "text")
        respekt = cb.create_code(s, "Respekt")
        child = cb.create_code(s, "Bli hørt", respekt)
        info = cb.create_code(s, "Informasjon")
        cb.create_code(s, "Tom")
        cb.update_code(s, respekt, description="Å bli sett og tatt på alvor.")
        a = Document(name="a-alna", text=TEXT_A, length=len(TEXT_A), sha256="a")
        b = Document(name="b-stovner", text=TEXT_B, length=len(TEXT_B), sha256="b")
        hanne, tor = Coder(name="Hanne"), Coder(name="Tor")
        s.add_all([a, b, hanne, tor])
        s.flush()
        s.add_all(_turns(a, TEXT_A) + _turns(b, TEXT_B))
        attrs.set_values(s, a, {"bydel": "Alna", "tjeneste": "DPS"})
        attrs.set_values(s, b, {"tjeneste": "Legevakt"})

        def code(doc, text, quote, c, coder, valence=None):
            start, end = span(text, quote)
            s.add(Coding(document_id=doc.id, code_id=c.id, coder_id=coder.id, start=start,
                         end=end, valence=valence))

        code(a, TEXT_A, "møtt med respekt,\n  ærlig talt", child, hanne, 1)
        code(a, TEXT_A, "Jeg ble møtt med respekt", respekt, tor, 1)
        code(a, TEXT_A, "Det var  bra å få vite hva som skjer.", info, hanne)
        code(b, TEXT_B, "Ingen ringte meg tilbake", info, tor, -1)
        code(b, TEXT_B, "Ingen ringte meg tilbake etter krisen.", respekt, hanne, -1)
        code(a, TEXT_A, "Velkommen 😀", info, tor)
        s.flush()
    return project


@pytest.fixture(scope="module")
def sample_path(tmp_path_factory) -> Path:
    from app.core.sample import build_sample

    path = tmp_path_factory.mktemp("sample") / "s.sitat"
    build_sample(path).close()
    return path


@pytest.fixture
def sample(sample_path, copy_of):
    """The bundled sample, on the test's backend."""
    return copy_of(sample_path)


def blocks(path: Path) -> list[tuple[str, str, object]]:
    """The body of a .docx in order: ('p', style name, text) or ('t', '', Table)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    d = docx.Document(str(path))
    out = []
    for el in d.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(el, d)
            out.append(("p", p.style.name, p.text))
        elif tag == "tbl":
            out.append(("t", "", Table(el, d)))
    return out


def headings(path: Path) -> list[tuple[str, str]]:
    return [(style, text) for kind, style, text in blocks(path)
            if kind == "p" and (style.startswith("Heading") or style == "Title")]


def table_texts(table) -> list[list[str]]:
    """Each cell's first paragraph (a quote without the source line under it)."""
    return [[c.paragraphs[0].text if c.paragraphs else "" for c in row.cells]
            for row in table.rows]


def source_lines(table) -> list[str]:
    """The source line under the quote of every row (the first cell's second paragraph)."""
    return [row.cells[0].paragraphs[1].text for row in table.rows[1:]]
