"""The codebook as a tree of specs, as codebook files (REFI .qdc, .qdpx) describe it: reading
the project's codebook out, and importing a codebook into a project."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import codelog
from app.core.codebook import (_check_name, check_colour, code_paths, escape_name,
                               ordered_codes)
from app.errors import CodebookError
from app.i18n import _
from app.models import Code, CodeEvent, new_guid

@dataclass
class CodeSpec:
    """One code as a codebook file describes it (no database ids)."""

    name: str
    guid: str = ""
    colour: str = ""
    description: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    codable: bool = True
    children: list["CodeSpec"] = field(default_factory=list)

    def definition(self) -> tuple:
        return (self.description.strip(), self.inclusion.strip(), self.exclusion.strip(),
                self.example.strip(), self.codable)


@dataclass
class CodebookImport:
    added: int = 0
    matched: int = 0
    differing: list[str] = field(default_factory=list)


def codebook_specs(s: Session) -> list[CodeSpec]:
    """The project's codebook as a tree of specs, in tree order."""
    codes = ordered_codes(s)
    specs: dict[int, CodeSpec] = {}
    roots: list[CodeSpec] = []
    for c in codes:
        spec = CodeSpec(c.name, c.guid, c.color, c.description, c.inclusion, c.exclusion,
                        c.example, bool(c.codable))
        specs[c.id] = spec
        (specs[c.parent_id].children if c.parent_id in specs else roots).append(spec)
    return roots


def import_codebook(s: Session, roots: list[CodeSpec]) -> CodebookImport:
    """Add the codes of a codebook to the project. A code already present (same guid, or same
    path) is kept as the project has it; differing definitions are reported, not overwritten.

    Linear in the size of the codebook: the tree is read once, sibling names and sort orders
    are kept in memory, and new codes and their log events are inserted in bulk (20,000
    codes take seconds, not minutes).
    """
    report = CodebookImport()
    s.flush()
    existing = {c.id: c for c in s.scalars(select(Code))}  # one query; s.get below is free
    paths = code_paths(s)
    by_path = {p: i for i, p in paths.items()}
    by_guid = {c.guid: i for i, c in existing.items()}
    siblings: dict[int | None, set[str]] = {}
    next_order: dict[int | None, int] = {}
    for c in existing.values():
        siblings.setdefault(c.parent_id, set()).add(c.name)
        next_order[c.parent_id] = max(next_order.get(c.parent_id, 0), c.sort_order + 1)
    next_id = max(existing, default=0) + 1
    new_rows: list[dict] = []
    events: list[dict] = []
    actor = codelog.current_actor()
    new_specs: dict[int, CodeSpec] = {}

    def visit(spec: CodeSpec, parent_id: int | None, prefix: str) -> None:
        nonlocal next_id
        name = _check_name(spec.name)
        path = prefix + escape_name(name)
        existing_id = by_guid.get(spec.guid) if spec.guid else None
        if existing_id is None:
            existing_id = by_path.get(path)
        if existing_id is not None:
            report.matched += 1
            code = existing.get(existing_id)
            if code is not None:
                mine = (code.description.strip(), code.inclusion.strip(),
                        code.exclusion.strip(), code.example.strip(), bool(code.codable))
                same_name = code.name == spec.name.strip()
            else:  # added earlier in this import (a repeated guid)
                first = new_specs[existing_id]
                mine, same_name = first.definition(), first.name.strip() == spec.name.strip()
            if mine != spec.definition() or not same_name:
                report.differing.append(paths.get(existing_id, path))
            code_id = existing_id
        else:
            if name in siblings.get(parent_id, ()):
                raise CodebookError(_("There is already a code named {name} at that place in "
                                      "the tree.").format(name=name))
            code_id, next_id = next_id, next_id + 1
            guid = spec.guid if spec.guid and spec.guid not in by_guid else new_guid()
            order = next_order.get(parent_id, 0)
            next_order[parent_id] = order + 1
            siblings.setdefault(parent_id, set()).add(name)
            new_rows.append({
                "id": code_id, "guid": guid, "name": name, "parent_id": parent_id,
                "color": check_colour(spec.colour or None), "description": spec.description or "",
                "inclusion": spec.inclusion, "exclusion": spec.exclusion,
                "example": spec.example, "memo": "", "sort_order": order,
                "codable": spec.codable,
            })
            by_guid[guid] = code_id
            paths[code_id] = path
            new_specs[code_id] = spec
            events.append({"operation": "import", "code_guid": guid, "path": path,
                           "actor": actor, "details": "{}"})
            report.added += 1
        child_prefix = paths.get(code_id, path) + "/"
        for child in spec.children:
            visit(child, code_id, child_prefix)

    for root in roots:
        visit(root, None, "")
    if new_rows:
        # One executemany each (Core: the ORM would split the rows by which keys are None);
        # in tree order, so a parent is inserted before its children.
        s.execute(Code.__table__.insert(), new_rows)
        s.execute(CodeEvent.__table__.insert(), events)
        s.expire_all()
    return report
