"""Merge coder copies (or any Sitat projects) into an open project, in one transaction.

Documents are matched by text (sha256), else by name (an edited version: codings are
re-anchored onto this project's text), else added; codes by guid, then path; coders by guid,
then name; codings are de-duplicated on (document, code, coder, start, end, round) and keep
their creation time, round (matched by guid, else name) and codebook version (by name). The
source's code log entries this project lacks (by guid) are added with their own actor and
time. Memos and attribute values are merged; where both sides differ this project's is kept
and a conflict is reported. A dry run does exactly the same in a transaction that is rolled
back.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.core.backup import backup_project, remove_database
from app.core.project import Project
from app.core.team import merge_parts as parts
from app.core.team.merge_report import MergeReport, SourceCounts
from app.core.team.reanchor import BOUNDARY, DELETED, Aligner
from app.errors import InvalidInput, ProjectError
from app.i18n import _
from app.models import AttributeValue, Coding, Document, new_guid

SNIPPET = 60


def _reason_text(reason: str) -> str:
    return {DELETED: _("its text was removed"),
            BOUNDARY: _("the words at its edges were changed")}.get(
        reason, _("its text was changed"))


def _open_sources(target: Project, sources: list[Path]) -> list[Project]:
    """Open every source read-only first, so a bad one stops the merge before any write."""
    if not sources:
        raise InvalidInput(_("Choose at least one project to merge."))
    opened: list[Project] = []
    try:
        for raw in sources:
            path = Path(raw)
            if path.exists() and target.path.exists() and os.path.samefile(path, target.path):
                raise ProjectError(_("{name} is the project itself; choose another project to "
                                     "merge into it.").format(name=path.name))
            opened.append(Project.open(path, read_only=True))
    except BaseException:
        for p in opened:
            p.close()
        raise
    return opened


def merge_projects(target: Project, sources: list[Path], dry_run: bool = False) -> MergeReport:
    """Merge `sources` into `target` (see the module docstring). Unless `dry_run`, a backup of
    the target is written first and its path reported; a failed merge changes nothing."""
    if target.read_only:
        raise ProjectError(_("{name} is open read-only; changes are not possible.").format(
            name=target.path.name))
    opened = _open_sources(target, sources)
    report = MergeReport([str(p.path) for p in opened], dry_run)
    try:
        if dry_run:
            with target.read() as s:  # the same writes, rolled back when the block ends
                _merge_all(s, opened, report)
            return report
        backup = backup_project(target)
        report.backup = str(backup)
        try:
            with target.write() as s:
                _merge_all(s, opened, report)
        except BaseException:
            remove_database(backup)  # nothing changed, so the backup is not needed
            raise
        return report
    finally:
        for p in opened:
            p.close()


def _merge_all(s: Session, sources: list[Project], report: MergeReport) -> None:
    t = parts.TargetIndex.load(s)
    existing = _CodingIndex.load(s)
    for src in sources:
        counts = SourceCounts(str(src.path))
        report.per_source.append(counts)
        with src.read() as r:
            _merge_one(s, r, t, existing, counts)
    s.flush()


def _merge_one(s: Session, r: Session, t: parts.TargetIndex, existing: "_CodingIndex",
               counts: SourceCounts) -> None:
    parts.merge_project_memo(s, r, counts)
    coders = parts.merge_coders(s, r, t, counts)
    logged = parts.merge_code_events(s, r, counts)
    codes = parts.merge_codes(s, r, t, counts, logged)
    attr_names = parts.merge_attribute_definitions(s, r, t, counts)
    docs, edited = _merge_documents(s, r, t, attr_names, counts)
    _merge_codings(s, r, t, existing, docs, edited, codes, coders, counts,
                   parts.ProvenanceMap(s, r, counts))


def _merge_documents(s: Session, r: Session, t: parts.TargetIndex, attr_names: dict[int, str],
                     counts: SourceCounts) -> tuple[dict[int, int], dict[int, str]]:
    """source document id -> target id, and for edited versions source id -> its sha256."""
    values: dict[int, list[tuple[str, str]]] = {}
    for doc, attr, value in r.execute(select(AttributeValue.document_id,
                                             AttributeValue.attribute_id, AttributeValue.value)):
        values.setdefault(doc, []).append((attr_names[attr], value))
    docs: dict[int, int] = {}
    edited: dict[int, str] = {}
    for i, name, sha, memo in r.execute(select(Document.id, Document.name, Document.sha256,
                                               Document.memo).order_by(Document.id)):
        same_text = t.doc_by_sha.get(sha, [])
        tid = next((d for d, n in same_text if n == name), None)
        if tid is None and same_text:
            tid = same_text[0][0]
        if tid is None and name in t.doc_by_name:
            tid, edited[i] = t.doc_by_name[name], sha
            counts.documents_edited += 1
        if tid is None:
            tid = parts.add_document(s, r, t, i)
            counts.documents_added += 1
        else:
            counts.documents_matched += 1
        docs[i] = tid
        parts.merge_document_memo(s, t, tid, memo or "", counts)
        parts.merge_values(s, t, tid, values.get(i, []), counts)
    return docs, edited


class _CodingIndex:
    """The target's codings by (document, code, coder, start, end, round id or 0) -> [guid,
    memo, valence], and every coding guid in use."""

    def __init__(self) -> None:
        self.by_key: dict[tuple, list] = {}
        self.guids: set[str] = set()

    @classmethod
    def load(cls, s: Session) -> "_CodingIndex":
        out = cls()
        for guid, doc, code, coder, start, end, memo, valence, round_id in s.execute(select(
                Coding.guid, Coding.document_id, Coding.code_id, Coding.coder_id, Coding.start,
                Coding.end, Coding.memo, Coding.valence, Coding.round_id)):
            out.by_key[(doc, code, coder, start, end, round_id or 0)] = [guid, memo or "",
                                                                       valence]
            out.guids.add(guid)
        return out


def _merge_codings(s: Session, r: Session, t: parts.TargetIndex, existing: _CodingIndex,
                   docs: dict[int, int], edited: dict[int, str], codes: dict[int, int],
                   coders: dict[int, int], counts: SourceCounts,
                   provenance: parts.ProvenanceMap) -> None:
    batch, memo_updates, valence_updates = [], [], []

    def where(doc: int, code: int, coder: int, start: int, end: int) -> dict:
        return {"document": t.doc_names[doc], "code": t.code_paths[code],
                "coder": t.coder_names[coder], "start": start, "end": end}

    rows = r.execute(select(Coding.guid, Coding.document_id, Coding.code_id, Coding.coder_id,
                            Coding.start, Coding.end, Coding.memo, Coding.valence,
                            Coding.created_at, Coding.round_id, Coding.codebook_version_id)
                   .order_by(Coding.document_id, Coding.start)).all()
    for (guid, src_doc, src_code, src_coder, start, end, memo, valence, created, src_round,
         src_version) in rows:
        doc, code, coder = docs[src_doc], codes[src_code], coders[src_coder]
        on_edited = src_doc in edited
        if on_edited:
            aligner = t.aligners.get((edited[src_doc], doc))
            if aligner is None:  # one per text pair, shared by sources with the same text
                aligner = t.aligners[(edited[src_doc], doc)] = Aligner(
                    r.scalar(select(Document.text).where(Document.id == src_doc)),
                    s.scalar(select(Document.text).where(Document.id == doc)))
            anchor = aligner.place(start, end)
            if not anchor.placed:
                counts.codings_unplaced += 1
                snippet = aligner.old[start:end]
                if len(snippet) > SNIPPET:
                    snippet = snippet[:SNIPPET - 1] + "…"
                w = where(doc, code, coder, start, end)
                counts.conflict("coding", _(
                    "A coding of {code} by {coder} in {document} ({start}-{end}, «{text}») "
                    "could not be placed on the edited text: {reason}.").format(
                    text=snippet, reason=_reason_text(anchor.reason), **w),
                    **w, reason=anchor.reason, text=snippet)
                continue
            start, end = anchor.start, anchor.end
        refused = _refusal(t, doc, code, start, end)
        if refused:
            counts.codings_unplaced += 1
            w = where(doc, code, coder, start, end)
            counts.conflict("coding", refused[1].format(**w), **w, reason=refused[0])
            continue
        round_id = provenance.round(src_round)
        key = (doc, code, coder, start, end, round_id or 0)
        have = existing.by_key.get(key)
        if have is not None:
            counts.codings_duplicate += 1
            _merge_coding_notes(have, memo or "", valence, memo_updates, valence_updates,
                                counts, where(*key[:5]))
            continue
        if not guid or guid in existing.guids:
            guid = new_guid()
        existing.guids.add(guid)
        existing.by_key[key] = [guid, memo or "", valence]
        batch.append({"guid": guid, "document_id": doc, "code_id": code, "coder_id": coder,
                      "start": start, "end": end, "memo": memo or "", "valence": valence,
                      "created_at": created, "round_id": round_id,
                      "codebook_version_id": provenance.version(src_version)})
        counts.codings_added += 1
        counts.codings_reanchored += on_edited
        provenance.added(round_id)
    provenance.report_closed()
    if batch:
        s.execute(insert(Coding.__table__), batch)
    table = Coding.__table__
    if memo_updates:
        s.execute(update(table).where(table.c.guid == bindparam("g"))
                  .values(memo=bindparam("v")), memo_updates)
    if valence_updates:
        s.execute(update(table).where(table.c.guid == bindparam("g"))
                  .values(valence=bindparam("v")), valence_updates)


def _refusal(t: parts.TargetIndex, doc: int, code: int, start: int,
             end: int) -> tuple[str, str] | None:
    """Why a coding cannot be added here (reason, message template), or None."""
    if not t.codable.get(code, True):
        return "group_code", _("A coding of {code} by {coder} in {document} ({start}-{end}) was "
                               "not added: {code} only groups other codes here.")
    if not 0 <= start < end <= t.doc_lengths[doc]:
        return "outside", _("A coding of {code} by {coder} in {document} ({start}-{end}) was "
                            "not added: the range is outside the document.")
    return None


def _merge_coding_notes(have: list, memo: str, valence: int | None, memo_updates: list,
                        valence_updates: list, counts: SourceCounts, w: dict) -> None:
    """A duplicate coding: take the source's memo and valence where the target has none."""
    guid, mine_memo, mine_valence = have
    if memo.strip() and memo != mine_memo:
        if mine_memo.strip():
            counts.conflict("memo", _(
                "The memo of a coding of {code} by {coder} in {document} ({start}-{end}) differs "
                "in {source}; this project's memo was kept.").format(source=counts.name, **w),
                **w)
        else:
            memo_updates.append({"g": guid, "v": memo})
            have[1] = memo
            counts.memos_added += 1
    if valence is not None and valence != mine_valence:
        if mine_valence is not None:
            counts.conflict("valence", _(
                "The valence of a coding of {code} by {coder} in {document} ({start}-{end}) "
                "differs in {source}; this project's valence was kept.").format(
                source=counts.name, **w), **w)
        else:
            valence_updates.append({"g": guid, "v": valence})
            have[2] = valence
