"""REFI-QDA codebook files (.qdc, `urn:QDA-XML:codebook:1.0`): safe parsing and writing.

Files from other tools are accepted: elements are matched by local name, so other namespace
versions (or none) work, and a `.qde` project's CodeBook is found inside its Project element.
Sitat's inclusion/exclusion criteria and example have no REFI element; they travel inside the
Description as paragraphs starting `Inklusjon:`, `Eksklusjon:`, `Eksempel:`. These labels are
Sitat's fixed format, the same in every interface language; any other paragraph (another
tool's `Example:` too) is the user's own text and stays in the definition word for word, so it
is written back exactly as it came. Code sets travel in the codebook's `Sets`.
"""

from __future__ import annotations

import os
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from app.core.codebook import COLOUR_RE
from app.core.codebook_io import CodeSpec
from app.errors import CodebookError
from app.i18n import _

NAMESPACE = "urn:QDA-XML:codebook:1.0"
MAX_BYTES = 20 * 1024 * 1024
MAX_CODES = 20_000
MAX_DEPTH = 40
# Sitat's own labels, fixed: never translated, and only these are read back as criteria.
LABELS = {"inclusion": "Inklusjon:", "exclusion": "Eksklusjon:", "example": "Eksempel:"}


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(elem, name: str):
    return [c for c in elem if _local(c.tag) == name]


@dataclass
class CodeGroup:
    """A REFI Set: a named group of codes (ATLAS.ti's code groups, MAXQDA's code sets), as
    guids of its codes; sources and notes in it are only counted (Sitat's code sets hold
    codes)."""

    guid: str
    name: str
    description: str = ""
    codes: list[str] = field(default_factory=list)
    sources: int = 0
    notes: int = 0


def description_of(elem) -> str:
    """The text of an element's Description child (or, as older ATLAS.ti files write it, of
    its description attribute), line ends as LF, outer white space removed."""
    found = _children(elem, "Description")
    text = "".join(found[0].itertext()) if found else (elem.get("description") or "")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _members(elem, name: str) -> list[str]:
    """Guids of MemberCode/MemberSource/MemberNote (targetGUID; ATLAS.ti 9 writes guid)."""
    return [g for g in (_guid((r.get("targetGUID") or r.get("guid") or "").strip())
                        for r in _children(elem, name)) if g]


def read_sets(*holders) -> list[CodeGroup]:
    """The Set elements under the given holders of a Sets element (a Project, a CodeBook)."""
    out = []
    for holder in holders:
        if holder is None:
            continue
        for group in _children(holder, "Sets"):
            for st in _children(group, "Set"):
                name = (st.get("name") or "").strip()
                if name:
                    out.append(CodeGroup(
                        _guid((st.get("guid") or "").strip()) or str(uuid.uuid4()), name,
                        description_of(st), _members(st, "MemberCode"),
                        len(_members(st, "MemberSource")), len(_members(st, "MemberNote"))))
    return out


def write_sets(parent, q: str, groups: list[CodeGroup]) -> None:
    """A Sets element with one Set per group (skipped when there is none)."""
    if not groups:
        return
    holder = ET.SubElement(parent, q + "Sets")
    for g in groups:
        el = ET.SubElement(holder, q + "Set", {"guid": g.guid, "name": g.name})
        if g.description:
            ET.SubElement(el, q + "Description").text = g.description
        for code in g.codes:
            ET.SubElement(el, q + "MemberCode", {"targetGUID": code})


def split_description(text: str) -> dict[str, str]:
    """Description text -> {'description', 'inclusion', 'exclusion', 'example'}."""
    out = {"description": [], "inclusion": [], "exclusion": [], "example": []}
    current = "description"
    for para in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        stripped = para.strip()
        for key, label in LABELS.items():
            if stripped.startswith(label):
                current = key
                stripped = stripped[len(label):].strip()
                break
        else:
            if current != "description" and not stripped:
                continue
        if stripped:
            out[current].append(stripped)
    return {k: "\n\n".join(v) for k, v in out.items()}


def join_description(spec: CodeSpec) -> str:
    parts = [spec.description.strip()] if spec.description.strip() else []
    for key in ("inclusion", "exclusion", "example"):
        value = getattr(spec, key).strip()
        if value:
            parts.append(f"{LABELS[key]} {value}")
    return "\n\n".join(parts)


def _guid(value: str | None) -> str:
    try:
        return str(uuid.UUID(value)) if value else ""
    except ValueError:
        return ""


def read_qdc_file(path: str | os.PathLike) -> list[CodeSpec]:
    """The code tree of a codebook file a user named. Only an ordinary file is read (a named
    pipe or a device such as /dev/zero is refused, not waited on), and at most MAX_BYTES of
    it. Raises CodebookError."""
    from app.core.files.reading import read_capped

    def too_large(_size: int) -> CodebookError:
        return CodebookError(_("The codebook file is larger than {mb} MB.").format(
            mb=MAX_BYTES // (1024 * 1024)))

    return parse_codebook(read_capped(path, MAX_BYTES, CodebookError, too_large))[0]


def read_codebook_file(path: str | os.PathLike) -> tuple[list[CodeSpec], list[CodeGroup]]:
    """The code tree and the code sets of a codebook file a user named (as read_qdc_file)."""
    from app.core.files.reading import read_capped

    def too_large(_size: int) -> CodebookError:
        return CodebookError(_("The codebook file is larger than {mb} MB.").format(
            mb=MAX_BYTES // (1024 * 1024)))

    return parse_codebook(read_capped(path, MAX_BYTES, CodebookError, too_large))


def parse_qdc(data: bytes) -> list[CodeSpec]:
    """The code tree of a REFI-QDA codebook (or project) file. Raises CodebookError."""
    return parse_codebook(data)[0]


def parse_codebook(data: bytes) -> tuple[list[CodeSpec], list[CodeGroup]]:
    """The code tree and the code sets (`Sets`) of a REFI-QDA codebook (or project) file.
    Raises CodebookError."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    if len(data) > MAX_BYTES:
        raise CodebookError(_("The codebook file is larger than {mb} MB.").format(
            mb=MAX_BYTES // (1024 * 1024)))
    if not data.strip():
        raise CodebookError(_("The codebook file is empty."))
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise CodebookError(_("The codebook file contains a DTD or entities, which Sitat does "
                              "not accept for safety.")) from exc
    except (ET.ParseError, LookupError, ValueError) as exc:  # also an unknown encoding
        raise CodebookError(_("The codebook file is not valid XML ({reason}).").format(
            reason=exc)) from exc
    book = root if _local(root.tag) == "CodeBook" else next(
        (e for e in root.iter() if _local(e.tag) == "CodeBook"), None)
    if book is None:
        raise CodebookError(_("This is not a REFI-QDA codebook: it has no CodeBook element."))
    codes = _children(book, "Codes")
    count = [0]
    seen_guids: set[str] = set()

    def read(elem, depth: int) -> CodeSpec:
        if depth > MAX_DEPTH:
            raise CodebookError(_("The codebook nests codes deeper than {n} levels.").format(
                n=MAX_DEPTH))
        count[0] += 1
        if count[0] > MAX_CODES:
            raise CodebookError(_("The codebook has more than {n} codes.").format(n=MAX_CODES))
        name = (elem.get("name") or "").strip()
        if not name:
            raise CodebookError(_("A code in the codebook has no name."))
        guid = _guid(elem.get("guid"))
        if guid in seen_guids:
            guid = ""
        seen_guids.add(guid)
        colour = (elem.get("color") or "").strip()
        if not COLOUR_RE.match(colour):
            colour = ""
        codable = (elem.get("isCodable") or "true").strip().lower() not in ("false", "0")
        parts = split_description(description_of(elem))
        spec = CodeSpec(name=name, guid=guid, colour=colour.upper(), codable=codable, **parts)
        spec.children = [read(c, depth + 1) for c in _children(elem, "Code")]
        return spec

    roots = [read(c, 1) for group in codes for c in _children(group, "Code")]
    return roots, read_sets(book, root if root is not book else None)


def write_qdc(roots: list[CodeSpec], origin: str = "Sitat",
              sets: list[CodeGroup] | None = None) -> bytes:
    """A REFI-QDA codebook document (UTF-8) for the given tree and code sets."""
    ET.register_namespace("", NAMESPACE)
    q = f"{{{NAMESPACE}}}"
    book = ET.Element(q + "CodeBook", {"origin": origin})
    codes = ET.SubElement(book, q + "Codes")

    def add(parent, spec: CodeSpec) -> None:
        attrs = {"guid": spec.guid or str(uuid.uuid4()), "name": spec.name,
                 "isCodable": "true" if spec.codable else "false"}
        if spec.colour:
            attrs["color"] = spec.colour
        el = ET.SubElement(parent, q + "Code", attrs)
        text = join_description(spec)
        if text:
            ET.SubElement(el, q + "Description").text = text
        for child in spec.children:
            add(el, child)

    for root in roots:
        add(codes, root)
    write_sets(book, q, sets or [])
    ET.indent(book, space="  ")
    return ET.tostring(book, encoding="utf-8", xml_declaration=True) + b"\n"
