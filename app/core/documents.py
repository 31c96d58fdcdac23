"""Documents in a project: import (validated first, written in one transaction), list, rename, delete."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core import attributes as attrs
from app.core.importing import ImportedText, read_file
from app.core.lookup import get_document
from app.core.names import clean_derived, control_character
from app.core.project import Project
from app.errors import EditConflict, ImportFailed, InvalidInput, NotFound
from app.i18n import _
from app.models import Coding, Document, SpeakerTurn

MAX_NAME = 200


def file_name_text(name: str) -> str:
    """A file name as text to store: bytes of it that are not UTF-8 (which Python keeps as
    lone surrogates) become U+FFFD, since a database stores only text."""
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "replace")


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class PreparedDocument:
    """A file read and checked, ready to be written; nothing is in the project yet."""

    name: str
    path: Path
    content: ImportedText
    sha256: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportResult:
    document: str
    chars: int
    speakers: int
    turns: int

    def as_json(self) -> dict:
        return {"document": self.document, "chars": self.chars, "speakers": self.speakers,
                "turns": self.turns}


def prepare_files(
    paths: list[str | os.PathLike],
    name: str | None = None,
    attributes: dict[str, str] | None = None,
) -> list[PreparedDocument]:
    """Read and normalise every file first, so one bad file stops the import before any write."""
    if name is not None and len(paths) != 1:
        raise InvalidInput(_("A document name can only be given when importing one file."))
    prepared = []
    for raw in paths:
        path = Path(raw)
        if name is not None:
            doc_name = check_name(name)
        else:  # a file name may hold anything but '/'; keep it readable
            doc_name = clean_derived(file_name_text(path.stem))
            if not doc_name or len(doc_name) > MAX_NAME:
                raise InvalidInput(
                    _("The document name must be 1 to {max} characters.").format(max=MAX_NAME)
                )
        content = read_file(path)
        prepared.append(
            PreparedDocument(doc_name, path, content, text_sha256(content.text),
                             dict(attributes or {}))
        )
    return prepared


def check_name(name: str) -> str:
    """A document name a user typed, stripped; InvalidInput when empty, too long or holding a
    control character (newline, tab, ESC, bidi override ...)."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(_("The document name must be 1 to {max} characters.").format(
            max=MAX_NAME))
    bad = control_character(name)
    if bad is not None:
        raise InvalidInput(
            _("The document name contains an invisible control character ({code}), such as a "
              "line break, a tab or a terminal escape; remove it and try again.").format(code=bad)
        )
    return name


def _check_new(s: Session, batch: list[PreparedDocument], allow_duplicate: bool) -> None:
    names_seen: dict[str, Path] = {}
    hashes_seen: dict[str, str] = {}
    for p in batch:
        try:
            check_name(p.name)
        except InvalidInput as exc:
            raise ImportFailed(str(exc)) from None
        if p.name in names_seen or s.scalar(select(Document.id).where(Document.name == p.name)):
            raise ImportFailed(
                _("A document named {name} already exists; give the new one another name.").format(
                    name=p.name
                )
            )
        names_seen[p.name] = p.path
        if allow_duplicate:
            continue
        same = hashes_seen.get(p.sha256) or s.scalar(
            select(Document.name).where(Document.sha256 == p.sha256)
        )
        if same:
            raise ImportFailed(
                _("{file} has exactly the same text as the document {name}, which is already "
                  "in the project. Import it anyway only if you really want two copies.").format(
                    file=p.path.name, name=same
                )
            )
        hashes_seen[p.sha256] = p.name


def add_prepared(
    s: Session, batch: list[PreparedDocument], allow_duplicate: bool = False
) -> list[ImportResult]:
    """Write prepared documents, their speaker turns and attribute values (caller's transaction)."""
    _check_new(s, batch, allow_duplicate)
    results = []
    for p in batch:
        text = p.content.text
        doc = Document(
            name=p.name,
            text=text,
            length=len(text),
            sha256=p.sha256,
            original_filename=file_name_text(p.path.name),
            source_format=p.content.source_format,
        )
        s.add(doc)
        s.flush()
        if p.content.turns:
            s.execute(
                SpeakerTurn.__table__.insert(),
                [{"document_id": doc.id, "start": t.start, "end": t.end, "speaker": t.speaker}
                 for t in p.content.turns],
            )
        if p.attributes:
            attrs.set_values(s, doc, p.attributes)
        results.append(ImportResult(p.name, len(text), len({t.speaker for t in p.content.turns}),
                                    len(p.content.turns)))
    return results


def import_files(
    project: Project,
    paths: list[str | os.PathLike],
    *,
    name: str | None = None,
    attributes: dict[str, str] | None = None,
    attributes_csv: str | os.PathLike | None = None,
    allow_duplicate: bool = False,
) -> list[ImportResult]:
    """Import files as one action: all of them are added, or none is."""
    batch = prepare_files(paths, name, attributes)
    table = attrs.read_attributes_csv(attributes_csv) if attributes_csv else None
    with project.write() as s:
        results = add_prepared(s, batch, allow_duplicate)
        if table is not None:
            attrs.apply_attributes_csv(s, table)
    return results


@dataclass
class DocumentInfo:
    id: int
    name: str
    chars: int
    codings: int
    speakers: list[str]
    attributes: dict[str, str]
    original_filename: str

    def as_json(self) -> dict:
        return {"document": self.name, "chars": self.chars, "codings": self.codings,
                "speakers": self.speakers, "attributes": self.attributes,
                "original_filename": self.original_filename}


def list_documents(s: Session) -> list[DocumentInfo]:
    """Every document with its length, number of codings, speakers and attributes (few queries)."""
    counts = dict(s.execute(select(Coding.document_id, func.count()).group_by(Coding.document_id)).all())
    speakers: dict[int, list[str]] = {}
    for doc_id, speaker in s.execute(
        select(SpeakerTurn.document_id, SpeakerTurn.speaker)
        .distinct()
        .order_by(SpeakerTurn.document_id, SpeakerTurn.speaker)
    ):
        speakers.setdefault(doc_id, []).append(speaker)
    values = attrs.values_by_document(s)
    rows = s.execute(
        select(Document.id, Document.name, Document.length, Document.original_filename)
        .order_by(Document.name)
    )
    return [
        DocumentInfo(i, n, length, counts.get(i, 0), speakers.get(i, []), values.get(i, {}), f)
        for i, n, length, f in rows
    ]


def document_text(s: Session, document_id: int) -> str:
    """The whole text of one document (offsets into it are code points)."""
    text = s.scalar(select(Document.text).where(Document.id == document_id))
    if text is None:
        raise NotFound(_("That document no longer exists."))
    return text


def document_still_there(s: Session, guid: str, name: str, seen_name: bool = False) -> Document:
    """The document an action is about to change, by guid, as the window showed it named
    `name`; EditConflict when someone else deleted it (or, with `seen_name`, renamed it) since -
    nothing is saved then."""
    doc = s.scalar(select(Document).where(Document.guid == guid))
    if doc is None:
        raise EditConflict(_("The document {name} was deleted by someone else; your change was "
                             "not saved.").format(name=name or "?"))
    if seen_name and name and doc.name != name:
        raise EditConflict(_("The document {old} was renamed to {new} by someone else; your "
                             "change was not saved.").format(old=name, new=doc.name))
    return doc


def rename_document(s: Session, name: str, new_name: str) -> Document:
    doc = get_document(s, name)
    new_name = check_name(new_name)
    if new_name != doc.name and s.scalar(select(Document.id).where(Document.name == new_name)):
        raise InvalidInput(_("A document named {name} already exists.").format(name=new_name))
    doc.name = new_name
    return doc


def delete_document(s: Session, name: str) -> int:
    """Delete a document; its codings, turns and values go with it (schema cascade)."""
    doc = get_document(s, name)
    n = s.scalar(select(func.count()).select_from(Coding).where(Coding.document_id == doc.id)) or 0
    s.delete(doc)
    s.flush()
    return int(n)
