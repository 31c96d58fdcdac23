"""Merge steps for everything but codings: coders, codes, attributes, documents and memos.

Each step reads the source with column queries, matches against an in-memory index of the
target (kept up to date as rows are added) and writes in the caller's transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from app.core import codelog
from app.core.attributes import normalise_value, type_label
from app.core.codebook import COLOUR_RE, code_paths, create_code, escape_name
from app.core.team.merge_report import SourceCounts
from app.core.team.reanchor import Aligner
from app.errors import InvalidInput
from app.i18n import _
from app.models import (
    AttributeDefinition,
    AttributeValue,
    Code,
    CodebookVersion,
    CodeEvent,
    Coder,
    Document,
    ProjectInfo,
    Round,
    SpeakerTurn,
    new_guid,
)

DEFINITION_FIELDS = ("description", "inclusion", "exclusion", "example", "color", "codable")


def field_label(name: str) -> str:
    return {"description": _("definition"), "inclusion": _("inclusion criteria"),
            "exclusion": _("exclusion criteria"), "example": _("example"),
            "color": _("colour"), "codable": _("codable")}.get(name, name)


def _definition(row) -> tuple:
    return ((row.description or "").strip(), (row.inclusion or "").strip(),
            (row.exclusion or "").strip(), (row.example or "").strip(),
            (row.color or "").strip().upper(), bool(row.codable))


@dataclass
class TargetIndex:
    """The target project as far as matching needs it."""

    doc_by_sha: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    doc_by_name: dict[str, int] = field(default_factory=dict)
    doc_names: dict[int, str] = field(default_factory=dict)
    doc_lengths: dict[int, int] = field(default_factory=dict)
    doc_guids: set[str] = field(default_factory=set)
    doc_memos: dict[int, str] = field(default_factory=dict)
    code_by_guid: dict[str, int] = field(default_factory=dict)
    code_paths: dict[int, str] = field(default_factory=dict)
    code_by_path: dict[str, int] = field(default_factory=dict)
    codable: dict[int, bool] = field(default_factory=dict)
    coder_by_guid: dict[str, int] = field(default_factory=dict)
    coder_by_name: dict[str, int] = field(default_factory=dict)
    coder_names: dict[int, str] = field(default_factory=dict)
    attrs: dict[str, AttributeDefinition] = field(default_factory=dict)  # detached copies
    attr_ids: dict[str, int] = field(default_factory=dict)
    values: dict[tuple[int, int], str] = field(default_factory=dict)
    # (source text sha256, target document id) -> alignment, shared by all sources
    aligners: dict[tuple[str, int], Aligner] = field(default_factory=dict)

    @classmethod
    def load(cls, s: Session) -> "TargetIndex":
        t = cls()
        for i, guid, name, sha, length, memo in s.execute(select(
                Document.id, Document.guid, Document.name, Document.sha256, Document.length,
                Document.memo).order_by(Document.id)):
            t._add_doc(i, guid, name, sha, length, memo)
        t.code_paths = code_paths(s)
        t.code_by_path = {p: i for i, p in t.code_paths.items()}
        for i, guid, codable in s.execute(select(Code.id, Code.guid, Code.codable)):
            t.code_by_guid[guid] = i
            t.codable[i] = bool(codable)
        for i, guid, name in s.execute(select(Coder.id, Coder.guid, Coder.name)):
            t.coder_by_guid[guid], t.coder_by_name[name], t.coder_names[i] = i, i, name
        for i, name, type_, choices in s.execute(select(
                AttributeDefinition.id, AttributeDefinition.name, AttributeDefinition.type,
                AttributeDefinition.choices)):
            t.attrs[name] = AttributeDefinition(name=name, type=type_, choices=choices)
            t.attr_ids[name] = i
        t.values = {(d, a): v for d, a, v in s.execute(select(
            AttributeValue.document_id, AttributeValue.attribute_id, AttributeValue.value))}
        return t

    def _add_doc(self, i: int, guid: str, name: str, sha: str, length: int, memo: str) -> None:
        self.doc_by_sha.setdefault(sha, []).append((i, name))
        self.doc_by_name[name], self.doc_names[i], self.doc_lengths[i] = i, name, length
        self.doc_guids.add(guid)
        self.doc_memos[i] = memo or ""


def merge_project_memo(s: Session, r: Session, counts: SourceCounts) -> None:
    mine = s.scalar(select(ProjectInfo.memo)) or ""
    theirs = r.scalar(select(ProjectInfo.memo)) or ""
    if not theirs.strip() or theirs == mine:
        return
    if not mine.strip():
        s.execute(update(ProjectInfo).values(memo=theirs))
        counts.memos_added += 1
    else:
        counts.conflict("memo", _("The project memo differs in {source}; this project's memo "
                                  "was kept.").format(source=counts.name))


def merge_coders(s: Session, r: Session, t: TargetIndex, counts: SourceCounts) -> dict[int, int]:
    out = {}
    for i, guid, name, color in r.execute(select(Coder.id, Coder.guid, Coder.name, Coder.color)):
        tid = t.coder_by_guid.get(guid, t.coder_by_name.get(name))
        if tid is None:
            tid = s.execute(insert(Coder).values(guid=guid, name=name, color=color)
                            ).inserted_primary_key[0]
            t.coder_by_guid[guid], t.coder_by_name[name], t.coder_names[tid] = tid, tid, name
            counts.coders_added += 1
        out[i] = tid
    return out


def merge_codes(s: Session, r: Session, t: TargetIndex, counts: SourceCounts,
                logged: set[str] = frozenset()) -> dict[int, int]:
    """Codes by guid, then by path under the matched parent; new codes keep their guid when
    free and go after the existing siblings, in the source's order. A new code is logged as
    imported by this merge unless its guid is in `logged` (the source's own log, merged in,
    already says who made it and when)."""
    rows = {c.id: c for c in r.execute(select(
        Code.id, Code.guid, Code.name, Code.parent_id, Code.color, Code.description,
        Code.inclusion, Code.exclusion, Code.example, Code.memo, Code.codable))}
    mine = {c.id: c for c in s.execute(select(
        Code.id, Code.color, Code.description, Code.inclusion, Code.exclusion, Code.example,
        Code.memo, Code.codable))}
    out: dict[int, int] = {}
    for src_id in code_paths(r):  # tree order: parents first
        c = rows[src_id]
        parent = out.get(c.parent_id) if c.parent_id is not None else None
        path = (t.code_paths[parent] + "/" if parent is not None else "") + escape_name(c.name)
        tid = t.code_by_guid.get(c.guid, t.code_by_path.get(path))
        if tid is None:
            tid = _add_code(s, c, parent, t, c.guid not in logged, counts.name)
            counts.codes_added += 1
        elif tid in mine:  # (not a code this very source has just added)
            _compare_code(s, c, mine[tid], t.code_paths[tid], counts)
        out[src_id] = tid
    return out


def _add_code(s: Session, c, parent: int | None, t: TargetIndex, log: bool = True,
              source: str = "") -> int:
    guid = c.guid if c.guid not in t.code_by_guid else None
    colour = c.color if COLOUR_RE.match(c.color or "") else None
    code = create_code(s, c.name, s.get(Code, parent) if parent is not None else None, colour,
                       c.description or "", bool(c.codable), guid, log_as=None)
    s.execute(update(Code).where(Code.id == code.id).values(
        inclusion=c.inclusion or "", exclusion=c.exclusion or "", example=c.example or "",
        memo=c.memo or ""))
    prefix = t.code_paths[parent] + "/" if parent is not None else ""
    t.code_paths[code.id] = prefix + escape_name(code.name)
    t.code_by_path[t.code_paths[code.id]] = code.id
    t.code_by_guid[code.guid] = code.id
    t.codable[code.id] = bool(c.codable)
    if log or code.guid != c.guid:  # what the merge itself did: one line per code it added
        codelog.record(s, "import", code.guid, t.code_paths[code.id], merged_from=source)
    return code.id


def _compare_code(s: Session, c, mine, path: str, counts: SourceCounts) -> None:
    theirs_def, mine_def = _definition(c), _definition(mine)
    if theirs_def != mine_def:
        fields = [field_label(f) for f, a, b in zip(DEFINITION_FIELDS, mine_def, theirs_def)
                  if a != b]
        counts.conflict("code_definition", _(
            "The code {code} is defined differently in {source} ({fields}); this project's "
            "definition was kept.").format(code=path, source=counts.name,
                                           fields=", ".join(fields)), code=path)
    theirs_memo, mine_memo = c.memo or "", mine.memo or ""
    if theirs_memo.strip() and theirs_memo != mine_memo:
        if mine_memo.strip():
            counts.conflict("memo", _("The memo of the code {code} differs in {source}; this "
                                      "project's memo was kept.").format(
                code=path, source=counts.name), code=path)
        else:
            s.execute(update(Code).where(Code.id == mine.id).values(memo=theirs_memo))
            counts.memos_added += 1


def merge_attribute_definitions(s: Session, r: Session, t: TargetIndex,
                                counts: SourceCounts) -> dict[int, str]:
    """source attribute id -> attribute name in the target (added when missing)."""
    out = {}
    top = s.scalar(select(func.max(AttributeDefinition.sort_order))) or 0
    for i, name, type_, choices in r.execute(select(
            AttributeDefinition.id, AttributeDefinition.name, AttributeDefinition.type,
            AttributeDefinition.choices).order_by(AttributeDefinition.sort_order,
                                                  AttributeDefinition.id)):
        mine = t.attrs.get(name)
        if mine is None:
            top += 1
            t.attr_ids[name] = s.execute(insert(AttributeDefinition).values(
                name=name, type=type_, choices=choices or "", sort_order=top)
            ).inserted_primary_key[0]
            t.attrs[name] = AttributeDefinition(name=name, type=type_, choices=choices or "")
            counts.attributes_added += 1
        elif mine.type != type_:
            counts.conflict("attribute_definition", _(
                "The attribute {attribute} is of type {theirs} in {source} but {ours} here; "
                "this project's type was kept.").format(
                attribute=name, theirs=type_label(type_), ours=type_label(mine.type),
                source=counts.name), attribute=name)
        out[i] = name
    return out


def merge_values(s: Session, t: TargetIndex, doc: int, values: list[tuple[str, str]],
                 counts: SourceCounts) -> None:
    """Attribute values of one matched or added document: missing ones are added (checked
    against the target's definition), differing ones are kept as the target has them."""
    document = t.doc_names[doc]
    for name, raw in values:
        d, key = t.attrs[name], (doc, t.attr_ids[name])
        try:
            value = normalise_value(d, raw)
        except InvalidInput as exc:
            counts.conflict("attribute", _(
                "The attribute {attribute} of {document} is «{value}» in {source}, which does "
                "not fit here ({reason}); it was not added.").format(
                attribute=name, document=document, value=raw, source=counts.name,
                reason=str(exc)), document=document, attribute=name)
            continue
        mine = t.values.get(key)
        if mine is None:
            s.execute(insert(AttributeValue).values(document_id=doc, attribute_id=key[1],
                                                    value=value))
            t.values[key] = value
            counts.attribute_values_added += 1
        elif mine != value:
            counts.conflict("attribute", _(
                "The attribute {attribute} of {document} is «{theirs}» in {source} and "
                "«{ours}» here; this project's value was kept.").format(
                attribute=name, document=document, theirs=value, ours=mine,
                source=counts.name), document=document, attribute=name)


def merge_document_memo(s: Session, t: TargetIndex, doc: int, memo: str,
                        counts: SourceCounts) -> None:
    mine = t.doc_memos.get(doc, "")
    if not (memo or "").strip() or memo == mine:
        return
    if mine.strip():
        counts.conflict("memo", _("The memo of the document {document} differs in {source}; "
                                  "this project's memo was kept.").format(
            document=t.doc_names[doc], source=counts.name),
            document=t.doc_names[doc])
        return
    s.execute(update(Document).where(Document.id == doc).values(memo=memo))
    t.doc_memos[doc] = memo
    counts.memos_added += 1


def add_document(s: Session, r: Session, t: TargetIndex, src_id: int) -> int:
    """Copy one source document (text, turns) into the target; its guid is kept when free."""
    d = r.execute(select(Document.guid, Document.name, Document.text, Document.original_filename,
                         Document.source_format, Document.imported_at)
                  .where(Document.id == src_id)).one()
    sha = hashlib.sha256(d.text.encode("utf-8")).hexdigest()
    guid = d.guid if d.guid and d.guid not in t.doc_guids else new_guid()
    values = dict(name=d.name, text=d.text, length=len(d.text), sha256=sha,
                  original_filename=d.original_filename or "",
                  source_format=d.source_format or "txt", imported_at=d.imported_at, memo="",
                  guid=guid)
    new_id = s.execute(insert(Document).values(**values)).inserted_primary_key[0]
    turns = [{"document_id": new_id, "start": a, "end": b, "speaker": who}
             for a, b, who in r.execute(select(SpeakerTurn.start, SpeakerTurn.end,
                                               SpeakerTurn.speaker)
                                        .where(SpeakerTurn.document_id == src_id))]
    if turns:
        s.execute(insert(SpeakerTurn), turns)
    t._add_doc(new_id, guid, d.name, sha, len(d.text), "")
    return new_id


# -- provenance and the code log -------------------------------------------------------------
def merge_code_events(s: Session, r: Session, counts: SourceCounts) -> set[str]:
    """Copy the source's code operations that the target's log does not hold yet (by guid),
    with their own time and actor, so work done in a coder copy is logged once, as its coder
    did it. Returns the code guids those new entries are about (codes they made or split
    off), whose arrival the merge need not log again."""
    mine = set(s.scalars(select(CodeEvent.guid)))
    rows = []
    about: set[str] = set()
    for e in r.scalars(select(CodeEvent).order_by(CodeEvent.at, CodeEvent.id)):
        if e.guid in mine:
            continue
        mine.add(e.guid)
        rows.append({"guid": e.guid, "at": e.at, "actor": e.actor, "operation": e.operation,
                     "code_guid": e.code_guid, "path": e.path, "details": e.details})
        about.add(e.code_guid)
        try:
            into = json.loads(e.details or "{}").get("into")
        except (ValueError, AttributeError):
            into = None
        if isinstance(into, str):
            about.add(into)
    if rows:
        s.execute(insert(CodeEvent), rows)
    counts.code_events_added += len(rows)
    return about


class ProvenanceMap:
    """Source round and codebook version ids -> the target's (round by guid, else by name;
    version by name); one the target lacks maps to None, reported once when a coding needs it."""

    def __init__(self, s: Session, r: Session, counts: SourceCounts) -> None:
        by_guid = dict(s.execute(select(Round.guid, Round.id)).all())
        by_name = dict(s.execute(select(Round.name, Round.id)).all())
        self.counts = counts
        self.rounds: dict[int, int | None] = {}
        self.round_names: dict[int, str] = {}
        for i, guid, name in r.execute(select(Round.id, Round.guid, Round.name)):
            self.rounds[i] = by_guid.get(guid, by_name.get(name))
            self.round_names[i] = name
        versions = dict(s.execute(select(CodebookVersion.name, CodebookVersion.id)).all())
        self.versions: dict[int, int | None] = {}
        self.version_names: dict[int, str] = {}
        for i, name in r.execute(select(CodebookVersion.id, CodebookVersion.name)):
            self.versions[i], self.version_names[i] = versions.get(name), name
        self._said: set[tuple[str, int]] = set()
        self.closed = {i: name for i, name in s.execute(
            select(Round.id, Round.name).where(Round.closed_at.is_not(None)))}
        self.into_closed: dict[int, int] = {}  # target round id -> codings added to it

    def added(self, round_id: int | None) -> None:
        """A coding was added with `round_id` (counted when that round is closed)."""
        if round_id in self.closed:
            self.into_closed[round_id] = self.into_closed.get(round_id, 0) + 1

    def report_closed(self) -> None:
        """Say which closed rounds received codings: their records keep the figures as closed."""
        for rid, n in self.into_closed.items():
            name = self.closed[rid]
            self.counts.conflict("closed_round", _(
                "The round {round} is closed; codings from {source} were added to it ({n}), "
                "but its record keeps the figures it was closed with.").format(
                round=name, n=n, source=self.counts.name), round=name)

    def round(self, src: int | None) -> int | None:
        if src is None:
            return None
        tid = self.rounds.get(src)
        if tid is None and ("round", src) not in self._said:
            self._said.add(("round", src))
            name = self.round_names.get(src, str(src))
            self.counts.conflict("round", _(
                "The round {round} of {source} is not in this project; its codings were added "
                "without a round.").format(round=name, source=self.counts.name), round=name)
        return tid

    def version(self, src: int | None) -> int | None:
        if src is None:
            return None
        tid = self.versions.get(src)
        if tid is None and ("version", src) not in self._said:
            self._said.add(("version", src))
            name = self.version_names.get(src, str(src))
            self.counts.conflict("codebook_version", _(
                "The codebook version {version} of {source} is not in this project; its "
                "codings were added without a codebook version.").format(
                version=name, source=self.counts.name), version=name)
        return tid
