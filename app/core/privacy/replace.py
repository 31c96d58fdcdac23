"""Replace sensitive terms by pseudonyms: in text for export, or permanently in every document.

Matching: whole words only (a term is never replaced inside a longer word such as "Karin"
for "Kari"), a genitive or possessive after it is kept and caught ("Karis", "Kari's",
"Lars'", "Tromsøs"), as are compounds joined by a hyphen ("NAV-kontoret"). Names are
case-sensitive ("Per" the name, not "per" the preposition); places and institutions are
matched in any case ("tromsø"), which may also replace a common word spelt the same way -
safer than leaving a place name in. Longer terms win over shorter ones ("Kari Nordmann"
before "Kari"); whitespace inside a term matches any run of whitespace. Terms are matched in
NFC, the form every stored transcript is in, however they were typed.

Offsets: the exact list of edits gives a precise map from old to new positions (no text
alignment needed). A span keeps covering the same words: a start or end inside a replaced
term moves out to cover the whole pseudonym.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.core.files import spreadsheet_safe
from app.core.privacy.terms import Term, clear_terms, terms as listed_terms
from app.errors import InvalidInput
from app.i18n import _, n_

_SUFFIX = r"(?=(?:s|'s|’s|')?(?!\w))"


@dataclass(frozen=True)
class Edit:
    """One replacement in the old text: [start, end) becomes `replacement`."""

    start: int
    end: int
    replacement: str
    term: str


def _pattern(items: list[Term]) -> tuple[re.Pattern | None, list[Term]]:
    ordered = sorted(items, key=lambda t: (-len(t.term), t.term))
    parts = []
    for i, t in enumerate(ordered):
        body = r"\s+".join(re.escape(w) for w in unicodedata.normalize("NFC", t.term).split())
        if t.kind != "name":
            body = f"(?i:{body})"
        parts.append(f"(?P<t{i}>{body})")
    if not parts:
        return None, ordered
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")" + _SUFFIX), ordered


def find_edits(text: str, items: Iterable[Term]) -> list[Edit]:
    """Where each term occurs in `text` (whole words), sorted and not overlapping."""
    pattern, ordered = _pattern(list(items))
    if pattern is None:
        return []
    edits = []
    for m in pattern.finditer(text):
        t = ordered[int(m.lastgroup[1:])]
        edits.append(Edit(m.start(), m.end(), t.pseudonym, t.term))
    return edits


def apply_edits(text: str, edits: list[Edit]) -> str:
    out, pos = [], 0
    for e in edits:
        out.append(text[pos:e.start])
        out.append(e.replacement)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def pseudonymise_text(text: str, items: Iterable[Term]) -> tuple[str, list[Edit]]:
    """`text` with every listed term replaced by its pseudonym, and the edits made."""
    edits = find_edits(text, items)
    return apply_edits(text, edits), edits


def export_text(s: Session, text: str) -> str:
    """`text` pseudonymised with the project's terms, for export (nothing stored changes)."""
    items = listed_terms(s)
    return pseudonymise_text(text, items)[0] if items else text


class OffsetMap:
    """Maps positions of the old text to the new one through a sorted list of edits."""

    def __init__(self, edits: list[Edit]) -> None:
        self.edits = edits
        self._new_starts = []
        shift = 0
        for e in edits:
            self._new_starts.append(e.start + shift)
            shift += len(e.replacement) - (e.end - e.start)

    def _find(self, pos: int) -> tuple[int, int]:
        """(index of the last edit starting at or before pos, or -1; the shift before it)."""
        lo, hi = 0, len(self.edits)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.edits[mid].start <= pos:
                lo = mid + 1
            else:
                hi = mid
        i = lo - 1
        return i, (self._new_starts[i] - self.edits[i].start) if i >= 0 else 0

    def _map(self, pos: int, inside_to_end: bool) -> int:
        i, shift = self._find(pos)
        if i < 0:
            return pos
        e = self.edits[i]
        new_start = self._new_starts[i]
        new_end = new_start + len(e.replacement)
        if pos == e.start:
            return new_start
        if pos < e.end:  # inside the replaced term
            return new_end if inside_to_end else new_start
        return new_end + (pos - e.end)

    def start(self, pos: int) -> int:
        """New start for a span starting at `pos` (inside a term: the pseudonym's start)."""
        return self._map(pos, inside_to_end=False)

    def end(self, pos: int) -> int:
        """New end for a span ending at `pos` (inside a term: after the pseudonym)."""
        return self._map(pos, inside_to_end=True)


@dataclass
class DocumentReport:
    document: str
    replacements: int
    codings_moved: int
    turns_moved: int
    decisions_moved: int
    codings_merged: int = 0

    def as_json(self) -> dict:
        return {"document": self.document, "replacements": self.replacements,
                "codings_moved": self.codings_moved, "turns_moved": self.turns_moved,
                "decisions_moved": self.decisions_moved, "codings_merged": self.codings_merged}


@dataclass
class ApplyReport:
    key_file: str
    terms: int
    documents: list[DocumentReport] = field(default_factory=list)
    speaker_labels: int = 0
    # Listed terms found nowhere (no replacement): they stay in the list, and the user is told.
    unreplaced: list[str] = field(default_factory=list)
    # Texts written by the team that still name a term (not changed; shown to the user):
    # area ("document_name", "memo", "condensate", "synthesis", "code") -> how many.
    left_elsewhere: dict[str, int] = field(default_factory=dict)

    @property
    def replacements(self) -> int:
        return sum(d.replacements for d in self.documents)

    def as_json(self) -> dict:
        return {"key_file": self.key_file, "terms": self.terms,
                "replacements": self.replacements, "speaker_labels": self.speaker_labels,
                "left_elsewhere": self.left_elsewhere, "unreplaced": list(self.unreplaced),
                "documents": [d.as_json() for d in self.documents]}

    def unreplaced_message(self) -> str:
        """A warning naming the terms that were found nowhere and so stay listed ("" if none)."""
        if not self.unreplaced:
            return ""
        return n_("Warning: {n} sensitive term was not found in any document or speaker "
                  "label and stays in the list: {terms}.",
                  "Warning: {n} sensitive terms were not found in any document or speaker "
                  "label and stay in the list: {terms}.", len(self.unreplaced)).format(
                     n=len(self.unreplaced), terms=", ".join(self.unreplaced))


def write_key(items: list[Term], key_out: Path) -> None:
    """Write term,pseudonym,kind as UTF-8 CSV atomically (temporary file, then rename); a
    term or pseudonym a spreadsheet could run as a formula gets a leading apostrophe."""
    key_out = Path(key_out)
    if not key_out.parent.is_dir():
        raise InvalidInput(
            _("The folder {folder} does not exist.").format(folder=str(key_out.parent)))
    if key_out.exists():
        raise InvalidInput(
            _("{name} already exists; choose a new file for the key so an earlier key is "
              "not lost.").format(name=key_out.name))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["term", "pseudonym", "kind"])
    for t in sorted(items, key=lambda x: (x.kind, x.pseudonym, x.term)):
        writer.writerow([spreadsheet_safe(t.term), spreadsheet_safe(t.pseudonym), t.kind])
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".sitat-key-", suffix=".tmp", dir=key_out.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(buf.getvalue())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, key_out)
        tmp = None
    except OSError as exc:
        raise InvalidInput(_("Cannot write the key file {name}: {reason}").format(
            name=key_out.name, reason=exc.strerror or exc)) from exc
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _move_spans(s: Session, table, doc_id: int, omap: OffsetMap, unique: tuple | None):
    """Remap the spans of one table for one document; returns (moved, merged duplicates)."""
    c = table.c
    cols = [c.id, c.start, c.end] + ([c[k] for k in unique] if unique else [])
    rows = s.execute(select(*cols).where(c.document_id == doc_id)).all()
    changes, seen, dropped = [], set(), []
    for row in rows:
        ns, ne = omap.start(row.start), omap.end(row.end)
        if unique:
            key = tuple(row[3:]) + (ns, ne)
            if key in seen:  # two spans now cover the same words: keep one
                dropped.append(row.id)
                continue
            seen.add(key)
        if (ns, ne) != (row.start, row.end):
            changes.append({"row_id": row.id, "ns": ns, "ne": ne})
    if dropped:
        s.execute(table.delete().where(c.id.in_(dropped)))
    if changes:
        from sqlalchemy import bindparam

        # Lift every moved span out of the way first so that no intermediate state breaks a
        # unique constraint, then put each at its place.
        big = max(r.end for r in rows) + 1
        ids = [ch["row_id"] for ch in changes]
        s.execute(update(table).where(c.id.in_(ids))
                  .values(start=c.start + big, end=c.end + big))
        s.execute(update(table).where(c.id == bindparam("row_id"))
                  .values(start=bindparam("ns"), end=bindparam("ne"))
                  .execution_options(synchronize_session=False), changes)
    return len(changes), len(dropped)


def apply_permanently(s: Session, key_out: Path) -> ApplyReport:
    """Replace the listed terms in every document for good (the caller's transaction).

    The key is written first; if anything after that fails, the key file is removed again
    and the caller's transaction rolls back, so the project is unchanged. Only the terms that
    were replaced leave the list; the others are named in the report (`unreplaced`). When no
    term occurs anywhere, nothing is changed and InvalidInput says so.
    """
    from app.core.documents import text_sha256
    from app.models import Coding, Document, ReviewDecision, SpeakerTurn

    items = listed_terms(s)
    if not items:
        raise InvalidInput(_("There are no sensitive terms to replace; add some first."))
    key_out = Path(key_out)
    s.flush()
    write_key(items, key_out)
    try:
        report = ApplyReport(str(key_out), len(items))
        used: Counter[str] = Counter()
        docs = s.execute(select(Document.id, Document.name, Document.text)
                         .order_by(Document.name)).all()
        for doc_id, name, body in docs:
            new_text, edits = pseudonymise_text(body, items)
            used.update(e.term for e in edits)
            if not edits:
                report.documents.append(DocumentReport(name, 0, 0, 0, 0))
                continue
            omap = OffsetMap(edits)
            moved, merged = _move_spans(s, Coding.__table__, doc_id, omap,
                                        ("code_id", "coder_id"))
            turns, _x = _move_spans(s, SpeakerTurn.__table__, doc_id, omap, None)
            decisions, _y = _move_spans(s, ReviewDecision.__table__, doc_id, omap,
                                        ("code_guid", "coder_a", "coder_b"))
            s.execute(update(Document).where(Document.id == doc_id).values(
                text=new_text, length=len(new_text), sha256=text_sha256(new_text))
                .execution_options(synchronize_session=False))
            report.documents.append(
                DocumentReport(name, len(edits), moved, turns, decisions, merged))
        report.speaker_labels = _replace_speakers(s, items, used)
        if not used:
            raise InvalidInput(_("None of the listed sensitive terms ({n}) occurs in a document "
                                 "or a speaker label, so nothing was replaced and the terms stay "
                                 "in the list. Check how they are spelt.").format(n=len(items)))
        report.unreplaced = sorted((t.term for t in items if not used[t.term]),
                                   key=lambda x: (x.casefold(), x))
        report.left_elsewhere = terms_elsewhere(s, items)
        clear_terms(s, {t.term for t in items if used[t.term]})
        s.flush()
        s.expire_all()
    except BaseException:
        key_out.unlink(missing_ok=True)
        raise
    return report


def terms_elsewhere(s: Session, items: list[Term]) -> dict[str, int]:
    """How many names, memos, condensates, syntheses and code texts still contain a term.
    These are the team's own writing, so they are reported rather than rewritten."""
    from app.models import Code, Coding, Condensate, Document, ProjectInfo, Synthesis

    pattern, _ordered = _pattern(items)
    if pattern is None:
        return {}
    areas = {
        "document_name": [select(Document.name)],
        "memo": [select(Document.memo), select(Coding.memo), select(Code.memo),
                 select(ProjectInfo.memo)],
        "condensate": [select(Condensate.text)],
        "synthesis": [select(Synthesis.text)],
        "code": [select(Code.name), select(Code.description), select(Code.example),
                 select(Code.inclusion), select(Code.exclusion)],
    }
    found = {}
    for area, queries in areas.items():
        n = sum(1 for q in queries for (value,) in s.execute(q)
                if value and pattern.search(value))
        if n:
            found[area] = n
    return found


def _replace_speakers(s: Session, items: list[Term], used: Counter | None = None) -> int:
    """Speaker labels ("Kari") are transcript text too; returns how many labels changed and
    counts the replaced terms in `used`."""
    from app.models import SpeakerTurn

    t = SpeakerTurn.__table__
    changed = 0
    for (label,) in s.execute(select(t.c.speaker).distinct()).all():
        new, edits = pseudonymise_text(label, items)
        if used is not None:
            used.update(e.term for e in edits)
        if new != label:
            s.execute(update(t).where(t.c.speaker == label).values(speaker=new[:200]))
            changed += 1
    return changed


def scrub_free_space(project) -> None:
    """After a committed apply: rewrite the SQLite file so the replaced text does not linger
    in free pages or the write-ahead log (VACUUM cannot run inside a transaction). On
    PostgreSQL, VACUUM FULL rewrites each of Sitat's tables into new files and removes the old
    ones (what the server's own WAL archive and backups hold is the administrator's)."""
    if project.engine.dialect.name == "postgresql":
        _vacuum_full(project)
        return
    raw = project.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("VACUUM")
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cur.close()
    finally:
        raw.close()


def _vacuum_full(project) -> None:
    from app.models import Base

    raw = project.engine.raw_connection()
    try:
        con = raw.driver_connection
        con.rollback()
        con.autocommit = True  # VACUUM runs outside a transaction
        for table in Base.metadata.sorted_tables:  # one at a time: each locked only briefly
            con.execute(f'VACUUM FULL "{table.name}"')
    finally:
        raw.close()


def pseudonymise_matrix(s: Session, matrix) -> None:
    """Replace the sensitive terms in the quotes of a display (cells, in place) - for exports
    and views of quote displays; the stored text is not changed."""
    from app.core.privacy.terms import terms

    items = terms(s)
    if not items or matrix.cell != "quotes":
        return
    for row in matrix.cells:
        for quotes in row:
            for q in quotes or []:
                q["text"] = pseudonymise_text(q["text"], items)[0]
