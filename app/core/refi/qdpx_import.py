"""Import a REFI-QDA project package (.qdpx) into a new Sitat project, all or nothing.

Everything is read and checked first (qdpx_read), offsets are converted in one place
(qdpx_offsets), then the project is built under a temporary name next to `out` in one
transaction and renamed only when complete, so a failure never leaves a half-written project.
Codings that cannot be placed safely (outside their text, ambiguous, unknown code, only white
space) are not guessed at: they are listed in the report's `skipped`, each entry with how many
selections and codings it stands for. A selection's name is never a reason to leave it out.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from app.core.documents import MAX_NAME
from app.core.importing.encoding import decode_text
from app.core.importing.limits import (
    MAX_PROJECT_MEMO_CHARS,
    MAX_PROJECT_TEXT_CHARS,
    MAX_TEXT_BYTES,
    MAX_TEXT_CHARS,
    format_size,
)
from app.core.importing.ziputil import read_part
from app.core.names import clean_derived, control_character
from app.core.project import Project
from app.core.refi import qdpx_read as rd
from app.core.refi.qdpx_build import write_project
from app.core.refi.qdpx_offsets import CODEPOINTS, UTF16, SourceMap, choose_dialect
from app.errors import ImportFailed
from app.i18n import _, n_


@dataclass
class ImportReport:
    documents: int = 0
    codes: int = 0
    coders: int = 0
    codings: int = 0
    code_sets: int = 0
    dialect: str = ""
    skipped: list[dict] = field(default_factory=list)
    renamed: list[dict] = field(default_factory=list)  # {"variable", "attribute", "reason"}

    def skip(self, source: str, reason: str, selections: int = 0, codings: int = 0,
             **extra) -> None:
        """One thing left out, with how many selections and codings it held."""
        self.skipped.append({"source": source, "reason": reason, "selections": selections,
                             "codings": codings, **extra})

    @property
    def skipped_selections(self) -> int:
        return sum(item["selections"] for item in self.skipped)

    @property
    def skipped_codings(self) -> int:
        return sum(item["codings"] for item in self.skipped)

    def skipped_line(self) -> str:
        """How many selections and codings were left out, in how many entries."""
        return n_("Not imported ({n} entry): selections {selections}, codings {codings}:",
                  "Not imported ({n} entries): selections {selections}, codings {codings}:",
                  len(self.skipped)).format(selections=self.skipped_selections,
                                            codings=self.skipped_codings, n=len(self.skipped))

    def as_json(self) -> dict:
        out = {"documents": self.documents, "codes": self.codes, "coders": self.coders,
               "codings": self.codings, "code_sets": self.code_sets, "skipped": self.skipped,
               "skipped_selections": self.skipped_selections,
               "skipped_codings": self.skipped_codings, "dialect": self.dialect}
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
            held = {"selections": len(src.selections), "codings": src.codings()}
            if src.content is not None:
                raw = src.content
            elif member is None:
                report.skip(label, _("The source's text file is missing from the project "
                                     "file."), **held)
                continue
            else:
                if member not in decoded:
                    decoded[member] = _decoded(zf, member, src.name or label)
                raw = decoded[member]
                if isinstance(raw, ImportFailed):
                    report.skip(label, str(raw), **held)
                    continue
            if len(raw) > MAX_TEXT_CHARS:
                raise rd.source_too_long(src.name or label, len(raw))
            total += len(raw)
            if total > MAX_PROJECT_TEXT_CHARS:
                raise rd.texts_too_long(total)
            try:
                smap = SourceMap(raw)
            except ImportFailed as exc:
                report.skip(label, str(exc), **held)
                continue
            docs.append(_Doc(src, _unique_name(src.name or _file_stem(src.path), n, names),
                             smap))
    return docs


def _file_stem(text_path: str | None) -> str:
    """The file name (without .txt) of a plainTextPath, for a source that has no name."""
    ref = (text_path or "").strip().replace("\\", "/")
    if "://" in ref:
        ref = ref.split("://", 1)[1]
    name = ref.rsplit("/", 1)[-1]
    return name[:-4] if name.lower().endswith(".txt") else name


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

    def add_text(text: str) -> None:
        nonlocal total
        total += len(text) + 2
        if total > MAX_PROJECT_MEMO_CHARS:
            raise rd.memos_too_long(total)

    add(pkg.project_notes)
    add_text(pkg.description)
    for refs in pkg.code_memos.values():
        add(refs)
    for d in docs:
        add(d.source.notes)
        add_text(d.source.description)
        for ref in d.source.whole:
            add(ref.notes)
    for _d, sel, _start, _end in placed:
        for ref in sel.codings:
            add(ref.notes)
            add(sel.notes)
            add_text(sel.description)


def _values_by_source(pkg: rd.Package, docs: list[_Doc], report: ImportReport):
    known = {d.source.guid for d in docs}
    out: dict[str, dict[str, str]] = {}
    for name, refs, values in pkg.cases:
        if not values:
            continue
        if len(refs) != 1:
            report.skip(name, _("The case refers to more or fewer sources than one ({n}); its "
                                "variables are only imported when it refers to exactly "
                                "one.").format(n=len(refs)))
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
            span = d.smap.place(choice.dialect or CODEPOINTS, sel.start, sel.end)
            where = {"start": sel.start, "end": sel.end, "selection": sel.guid,
                     "selections": 1, "codings": len(sel.codings)}
            other = d.smap.place(UTF16 if choice.dialect == CODEPOINTS else CODEPOINTS,
                                 sel.start, sel.end)
            if span is None:
                report.skip(d.name, _("The selection lies outside the text."), **where)
            elif choice.undecided and span != other:
                report.skip(d.name, _("The selection's position is ambiguous: the file does not "
                                      "show how it counts characters."), **where)
            elif not d.smap.text[span[0]:span[1]].strip():
                report.skip(d.name, _("The selection contains only white space."), **where)
            else:
                placed.append((d, sel, span[0], span[1]))
    return placed


def import_qdpx(path: Path, out) -> ImportReport:
    """Create the new project `out` (a .sitat path, or the URL of an empty PostgreSQL
    database) from the .qdpx file `path`. Raises ImportFailed."""
    from app.core.server.location import is_server_url

    if is_server_url(out):
        return _import_to_server(Path(path), str(out))
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
    for name, selections, codings in pkg.other_sources:
        report.skip(name, _("Only text sources can be imported; this source is not text."),
                    selections, codings)
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


def _import_to_server(path: Path, url: str) -> ImportReport:
    """A .qdpx into an empty shared project: built as a private file first, then published in
    one transaction, so a refused or failed import leaves the database as it was."""
    import tempfile

    from app.core.server.publish import publish_project

    with tempfile.TemporaryDirectory(prefix="sitat-refi-") as folder:
        local = Path(folder) / "import.sitat"
        report = import_qdpx(path, local)
        with Project.open(local) as project:
            publish_project(project, url)
    return report


def _write(s, pkg: rd.Package, docs: list[_Doc], values, placed, report: ImportReport) -> None:
    """Fill the new project inside the import's transaction (app.core.refi.qdpx_build)."""
    write_project(s, pkg, docs, values, placed, report)
