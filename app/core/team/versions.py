"""Codebook versions: freeze the codebook under a name, list versions, and show what changed
between two versions (or a version and the current codebook), matched by code guid; the code
log between the two tells merges and splits from codes removed and added."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import codelog
from app.core.codebook import code_paths, ordered_codes
from app.core.codebook_io import CodeSpec
from app.core.lookup import suggestion
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.models import CodebookVersion

CURRENT = "current"
_FIELDS = ("description", "inclusion", "exclusion", "example", "colour", "codable")


def snapshot(s: Session) -> list[dict]:
    """The codebook now: one dict per code in tree order."""
    paths = code_paths(s)
    guid_of = {c.id: c.guid for c in ordered_codes(s)}
    return [{"guid": c.guid, "parent": guid_of.get(c.parent_id), "name": c.name,
             "path": paths[c.id], "order": c.sort_order, "description": c.description,
             "inclusion": c.inclusion, "exclusion": c.exclusion, "example": c.example,
             "colour": c.color, "codable": bool(c.codable)} for c in ordered_codes(s)]


def freeze(s: Session, name: str, memo: str = "") -> CodebookVersion:
    name = (name or "").strip()
    if not name or name == CURRENT:
        raise InvalidInput(_("A codebook version needs a name (not '{current}').").format(
            current=CURRENT))
    if s.scalar(select(CodebookVersion.id).where(CodebookVersion.name == name)):
        raise InvalidInput(_("There is already a codebook version named {name}.").format(
            name=name))
    v = CodebookVersion(name=name, memo=memo, created_by=codelog.current_actor(),
                        snapshot=json.dumps(snapshot(s), ensure_ascii=False))
    s.add(v)
    s.flush()
    return v


def versions(s: Session) -> list[CodebookVersion]:
    return list(s.scalars(select(CodebookVersion).order_by(CodebookVersion.created_at,
                                                           CodebookVersion.id)))


def get_version(s: Session, name: str) -> CodebookVersion:
    v = s.scalar(select(CodebookVersion).where(CodebookVersion.name == name))
    if v is None:
        names = [x.name for x in versions(s)]
        raise NotFound(_("There is no codebook version named {name}.").format(name=name)
                       + suggestion(name, names + [CURRENT]))
    return v


def codes_of(s: Session, name: str) -> list[dict]:
    return snapshot(s) if name == CURRENT else json.loads(get_version(s, name).snapshot)


def version_specs(s: Session, name: str) -> list[CodeSpec]:
    """Version `name` (or 'current') as a tree of codebook specs, for writing a .qdc: the codes
    as they were frozen, with their guids and definitions."""
    specs: dict[str, CodeSpec] = {}
    roots: list[CodeSpec] = []
    rows = codes_of(s, name)
    for c in rows:
        specs[c["guid"]] = CodeSpec(c["name"], c["guid"], c.get("colour") or "",
                                    c.get("description") or "", c.get("inclusion") or "",
                                    c.get("exclusion") or "", c.get("example") or "",
                                    bool(c.get("codable", True)))
    for c in rows:  # tree order: a parent comes before its children
        parent = specs.get(c.get("parent"))
        (parent.children if parent is not None else roots).append(specs[c["guid"]])
    return roots


@dataclass
class CodebookDiff:
    old: str
    new: str
    added: list[dict] = field(default_factory=list)  # {"path"}
    removed: list[dict] = field(default_factory=list)  # {"path"}
    renamed: list[dict] = field(default_factory=list)  # {"old", "new"}
    moved: list[dict] = field(default_factory=list)  # {"old", "new"}
    changed: list[dict] = field(default_factory=list)  # {"path", "field", "old", "new"}
    merged: list[dict] = field(default_factory=list)  # {"from", "into"}
    split: list[dict] = field(default_factory=list)  # {"from", "into"}: into split off from

    def empty(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.moved or self.changed
                    or self.merged or self.split)

    def as_json(self) -> dict:
        return {"old": self.old, "new": self.new, "added": self.added, "removed": self.removed,
                "renamed": self.renamed, "moved": self.moved, "changed": self.changed,
                "merged": self.merged, "split": self.split}

    def as_text(self) -> str:
        lines = [_("Codebook {old} -> {new}").format(old=self.old, new=self.new)]
        if self.empty():
            return lines[0] + "\n" + _("No changes.")
        lines += [_("+ added: {path}").format(path=x["path"]) for x in self.added]
        lines += [_("- removed: {path}").format(path=x["path"]) for x in self.removed]
        lines += [_("> merged: {source} -> into {target}").format(source=x["from"],
                                                                  target=x["into"])
                  for x in self.merged]
        lines += [_("< split: {new} split off from {source}").format(new=x["into"],
                                                                     source=x["from"])
                  for x in self.split]
        lines += [_("~ renamed: {old} -> {new}").format(**x) for x in self.renamed]
        lines += [_("~ moved: {old} -> {new}").format(**x) for x in self.moved]
        names = {"description": _("definition"), "inclusion": _("inclusion criteria"),
                 "exclusion": _("exclusion criteria"), "example": _("example"),
                 "colour": _("colour"), "codable": _("codable")}
        lines += [_("~ {field} of {path}: {old} -> {new}").format(
            field=names.get(x["field"], x["field"]), path=x["path"], old=_value(x["old"]),
            new=_value(x["new"])) for x in self.changed]
        return "\n".join(lines)


def _value(value) -> str:
    """A definition field's value for the text of a diff: quoted on one line, or a word."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    text = " ".join(str(value or "").split())
    return f"«{text}»" if text else _("(empty)")


def diff(s: Session, old: str, new: str) -> CodebookDiff:
    """What changed from version `old` to version `new` ('current' is the codebook now)."""
    a = {c["guid"]: c for c in codes_of(s, old)}
    b = {c["guid"]: c for c in codes_of(s, new)}
    out = CodebookDiff(old, new)
    for guid, c in b.items():
        if guid not in a:
            out.added.append({"path": c["path"], "guid": guid})
            continue
        before = a[guid]
        if before["name"] != c["name"]:
            out.renamed.append({"old": before["path"], "new": c["path"], "guid": guid})
        elif before["parent"] != c["parent"] or before["path"] != c["path"]:
            if before["parent"] != c["parent"]:
                out.moved.append({"old": before["path"], "new": c["path"], "guid": guid})
        for f in _FIELDS:
            if before.get(f) != c.get(f):
                out.changed.append({"path": c["path"], "field": f, "old": before.get(f),
                                    "new": c.get(f), "guid": guid})
    out.removed = [{"path": c["path"], "guid": g} for g, c in a.items() if g not in b]
    _merges_and_splits(s, out, old, new, a, b)
    return out


def _time(s: Session, name: str):
    return None if name == CURRENT else get_version(s, name).created_at


def _merges_and_splits(s: Session, out: CodebookDiff, old: str, new: str, a: dict,
                       b: dict) -> None:
    """Name removed codes that were merged into a code still there, and added codes that were
    split off one, from the code log between the two versions (only when `old` is the earlier
    one; the other way round they stay removed and added)."""
    since, until = _time(s, old), _time(s, new)
    if since is None or (until is not None and until <= since):
        return
    log = [e for e in codelog.events(s, since, until) if e.at > since]
    into = {e.code_guid: e.details.get("into") for e in log if e.operation == "merge"}
    merged = set()
    for x in out.removed:
        target, seen = into.get(x["guid"]), {x["guid"]}
        while target and target not in b and target in into and target not in seen:
            seen.add(target)  # merged again later: follow it to where it ended
            target = into[target]
        if target in b:
            out.merged.append({"from": x["path"], "into": b[target]["path"], "guid": x["guid"],
                               "into_guid": target})
            merged.add(x["guid"])
    out.removed = [x for x in out.removed if x["guid"] not in merged]
    split_off = {}
    for e in log:
        new_guid = e.details.get("into")
        if e.operation == "split" and new_guid in b and new_guid not in a:
            source = a.get(e.code_guid) or b.get(e.code_guid)
            split_off.setdefault(new_guid, source["path"] if source else e.path)
    out.split = [{"from": split_off[x["guid"]], "into": x["path"], "guid": x["guid"]}
                 for x in out.added if x["guid"] in split_off]
    out.added = [x for x in out.added if x["guid"] not in split_off]
