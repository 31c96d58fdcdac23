"""Import a REFI-QDA project package (.qdpx) into a new Sitat project, all or nothing.

Everything is read and checked first (qdpx_read), offsets are converted in one place
(qdpx_offsets), then the project is built under a temporary name next to `out` in one
transaction and renamed only when complete, so a failure never leaves a half-written project.
Codings that cannot be placed safely (outside their text, ambiguous, unknown code, only white
space) are not guessed at: they are listed in the report's `skipped`.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from app.core import attributes as attrs
from app.core.codebook_io import CodeSpec, import_codebook
from app.core.coding import NewCoding, add_codings_bulk, get_or_create_coder
from app.core.documents import MAX_NAME, PreparedDocument, add_prepared, text_sha256
from app.core.importing.encoding import decode_text
from app.core.importing.limits import (
    MAX_PROJECT_MEMO_CHARS,
    MAX_PROJECT_TEXT_CHARS,
    MAX_TEXT_BYTES,
    MAX_TEXT_CHARS,
    format_size,
)
from app.core.importing.model import ImportedText
from app.core.importing.speakers import detect_turns
from app.core.importing.ziputil import read_part
from app.core.names import clean_derived, control_character
from app.core.project import Project
from app.core.refi import qdpx_read as rd
from app.core.refi.qdpx_offsets import SourceMap, choose_dialect, name_matches
from app.core.team.provenance import parse_utc
from app.errors import ImportFailed, SitatError
from app.i18n import _
from app.models import AttributeDefinition, Code, Coder, Document, ProjectInfo


@dataclass
class ImportReport:
    documents: int = 0
    codes: int = 0
    coders: int = 0
    codings: int = 0
    dialect: str = ""
    skipped: list[dict] = field(default_factory=list)
    renamed: list[dict] = field(default_factory=list)  # {"variable", "attribute", "reason"}

    def skip(self, source: str, reason: str, **extra) -> None:
        self.skipped.append({"source": source, "reason": reason, **extra})

    def as_json(self) -> dict:
        out = {"documents": self.documents, "codes": self.codes, "coders": self.coders,
               "codings": self.codings, "skipped": self.skipped, "dialect": self.dialect}
        if self.renamed:
            out["renamed"] = self.renamed
        return out


@dataclass
class _Doc:
    source: rd.Source
    name: str
    smap: SourceMap


def _load_sources(pkg: rd.Package, report: ImportReport) -> list[_Doc]:
    """Each text source decoded and mapped in turn, within the import limits."""
    wanted = {s.guid: rd.member_for(pkg, s.path) for s in pkg.sources if s.content is None}
    decoded: dict[str, str | ImportFailed] = {}  # member -> text, each file read once
    docs, names, total = [], set(), 0
    with rd.open_package(pkg) as zf:
        for n, src in enumerate(pkg.sources, start=1):
            label = src.name or src.path or src.guid
            member = wanted.get(src.guid)
            if src.content is not None:
                raw = src.content
            elif member is None:
                report.skip(label, _("The source's text file is missing from the project "
                                     "file."), codings=len(src.selections))
                continue
            else:
                if member not in decoded:
                    decoded[member] = _decoded(zf, member, src.name or label)
                raw = decoded[member]
                if isinstance(raw, ImportFailed):
                    report.skip(label, str(raw), codings=len(src.selections))
                    continue
            if len(raw) > MAX_TEXT_CHARS:
                raise rd.source_too_long(src.name or label, len(raw))
            total += len(raw)
            if total > MAX_PROJECT_TEXT_CHARS:
                raise rd.texts_too_long(total)
            try:
                smap = SourceMap(raw)
            except ImportFailed as exc:
                report.skip(label, str(exc), codings=len(src.selections))
                continue
            docs.append(_Doc(src, _unique_name(src.name, n, names), smap))
    return docs


def _unique_name(source_name: str, n: int, names: set[str]) -> str:
    """A document name from a source's name: control characters replaced, unique, not too long."""
    base = clean_derived(source_name)[:MAX_NAME].strip() or _("Document {n}").format(n=n)
    name, i = base, 1
    while name in names:
        i += 1
        suffix = f" ({i})"
        name = base[:MAX_NAME - len(suffix)] + suffix
    names.add(name)
    return name


def _decoded(zf, member: str, label: str) -> str | ImportFailed:
    """A source's text file decoded, or the ImportFailed that says why it cannot be used (the
    source is then skipped). A file over the size limit refuses the whole import."""
    if zf.getinfo(member).file_size > MAX_TEXT_BYTES:
        raise ImportFailed(
            _("The text file of the source {name} is {size}, more than the limit of {limit} for "
              "one document. The file is not imported.").format(
                name=label, size=format_size(zf.getinfo(member).file_size),
                limit=format_size(MAX_TEXT_BYTES)))
    data = read_part(zf, member, limit=MAX_TEXT_BYTES)
    try:
        raw, _enc = decode_text(data)
    except ImportFailed as exc:
        return exc
    return raw


def _unique_siblings(specs: list[CodeSpec]) -> None:
    """Other tools allow two sibling codes with one name; Sitat needs distinct paths."""
    seen: set[str] = set()
    for spec in specs:
        base, i = spec.name.strip(), 1
        while spec.name.strip() in seen:
            i += 1
            spec.name = f"{base} ({i})"
        seen.add(spec.name.strip())
        _unique_siblings(spec.children)


def _notes(pkg: rd.Package, guids: list[str]) -> str:
    return "\n\n".join(pkg.notes[g].strip() for g in guids if pkg.notes.get(g, "").strip())


def _attribute_type(kind: str, values: list[str]) -> str:
    wanted = {"integer": "number", "float": "number", "date": "date"}.get(kind.lower(), "text")
    probe = AttributeDefinition(name="", type=wanted, choices="")
    try:
        for v in values:
            attrs.normalise_value(probe, v)
    except SitatError:
        return "text"
    return wanted


def _attribute_names(pkg: rd.Package, report: ImportReport) -> None:
    """Give variables whose names Sitat cannot use as attribute names ('=' is the separator
    of NAME=VALUE; control characters) a usable name, and report each renaming."""
    taken = {name for name, _kind in pkg.variables.values()}
    chosen: dict[str, str] = {}
    for guid, (name, kind) in list(pkg.variables.items()):
        if "=" not in name and control_character(name) is None:
            continue
        if name not in chosen:
            base = clean_derived(name.replace("=", "-")) or "-"
            new, i = base, 1
            while new in taken:
                i += 1
                new = f"{base} ({i})"
            taken.add(new)
            chosen[name] = new
            report.renamed.append({
                "variable": name, "attribute": new,
                "reason": _("An attribute name cannot contain '=' or control characters; the "
                            "variable {old} is imported as the attribute {new}.").format(
                    old=repr(name), new=new)})
        pkg.variables[guid] = (chosen[name], kind)


def _check_memos(pkg: rd.Package, docs: list[_Doc], placed) -> None:
    """Refuse a file whose notes, copied into every memo that refers to them, would add up to
    more than MAX_PROJECT_MEMO_CHARS (an 18 KB file once became a 315 MB project)."""
    sizes = {g: len(t.strip()) + 2 for g, t in pkg.notes.items()}
    total = 0

    def add(refs: list[str]) -> None:
        nonlocal total
        total += sum(sizes.get(g, 0) for g in refs)
        if total > MAX_PROJECT_MEMO_CHARS:
            raise rd.memos_too_long(total)

    add(pkg.project_notes)
    for refs in pkg.code_memos.values():
        add(refs)
    for d in docs:
        add(d.source.notes)
        for _code, _user, notes, _at in d.source.whole:
            add(notes)
    for _d, sel, _start, _end in placed:
        for _code, _user, notes, _at in sel.codings:
            add(notes)
            add(sel.notes)


def _values_by_source(pkg: rd.Package, docs: list[_Doc], report: ImportReport):
    known = {d.source.guid for d in docs}
    out: dict[str, dict[str, str]] = {}
    for name, refs, values in pkg.cases:
        if not values:
            continue
        if len(refs) != 1:
            report.skip(name, _("The case refers to {n} sources; its variables are only "
                                "imported when it refers to exactly one.").format(n=len(refs)))
            continue
        if refs[0] in known:
            out.setdefault(refs[0], {}).update(values)
    for d in docs:
        if d.source.values:
            out.setdefault(d.source.guid, {}).update(d.source.values)
    return {src: {pkg.variables[g][0]: v for g, v in vals.items() if g in pkg.variables and v}
            for src, vals in out.items()}


def _placements(pkg: rd.Package, docs: list[_Doc], report: ImportReport):
    items = [(d.smap, sel.start, sel.end, sel.name) for d in docs for sel in d.source.selections]
    choice = choose_dialect(items, pkg.origin)
    report.dialect = choice.dialect or "none"
    placed = []  # (doc, selection, start, end)
    for d in docs:
        for sel in d.source.selections:
            span = d.smap.place(choice.dialect or "codepoints", sel.start, sel.end)
            where = {"start": sel.start, "end": sel.end, "selection": sel.guid}
            other = d.smap.place("utf16" if choice.dialect == "codepoints" else "codepoints",
                                 sel.start, sel.end)
            if span is None:
                report.skip(d.name, _("The selection lies outside the text."), **where)
            elif choice.undecided and span != other:
                report.skip(d.name, _("The selection's position is ambiguous: the file does not "
                                      "show how it counts characters."), **where)
            elif (choice.names_are_text and sel.name and sel.name.strip()
                  and not name_matches(sel.name, d.smap.text[span[0]:span[1]])):
                report.skip(d.name, _("The selected text differs from the text the file names "
                                      "for it, so its position is uncertain."), **where)
            elif not d.smap.text[span[0]:span[1]].strip():
                report.skip(d.name, _("The selection contains only white space."), **where)
            else:
                placed.append((d, sel, span[0], span[1]))
    return placed


def import_qdpx(path: Path, out: Path) -> ImportReport:
    """Create the new project `out` from the .qdpx file `path`. Raises ImportFailed."""
    path, out = Path(path), Path(out)
    if out.exists():
        raise ImportFailed(_("{name} already exists; choose another file name.").format(
            name=out.name))
    if not out.parent.is_dir():
        raise ImportFailed(_("The folder {folder} does not exist.").format(
            folder=str(out.parent)))
    pkg = rd.read_package(path)
    report = ImportReport()
    docs = _load_sources(pkg, report)
    for name in pkg.other_sources:
        report.skip(name, _("Only text sources can be imported; this source is not text."))
    _attribute_names(pkg, report)
    values = _values_by_source(pkg, docs, report)
    placed = _placements(pkg, docs, report)
    _check_memos(pkg, docs, placed)
    from app.core.files.leftovers import clean_folder, importing_name

    clean_folder(out.parent)  # what an import killed before left behind
    tmp = out.with_name(importing_name(out.stem, out.suffix, uuid.uuid4().hex[:8]))
    project = None
    try:
        project = Project.create(tmp, pkg.title or path.stem)
        with project.write() as s:
            _write(s, pkg, docs, values, placed, report)
        project.close()
        project = None
        if out.exists():
            raise ImportFailed(_("{name} already exists; choose another file name.").format(
                name=out.name))
        os.replace(tmp, out)
    except BaseException:
        if project is not None:
            project.close()
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            p.unlink(missing_ok=True)
        raise
    return report


def _write(s, pkg: rd.Package, docs: list[_Doc], values, placed, report: ImportReport) -> None:
    info = s.query(ProjectInfo).one()
    info.memo = _notes(pkg, pkg.project_notes)
    _unique_siblings(pkg.codes)
    import_codebook(s, pkg.codes)
    codes = {c.guid: c for c in s.query(Code)}
    for guid, refs in pkg.code_memos.items():
        if guid in codes and refs:
            codes[guid].memo = _notes(pkg, refs)
    report.codes = len(codes)
    batch = [PreparedDocument(d.name, Path(d.source.path or d.name),
                              ImportedText(d.smap.text, detect_turns(d.smap.text), "txt"),
                              text_sha256(d.smap.text)) for d in docs]
    add_prepared(s, batch, allow_duplicate=True)
    by_name = {doc.name: doc for doc in s.query(Document)}
    doc_ids, used = {}, set()
    for d in docs:
        doc = by_name[d.name]
        if d.source.guid not in used:
            doc.guid = d.source.guid
            used.add(d.source.guid)
        doc.memo = _notes(pkg, d.source.notes)
        doc_ids[d.source.guid] = doc.id
    s.flush()
    all_values: dict[str, list[str]] = {}
    for vals in values.values():
        for k, v in vals.items():
            all_values.setdefault(k, []).append(v)
    for guid, (name, kind) in pkg.variables.items():
        if name in all_values:
            attrs.define_attribute(s, name, _attribute_type(kind, all_values[name]))
    for src_guid, vals in values.items():
        if src_guid in doc_ids:
            attrs.set_values(s, s.get(Document, doc_ids[src_guid]), vals)
    coders: dict[str, Coder] = {}

    def coder_for(guid: str) -> Coder:
        if guid not in coders:
            name = pkg.users.get(guid) or (_("User {id}").format(id=guid[:8]) if guid
                                           else _("Unknown coder"))
            coder = get_or_create_coder(s, name)
            if guid and coder.guid != guid and guid not in {c.guid for c in coders.values()}:
                coder.guid = guid
            coders[guid] = coder
        return coders[guid]

    rows = []
    for d, sel, start, end in placed:
        for k, (code_guid, user, notes, at) in enumerate(sel.codings):
            row = _row(s, report, codes, d, doc_ids, code_guid, coder_for(user or sel.user),
                       start, end, _notes(pkg, notes + sel.notes), sel.guid, parse_utc(at))
            if row is not None and k == 0:
                row.guid = sel.guid  # a Sitat export's selection guid is its coding's guid
            rows.append(row)
    for d in docs:
        text = d.smap.text
        lead = len(text) - len(text.lstrip())
        for code_guid, user, notes, at in d.source.whole:
            rows.append(_row(s, report, codes, d, doc_ids, code_guid, coder_for(user), lead,
                             len(text.rstrip()), _notes(pkg, notes), d.source.guid,
                             parse_utc(at)))
    report.codings = add_codings_bulk(s, [r for r in rows if r is not None])
    report.documents = len(docs)
    report.coders = len({c.id for c in coders.values()})
    s.flush()


def _row(s, report, codes, d, doc_ids, code_guid, coder, start, end, memo, where,
         created=None):
    code = codes.get(code_guid)
    if code is None:
        report.skip(d.name, _("The coding refers to a code that is not in the codebook."),
                    start=start, end=end, selection=where)
        return None
    if not code.codable:
        code.codable = True
    return NewCoding(doc_ids[d.source.guid], code.id, coder.id, start, end, memo,
                     created_at=created)

