"""Write a checked REFI-QDA package into a new project's session: project, users as coders,
codebook, code sets, documents, attributes and codings, keeping guids, times and texts.

Everything here runs inside the one transaction of `import_qdpx`; the package was read and
every selection placed (qdpx_read, qdpx_offsets) before this is called.
"""

from __future__ import annotations

from pathlib import Path

from app.core import attributes as attrs
from app.core.codebook_io import CodeSpec, import_codebook
from app.core.coding import NewCoding, add_codings_bulk, get_or_create_coder
from app.core.documents import PreparedDocument, add_prepared, text_sha256
from app.core.importing.model import ImportedText
from app.core.importing.speakers import detect_turns
from app.core.refi import qdpx_read as rd
from app.core.team.provenance import parse_utc
from app.errors import SitatError
from app.i18n import _
from app.models import AttributeDefinition, Code, Coder, Document, ProjectInfo


def notes_text(pkg: rd.Package, guids: list[str], description: str = "") -> str:
    """The memo made of the notes referred to, and a Description appended after a blank line."""
    parts = [pkg.notes[g].strip() for g in guids if pkg.notes.get(g, "").strip()]
    if description.strip():
        parts.append(description.strip())
    return "\n\n".join(parts)


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


def _attribute_type(kind: str, values: list[str]) -> str:
    wanted = {"integer": "number", "float": "number", "date": "date"}.get(kind.lower(), "text")
    probe = AttributeDefinition(name="", type=wanted, choices="")
    try:
        for v in values:
            attrs.normalise_value(probe, v)
    except SitatError:
        return "text"
    return wanted


class _Coders:
    """Users become coders (also those who made no coding), each keeping the user's guid."""

    def __init__(self, s, users: dict[str, str]) -> None:
        self.s, self.users, self.by_guid = s, users, {}
        for guid in users:
            self(guid)

    def __call__(self, guid: str) -> Coder:
        if guid not in self.by_guid:
            name = (self.users.get(guid) or "").strip() or (
                _("User {id}").format(id=guid[:8]) if guid else _("Unknown coder"))
            coder = get_or_create_coder(self.s, name)
            taken = {c.guid for c in self.by_guid.values()}
            if guid and coder.guid != guid and guid not in taken and coder not in \
                    self.by_guid.values():
                coder.guid = guid
            self.by_guid[guid] = coder
        return self.by_guid[guid]

    def count(self) -> int:
        return len({c.id for c in self.by_guid.values()})


def _project(s, pkg: rd.Package) -> None:
    info = s.query(ProjectInfo).one()
    info.memo = notes_text(pkg, pkg.project_notes, pkg.description)
    created = parse_utc(pkg.created)
    if created is not None:
        info.created_at = created


def _documents(s, pkg: rd.Package, docs) -> dict[str, int]:
    """Add the documents; returns source guid -> document id."""
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
        doc.memo = notes_text(pkg, d.source.notes, d.source.description)
        created = parse_utc(d.source.created)
        if created is not None:
            doc.imported_at = created
        doc_ids[d.source.guid] = doc.id
    s.flush()
    return doc_ids


def _attributes(s, pkg: rd.Package, values, doc_ids) -> None:
    """Every variable becomes an attribute (also one no document has a value for)."""
    all_values: dict[str, list[str]] = {}
    for vals in values.values():
        for k, v in vals.items():
            all_values.setdefault(k, []).append(v)
    for name, kind in dict(pkg.variables.values()).items():
        attrs.define_attribute(s, name, _attribute_type(kind, all_values.get(name, [])))
    for src_guid, vals in values.items():
        if src_guid in doc_ids:
            attrs.set_values(s, s.get(Document, doc_ids[src_guid]), vals)


def write_project(s, pkg: rd.Package, docs, values, placed, report) -> None:
    """Fill the new project in session `s` from the package; `placed` holds (doc, selection,
    start, end) in Sitat's offsets; `report` (an ImportReport) is filled in."""
    from app.core.codesets import import_code_groups

    _project(s, pkg)
    _unique_siblings(pkg.codes)
    import_codebook(s, pkg.codes)
    codes = {c.guid: c for c in s.query(Code)}
    for guid, refs in pkg.code_memos.items():
        if guid in codes and refs:
            codes[guid].memo = notes_text(pkg, refs)
    report.codes = len(codes)
    report.code_sets = import_code_groups(s, pkg.sets, report)
    doc_ids = _documents(s, pkg, docs)
    _attributes(s, pkg, values, doc_ids)
    coder_for = _Coders(s, pkg.users)

    def row(d, ref: rd.CodingRef, user: str, start: int, end: int, memo: str, guid: str,
            where: str) -> NewCoding | None:
        code = codes.get(ref.code)
        if code is None:
            report.skip(d.name, _("The coding refers to a code that is not in the codebook."),
                        0, 1, start=start, end=end, selection=where)
            return None
        if not code.codable:
            code.codable = True
        return NewCoding(doc_ids[d.source.guid], code.id, coder_for(user).id, start, end, memo,
                         guid=guid or None, created_at=parse_utc(ref.created))

    rows = []
    for d, sel, start, end in placed:
        for k, ref in enumerate(sel.codings):
            # A Sitat export's selection guid is its coding's guid; a selection holding several
            # codings gives its guid to the first, and the others keep their Coding's guid.
            rows.append(row(d, ref, ref.user or sel.user, start, end,
                            notes_text(pkg, ref.notes + sel.notes, sel.description),
                            sel.guid if k == 0 else ref.guid, sel.guid))
    for d in docs:
        text = d.smap.text
        lead = len(text) - len(text.lstrip())
        for ref in d.source.whole:
            rows.append(row(d, ref, ref.user, lead, len(text.rstrip()),
                            notes_text(pkg, ref.notes), ref.guid, d.source.guid))
    report.codings = add_codings_bulk(s, [r for r in rows if r is not None])
    report.documents = len(docs)
    report.coders = coder_for.count()
    s.flush()
