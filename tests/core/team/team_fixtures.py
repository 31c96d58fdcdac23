"""Shared set-up for the coder copy and merge tests: a small lead project with transcripts
(æøå and emoji), a codebook with a group code, two coders, codings and attributes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from app.core import attributes as attrs
from app.core import codebook as cb
from app.core.coding import code_text, list_codings
from app.core.documents import text_sha256
from app.core.project import Project
from app.models import Document, SpeakerTurn

FG_A = ("Moderator: Hvordan var det første møtet med tjenesten? 🙂\n"
        "Deltaker 1: Jeg ble hørt, og hun hadde tid til meg. Det var godt å bli sett.\n"
        "Deltaker 2: Jeg måtte forklare alt på nytt. Brevet kom først etter fem uker. "
        "Ingen sa noe om bivirkningene.\n"
        "Deltaker 3: Det føltes trygt for første gang. Da slapp jeg å bære alt alene.\n")
FG_B = ("Intervjuer: Kan du si litt mer om det?\n"
        "Deltaker: Ærlig talt, jeg visste ikke hvem jeg skulle ringe. 😅 Det er slitsomt å "
        "bytte hele tiden.\n")


def add_document(s, name: str, text: str, **attributes: str) -> Document:
    doc = Document(name=name, text=text, length=len(text), sha256=text_sha256(text))
    s.add(doc)
    s.flush()
    first = text.index(":") + 2
    s.add(SpeakerTurn(document_id=doc.id, start=first, end=text.index("\n"), speaker="M"))
    if attributes:
        attrs.set_values(s, doc, attributes)
    return doc


def set_text(project: Project, name: str, text: str) -> None:
    """Replace a document's text in place (as an edited transcript would be)."""
    with project.write() as s:
        s.execute(update(Document).where(Document.name == name).values(
            text=text, length=len(text), sha256=text_sha256(text)))


def span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    assert text.count(words) == 1, words
    return start, start + len(words)


def build_lead(path: Path) -> Project:
    """The lead's project as a new file at `path`."""
    return fill_lead(Project.create(path, "BSB Oslo"))


def fill_lead(p: Project) -> Project:
    """Fill an empty project (on either backend) as the lead's: two documents, a codebook,
    two codings."""
    with p.write() as s:
        add_document(s, "fg-a", FG_A, bydel="Alna")
        add_document(s, "fg-b", FG_B, bydel="Frogner")
        group = cb.create_code(s, "Kjennetegn", codable=False)
        respekt = cb.create_code(s, "Respekt", group, "#AA0000", "Å bli tatt på alvor.")
        cb.create_code(s, "Informasjon", group, "#00AA00", "Å få vite det man trenger.")
        cb.create_code(s, "Trygghet", None)
        respekt.inclusion = "Opplevelser av å bli hørt."
        code_text(s, "fg-a", "Respekt", "Hanne", *span(FG_A, "Jeg ble hørt"))
        code_text(s, "fg-a", "Informasjon", "Tor", *span(FG_A, "Brevet kom først etter fem uker."))
    return p


def codings(project: Project) -> list[tuple]:
    """Every coding as a user would check it: document, code, coder, span, text, memo."""
    with project.read() as s:
        return sorted((c.document, c.code, c.coder, c.start, c.end, c.text, c.memo, c.valence)
                      for c in list_codings(s))


def doc_text(project: Project, name: str) -> str:
    with project.read() as s:
        return s.scalar(select(Document.text).where(Document.name == name))
