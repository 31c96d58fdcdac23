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

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.backup import backup_project, remove_database
from app.core.project import Project
from app.core.server.location import ServerLocation, is_server_url
from app.core.team import merge_codings
from app.core.team import merge_parts as parts
from app.core.team.merge_report import MergeReport, SourceCounts
from app.errors import InvalidInput, ProjectError
from app.i18n import _
from app.models import AttributeValue, Document


def _open_sources(target: Project, sources: list[Path]) -> list[Project]:
    """Open every source read-only first, so a bad one stops the merge before any write."""
    if not sources:
        raise InvalidInput(_("Choose at least one project to merge."))
    opened: list[Project] = []
    try:
        for raw in sources:
            if target.shared and is_server_url(raw) and \
                    str(ServerLocation.parse(raw)) == str(target.path):
                raise ProjectError(_("{name} is the project itself; choose another project to "
                                     "merge into it.").format(name=target.path.name))
            path = Path(raw)
            if path.exists() and not target.shared and target.path.exists() \
                    and os.path.samefile(path, target.path):
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
        backup = None if target.shared else backup_project(target)  # the server's backups
        report.backup = str(backup) if backup is not None else None
        try:
            with target.write() as s:
                _merge_all(s, opened, report)
        except BaseException:
            if backup is not None:  # nothing changed, so the backup is not needed
                remove_database(backup)
            raise
        return report
    finally:
        for p in opened:
            p.close()


def _merge_all(s: Session, sources: list[Project], report: MergeReport) -> None:
    t = parts.TargetIndex.load(s)
    merge_codings.prepare(s)
    for src in sources:
        counts = SourceCounts(str(src.path))
        report.per_source.append(counts)
        with src.read() as r:
            _merge_one(s, r, t, counts)
    merge_codings.finish(s)
    s.flush()


def _merge_one(s: Session, r: Session, t: parts.TargetIndex, counts: SourceCounts) -> None:
    parts.merge_project_memo(s, r, counts)
    coders = parts.merge_coders(s, r, t, counts)
    logged = parts.merge_code_events(s, r, counts)
    codes = parts.merge_codes(s, r, t, counts, logged)
    attr_names = parts.merge_attribute_definitions(s, r, t, counts)
    docs, edited = _merge_documents(s, r, t, attr_names, counts)
    merge_codings.merge_codings(s, r, t, docs, edited, codes, coders, counts,
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
