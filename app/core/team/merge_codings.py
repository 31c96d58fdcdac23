"""Merging one source's codings into the target: a lean read of the source, de-duplication in
SQL and one bulk INSERT ... SELECT, in the caller's transaction (no ORM object per coding).

The source's codings are read in (document, start) order with the bare driver and mapped onto
the target in one Python pass (documents, codes, coders, rounds, codebook versions; codings on
an edited document are re-anchored, codings that cannot be placed are reported) into a
temporary table. SQL then finds, as sets, the codings the target already holds (document, code,
coder, start, end, round or 0: the unique index ux_coding_span), the first of each new span,
and the guids already in use, and copies the new codings into `coding` in source order. Only
the rows that need a message, a new guid or a memo/valence merge come back to Python.
"""

from __future__ import annotations

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
STAGE = "temp.merge_stage"
CACHE_KIB = 65536  # the page cache of the merging connection: index updates stay in memory
_STAGE_COLUMNS = ('seq, guid, document_id, code_id, coder_id, start, "end", memo, valence, '
                  'created_at, round_id, round_key, codebook_version_id, src_version, '
                  'reanchored')
_SOURCE_QUERY = ('SELECT coding.guid, coding.document_id, coding.code_id, coding.coder_id, '
                 'coding.start, coding."end", coding.memo, coding.valence, coding.created_at, '
                 'coding.round_id, coding.codebook_version_id FROM coding '
                 'ORDER BY coding.document_id, coding.start')
_SPAN_MATCH = ('SELECT c.id FROM main.coding AS c WHERE c.document_id = m.document_id AND '
               'c.code_id = m.code_id AND c.coder_id = m.coder_id AND c.start = m.start AND '
               'c."end" = m."end" AND coalesce(c.round_id, 0) = m.round_key')
# SQLAlchemy's storage format of a DateTime in SQLite; any other value is normalised through it
_CANONICAL_TIME = "-".join(["[0-9]" * 4, "[0-9]" * 2, "[0-9]" * 2]) + " " + ":".join(
    ["[0-9]" * 2] * 3) + "." + "[0-9]" * 6
# the order of a coding's messages: placing, round, codebook version, memo, valence
K_PLACE, K_ROUND, K_VERSION, K_MEMO, K_VALENCE = range(5)


def _reason_text(reason: str) -> str:
    return {DELETED: _("its text was removed"),
            BOUNDARY: _("the words at its edges were changed")}.get(
        reason, _("its text was changed"))


def prepare(s: Session) -> None:
    """Make the target's connection ready: a larger page cache and the staging table."""
    cur = _driver(s).cursor()
    cur.execute(f"PRAGMA main.cache_size = -{CACHE_KIB}")
    cur.execute('CREATE TEMP TABLE IF NOT EXISTS merge_stage (seq INTEGER PRIMARY KEY, '
                'guid TEXT, document_id INTEGER NOT NULL, code_id INTEGER NOT NULL, '
                'coder_id INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, '
                'memo TEXT NOT NULL, valence INTEGER, created_at TEXT, round_id INTEGER, '
                'round_key INTEGER NOT NULL, codebook_version_id INTEGER, src_version INTEGER, '
                'reanchored INTEGER NOT NULL, target_id INTEGER, added INTEGER NOT NULL DEFAULT 1)')
    cur.execute(f"PRAGMA temp.cache_size = -{CACHE_KIB // 4}")
    cur.close()


def finish(s: Session) -> None:
    _driver(s).execute("DROP TABLE IF EXISTS temp.merge_stage")


def _driver(s: Session):
    """The sqlite3 connection under the session's transaction."""
    return s.connection().connection.dbapi_connection


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
    cur = _driver(s).cursor()
    cur.execute(f"DELETE FROM {STAGE}")
    cur.executemany(f"INSERT INTO {STAGE} ({_STAGE_COLUMNS}) VALUES "
                    f"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", staged)
    del staged
    _normalise_times(s, cur)
    _add_new(cur)
    added, reanchored = cur.execute(
        f"SELECT count(*), coalesce(sum(reanchored), 0) FROM {STAGE} WHERE added").fetchone()
    counts.codings_added += added
    counts.codings_reanchored += reanchored
    counts.codings_duplicate += cur.execute(
        f"SELECT count(*) FROM {STAGE} WHERE NOT added").fetchone()[0]
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
    rows = cur.execute(_SOURCE_QUERY).fetchall()
    cur.close()
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
        out.append((seq, guid, doc, code, coder, start, end, memo or "", valence, created,
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


def _normalise_times(s: Session, cur) -> None:
    """Creation times stored in another form than SQLAlchemy's are rewritten as it would read
    and write them (as the ORM did when it copied codings one by one)."""
    odd = cur.execute(f"SELECT seq, created_at FROM {STAGE} WHERE created_at IS NOT NULL AND "
                      f"(typeof(created_at) <> 'text' OR created_at NOT GLOB ?)",
                      (_CANONICAL_TIME,)).fetchall()
    if odd:
        dialect = s.get_bind().dialect
        kind = DateTime().dialect_impl(dialect)
        from_db, to_db = kind.result_processor(dialect, None), kind.bind_processor(dialect)
        cur.executemany(f"UPDATE {STAGE} SET created_at = ? WHERE seq = ?",
                        [(to_db(from_db(value)), seq) for seq, value in odd])


def _add_new(cur) -> None:
    """Mark and insert the staged codings the target lacks, in source order: the first of each
    span not held yet, with its own guid unless that is empty or taken (then a new one)."""
    cur.execute(f"UPDATE {STAGE} AS m SET target_id = ({_SPAN_MATCH}), added = 0 "
                f"WHERE EXISTS ({_SPAN_MATCH})")
    key = 'document_id, code_id, coder_id, start, "end", round_key'
    if cur.execute(f"SELECT 1 FROM {STAGE} WHERE added GROUP BY {key} HAVING count(*) > 1 "
                   f"LIMIT 1").fetchone():  # the same new span twice: only the first is added
        cur.execute(f"UPDATE {STAGE} SET added = 0 WHERE added AND seq NOT IN (SELECT min(seq) "
                    f"FROM {STAGE} WHERE added GROUP BY {key})")
    taken = {seq for (seq,) in cur.execute(
        f"SELECT seq FROM {STAGE} WHERE added AND (guid IS NULL OR guid = '' OR guid IN "
        f"(SELECT guid FROM main.coding))")}
    for (guid,) in cur.execute(f"SELECT guid FROM {STAGE} WHERE added AND guid <> '' "
                               f"GROUP BY guid HAVING count(*) > 1").fetchall():
        taken.update(seq for (seq,) in cur.execute(  # all but the first that has it
            f"SELECT seq FROM {STAGE} WHERE added AND guid = ? ORDER BY seq LIMIT -1 OFFSET 1",
            (guid,)))
    if taken:
        cur.executemany(f"UPDATE {STAGE} SET guid = ? WHERE seq = ?",
                        [(new_guid(), seq) for seq in sorted(taken)])
    cur.execute(f'INSERT INTO main.coding (guid, document_id, code_id, coder_id, start, "end", '
                f'memo, valence, created_at, round_id, codebook_version_id) SELECT guid, '
                f'document_id, code_id, coder_id, start, "end", memo, valence, created_at, '
                f'round_id, codebook_version_id FROM {STAGE} WHERE added ORDER BY seq')
    # a later coding of a span first added just now is a duplicate of that one
    cur.execute(f"UPDATE {STAGE} AS m SET target_id = ({_SPAN_MATCH}) "
                f"WHERE target_id IS NULL AND NOT added")  # (each has one)


def _provenance_of_added(cur, provenance: parts.ProvenanceMap, messages: _Messages) -> None:
    """Say once per codebook version this project lacks (at the first coding added with it),
    and count the codings added to closed rounds (in the order they were first added to)."""
    for src_version, first in cur.execute(
            f"SELECT src_version, min(seq) FROM {STAGE} WHERE added AND src_version IS NOT NULL "
            f"AND codebook_version_id IS NULL GROUP BY src_version ORDER BY min(seq)").fetchall():
        provenance.version(src_version)
        messages.take(first, K_VERSION)
    if provenance.closed:
        for round_id, n in cur.execute(
                f"SELECT round_id, count(*) FROM {STAGE} WHERE added AND round_id IS NOT NULL "
                f"GROUP BY round_id ORDER BY min(seq)").fetchall():
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
            f'm.code_id, m.coder_id, m.start, m."end" FROM {STAGE} AS m JOIN main.coding AS c '
            f"ON c.id = m.target_id WHERE NOT m.added AND (m.memo <> '' OR m.valence IS NOT "
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
        cur.executemany("UPDATE main.coding SET memo = ? WHERE id = ?", memo_updates)
    if valence_updates:
        cur.executemany("UPDATE main.coding SET valence = ? WHERE id = ?", valence_updates)
