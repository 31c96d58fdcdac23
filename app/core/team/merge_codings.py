"""Merging one source's codings into the target: a lean read of the source, de-duplication in
SQL and one bulk INSERT ... SELECT, in the caller's transaction (no ORM object per coding).

The source's codings are read in (document, start) order with the bare driver and mapped onto
the target in one Python pass (documents, codes, coders, rounds, codebook versions; codings on
an edited document are re-anchored, codings that cannot be placed are reported) into a
temporary table. SQL then finds, as sets, the codings the target already holds (document, code,
coder, start, end, round or 0: the unique index ux_coding_span), the first of each new span,
and the guids already in use, and copies the new codings into `coding` in source order. Only
the rows that need a message, a new guid or a memo/valence merge come back to Python.

Both backends run the same SQL: the staging table is a TEMP table (ON COMMIT DROP on
PostgreSQL), statements are written with `?` and turned into the driver's own parameter style,
and creation times are brought to the target's form in Python while staging.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, select
from sqlalchemy.orm import Session

from app.core.team.merge_report import SourceCounts
from app.core.team.reanchor import BOUNDARY, DELETED, Aligner
from app.i18n import _
from app.models import Document, new_guid

if TYPE_CHECKING:
    from app.core.team import merge_parts as parts

SNIPPET = 60
STAGE = "merge_stage"
CACHE_KIB = 65536  # the page cache of the merging connection: index updates stay in memory
_STAGE_COLUMNS = ('seq, guid, document_id, code_id, coder_id, start, "end", memo, valence, '
                  'created_at, round_id, round_key, codebook_version_id, src_version, '
                  'reanchored')
_SOURCE_QUERY = ('SELECT coding.guid, coding.document_id, coding.code_id, coding.coder_id, '
                 'coding.start, coding."end", coding.memo, coding.valence, coding.created_at, '
                 'coding.round_id, coding.codebook_version_id FROM coding '
                 'ORDER BY coding.document_id, coding.start')
_SPAN_MATCH = ('SELECT c.id FROM coding AS c WHERE c.document_id = m.document_id AND '
               'c.code_id = m.code_id AND c.coder_id = m.coder_id AND c.start = m.start AND '
               'c."end" = m."end" AND coalesce(c.round_id, 0) = m.round_key')
# SQLAlchemy's storage format of a DateTime in SQLite; any other value is normalised through it
_CANONICAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}", re.ASCII)
# the order of a coding's messages: placing, round, codebook version, memo, valence
K_PLACE, K_ROUND, K_VERSION, K_MEMO, K_VALENCE = range(5)


def _reason_text(reason: str) -> str:
    return {DELETED: _("its text was removed"),
            BOUNDARY: _("the words at its edges were changed")}.get(
        reason, _("its text was changed"))


def prepare(s: Session) -> None:
    """Make the target's connection ready: the staging table (and on SQLite a larger page
    cache)."""
    sqlite = _is_sqlite(s)
    cur = _Cursor(s)
    if sqlite:
        cur.execute(f"PRAGMA main.cache_size = -{CACHE_KIB}")
    cur.execute('CREATE TEMP TABLE IF NOT EXISTS merge_stage (seq INTEGER PRIMARY KEY, '
                'guid TEXT, document_id INTEGER NOT NULL, code_id INTEGER NOT NULL, '
                'coder_id INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, '
                'memo TEXT NOT NULL, valence INTEGER, created_at '
                + ('TEXT' if sqlite else 'TIMESTAMP') + ', round_id INTEGER, '
                'round_key INTEGER NOT NULL, codebook_version_id INTEGER, src_version INTEGER, '
                'reanchored INTEGER NOT NULL, target_id INTEGER, added INTEGER NOT NULL DEFAULT 1)'
                + ('' if sqlite else ' ON COMMIT DROP'))
    if sqlite:
        cur.execute(f"PRAGMA temp.cache_size = -{CACHE_KIB // 4}")
    cur.close()


def finish(s: Session) -> None:
    _Cursor(s).execute(f"DROP TABLE IF EXISTS {STAGE}").close()


def _is_sqlite(s: Session) -> bool:
    return s.get_bind().dialect.name == "sqlite"


def _driver(s: Session):
    """The driver's connection (sqlite3 or psycopg) under the session's transaction."""
    return s.connection().connection.dbapi_connection


class _Cursor:
    """The driver's cursor, taking statements written with `?` parameters on either driver."""

    def __init__(self, s: Session) -> None:
        self.cur = _driver(s).cursor()
        self.qmark = _is_sqlite(s)

    def _sql(self, sql: str) -> str:
        return sql if self.qmark else sql.replace("?", "%s")

    def execute(self, sql: str, params: tuple = ()) -> "_Cursor":
        self.cur.execute(self._sql(sql), params)
        return self

    def executemany(self, sql: str, rows) -> None:
        self.cur.executemany(self._sql(sql), rows)

    def fetchone(self):
        return self.cur.fetchone()

    def fetchall(self):
        return self.cur.fetchall()

    def __iter__(self):
        return iter(self.cur.fetchall())

    def close(self) -> None:
        self.cur.close()


class _Messages:
    """Conflicts of this source tagged with the coding (and step) they come from, so messages
    found later in SQL still appear in source order."""

    def __init__(self, counts: SourceCounts) -> None:
        self.counts = counts
        self.base = len(counts.conflicts)
        self.tagged: list[tuple[int, int, dict]] = []

    def take(self, seq: int, kind: int) -> None:
        """Tag the conflicts recorded since the last call."""
        new = self.counts.conflicts[self.base:]
        if new:
            del self.counts.conflicts[self.base:]
            self.tagged.extend((seq, kind, c) for c in new)

    def settle(self) -> None:
        self.tagged.sort(key=lambda x: (x[0], x[1]))  # stable: one step's messages keep order
        self.counts.conflicts.extend(c for _seq, _kind, c in self.tagged)
        self.tagged = []


def merge_codings(s: Session, r: Session, t: parts.TargetIndex, docs: dict[int, int],
                  edited: dict[int, str], codes: dict[int, int], coders: dict[int, int],
                  counts: SourceCounts, provenance: parts.ProvenanceMap) -> None:
    """Add the source's codings the target lacks; duplicates lend their memo and valence
    where the target has none (see the module docstring)."""
    messages = _Messages(counts)
    staged = _stage_rows(s, r, t, docs, edited, codes, coders, counts, provenance, messages)
    cur = _Cursor(s)
    cur.execute(f"DELETE FROM {STAGE}")
    cur.executemany(f"INSERT INTO {STAGE} ({_STAGE_COLUMNS}) VALUES "
                    f"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", staged)
    del staged
    _add_new(cur)
    added, reanchored = cur.execute(
        f"SELECT count(*), coalesce(sum(reanchored), 0) FROM {STAGE} WHERE added = 1").fetchone()
    counts.codings_added += int(added)
    counts.codings_reanchored += int(reanchored)
    counts.codings_duplicate += int(cur.execute(
        f"SELECT count(*) FROM {STAGE} WHERE added = 0").fetchone()[0])
    _provenance_of_added(cur, provenance, messages)
    _merge_notes(cur, t, counts, messages)
    cur.close()
    messages.settle()
    provenance.report_closed()


def _stage_rows(s: Session, r: Session, t: parts.TargetIndex, docs: dict[int, int],
                edited: dict[int, str], codes: dict[int, int], coders: dict[int, int],
                counts: SourceCounts, provenance: parts.ProvenanceMap,
                messages: _Messages) -> list[tuple]:
    """The source's codings mapped onto the target, one tuple per coding that can be placed
    (columns of the staging table); those that cannot are reported."""
    rounds, versions = provenance.rounds, provenance.versions
    lengths, codable = t.doc_lengths, t.codable
    out: list[tuple] = []
    cur = _driver(r).cursor()
    cur.execute(_SOURCE_QUERY)
    rows = cur.fetchall()
    cur.close()
    time_of = _time_converter(s, r)
    for seq, (guid, src_doc, src_code, src_coder, start, end, memo, valence, created,
              src_round, src_version) in enumerate(rows):
        doc, code, coder = docs[src_doc], codes[src_code], coders[src_coder]
        on_edited = src_doc in edited
        if on_edited:
            placed = _place(s, r, t, edited[src_doc], src_doc, doc, code, coder, start, end,
                            counts)
            if placed is None:
                messages.take(seq, K_PLACE)
                continue
            start, end = placed
        if not (codable.get(code, True) and 0 <= start < end <= lengths[doc]):
            _refuse(t, doc, code, coder, start, end, counts)
            messages.take(seq, K_PLACE)
            continue
        if src_round is None:
            round_id = None
        else:
            round_id = rounds.get(src_round)
            if round_id is None:
                provenance.round(src_round)  # says once that the round is not here
                messages.take(seq, K_ROUND)
        out.append((seq, guid, doc, code, coder, start, end, memo or "", valence,
                    None if created is None else time_of(created),
                    round_id, round_id or 0,
                    None if src_version is None else versions.get(src_version), src_version,
                    int(on_edited)))
    return out


def _place(s: Session, r: Session, t: parts.TargetIndex, sha: str, src_doc: int, doc: int,
           code: int, coder: int, start: int, end: int,
           counts: SourceCounts) -> tuple[int, int] | None:
    """A coding on an edited document re-anchored onto this project's text, or None (reported)."""
    aligner = t.aligners.get((sha, doc))
    if aligner is None:  # one per text pair, shared by sources with the same text
        aligner = t.aligners[(sha, doc)] = Aligner(
            r.scalar(select(Document.text).where(Document.id == src_doc)),
            s.scalar(select(Document.text).where(Document.id == doc)))
    anchor = aligner.place(start, end)
    if anchor.placed:
        return anchor.start, anchor.end
    counts.codings_unplaced += 1
    snippet = aligner.old[start:end]
    if len(snippet) > SNIPPET:
        snippet = snippet[:SNIPPET - 1] + "…"
    w = _where(t, doc, code, coder, start, end)
    counts.conflict("coding", _(
        "A coding of {code} by {coder} in {document} ({start}-{end}, «{text}») "
        "could not be placed on the edited text: {reason}.").format(
        text=snippet, reason=_reason_text(anchor.reason), **w),
        **w, reason=anchor.reason, text=snippet)
    return None


def _refuse(t: parts.TargetIndex, doc: int, code: int, coder: int, start: int, end: int,
            counts: SourceCounts) -> None:
    """Report why a coding cannot be added here."""
    counts.codings_unplaced += 1
    w = _where(t, doc, code, coder, start, end)
    if not t.codable.get(code, True):
        counts.conflict("coding", _(
            "A coding of {code} by {coder} in {document} ({start}-{end}) was not added: {code} "
            "only groups other codes here.").format(**w), **w, reason="group_code")
    else:
        counts.conflict("coding", _(
            "A coding of {code} by {coder} in {document} ({start}-{end}) was not added: the "
            "range is outside the document.").format(**w), **w, reason="outside")


def _where(t: parts.TargetIndex, doc: int, code: int, coder: int, start: int,
           end: int) -> dict:
    return {"document": t.doc_names[doc], "code": t.code_paths[code],
            "coder": t.coder_names[coder], "start": start, "end": end}


def _time_converter(s: Session, r: Session):
    """A creation time as the source's driver gives it -> as the target stores it: read and
    written as SQLAlchemy would (as the ORM did when it copied codings one by one). Between
    project files a time already in SQLAlchemy's form is kept as it is."""
    def processors(dialect):
        kind = DateTime().dialect_impl(dialect)
        return kind.result_processor(dialect, None), kind.bind_processor(dialect)

    from_db = processors(r.get_bind().dialect)[0] or (lambda v: v)
    to_db = processors(s.get_bind().dialect)[1] or (lambda v: v)
    if not (_is_sqlite(s) and _is_sqlite(r)):
        return lambda value: to_db(from_db(value))
    canonical = _CANONICAL_TIME.fullmatch

    def convert(value):
        if isinstance(value, str) and canonical(value):
            return value
        return to_db(from_db(value))
    return convert


def _add_new(cur) -> None:
    """Mark and insert the staged codings the target lacks, in source order: the first of each
    span not held yet, with its own guid unless that is empty or taken (then a new one)."""
    cur.execute(f"UPDATE {STAGE} AS m SET target_id = ({_SPAN_MATCH}), added = 0 "
                f"WHERE EXISTS ({_SPAN_MATCH})")
    key = 'document_id, code_id, coder_id, start, "end", round_key'
    if cur.execute(f"SELECT 1 FROM {STAGE} WHERE added = 1 GROUP BY {key} "
                   f"HAVING count(*) > 1 LIMIT 1").fetchone():  # the same new span twice:
        cur.execute(f"UPDATE {STAGE} SET added = 0 WHERE added = 1 AND seq NOT IN "  # the first
                    f"(SELECT min(seq) FROM {STAGE} WHERE added = 1 GROUP BY {key})")
    taken = {seq for (seq,) in cur.execute(
        f"SELECT seq FROM {STAGE} WHERE added = 1 AND (guid IS NULL OR guid = '' OR guid IN "
        f"(SELECT guid FROM coding))")}
    for (guid,) in cur.execute(f"SELECT guid FROM {STAGE} WHERE added = 1 AND guid <> '' "
                               f"GROUP BY guid HAVING count(*) > 1").fetchall():
        taken.update(seq for (seq,) in cur.execute(  # all but the first that has it
            f"SELECT seq FROM {STAGE} WHERE added = 1 AND guid = ? AND seq > "
            f"(SELECT min(seq) FROM {STAGE} WHERE added = 1 AND guid = ?)", (guid, guid)))
    if taken:
        cur.executemany(f"UPDATE {STAGE} SET guid = ? WHERE seq = ?",
                        [(new_guid(), seq) for seq in sorted(taken)])
    cur.execute(f'INSERT INTO coding (guid, document_id, code_id, coder_id, start, "end", '
                f'memo, valence, created_at, round_id, codebook_version_id) SELECT guid, '
                f'document_id, code_id, coder_id, start, "end", memo, valence, created_at, '
                f'round_id, codebook_version_id FROM {STAGE} WHERE added = 1 ORDER BY seq')
    # a later coding of a span first added just now is a duplicate of that one
    cur.execute(f"UPDATE {STAGE} AS m SET target_id = ({_SPAN_MATCH}) "
                f"WHERE target_id IS NULL AND added = 0")  # (each has one)


def _provenance_of_added(cur, provenance: parts.ProvenanceMap, messages: _Messages) -> None:
    """Say once per codebook version this project lacks (at the first coding added with it),
    and count the codings added to closed rounds (in the order they were first added to)."""
    for src_version, first in cur.execute(
            f"SELECT src_version, min(seq) FROM {STAGE} WHERE added = 1 AND src_version IS NOT "
            f"NULL AND codebook_version_id IS NULL GROUP BY src_version "
            f"ORDER BY min(seq)").fetchall():
        provenance.version(src_version)
        messages.take(first, K_VERSION)
    if provenance.closed:
        for round_id, n in cur.execute(
                f"SELECT round_id, count(*) FROM {STAGE} WHERE added = 1 AND round_id IS NOT "
                f"NULL GROUP BY round_id ORDER BY min(seq)").fetchall():
            if round_id in provenance.closed:
                provenance.into_closed[round_id] = provenance.into_closed.get(round_id, 0) + n


def _merge_notes(cur, t: parts.TargetIndex, counts: SourceCounts, messages: _Messages) -> None:
    """Duplicates: take the source's memo and valence where the target has none; where both
    have one and they differ, this project's is kept and the difference reported."""
    have: dict[int, list] = {}
    memo_updates, valence_updates = [], []
    for (seq, memo, valence, target, mine_memo, mine_valence, doc, code, coder, start,
         end) in cur.execute(
            f'SELECT m.seq, m.memo, m.valence, m.target_id, c.memo, c.valence, m.document_id, '
            f'm.code_id, m.coder_id, m.start, m."end" FROM {STAGE} AS m JOIN coding AS c '
            f"ON c.id = m.target_id WHERE m.added = 0 AND (m.memo <> '' OR m.valence IS NOT "
            f"NULL) ORDER BY m.seq").fetchall():
        mine = have.setdefault(target, [mine_memo or "", mine_valence])
        if memo.strip() and memo != mine[0]:
            if mine[0].strip():
                w = _where(t, doc, code, coder, start, end)
                counts.conflict("memo", _(
                    "The memo of a coding of {code} by {coder} in {document} ({start}-{end}) "
                    "differs in {source}; this project's memo was kept.").format(
                    source=counts.name, **w), **w)
                messages.take(seq, K_MEMO)
            else:
                memo_updates.append((memo, target))
                mine[0] = memo
                counts.memos_added += 1
        if valence is not None and valence != mine[1]:
            if mine[1] is not None:
                w = _where(t, doc, code, coder, start, end)
                counts.conflict("valence", _(
                    "The valence of a coding of {code} by {coder} in {document} ({start}-{end}) "
                    "differs in {source}; this project's valence was kept.").format(
                    source=counts.name, **w), **w)
                messages.take(seq, K_VALENCE)
            else:
                valence_updates.append((valence, target))
                mine[1] = valence
    if memo_updates:
        cur.executemany("UPDATE coding SET memo = ? WHERE id = ?", memo_updates)
    if valence_updates:
        cur.executemany("UPDATE coding SET valence = ? WHERE id = ?", valence_updates)
