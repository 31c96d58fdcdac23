"""Where a quote comes from, for the source line under every quote in Word: document, speaker,
coder(s), round and codebook version, and its position as paragraph number and offsets
("¶ 12, 3410-3502"). The paragraph number is the 1-based count of non-empty lines of the
stored text up to the quote's start, so a reader can find the quote in the transcript."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import _
from app.models import Document, SpeakerTurn


def paragraph_starts(text: str) -> list[int]:
    """The offsets where the non-empty lines of `text` begin."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append(pos)
        pos += len(line) + 1
    return out


def paragraph_at(starts: list[int], offset: int) -> int:
    """The 1-based number of the paragraph (non-empty line) `offset` lies in, or the last one
    before it."""
    return max(1, bisect_right(starts, offset))


def speaker_at(turns, start: int, end: int) -> str:
    """The speaker of the turn `start` falls in; a quote that starts on a label (between
    turns) and runs into the next turn gets that turn's speaker. `turns` is
    (starts, ends, labels) in text order, or None."""
    if not turns:
        return ""
    starts, ends, labels = turns
    i = bisect_right(starts, start) - 1
    if i >= 0 and start < ends[i]:
        return labels[i]
    if i + 1 < len(starts) and starts[i + 1] < end:
        return labels[i + 1]
    return ""


def load_turns(s: Session, doc_ids: Iterable[int]) -> dict[int, tuple[list, list, list]]:
    """Per document: the starts, ends and speaker labels of its turns, in text order."""
    out: dict[int, tuple[list[int], list[int], list[str]]] = {}
    ids = sorted(set(doc_ids))
    if not ids:
        return out
    rows = s.execute(select(SpeakerTurn.document_id, SpeakerTurn.start, SpeakerTurn.end,
                            SpeakerTurn.speaker)
                     .where(SpeakerTurn.document_id.in_(ids))
                     .order_by(SpeakerTurn.document_id, SpeakerTurn.start))
    for doc_id, a, b, speaker in rows:
        starts, ends, labels = out.setdefault(doc_id, ([], [], []))
        starts.append(a)
        ends.append(b)
        labels.append(speaker)
    return out


class Sources:
    """Texts, speakers and paragraph numbers of the given documents, each read once."""

    def __init__(self, s: Session, doc_ids: Iterable[int]):
        self.s = s
        self.turns = load_turns(s, doc_ids)
        self._texts: dict[int, str] = {}
        self._paragraphs: dict[int, list[int]] = {}

    def text(self, doc_id: int) -> str:
        text = self._texts.get(doc_id)
        if text is None:
            text = self._texts[doc_id] = self.s.scalar(
                select(Document.text).where(Document.id == doc_id)) or ""
        return text

    def quote(self, doc_id: int, start: int, end: int) -> str:
        return self.text(doc_id)[start:end]

    def speaker(self, doc_id: int, start: int, end: int) -> str:
        return speaker_at(self.turns.get(doc_id), start, end)

    def paragraph(self, doc_id: int, start: int) -> int:
        starts = self._paragraphs.get(doc_id)
        if starts is None:
            starts = self._paragraphs[doc_id] = paragraph_starts(self.text(doc_id))
        return paragraph_at(starts, start)


@dataclass(frozen=True)
class Source:
    """What a source line says about one quote."""

    document: str
    speaker: str
    coders: tuple[str, ...]
    rounds: tuple[str, ...]
    versions: tuple[str, ...]
    paragraph: int
    start: int
    end: int

    def line(self, document: Callable[[str], str] = str, coder: Callable[[str], str] = str,
             speaker: Callable[[str], str] = str) -> str:
        """'fg05 · Deltaker 3 · coded by Hanne, Tor · round Runde 1 · codebook v1 · ¶ 12,
        3410-3502'; the callables replace names (anonymised exports)."""
        return source_line(document(self.document), speaker(self.speaker),
                           [coder(c) for c in self.coders], self.rounds, self.versions,
                           self.paragraph, self.start, self.end)


def source_line(document: str, speaker: str, coders: Iterable[str], rounds: Iterable[str],
                versions: Iterable[str], paragraph: int, start: int, end: int) -> str:
    rounds, versions, coders = list(rounds), list(versions), list(coders)
    parts = [document, speaker,
             _("coded by {names}").format(names=", ".join(coders)) if coders else "",
             _("round {names}").format(names=", ".join(rounds)) if rounds else _("no round"),
             (_("codebook {names}").format(names=", ".join(versions)) if versions
              else _("no codebook version")),
             f"¶ {paragraph}, {start}\u2013{end}"]
    return " · ".join(p for p in parts if p)


def quote_source(q: dict) -> Source:
    """The source of a display's quote dict (see `app.core.displays.matrix`)."""
    return Source(q.get("document", ""), q.get("speaker", ""), tuple(q.get("coders") or ()),
                  tuple(q.get("rounds") or ()), tuple(q.get("codebook_versions") or ()),
                  int(q.get("paragraph") or 1), int(q.get("start") or 0),
                  int(q.get("end") or 0))
