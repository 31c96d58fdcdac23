"""Reader for Word documents (.docx): the body text in document order, tables flattened.

The archive is checked first (ziputil: zip-bomb and DOCTYPE/ENTITY guards), then only the
main document part is read, as a stream: it is unpacked chunk by chunk into an expat parser
that refuses DTDs and entities, and no element tree is built, so memory stays a small multiple
of the text however many runs the document has (a file of millions of one-letter runs once
needed 1.9 GB). A run's text follows python-docx's CT_R.text exactly (w:t, w:tab and w:ptab
as tab, w:br of type textWrapping and w:cr as LF, w:noBreakHyphen as '-'), without loading
styles, numbering and the rest of the package. Body paragraphs become lines; each table row
becomes one line with its cells joined by a tab (nested tables are flattened into their
cell). Headers, footers, comments, footnotes, text boxes and deleted (tracked) text are left
out; inserted (tracked) text, hyperlinks, fields and content controls are kept.
"""

from __future__ import annotations

from pathlib import Path

from app.core.importing.limits import MAX_TEXT_CHARS, MAX_XML_DEPTH, text_too_long
from app.core.importing.ziputil import (
    cell_text,
    check_xml_parts,
    open_archive,
    safe_expat,
    stream_xml,
)
from app.errors import ImportFailed
from app.i18n import _

MAIN_PART = "word/document.xml"
_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main "
_STRICT_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main "
_OFFICE_DOCUMENT = "/officeDocument"
_BR_TYPE = _NS + "type"
_COMPACT = 4096  # pieces of one paragraph (or lines of the body) joined into one string

# What an element is, from its parent's role and its own name (expat gives 'uri local').
(_IGNORE, _DOC, _DOC_DONE, _BODY, _BLOCKS, _CELL, _TABLE, _ROWS, _ROW, _PARA, _RUNS, _RUN, _T,
 _SDT_BLOCKS, _SDT_ROWS, _SDT_RUNS, _SDT_DONE, _TAB, _BR, _CR, _HYPHEN) = range(21)


def _w(**names: int) -> dict[str, int]:
    return {_NS + k: v for k, v in names.items()}


_IN_BLOCKS = _w(p=_PARA, tbl=_TABLE, sdt=_SDT_BLOCKS, customXml=_BLOCKS, sdtContent=_BLOCKS,
                ins=_BLOCKS, moveTo=_BLOCKS)
_IN_ROWS = _w(tr=_ROW, sdt=_SDT_ROWS, customXml=_ROWS, sdtContent=_ROWS, ins=_ROWS,
              moveTo=_ROWS)
_IN_RUNS = _w(r=_RUN, sdt=_SDT_RUNS, hyperlink=_RUNS, ins=_RUNS, moveTo=_RUNS, smartTag=_RUNS,
              customXml=_RUNS, fldSimple=_RUNS, sdtContent=_RUNS, dir=_RUNS, bdo=_RUNS)
_CHILDREN: dict[int, dict[str, int]] = {
    _DOC: _w(body=_BODY),
    _BODY: _IN_BLOCKS, _BLOCKS: _IN_BLOCKS, _CELL: _IN_BLOCKS,
    _TABLE: _IN_ROWS, _ROWS: _IN_ROWS,
    _ROW: _w(tc=_CELL),
    _PARA: _IN_RUNS, _RUNS: _IN_RUNS,
    _RUN: _w(t=_T, tab=_TAB, ptab=_TAB, br=_BR, cr=_CR, noBreakHyphen=_HYPHEN),
    # A content control's first w:sdtContent holds its blocks, rows or runs.
    _SDT_BLOCKS: _w(sdtContent=_BLOCKS), _SDT_ROWS: _w(sdtContent=_ROWS),
    _SDT_RUNS: _w(sdtContent=_RUNS),
}
_NONE: dict[str, int] = {}


def not_a_docx() -> str:
    return _("This is not a Word document (.docx) - is it a text file with the wrong extension?")


def read_docx_text(path: Path) -> str:
    """The body text of a .docx file, paragraphs separated by LF (not yet normalised)."""
    with open_archive(path, not_a_docx()) as zf:
        names = set(zf.namelist())
        main = _main_part(zf, names)
        check_xml_parts(zf, {main})
        reader = _BodyReader()
        parser = reader.parser()
        from xml.parsers.expat import ExpatError

        try:
            stream_xml(zf, main, parser)
        except (ExpatError, RecursionError):
            raise _broken() from None
    return reader.result()


def _broken() -> ImportFailed:
    return ImportFailed(
        _("The contents of the document are damaged. Open it in Word or LibreOffice and save "
          "it again.")
    )


def _main_part(zf, names: set[str]) -> str:
    """The main document part named in _rels/.rels, else word/document.xml."""
    target = None
    if "_rels/.rels" in names:
        from xml.parsers.expat import ExpatError

        found: list[str] = []
        depth = [0]

        def start(_name: str, attrs: dict) -> None:
            depth[0] += 1
            if (depth[0] == 2 and not found
                    and attrs.get("Type", "").endswith(_OFFICE_DOCUMENT)):
                found.append(attrs.get("Target", ""))

        def end(_name: str) -> None:
            depth[0] -= 1

        parser = safe_expat()
        parser.StartElementHandler, parser.EndElementHandler = start, end
        try:
            stream_xml(zf, "_rels/.rels", parser)
        except ExpatError:
            raise _broken() from None
        target = found[0].lstrip("/") if found else None
    if target and target in names:
        return target
    if MAIN_PART in names:
        return MAIN_PART
    if "content.xml" in names:
        raise ImportFailed(
            _("This is an OpenDocument text, not a Word document. Rename it so that its name "
              "ends in .odt and import it again.")
        )
    raise ImportFailed(
        _("This is not a Word document (.docx): it is a zip archive without the text of a "
          "Word document.")
    )


class _BodyReader:
    """expat handlers that collect the body text while the part streams past."""

    def __init__(self) -> None:
        self.roles: list[int] = []
        self.chunks: list[str] = []  # body lines already joined, _COMPACT at a time
        self.sinks: list[list[str]] = [[]]  # lines of the body, then of each open table cell
        self.rows: list[list[str]] = []  # cells of each open table row
        self.para: list[str] = []
        self.chars = 0  # text characters seen so far, for the size limit
        self.root = ""
        self.found_body = False

    def parser(self):
        return safe_expat(self)

    def start(self, name: str, attrs: dict) -> None:
        roles = self.roles
        if not roles:
            self.root = name
            roles.append(_DOC)
            return
        parent = roles[-1]
        role = _CHILDREN.get(parent, _NONE).get(name, _IGNORE)
        if role >= _TAB:
            if role == _TAB:
                self.para.append("\t")
            elif role != _BR or attrs.get(_BR_TYPE, "textWrapping") == "textWrapping":
                self.para.append("-" if role == _HYPHEN else "\n")
            role = _IGNORE
        elif role == _BODY:
            roles[-1] = _DOC_DONE
            self.found_body = True
        elif parent >= _SDT_BLOCKS and role != _IGNORE:  # only the first sdtContent counts
            roles[-1] = _SDT_DONE
        elif parent == _T:  # text after a child of w:t is not the run's text
            roles[-1] = _IGNORE
        elif role == _PARA:
            self.para.clear()
        elif role == _CELL:
            self.sinks.append([])
        elif role == _ROW:
            self.rows.append([])
        roles.append(role)
        if len(roles) > MAX_XML_DEPTH:
            raise _broken()

    def end(self, _name: str) -> None:
        role = self.roles.pop()
        if role == _RUN:
            para = self.para
            if len(para) > _COMPACT:
                para[:] = ["".join(para)]
        elif role == _PARA:
            self._line("".join(self.para))
            self.para.clear()
        elif role == _CELL:
            blocks = self.sinks.pop()
            self.rows[-1].append(cell_text(blocks))
        elif role == _ROW:
            self._line("\t".join(self.rows.pop()))

    def text(self, data: str) -> None:
        if self.roles[-1] == _T:
            self.para.append(data)
            self.chars += len(data)
            if self.chars > MAX_TEXT_CHARS:
                raise text_too_long(self.chars)

    def _line(self, line: str) -> None:
        sink = self.sinks[-1]
        sink.append(line)
        if len(self.sinks) == 1 and len(sink) > _COMPACT:
            self.chunks.append("\n".join(sink))
            sink.clear()

    def result(self) -> str:
        if not self.found_body:
            if self.root.startswith(_STRICT_NS):
                raise ImportFailed(
                    _("The document is saved as 'Strict Open XML', which Sitat cannot read. "
                      "Open it in Word and save it as an ordinary Word document (.docx).")
                )
            raise _broken()
        if self.sinks[0]:
            self.chunks.append("\n".join(self.sinks[0]))
        return "\n".join(self.chunks)
