"""Code sets: named groups of codes across the code tree (ATLAS.ti's code groups, MAXQDA's code
sets, REFI-QDA's Sets). Create, rename, describe, delete, add and remove codes, list; exact
checkpoints for undo; the codes of some sets as a filter; REFI Sets in and out.

A set holds codes, not their child codes: a filter by a set means the codings of its member
codes. Deleting a code takes it out of every set (ON DELETE CASCADE).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.core.codebook import code_paths, resolve_code
from app.core.lookup import nfc, suggestion
from app.core.names import control_character
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.models import Code, CodeSet, code_set_member, new_guid

MAX_NAME = 300


@dataclass
class CodeSetInfo:
    name: str
    guid: str
    description: str
    codes: list[str] = field(default_factory=list)  # code paths, in tree order

    def as_json(self) -> dict:
        return {"name": self.name, "guid": self.guid, "description": self.description,
                "codes": self.codes}


def _check_name(name: str) -> str:
    name = nfc((name or "").strip())
    if not name:
        raise InvalidInput(_("A code set needs a name."))
    if len(name) > MAX_NAME:
        raise InvalidInput(_("A code set name can be at most {n} characters.").format(
            n=MAX_NAME))
    bad = control_character(name)
    if bad is not None:
        raise InvalidInput(_("A code set name cannot contain the control character {char}.")
                           .format(char=bad))
    return name


def get_code_set(s: Session, name: str) -> CodeSet:
    found = s.scalar(select(CodeSet).where(CodeSet.name == nfc((name or "").strip())))
    if found is None:
        names = list(s.scalars(select(CodeSet.name)))
        raise NotFound(_("There is no code set {name}.").format(name=name)
                       + suggestion(name, names))
    return found


def list_code_sets(s: Session) -> list[CodeSetInfo]:
    """Every code set by name, with its codes as paths in tree order."""
    paths = code_paths(s)
    order = {cid: i for i, cid in enumerate(paths)}
    members: dict[int, list[int]] = {}
    for set_id, code_id in s.execute(select(code_set_member.c.set_id,
                                            code_set_member.c.code_id)):
        members.setdefault(set_id, []).append(code_id)
    out = []
    for cs in s.scalars(select(CodeSet).order_by(CodeSet.name)):
        ids = sorted(members.get(cs.id, []), key=lambda i: order.get(i, 0))
        out.append(CodeSetInfo(cs.name, cs.guid, cs.description or "",
                               [paths[i] for i in ids if i in paths]))
    return out


def _codes(s: Session, refs: list[str]) -> list[Code]:
    out, seen = [], set()
    for ref in refs:
        if not (ref or "").strip():
            continue
        code = resolve_code(s, ref)
        if code.id not in seen:
            seen.add(code.id)
            out.append(code)
    return out


def create_code_set(s: Session, name: str, description: str = "",
                    codes: list[str] | None = None, guid: str | None = None) -> CodeSet:
    """A new code set, optionally with codes (paths, guids or unique names)."""
    name = _check_name(name)
    if s.scalar(select(CodeSet.id).where(CodeSet.name == name)) is not None:
        raise InvalidInput(_("There is already a code set named {name}.").format(name=name))
    members = _codes(s, codes or [])
    cs = CodeSet(name=name, description=(description or "").strip(), guid=guid or new_guid())
    s.add(cs)
    s.flush()
    _add_ids(s, cs.id, [c.id for c in members])
    return cs


def _add_ids(s: Session, set_id: int, code_ids: list[int]) -> int:
    have = set(s.scalars(select(code_set_member.c.code_id)
                         .where(code_set_member.c.set_id == set_id)))
    new = [i for i in dict.fromkeys(code_ids) if i not in have]
    if new:
        s.execute(insert(code_set_member), [{"set_id": set_id, "code_id": i} for i in new])
    return len(new)


def add_codes(s: Session, name: str, codes: list[str]) -> int:
    """Put codes into a set; returns how many were not in it already."""
    cs = get_code_set(s, name)
    return _add_ids(s, cs.id, [c.id for c in _codes(s, codes)])


def remove_codes(s: Session, name: str, codes: list[str]) -> int:
    """Take codes out of a set (the codes stay in the codebook); returns how many were in it."""
    cs = get_code_set(s, name)
    ids = [c.id for c in _codes(s, codes)]
    if not ids:
        return 0
    result = s.execute(delete(code_set_member).where(code_set_member.c.set_id == cs.id,
                                                     code_set_member.c.code_id.in_(ids)))
    return result.rowcount or 0


def add_or_create(s: Session, name: str, codes: list[str],
                  description: str | None = None) -> tuple[bool, int, int]:
    """Put codes into the set `name`, creating it when missing; `description` (if given)
    replaces its description. Returns (created, codes added, codes in the set now)."""
    name = _check_name(name)
    if s.scalar(select(CodeSet.id).where(CodeSet.name == name)) is None:
        created = create_code_set(s, name, description or "", codes)
        return True, member_count(s, created.name), member_count(s, created.name)
    added = add_codes(s, name, codes)
    if description is not None:
        describe_code_set(s, name, description)
    return False, added, member_count(s, name)


def member_count(s: Session, name: str) -> int:
    """How many codes are in the set."""
    cs = get_code_set(s, name)
    return len(list(s.scalars(select(code_set_member.c.code_id)
                              .where(code_set_member.c.set_id == cs.id))))


def rename_code_set(s: Session, name: str, new_name: str) -> CodeSet:
    cs = get_code_set(s, name)
    new_name = _check_name(new_name)
    other = s.scalar(select(CodeSet.id).where(CodeSet.name == new_name))
    if other is not None and other != cs.id:
        raise InvalidInput(_("There is already a code set named {name}.").format(name=new_name))
    cs.name = new_name
    return cs


def describe_code_set(s: Session, name: str, description: str) -> CodeSet:
    cs = get_code_set(s, name)
    cs.description = (description or "").strip()
    return cs


def delete_code_set(s: Session, name: str) -> None:
    """Delete the set (its codes stay in the codebook)."""
    cs = get_code_set(s, name)
    s.execute(delete(CodeSet).where(CodeSet.id == cs.id))
    s.expire_all()


def code_ids_in_sets(s: Session, names: list[str]) -> set[int]:
    """The ids of the codes in any of the named sets (a filter); NotFound for an unknown set."""
    ids: set[int] = set()
    for name in names:
        cs = get_code_set(s, name)
        ids |= set(s.scalars(select(code_set_member.c.code_id)
                             .where(code_set_member.c.set_id == cs.id)))
    return ids


def code_paths_in_sets(s: Session, names: list[str]) -> list[str]:
    """The paths of the codes in any of the named sets, in tree order (for --code filters)."""
    ids = code_ids_in_sets(s, names)
    return [p for i, p in code_paths(s).items() if i in ids]


def codes_with_sets(s: Session, codes: list[str] | None,
                    sets: list[str] | None) -> list[str] | None:
    """A code filter plus the codes of the named sets, read now (a set edited since counts as
    it is), as if each code of the sets had been given as a code filter. None: no filter.
    NotFound for an unknown set; InvalidInput for sets holding no code (as a filter they
    would otherwise mean every code)."""
    if not sets:
        return list(codes) if codes else None
    paths = code_paths_in_sets(s, list(sets))
    if not paths:
        raise InvalidInput(_("The code set {names} holds no codes; add some with `sitat codeset "
                             "add`.").format(names=", ".join(sets)))
    out = list(codes or [])
    return out + [p for p in paths if p not in out]


# -- undo ------------------------------------------------------------------------------------
SetRow = tuple[str, str, str, tuple[str, ...]]  # guid, name, description, member code guids


def checkpoint(s: Session) -> tuple[SetRow, ...]:
    """Every code set with its members (by code guid), exactly."""
    s.flush()
    guid_of = dict(s.execute(select(Code.id, Code.guid)).all())
    members: dict[int, list[str]] = {}
    for set_id, code_id in s.execute(select(code_set_member.c.set_id,
                                            code_set_member.c.code_id)):
        members.setdefault(set_id, []).append(guid_of[code_id])
    return tuple((cs.guid, cs.name, cs.description or "", tuple(sorted(members.get(cs.id, []))))
                 for cs in s.scalars(select(CodeSet).order_by(CodeSet.guid)))


def restore(s: Session, cp: tuple[SetRow, ...]) -> None:
    """Make the code sets exactly as in `cp` (members whose code is gone are left out)."""
    s.flush()
    s.execute(delete(code_set_member))
    s.execute(delete(CodeSet))
    s.flush()
    id_of = dict(s.execute(select(Code.guid, Code.id)).all())
    for guid, name, description, codes in cp:
        cs = CodeSet(guid=guid, name=name, description=description)
        s.add(cs)
        s.flush()
        _add_ids(s, cs.id, [id_of[g] for g in codes if g in id_of])
    s.expire_all()


def apply_sets(s: Session, rows: list[SetRow]) -> None:
    """Make the code sets exactly `rows` (an edited checkpoint, as the window's dialog keeps
    it): names are checked and must differ; member codes are given by guid."""
    seen: set[str] = set()
    checked = []
    for guid, name, description, codes in rows:
        name = _check_name(name)
        if name in seen:
            raise InvalidInput(_("There is already a code set named {name}.").format(name=name))
        seen.add(name)
        checked.append((guid or new_guid(), name, (description or "").strip(), tuple(codes)))
    restore(s, tuple(checked))


# -- REFI-QDA Sets ---------------------------------------------------------------------------
def code_groups(s: Session):
    """The code sets as REFI Sets (app.core.refi.qdc.CodeGroup), members by code guid."""
    from app.core.refi.qdc import CodeGroup

    return [CodeGroup(guid, name, description, list(codes))
            for guid, name, description, codes in _by_name(checkpoint(s))]


def _by_name(rows):
    return sorted(rows, key=lambda r: r[1])


def _spec_paths(roots) -> dict[str, str]:
    """guid -> code path of a codebook file's codes (CodeSpec trees)."""
    from app.core.codebook import escape_name

    out: dict[str, str] = {}

    def walk(specs, prefix: str) -> None:
        for spec in specs:
            path = prefix + escape_name(nfc(spec.name.strip()))
            if spec.guid:
                out.setdefault(spec.guid, path)
            walk(spec.children, path + "/")

    walk(roots or [], "")
    return out


def import_code_groups(s: Session, groups, report=None, roots=None) -> int:
    """Add REFI Sets as code sets. Members are matched by code guid, or, with the file's code
    tree `roots`, by the path of the file's code (a code the project already had under the same
    path keeps its own guid). A set whose name is taken is merged into the set of that name;
    sources and notes in a set are reported, not kept. Returns how many sets were added or
    extended."""
    id_of = dict(s.execute(select(Code.guid, Code.id)).all())
    by_path = {p: i for i, p in code_paths(s).items()}
    for guid, path in _spec_paths(roots).items():
        if guid not in id_of and path in by_path:
            id_of[guid] = by_path[path]
    done = 0
    for g in groups:
        try:
            name = _check_name(g.name)
        except InvalidInput as exc:
            if report is not None:
                report.skip(g.name, str(exc))
            continue
        if g.sources or g.notes:
            if report is not None:
                report.skip(name, _("The set also holds sources ({sources}) and notes "
                                    "({notes}); Sitat's code sets hold codes only, so only its "
                                    "codes are kept.").format(sources=g.sources, notes=g.notes))
            if not g.codes:
                continue
        cs = s.scalar(select(CodeSet).where(CodeSet.name == name))
        if cs is None:
            taken = s.scalar(select(CodeSet.id).where(CodeSet.guid == g.guid)) is not None
            cs = CodeSet(name=name, description=g.description or "",
                         guid=new_guid() if taken or not g.guid else g.guid)
            s.add(cs)
            s.flush()
        _add_ids(s, cs.id, [id_of[c] for c in g.codes if c in id_of])
        done += 1
    return done
