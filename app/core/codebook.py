"""The code tree as data: paths (`Parent/Child`), lookup and tree edits (codebook files: codebook_io).

A code path joins names with `/`; a `/` inside a name is escaped as `\\/` and a backslash as `\\\\`.
Where a name is unique in the codebook, the bare name resolves too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.core import codelog
from app.core.displays import stc_codebook as stc
from app.core.lookup import nfc, suggestion
from app.errors import CodebookError, EditConflict, NotFound
from app.i18n import _
from app.models import Code, Coding, Condensate, Synthesis, new_guid

COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
DEFAULT_COLOUR = "#888888"


# -- paths ---------------------------------------------------------------------------------
def escape_name(name: str) -> str:
    return name.replace("\\", "\\\\").replace("/", "\\/")


def join_path(names: list[str]) -> str:
    return "/".join(escape_name(n) for n in names)


def split_path(path: str) -> list[str]:
    """`A/B\\/C` -> ['A', 'B/C']; a lone trailing backslash is kept as it is."""
    parts, cur, i = [], [], 0
    while i < len(path):
        ch = path[i]
        if ch == "\\" and i + 1 < len(path) and path[i + 1] in "\\/":
            cur.append(path[i + 1])
            i += 2
            continue
        if ch == "/":
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur).strip())
    return parts


def _tree(s: Session):
    rows = list(s.execute(select(Code.id, Code.name, Code.parent_id, Code.sort_order)))
    kids: dict[int | None, list] = {}
    for r in rows:
        kids.setdefault(r.parent_id, []).append(r)
    for v in kids.values():
        v.sort(key=lambda r: (r.sort_order, r.id))
    return rows, kids


class CodeTreeCycle(CodebookError):
    """Some codes are their own ancestors, so they hang below no top-level code; `sitat check
    --repair` breaks the cycle."""


def _file_name(s: Session) -> str:
    """The project file's name, for messages ('' when it cannot be told)."""
    from urllib.parse import unquote

    database = str(s.get_bind().url.database or "")
    if database.startswith("file:"):
        database = unquote(database[5:].split("?", 1)[0])
    return database.replace("\\", "/").rsplit("/", 1)[-1]


def code_paths(s: Session) -> dict[int, str]:
    """code id -> escaped path, for every code. Raises CodeTreeCycle when some codes cannot be
    reached from the top of the tree (a cycle: a code that is its own ancestor)."""
    rows, kids = _tree(s)
    out: dict[int, str] = {}

    def walk(parent: int | None, prefix: str) -> None:
        for r in kids.get(parent, []):
            out[r.id] = prefix + escape_name(r.name)
            walk(r.id, out[r.id] + "/")

    walk(None, "")
    if len(out) < len(rows):
        name = _file_name(s) or "PROJECT.sitat"
        raise CodeTreeCycle(_("The code tree of {name} has a cycle (a code that is its own "
                              "ancestor), so its codes cannot be listed. Run `sitat check "
                              "--repair {name}` to repair it.").format(name=name))
    return out


def ordered_codes(s: Session) -> list[Code]:
    """All codes depth-first in tree order (siblings by their order)."""
    paths = code_paths(s)
    codes = {c.id: c for c in s.scalars(select(Code))}
    return [codes[i] for i in paths]  # dicts keep insertion (walk) order


def subtree_ids(s: Session, code_id: int) -> set[int]:
    _rows, kids = _tree(s)
    out, stack = set(), [code_id]
    while stack:
        cur = stack.pop()
        if cur in out:  # a cycle in the tree: never walk it twice
            continue
        out.add(cur)
        stack.extend(r.id for r in kids.get(cur, []))
    return out


def resolve_code(s: Session, ref: str) -> Code:
    """A code by full path, by guid, or by bare name when that name is unique."""
    ref = nfc(ref.strip())
    paths = code_paths(s)
    by_path = {p: i for i, p in paths.items()}
    canonical = join_path(split_path(ref))
    if canonical in by_path:
        return s.get(Code, by_path[canonical])
    code = s.scalar(select(Code).where(Code.guid == ref))
    if code is not None:
        return code
    if len(split_path(ref)) == 1:
        name = split_path(ref)[0]
        hits = [i for i, p in paths.items() if split_path(p)[-1] == name]
        if len(hits) == 1:
            return s.get(Code, hits[0])
        if len(hits) > 1:
            raise NotFound(_("The name {name} is used by several codes; give the full path: "
                             "{paths}.").format(name=name,
                                                paths=", ".join(sorted(paths[h] for h in hits))))
    raise NotFound(_("There is no code {path} in the codebook.").format(path=ref)
                   + suggestion(ref, list(by_path)))


# -- edits ---------------------------------------------------------------------------------
def _check_name(name: str) -> str:
    name = nfc((name or "").strip())
    if not name:
        raise CodebookError(_("A code needs a name."))
    if len(name) > 300:
        raise CodebookError(_("A code name can be at most 300 characters."))
    return name


def _check_sibling_free(s: Session, parent_id: int | None, name: str,
                        except_id: int | None = None) -> None:
    q = select(Code.id).where(Code.parent_id.is_(None) if parent_id is None
                              else Code.parent_id == parent_id, Code.name == name)
    for other in s.scalars(q):
        if other != except_id:
            raise CodebookError(_("There is already a code named {name} at that place in the "
                                  "tree.").format(name=name))


def _next_order(s: Session, parent_id: int | None) -> int:
    q = select(func.max(Code.sort_order)).where(
        Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id)
    top = s.scalar(q)
    return 0 if top is None else top + 1


def check_colour(colour: str | None) -> str:
    if not colour:
        return DEFAULT_COLOUR
    if not COLOUR_RE.match(colour.strip()):
        raise CodebookError(_("{colour} is not a colour; write it as #RRGGBB.").format(
            colour=colour))
    return colour.strip().upper()


def path_of(s: Session, code: Code) -> str:
    names = []
    cur: Code | None = code
    while cur is not None:
        names.append(cur.name)
        cur = s.get(Code, cur.parent_id) if cur.parent_id else None
    return join_path(list(reversed(names)))


def create_code(s: Session, name: str, parent: Code | None = None, colour: str | None = None,
                description: str = "", codable: bool = True, guid: str | None = None,
                log_as: str | None = "create", *, inclusion: str = "", exclusion: str = "",
                example: str = "") -> Code:
    name = _check_name(name)
    parent_id = parent.id if parent else None
    _check_sibling_free(s, parent_id, name)
    code = Code(guid=guid or new_guid(), name=name, parent_id=parent_id,
                color=check_colour(colour), description=(description or "").strip(),
                inclusion=(inclusion or "").strip(), exclusion=(exclusion or "").strip(),
                example=(example or "").strip(), codable=codable,
                sort_order=_next_order(s, parent_id))
    s.add(code)
    s.flush()
    if log_as:
        codelog.record(s, log_as, code.guid, path_of(s, code))
    return code


def rename_code(s: Session, code: Code, name: str) -> None:
    name = _check_name(name)
    _check_sibling_free(s, code.parent_id, name, except_id=code.id)
    old = path_of(s, code)
    code.name = name
    s.flush()
    if path_of(s, code) != old:
        codelog.record(s, "rename", code.guid, path_of(s, code), old=old)


def move_code(s: Session, code: Code, new_parent: Code | None, position: int | None = None) -> None:
    """Make `code` a child of `new_parent` (None: top level) at `position` among its siblings."""
    parent_id = new_parent.id if new_parent else None
    if parent_id is not None and parent_id in subtree_ids(s, code.id):
        raise CodebookError(_("A code cannot be moved inside itself."))
    _check_sibling_free(s, parent_id, code.name, except_id=code.id)
    siblings = list(s.scalars(select(Code).where(
        Code.parent_id.is_(None) if parent_id is None else Code.parent_id == parent_id,
        Code.id != code.id).order_by(Code.sort_order, Code.id)))
    position = len(siblings) if position is None else max(0, min(position, len(siblings)))
    siblings.insert(position, code)
    old = path_of(s, code)
    code.parent_id = parent_id
    for i, c in enumerate(siblings):
        c.sort_order = i
    s.flush()
    codelog.record(s, "move", code.guid, path_of(s, code), old=old, position=position)


def update_code(s: Session, code: Code, *, name: str | None = None, colour: str | None = None,
                description: str | None = None, inclusion: str | None = None,
                exclusion: str | None = None, example: str | None = None,
                codable: bool | None = None) -> None:
    """Change a code's name, colour, definition or codable flag (only the fields given).
    A code that already has codings cannot be made a pure group code."""
    if name is not None and name.strip() != code.name:
        rename_code(s, code, name)
    changed = {}
    if colour is not None and check_colour(colour) != code.color:
        changed["colour"] = [code.color, check_colour(colour)]
        code.color = check_colour(colour)
    for field_name, value in (("description", description), ("inclusion", inclusion),
                              ("exclusion", exclusion), ("example", example)):
        if value is not None and value.strip() != (getattr(code, field_name) or ""):
            changed[field_name] = [getattr(code, field_name) or "", value.strip()]
            setattr(code, field_name, value.strip())
    if codable is not None and bool(codable) != bool(code.codable):
        if not codable and s.scalar(select(func.count()).select_from(Coding)
                                    .where(Coding.code_id == code.id)):
            raise CodebookError(_("{name} has codings, so it cannot become a group code; "
                                  "move or remove its codings first.").format(name=code.name))
        changed["codable"] = [bool(code.codable), bool(codable)]
        code.codable = bool(codable)
    s.flush()
    if changed:
        codelog.record(s, "definition", code.guid, path_of(s, code), changes=changed)


DEFINITION = ("name", "colour", "description", "inclusion", "exclusion", "example", "codable")


def definition(code: Code) -> dict:
    """A code's name, colour and definition as the edit dialog shows them (keys: DEFINITION)."""
    return {"name": code.name, "colour": code.color, "description": code.description or "",
            "inclusion": code.inclusion or "", "exclusion": code.exclusion or "",
            "example": code.example or "", "codable": bool(code.codable)}


def _field_text(field_name: str, value) -> str:
    labels = {"name": _("name \u00ab{value}\u00bb"), "colour": _("colour {value}"),
              "description": _("description \u00ab{value}\u00bb"),
              "inclusion": _("inclusion criteria \u00ab{value}\u00bb"),
              "exclusion": _("exclusion criteria \u00ab{value}\u00bb"),
              "example": _("example \u00ab{value}\u00bb")}
    if field_name == "codable":
        return _("can be coded") if value else _("groups other codes only")
    return labels[field_name].format(value=value)


def save_definition(s: Session, code: Code, seen: dict, mine: dict) -> None:
    """Save a definition edited from `seen` (the code when the dialog opened) to `mine`: only
    the fields the user changed are written (someone else's change to another field stays).
    When someone else changed a field the user changed too, to another value, nothing is
    saved: EditConflict names both versions (an optimistic check against the old value)."""
    now = definition(code)
    changed = [f for f in DEFINITION if f in mine and mine[f] != seen.get(f)]
    clashes = [f for f in changed if now[f] != seen.get(f) and now[f] != mine[f]]
    if clashes:
        theirs = "; ".join(_field_text(f, now[f]) for f in clashes)
        yours = "; ".join(_field_text(f, mine[f]) for f in clashes)
        raise EditConflict(_("Someone else changed the code {name} while you were editing it, "
                             "so your change was not saved. Their version: {theirs}. Your "
                             "version: {yours}.").format(name=now["name"], theirs=theirs,
                                                         yours=yours))
    update_code(s, code, **{f: mine[f] for f in changed})


@dataclass
class DeleteCounts:
    """What deleting a code takes with it."""

    children: int
    codings: int
    condensates: int
    syntheses: int

    def empty(self) -> bool:
        return not (self.children or self.codings or self.condensates or self.syntheses)


def deletion_counts(s: Session, code: Code) -> DeleteCounts:
    """How many child codes, codings, condensates and syntheses go with `code` (all levels)."""
    ids = subtree_ids(s, code.id)
    n = s.scalar(select(func.count()).select_from(Coding).where(Coding.code_id.in_(ids))) or 0
    conds = s.scalar(select(func.count()).select_from(Condensate)
                     .where(Condensate.code_id.in_(ids))) or 0
    syns = s.scalar(select(func.count()).select_from(Synthesis)
                    .where(Synthesis.code_id.in_(ids), Synthesis.text != "")) or 0
    return DeleteCounts(len(ids) - 1, int(n), int(conds), int(syns))


def delete_code(s: Session, code: Code) -> int:
    """Delete a code, its children and all their codings (schema cascade). Returns codings removed."""
    ids = subtree_ids(s, code.id)
    n = s.scalar(select(func.count()).select_from(Coding).where(Coding.code_id.in_(ids))) or 0
    codelog.record(s, "delete", code.guid, path_of(s, code), codings=int(n),
                   children=len(ids) - 1)
    s.execute(Code.__table__.delete().where(Code.id == code.id))
    s.expire_all()
    return int(n)


@dataclass
class MergeOutcome:
    """A merge: codings moved, duplicates dropped (the target had the same span by the same
    coder in the same round), and what the condensation carried along."""

    codings: int
    duplicates: int
    stc: stc.MergeCarry


def merge_codes(s: Session, source: Code, target: Code) -> int:
    """Move every coding of `source` onto `target` (dropping exact duplicates), move its children
    under `target`, then delete `source`. Returns the number of codings moved."""
    return merge(s, source, target).codings


def merge(s: Session, source: Code, target: Code) -> MergeOutcome:
    """`merge_codes`, telling what happened: the source's condensates, illustrative quotes and
    synthesis go to the target (the synthesis under a line naming the merged code); a
    condensate or quote resting on a dropped duplicate rests on the target's coding instead."""
    if source.id == target.id or target.id in subtree_ids(s, source.id):
        raise CodebookError(_("A code cannot be merged into itself or into one of its children."))
    if not target.codable:
        raise CodebookError(_("The code {name} only groups other codes and cannot receive "
                              "codings.").format(name=target.name))
    source_id, target_id, source_guid = source.id, target.id, source.guid
    existing = {(d, c, a, b, r): i for i, d, c, a, b, r in s.execute(
        select(Coding.id, Coding.document_id, Coding.coder_id, Coding.start, Coding.end,
               func.coalesce(Coding.round_id, 0)).where(Coding.code_id == target_id))}
    source_path = path_of(s, source)
    moved: set[int] = set()
    duplicates: dict[int, int] = {}
    for c in list(s.scalars(select(Coding).where(Coding.code_id == source_id))):
        key = (c.document_id, c.coder_id, c.start, c.end, c.round_id or 0)
        if key in existing:
            duplicates[c.id] = existing[key]
            continue
        existing[key] = c.id
        c.code_id = target_id
        moved.add(c.id)
    s.flush()
    if duplicates:
        stc.repoint_codings(s, duplicates)
        s.execute(Coding.__table__.delete().where(Coding.id.in_(list(duplicates))))
    carry = stc.carry_on_merge(s, source_id, target_id, _("From the merged code {path}:").format(
        path=source_path))
    for child in list(s.scalars(select(Code).where(Code.parent_id == source_id))):
        move_code(s, child, s.get(Code, target_id))
    codelog.record(s, "merge", source_guid, source_path, into=s.get(Code, target_id).guid,
                   into_path=path_of(s, s.get(Code, target_id)), codings=len(moved),
                   condensates=carry.condensates, illustrative=carry.illustrative,
                   synthesis=carry.synthesis)
    from app.models import code_set_member as m  # the merged code's sets take the target

    for i in set(s.scalars(select(m.c.set_id).where(m.c.code_id == source_id))) - set(
            s.scalars(select(m.c.set_id).where(m.c.code_id == target_id))):
        s.execute(m.insert().values(set_id=i, code_id=target_id))
    s.execute(update(Code).where(Code.id == source_id).values(parent_id=None))
    s.execute(Code.__table__.delete().where(Code.id == source_id))
    s.expire_all()
    carry.stranded = stc.stranded(s, moved | set(duplicates.values()))
    for x in carry.stranded:
        x.code = path_of(s, s.get(Code, x.code_id))
    return MergeOutcome(len(moved), len(duplicates), carry)


@dataclass
class SplitOutcome:
    """A split: the new code, how many codings went to it, and what its condensation did."""

    code: Code
    codings: int
    stc: stc.SplitCarry


def split_code(s: Session, code: Code, new_name: str, coding_guids: list[str]) -> Code:
    """Split a code: a new sibling named `new_name` (same colour and definition to start
    from) receives the given codings of `code`; the rest stay. Returns the new code."""
    return split(s, code, new_name, coding_guids).code


def split(s: Session, code: Code, new_name: str, coding_guids: list[str]) -> SplitOutcome:
    """`split_code`, telling what happened: condensates whose meaning units all moved go to
    the new code, illustrative quotes follow their codings, and condensates with units on
    both codes stay and are named."""
    guids = set(coding_guids)
    if not guids:
        raise CodebookError(_("Choose the codings that go to the new code."))
    mine = {g: i for g, i in s.execute(select(Coding.guid, Coding.id).where(
        Coding.code_id == code.id, Coding.guid.in_(guids)))}
    if set(mine) != guids:
        raise CodebookError(_("{n} of the chosen codings do not belong to {name}.").format(
            n=len(guids - set(mine)), name=code.name))
    parent = s.get(Code, code.parent_id) if code.parent_id else None
    new = create_code(s, new_name, parent, code.color, code.description, True, log_as=None,
                      inclusion=code.inclusion, exclusion=code.exclusion, example=code.example)
    s.execute(update(Coding).where(Coding.guid.in_(guids)).values(code_id=new.id))
    s.flush()
    carry = stc.carry_on_split(s, code.id, new.id, set(mine.values()))
    codelog.record(s, "split", code.guid, path_of(s, code), into=new.guid,
                   into_path=path_of(s, new), codings=len(guids), condensates=carry.moved,
                   condensates_on_both=len(carry.both), illustrative=carry.illustrative)
    new_id = new.id
    s.expire_all()
    return SplitOutcome(s.get(Code, new_id), len(guids), carry)
