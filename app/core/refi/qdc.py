"""REFI-QDA codebook files (.qdc, `urn:QDA-XML:codebook:1.0`): safe parsing and writing.

Files from other tools are accepted: elements are matched by local name, so other namespace
versions (or none) work, and a `.qde` project's CodeBook is found inside its Project element.
Sitat's inclusion/exclusion criteria and example have no REFI element; they travel inside the
Description as paragraphs starting `Inklusjon:`, `Eksklusjon:`, `Eksempel:` (English accepted).
"""

from __future__ import annotations

import os
import re
import uuid
import xml.etree.ElementTree as ET

from app.core.codebook import COLOUR_RE
from app.core.codebook_io import CodeSpec
from app.errors import CodebookError
from app.i18n import _

NAMESPACE = "urn:QDA-XML:codebook:1.0"
MAX_BYTES = 20 * 1024 * 1024
MAX_CODES = 20_000
MAX_DEPTH = 40
_LABELS = {
    "inclusion": ("Inklusjon:", "Inclusion:"),
    "exclusion": ("Eksklusjon:", "Exclusion:"),
    "example": ("Eksempel:", "Example:"),
}
_WRITE_LABEL = {"inclusion": "Inklusjon:", "exclusion": "Eksklusjon:", "example": "Eksempel:"}


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(elem, name: str):
    return [c for c in elem if _local(c.tag) == name]


def split_description(text: str) -> dict[str, str]:
    """Description text -> {'description', 'inclusion', 'exclusion', 'example'}."""
    out = {"description": [], "inclusion": [], "exclusion": [], "example": []}
    current = "description"
    for para in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        stripped = para.strip()
        for key, labels in _LABELS.items():
            hit = next((lab for lab in labels if stripped.lower().startswith(lab.lower())), None)
            if hit:
                current = key
                stripped = stripped[len(hit):].strip()
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
            parts.append(f"{_WRITE_LABEL[key]} {value}")
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

    return parse_qdc(read_capped(path, MAX_BYTES, CodebookError, too_large))


def parse_qdc(data: bytes) -> list[CodeSpec]:
    """The code tree of a REFI-QDA codebook (or project) file. Raises CodebookError."""
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
        desc_el = _children(elem, "Description")
        parts = split_description("".join(desc_el[0].itertext()) if desc_el else "")
        spec = CodeSpec(name=name, guid=guid, colour=colour.upper(), codable=codable, **parts)
        spec.children = [read(c, depth + 1) for c in _children(elem, "Code")]
        return spec

    return [read(c, 1) for group in codes for c in _children(group, "Code")]


def write_qdc(roots: list[CodeSpec], origin: str = "Sitat") -> bytes:
    """A REFI-QDA codebook document (UTF-8) for the given tree."""
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
    ET.indent(book, space="  ")
    return ET.tostring(book, encoding="utf-8", xml_declaration=True) + b"\n"
