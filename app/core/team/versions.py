"""Codebook versions: freeze the codebook under a name, list versions, and show what changed
between two versions (or a version and the current codebook), matched by code guid."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import codelog
from app.core.codebook import code_paths, ordered_codes
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


@dataclass
class CodebookDiff:
    old: str
    new: str
    added: list[dict] = field(default_factory=list)  # {"path"}
    removed: list[dict] = field(default_factory=list)  # {"path"}
    renamed: list[dict] = field(default_factory=list)  # {"old", "new"}
    moved: list[dict] = field(default_factory=list)  # {"old", "new"}
    changed: list[dict] = field(default_factory=list)  # {"path", "field", "old", "new"}

    def empty(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.moved or self.changed)

    def as_json(self) -> dict:
        return {"old": self.old, "new": self.new, "added": self.added, "removed": self.removed,
                "renamed": self.renamed, "moved": self.moved, "changed": self.changed}

    def as_text(self) -> str:
        lines = [_("Codebook {old} -> {new}").format(old=self.old, new=self.new)]
        if self.empty():
            return lines[0] + "\n" + _("No changes.")
        lines += [_("+ added: {path}").format(path=x["path"]) for x in self.added]
        lines += [_("- removed: {path}").format(path=x["path"]) for x in self.removed]
        lines += [_("~ renamed: {old} -> {new}").format(**x) for x in self.renamed]
        lines += [_("~ moved: {old} -> {new}").format(**x) for x in self.moved]
        names = {"description": _("definition"), "inclusion": _("inclusion criteria"),
                 "exclusion": _("exclusion criteria"), "example": _("example"),
                 "colour": _("colour"), "codable": _("codable")}
        lines += [_("~ {field} of {path} changed").format(field=names.get(x["field"], x["field"]),
                                                          path=x["path"])
                  for x in self.changed]
        return "\n".join(lines)


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
    return out
