"""Read a REFI-QDA project package (.qdpx) safely into plain data, without touching any project.

The zip is checked before anything is unpacked (size, count and ratio limits from
app/core/importing/limits.py; member names that climb out of the archive are refused), the
.qde is parsed with defusedxml with DTDs forbidden (no entity bombs, no external entities),
and elements are matched by local name so every namespace version (1.0, 0.9, none) is read.
"""

from __future__ import annotations

import posixpath
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from app.core.codebook import COLOUR_RE
from app.core.codebook_io import CodeSpec
from app.core.importing.limits import (
    MAX_NOTE_CHARS,
    MAX_PROJECT_MEMO_CHARS,
    MAX_PROJECT_TEXT_CHARS,
    MAX_TEXT_CHARS,
)
from app.core.importing.ziputil import open_archive, read_part
from app.core.refi.qdc import CodeGroup, description_of, read_sets, split_description
from app.errors import ImportFailed
from app.i18n import _

MAX_DEPTH = 40


@dataclass
class CodingRef:
    """One Coding: code, user, notes, creationDateTime (else its selection's), own guid."""

    code: str
    user: str
    notes: list[str]
    created: str | None
    guid: str = ""


@dataclass
class Selection:
    guid: str
    name: str | None
    start: int
    end: int
    user: str
    codings: list[CodingRef] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class Source:
    guid: str
    name: str
    path: str | None
    content: str | None
    selections: list[Selection] = field(default_factory=list)
    whole: list[CodingRef] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)  # variable guid -> value
    description: str = ""
    created: str | None = None

    def codings(self) -> int:
        """How many codings the source holds (on its selections and on the whole source)."""
        return sum(len(sel.codings) for sel in self.selections) + len(self.whole)


@dataclass
class Package:
    title: str
    origin: str
    namespace: str
    users: dict[str, str]
    codes: list[CodeSpec]
    code_memos: dict[str, list[str]]  # code guid -> note guids
    variables: dict[str, tuple[str, str]]  # guid -> (name, typeOfVariable)
    cases: list[tuple[str, list[str], dict[str, str]]]  # name, source guids, values
    sources: list[Source]
    other_sources: list[tuple[str, int, int]]  # name, selections, codings of non-text sources
    notes: dict[str, str]  # guid -> text
    project_notes: list[str]
    files: dict[str, str]  # lower-case member name -> real member name
    zip_path: Path
    base: str = ""  # folder of the .qde inside the zip
    description: str = ""  # the Project's Description
    created: str | None = None  # the Project's creationDateTime
    sets: list[CodeGroup] = field(default_factory=list)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _kids(elem, name: str):
    return [c for c in elem if _local(c.tag) == name]


def _first(elem, name: str):
    found = _kids(elem, name)
    return found[0] if found else None


def _text(elem) -> str:
    return "".join(elem.itertext()) if elem is not None else ""


def norm_guid(value: str | None) -> str:
    """A guid in canonical lower-case form ('{...}' and upper case accepted); '' if invalid."""
    try:
        return str(uuid.UUID((value or "").strip())) if value else ""
    except ValueError:
        return ""


def _refs(elem, name: str) -> list[str]:
    return [g for g in (norm_guid(r.get("targetGUID")) for r in _kids(elem, name)) if g]


def _bad_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) is not None
            or ".." in parts or "\x00" in name)


def duplicate_guid(kind: str, guid: str, first: str, second: str) -> ImportFailed:
    """Two sources, codes or selections share a guid: references to it would be ambiguous
    (one document would get the other's text, codings would land on other words)."""
    what = {"source": _("Two sources"), "code": _("Two codes"),
            "selection": _("Two selections")}[kind]
    return ImportFailed(
        _("{what} in the project file have the same identifier (guid {guid}: {first} and "
          "{second}), so Sitat cannot tell which one is meant. The file is not imported; "
          "export it again from the program that wrote it.").format(
            what=what, guid=guid, first=first or "?", second=second or "?")
    )


def source_too_long(name: str, chars: int) -> ImportFailed:
    return ImportFailed(
        _("The text of the source {name} is {chars} characters long, more than the limit of "
          "{limit} characters for one document. The file is not imported.").format(
            name=name, chars=chars, limit=MAX_TEXT_CHARS)
    )


def texts_too_long(chars: int) -> ImportFailed:
    return ImportFailed(
        _("The texts in the project file add up to more than {limit} characters (the limit "
          "for one import; at least {chars} found). The file is not imported.").format(
            limit=MAX_PROJECT_TEXT_CHARS, chars=chars)
    )


def memos_too_long(chars: int) -> ImportFailed:
    return ImportFailed(
        _("The notes in the project file would become memos of more than {limit} characters "
          "in all (the limit for one import; at least {chars}). A note copied into many "
          "codings is the usual cause. The file is not imported.").format(
            limit=MAX_PROJECT_MEMO_CHARS, chars=chars)
    )


def _check_note(text: str) -> int:
    if len(text) > MAX_NOTE_CHARS:
        raise ImportFailed(
            _("A note in the project file is {chars} characters long, more than the limit of "
              "{limit} characters for one note. The file is not imported.").format(
                chars=len(text), limit=MAX_NOTE_CHARS)
        )
    return len(text)


def _not_qdpx() -> str:
    return _("This is not a REFI-QDA project file (.qdpx); it is not a zip archive.")


def _codings(elem, created: str | None = None) -> list[CodingRef]:
    """Each Coding in `elem`; a Coding without a creationDateTime takes `created` (its
    selection's)."""
    out = []
    for c in _kids(elem, "Coding"):
        ref = _first(c, "CodeRef")
        out.append(CodingRef(norm_guid(ref.get("targetGUID")) if ref is not None else "",
                             norm_guid(c.get("creatingUser")), _refs(c, "NoteRef"),
                             c.get("creationDateTime") or created, norm_guid(c.get("guid"))))
    return out


def _int(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def _value(vv) -> tuple[str, str] | None:
    ref = _first(vv, "VariableRef")
    if ref is None:
        return None
    for child in vv:
        if _local(child.tag).endswith("Value") and _local(child.tag) != "VariableValue":
            return norm_guid(ref.get("targetGUID")), _text(child).strip()
    return None


def _read_codes(book, memos: dict[str, list[str]]) -> list[CodeSpec]:
    seen: dict[str, str] = {}  # guid -> code name

    def read(elem, depth: int) -> CodeSpec | None:
        if depth > MAX_DEPTH:
            raise ImportFailed(_("The codebook nests codes deeper than {n} levels.").format(
                n=MAX_DEPTH))
        name = (elem.get("name") or "").strip()
        if not name:
            raise ImportFailed(_("A code in the project file has no name."))
        guid = norm_guid(elem.get("guid"))
        if guid and guid in seen:
            raise duplicate_guid("code", guid, seen[guid], name)
        if not guid:
            guid = str(uuid.uuid4())
        seen[guid] = name
        colour = (elem.get("color") or "").strip()
        parts = split_description(description_of(elem))
        spec = CodeSpec(name=name, guid=guid, colour=colour.upper() if COLOUR_RE.match(colour)
                        else "", codable=(elem.get("isCodable") or "true").strip().lower()
                        not in ("false", "0"), **parts)
        memos[guid] = _refs(elem, "NoteRef")
        spec.children = [read(c, depth + 1) for c in _kids(elem, "Code")]
        return spec

    if book is None:
        return []
    return [read(c, 1) for group in _kids(book, "Codes") for c in _kids(group, "Code")]


def _parse_xml(data: bytes):
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                 forbid_external=True)
    except DefusedXmlException as exc:
        raise ImportFailed(_("The project file contains a DTD or entities, which Sitat does not "
                             "accept for safety.")) from exc
    except (ET.ParseError, LookupError, ValueError) as exc:  # also an unknown encoding
        raise ImportFailed(_("The project file (.qde) is not valid XML ({reason}).").format(
            reason=exc)) from exc


def read_package(path: Path) -> Package:
    """Check and parse a .qdpx file. Raises ImportFailed with a clear message."""
    from app.core.files.reading import regular_file

    path = regular_file(path, ImportFailed)
    with open_archive(path, _not_qdpx()) as zf:
        names = [i.filename for i in zf.infolist() if not i.is_dir()]
        bad = next((n for n in names if _bad_name(n)), None)
        if bad is not None:
            raise ImportFailed(_("The file contains a part with an unsafe name ({name}) and is "
                                 "refused for safety.").format(name=bad))
        qdes = [n for n in names if n.lower().endswith(".qde")]
        if not qdes:
            raise ImportFailed(_("This is not a REFI-QDA project: the file contains no .qde "
                                 "project description."))
        if len(qdes) > 1:
            raise ImportFailed(_("The file contains several .qde project descriptions ({names}); "
                                 "Sitat cannot tell which one to import.").format(
                names=", ".join(qdes)))
        data = read_part(zf, qdes[0])
        root = _parse_xml(data)
        files = {n.lower(): n for n in names}
        del data
        pkg = _package(root, files, path, posixpath.dirname(qdes[0]))
        del root
        in_files: dict[str, str] = {}  # member -> text, each file read once
        total = 0
        for guid, ref in list(pkg.notes.items()):
            if isinstance(ref, tuple):  # a note kept in a file of its own
                member = member_for(pkg, ref[1])
                if member and member not in in_files:
                    in_files[member] = _note_text(read_part(zf, member,
                                                            limit=4 * MAX_NOTE_CHARS))
                pkg.notes[guid] = in_files[member] if member else ""
            total += _check_note(pkg.notes[guid])
            if total > MAX_PROJECT_MEMO_CHARS:
                raise memos_too_long(total)
        return pkg


def _note_text(data: bytes) -> str:
    from app.core.importing.encoding import decode_text

    try:
        text, _enc = decode_text(data)
    except ImportFailed:
        return ""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _package(root, files: dict[str, str], path: Path, base: str) -> Package:
    if _local(root.tag) != "Project":
        raise ImportFailed(_("This is not a REFI-QDA project: the .qde file has no Project "
                             "element."))
    ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    users = {norm_guid(u.get("guid")): (u.get("name") or "").strip()
             for us in _kids(root, "Users") for u in _kids(us, "User")}
    memos: dict[str, list[str]] = {}
    codes = _read_codes(_first(root, "CodeBook"), memos)
    variables = {}
    for vs in _kids(root, "Variables"):
        for v in _kids(vs, "Variable"):
            guid = norm_guid(v.get("guid"))
            if guid and (v.get("name") or "").strip():
                variables[guid] = (v.get("name").strip(), (v.get("typeOfVariable") or "Text"))
    cases = []
    for cs in _kids(root, "Cases"):
        for c in _kids(cs, "Case"):
            values = dict(x for x in map(_value, _kids(c, "VariableValue")) if x)
            cases.append(((c.get("name") or "").strip(), _refs(c, "SourceRef"), values))
    sources, others = [], []
    source_names: dict[str, str] = {}  # guid -> source name
    selection_sources: dict[str, str] = {}  # guid -> name of the source it is in
    for group in _kids(root, "Sources"):
        for src in group:
            kind = _local(src.tag)
            name = (src.get("name") or "").strip()
            if kind != "TextSource":
                selections = sum(1 for e in src.iter() if _local(e.tag).endswith("Selection"))
                codings = sum(1 for e in src.iter() if _local(e.tag) == "Coding")
                others.append((name or kind, selections, codings))
                continue
            content = _first(src, "PlainTextContent")
            guid = norm_guid(src.get("guid"))
            if guid and guid in source_names:
                raise duplicate_guid("source", guid, source_names[guid], name)
            source_names[guid] = name
            text = _text(content) if content is not None else None
            if text is not None and len(text) > MAX_TEXT_CHARS:
                raise source_too_long(name, len(text))
            source = Source(guid or str(uuid.uuid4()), name, src.get("plainTextPath"), text,
                            description=description_of(src), created=src.get("creationDateTime"))
            for sel in _kids(src, "PlainTextSelection"):
                start, end = _int(sel.get("startPosition")), _int(sel.get("endPosition"))
                sel_guid = norm_guid(sel.get("guid"))
                if sel_guid and sel_guid in selection_sources:
                    raise duplicate_guid("selection", sel_guid, selection_sources[sel_guid], name)
                selection_sources[sel_guid] = name
                source.selections.append(Selection(
                    sel_guid or str(uuid.uuid4()), sel.get("name"),
                    -1 if start is None else start, -1 if end is None else end,
                    norm_guid(sel.get("creatingUser")), _codings(sel, sel.get("creationDateTime")),
                    _refs(sel, "NoteRef"), description_of(sel)))
            source.whole = _codings(src)
            source.notes = _refs(src, "NoteRef")
            source.values = dict(x for x in map(_value, _kids(src, "VariableValue")) if x)
            sources.append(source)
    notes = {}
    for ns_el in _kids(root, "Notes"):
        for n in _kids(ns_el, "Note"):
            content = _first(n, "PlainTextContent")
            notes[norm_guid(n.get("guid"))] = (_text(content) if content is not None
                                               else ("path", n.get("plainTextPath") or ""))
    return Package((root.get("name") or "").strip(), root.get("origin") or "", ns, users, codes,
                   memos, variables, cases, sources, others, notes, _refs(root, "NoteRef"),
                   files, path, base, description_of(root), root.get("creationDateTime"),
                   read_sets(root, _first(root, "CodeBook")))


def member_for(pkg: Package, text_path: str | None) -> str | None:
    """The zip member a plainTextPath refers to (internal://, relative, sources/ or Sources/)."""
    if not text_path:
        return None
    ref = text_path.strip()
    if ref.lower().startswith("internal://"):
        ref = ref[len("internal://"):]
    elif "://" in ref:
        return None  # absolute:// or relative:// files outside the package are not available
    ref = ref.replace("\\", "/").lstrip("/")
    if _bad_name(ref):
        return None
    base = pkg.base
    for candidate in (f"sources/{ref}", ref, posixpath.join(base, "sources", ref),
                      posixpath.join(base, ref)):
        hit = pkg.files.get(candidate.lower())
        if hit is not None:
            return hit
    return None


def open_package(pkg: Package):
    """The package's zip archive, opened again with the same guards, for reading members."""
    return open_archive(pkg.zip_path, _not_qdpx())
