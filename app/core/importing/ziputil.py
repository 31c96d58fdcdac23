"""Safe opening of .docx/.odt zip archives (zip-bomb and XML-entity guards) and file-type sniffing.

Nothing is unpacked before the archive's table of contents has been checked against the
limits in limits.py; parts are then read in chunks with a cap, so a part whose header lies
about its size cannot fill the memory. XML parts with a DOCTYPE or ENTITY declaration (which
Word and LibreOffice never write) are refused before any parser sees them, which blocks
entity bombs ("billion laughs") and external entities; parts in UTF-16/32 are refused too so
that the byte scan cannot be dodged.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.core.importing.limits import (
    MAX_ZIP_CENTRAL_DIRECTORY,
    MAX_ZIP_MEMBER_BYTES,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
    MAX_ZIP_TOTAL_BYTES,
    ZIP_RATIO_MIN_BYTES,
    ZIP_READ_CHUNK,
    format_size,
)
from app.errors import ImportFailed
from app.i18n import _

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc, or any password-protected Office file
_XML_DECLARATIONS = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_OVERLAP = 64  # bytes of the previous chunk scanned again with the next one
_TEXT_CONTROL_BYTES = bytes([*range(0, 9), *range(0x0E, 0x20), 0x7F])
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
               NotImplementedError, RuntimeError, struct.error, IndexError)


WORKBOOK = "workbook"  # `kind` of a spreadsheet (a survey export); the default is a document


def corrupt(kind: str = "document") -> ImportFailed:
    if kind == WORKBOOK:
        return ImportFailed(
            _("The file is damaged or incomplete and cannot be opened. If it was downloaded or "
              "copied, get a fresh copy; otherwise open it in Excel or LibreOffice Calc and "
              "save it again as an Excel workbook (.xlsx)."))
    return ImportFailed(
        _("The file is damaged or incomplete and cannot be opened. If it was downloaded or "
          "copied, get a fresh copy; otherwise open it in Word or LibreOffice and save it again.")
    )


def old_or_protected(kind: str = "document") -> ImportFailed:
    if kind == WORKBOOK:
        return ImportFailed(
            _("The file is password-protected or in an old format (such as .xls). Open it, "
              "remove any password and save it as an Excel workbook (.xlsx) or as CSV."))
    return ImportFailed(
        _("The file is password-protected or in an old format (such as .doc). Open it, remove "
          "any password and save it as a Word document (.docx) or OpenDocument text (.odt).")
    )


def pdf_file() -> ImportFailed:
    return ImportFailed(
        _("This is a PDF file. Copy its text into a Word document (.docx) or a text file "
          "(.txt) and import that instead.")
    )


def rtf_file() -> ImportFailed:
    return ImportFailed(
        _("This is an RTF file. Open it in Word or LibreOffice and save it as a Word "
          "document (.docx) or a text file (.txt), then import that.")
    )


def sniff_foreign(head: bytes, kind: str = "document") -> ImportFailed | None:
    """An error for well-known non-text formats given the first bytes of a file, else None."""
    if head.startswith(OLE_SIGNATURE):
        return old_or_protected(kind)
    if kind == WORKBOOK and head.startswith((b"%PDF", b"{\\rtf")):
        return ImportFailed(_("This is not a spreadsheet but a PDF or RTF document: export the "
                              "answers from the survey tool as .xlsx or .csv."))
    if head.startswith(b"%PDF"):
        return pdf_file()
    if head.startswith(b"{\\rtf"):
        return rtf_file()
    return None


def looks_like_text(head: bytes) -> bool:
    """True when the first bytes of a file look like plain text rather than binary data."""
    if not head or b"\x00" in head:
        return False
    controls = len(head) - len(head.translate(None, _TEXT_CONTROL_BYTES))
    return controls <= len(head) // 100


@contextmanager
def open_archive(path: Path, not_a_zip_but_text: str,
                 kind: str = "document") -> Iterator[zipfile.ZipFile]:
    """Open a zip archive after checking that it is one and that it is within the limits;
    `kind` (WORKBOOK or a document) chooses the advice of the error messages."""
    from app.core.files.reading import open_regular

    with open_regular(path, ImportFailed) as fp:
        head = fp.read(4096)
        if not head.startswith(ZIP_SIGNATURES):
            foreign = sniff_foreign(head, kind)
            if foreign is not None:
                raise foreign
            raise ImportFailed(not_a_zip_but_text) if looks_like_text(head) else corrupt(kind)
        _check_central_directory(fp, kind)
        try:
            zf = zipfile.ZipFile(fp)
        except _ZIP_ERRORS:
            raise corrupt(kind) from None
        with zf:
            check_members(zf)
            yield zf


def _check_central_directory(fp, kind: str = "document") -> None:
    """Refuse archives with too many entries before zipfile reads the whole table of contents."""
    fp.seek(0, 2)
    size = fp.tell()
    tail_len = min(size, 22 + 65_535)
    fp.seek(size - tail_len)
    tail = fp.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        raise corrupt(kind)
    fields = struct.unpack("<4s4H2LH", tail[pos:pos + 22])
    entries, cd_size = max(fields[3], fields[4]), fields[5]
    if entries == 0xFFFF or cd_size == 0xFFFFFFFF:  # ZIP64: the real numbers are elsewhere
        loc = pos - 20
        if loc >= 0 and tail[loc:loc + 4] == b"PK\x06\x07":
            offset = struct.unpack("<4sLQL", tail[loc:loc + 20])[2]
            fp.seek(offset)
            record = fp.read(56)
            if len(record) == 56 and record[:4] == b"PK\x06\x06":
                z64 = struct.unpack("<4sQ2H2L4Q", record)
                entries, cd_size = max(z64[6], z64[7]), z64[8]
    if entries > MAX_ZIP_MEMBERS or cd_size > MAX_ZIP_CENTRAL_DIRECTORY:
        raise _too_many(entries)
    fp.seek(0)


def _too_many(count: int) -> ImportFailed:
    return ImportFailed(
        _("The file consists of too many parts ({count}; the limit is {limit}). It is not a "
          "normal document and is refused for safety.").format(count=count, limit=MAX_ZIP_MEMBERS)
    )


def _too_big(size: int, limit: int) -> ImportFailed:
    return ImportFailed(
        _("The file unpacks to {size}, more than the limit of {limit}. It is not a normal "
          "document and is refused for safety.").format(
            size=format_size(size), limit=format_size(limit)
        )
    )


def check_members(zf: zipfile.ZipFile) -> None:
    """The zip-bomb guard on the declared sizes of every member."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise _too_many(len(infos))
    total = sum(i.file_size for i in infos)
    if total > MAX_ZIP_TOTAL_BYTES:
        raise _too_big(total, MAX_ZIP_TOTAL_BYTES)
    for info in infos:
        if info.flag_bits & 0x1:
            raise old_or_protected()
        if info.file_size > MAX_ZIP_MEMBER_BYTES:
            raise _too_big(info.file_size, MAX_ZIP_MEMBER_BYTES)
        if (info.file_size > ZIP_RATIO_MIN_BYTES
                and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1)):
            raise ImportFailed(
                _("The file is packed in a suspicious way (a part expands {ratio} times) and is "
                  "refused for safety.").format(ratio=info.file_size // max(info.compress_size, 1))
            )


def iter_part(zf: zipfile.ZipFile, name: str, limit: int = MAX_ZIP_MEMBER_BYTES
              ) -> Iterator[bytes]:
    """One member's bytes in chunks, never more than declared or than `limit`.

    Raises KeyError when the archive has no such member, ImportFailed when it is damaged or
    too large.
    """
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise _too_big(info.file_size, limit)
    limit = min(info.file_size, limit)
    total = 0
    try:
        with zf.open(info) as member:
            while chunk := member.read(ZIP_READ_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise _too_big(total, limit)
                yield chunk
    except _ZIP_ERRORS:
        raise corrupt() from None


def read_part(zf: zipfile.ZipFile, name: str, limit: int = MAX_ZIP_MEMBER_BYTES) -> bytes:
    """One member's bytes, read in chunks and never more than declared or allowed.

    Raises KeyError when the archive has no such member.
    """
    return b"".join(iter_part(zf, name, limit))


def unexpected_encoding() -> ImportFailed:
    return ImportFailed(
        _("A part of the file is stored in an unexpected way and is refused for safety. "
          "Open the file in Word or LibreOffice and save it again.")
    )


def xml_declarations() -> ImportFailed:
    return ImportFailed(
        _("The file contains XML declarations (DOCTYPE or ENTITY) that Word and "
          "LibreOffice never write. It is refused for safety.")
    )


def check_xml(data: bytes, first: bool = True) -> None:
    """Refuse an XML part (or a chunk of one: `first` False after the first) with DOCTYPE/ENTITY
    declarations or in a multi-byte encoding."""
    if b"\x00" in data or (first and data.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise unexpected_encoding()
    if b"<!" in data and _XML_DECLARATIONS.search(data):
        raise xml_declarations()


def scan_xml_part(zf: zipfile.ZipFile, name: str) -> None:
    """check_xml over a whole part, chunk by chunk (chunks overlap so nothing slips between)."""
    tail = b""
    for n, chunk in enumerate(iter_part(zf, name)):
        check_xml(tail + chunk, first=n == 0)
        tail = chunk[-_OVERLAP:]


def stream_xml(zf: zipfile.ZipFile, name: str, parser) -> None:
    """Feed a part to an expat `parser` chunk by chunk, with check_xml on every chunk.

    The caller's parser must refuse DOCTYPE and ENTITY declarations itself (see
    `safe_expat`); the byte scan is a second guard. A declared encoding Python does not know
    (or cannot use) is raised as ExpatError, like any other damage.
    """
    from xml.parsers.expat import ExpatError

    tail = b""
    try:
        for n, chunk in enumerate(iter_part(zf, name)):
            check_xml(tail + chunk, first=n == 0)
            tail = chunk[-_OVERLAP:]
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (LookupError, ValueError) as exc:  # an unknown or unusable declared encoding
        raise ExpatError(str(exc)) from None


def safe_expat(handler=None):
    """A namespace-aware expat parser (names as 'uri local') that refuses DTDs and entities;
    with a `handler`, its `start`, `end` and `text` methods receive the events."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse(*_args):
        raise xml_declarations()

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.buffer_size = 64 * 1024
    parser.ordered_attributes = False
    if handler is not None:
        parser.StartElementHandler = handler.start
        parser.EndElementHandler = handler.end
        parser.CharacterDataHandler = handler.text
    return parser


def read_xml_part(zf: zipfile.ZipFile, name: str) -> bytes:
    """An XML member's bytes after the safety scan (KeyError when it is missing)."""
    data = read_part(zf, name)
    check_xml(data)
    return data


def check_xml_parts(zf: zipfile.ZipFile, done: set[str]) -> None:
    """Scan every other XML part of the archive, so none of them can smuggle in a DOCTYPE."""
    for info in zf.infolist():
        if info.filename not in done and info.filename.lower().endswith((".xml", ".rels", ".rdf")):
            scan_xml_part(zf, info.filename)


def cell_text(blocks: list[str]) -> str:
    """A table cell's paragraphs (and nested tables' rows) as one line: joined by spaces."""
    parts = (b.replace("\n", " ").replace("\t", " ").strip() for b in blocks)
    return " ".join(p for p in parts if p)
