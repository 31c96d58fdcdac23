"""Reader for OpenDocument text (.odt): content.xml's paragraphs, headings, lists and tables in order.

No extra dependencies: zipfile (through the ziputil guards) and expat, fed content.xml as a
stream with DTDs and entities refused, so no element tree is built and memory stays a small
multiple of the text. Paragraphs (text:p) and headings (text:h) become lines, in document
order, also inside lists, sections and tables of contents. Inside a paragraph ODF's
white-space rules apply: runs of spaces, tabs and newlines in the XML count as one space, and
spaces are written as text:s (c = count), tabs as text:tab and line breaks as text:line-break.
Table rows become one line each with cells joined by a tab, like .docx. Footnotes/endnotes
(text:note), comments (office:annotation), frames and text boxes (draw:*) and tracked
deletions are left out.
"""

from __future__ import annotations

import re
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

# expat names are 'uri local'.
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0 "
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 "
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0 "
_P, _H = _TEXT + "p", _TEXT + "h"
_S, _TAB, _LINE_BREAK = _TEXT + "s", _TEXT + "tab", _TEXT + "line-break"
_TABLE_TABLE, _ROW, _CELL = _TABLE + "table", _TABLE + "table-row", _TABLE + "table-cell"
_ROW_GROUPS = frozenset(
    _TABLE + t for t in ("table-header-rows", "table-rows", "table-row-group")
)
# Block-level elements with no body text (declarations, change records, index templates).
_SKIP_BLOCKS = frozenset(
    [_TEXT + t for t in ("tracked-changes", "sequence-decls", "variable-decls",
                         "user-field-decls", "dde-connection-decls", "table-of-content-source",
                         "alphabetical-index-source", "illustration-index-source",
                         "table-index-source", "object-index-source", "user-index-source",
                         "bibliography-source", "soft-page-break", "note")]
    + [_OFFICE + "forms", _OFFICE + "annotation", _OFFICE + "annotation-end"]
)
# Inline elements whose text is not part of the paragraph (their tail is).
_SKIP_INLINE = frozenset(
    [_TEXT + t for t in ("note", "ruby-text", "soft-page-break", "bookmark", "bookmark-start",
                         "bookmark-end", "reference-mark", "change", "change-start",
                         "change-end")]
    + [_OFFICE + "annotation", _OFFICE + "annotation-end"]
)
_MAX_SPACES = 1_000  # text:s c="..." beyond this is not a real document
_MAX_REPEAT = 100  # table:number-columns/rows-repeated
_COMPACT = 4096  # pieces of one paragraph (or lines of the body) joined into one string
_WHITE = re.compile(r"[ \t\r\n]+")
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

# What an element is, from its parent's role and its own name.
(_R_IGNORE, _R_DOC, _R_BODY, _R_BLOCKS, _R_CELL, _R_ROWS, _R_ROW, _R_PARA, _R_INLINE,
 _R_QUIET) = range(10)


def not_an_odt() -> str:
    return _("This is not an OpenDocument text (.odt) - is it a text file with the wrong "
             "extension?")


def read_odt_text(path: Path) -> str:
    """The body text of an .odt file, paragraphs separated by LF (not yet normalised)."""
    from xml.parsers.expat import ExpatError

    with open_archive(path, not_an_odt()) as zf:
        names = set(zf.namelist())
        _check_kind(zf, names)
        check_xml_parts(zf, {"content.xml"})
        reader = _ContentReader()
        try:
            stream_xml(zf, "content.xml", reader.parser())
        except (ExpatError, RecursionError):
            raise _broken() from None
    return reader.result()


def _broken() -> ImportFailed:
    return ImportFailed(
        _("The contents of the document are damaged. Open it in Word or LibreOffice and save "
          "it again.")
    )


def _not_text() -> ImportFailed:
    return ImportFailed(
        _("This OpenDocument file is not a text document (perhaps a spreadsheet or a "
          "presentation). Only text documents (.odt) can be imported.")
    )


def _check_kind(zf, names: set[str]) -> None:
    if "mimetype" in names:
        from app.core.importing.ziputil import read_part

        mimetype = read_part(zf, "mimetype", limit=4096).strip()
        if mimetype.startswith(b"application/vnd.oasis.opendocument") and not mimetype.startswith(
            _ODT_MIMETYPE
        ):
            raise _not_text()
    if "content.xml" not in names:
        if "word/document.xml" in names:
            raise ImportFailed(
                _("This is a Word document, not an OpenDocument text. Rename it so that its "
                  "name ends in .docx and import it again.")
            )
        raise ImportFailed(
            _("This is not an OpenDocument text (.odt): it is a zip archive without the text "
              "of a document.")
        )


def _repeat(attrs: dict, attr: str) -> int:
    try:
        return max(1, min(int(attrs.get(_TABLE + attr, "1")), _MAX_REPEAT))
    except ValueError:
        return 1


def _within_limit(chars: int) -> int:
    if chars > MAX_TEXT_CHARS:
        raise text_too_long(chars)
    return chars


class _Paragraph:
    """Collects a paragraph's text, collapsing XML white space as ODF requires."""

    __slots__ = ("parts", "at_space", "trailing", "chars")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.parts: list[str] = []
        self.at_space = True  # at the paragraph start or just after a collapsible space
        self.trailing = False  # the text ends with a collapsible space
        self.chars = 0

    def text(self, s: str) -> None:
        s = _WHITE.sub(" ", s)
        if self.at_space and s.startswith(" "):
            s = s[1:]
        if s:
            self._add(s)
            self.at_space = self.trailing = s.endswith(" ")

    def literal(self, s: str) -> None:
        self._add(s)
        self.at_space = self.trailing = False

    def _add(self, s: str) -> None:
        self.parts.append(s)
        self.chars = _within_limit(self.chars + len(s))
        if len(self.parts) > _COMPACT:
            self.parts[:] = ["".join(self.parts)]

    def result(self) -> str:
        text = "".join(self.parts)
        return text[:-1] if self.trailing else text


class _ContentReader:
    """expat handlers that collect office:text's lines while content.xml streams past."""

    def __init__(self) -> None:
        self.roles: list[int] = []
        self.found_text = False
        self.chunks: list[str] = []  # body lines already joined, _COMPACT at a time
        self.sinks: list[list[str]] = [[]]  # lines of the body, then of each open table cell
        self.cells: list[list[str]] = []  # cells of each open table row
        self.repeats: list[int] = []  # number-rows/columns-repeated of each open row and cell
        self.para = _Paragraph()
        self.chars = 0  # characters of text seen so far, for the size limit

    def parser(self):
        return safe_expat(self)

    def _child_role(self, parent: int, name: str) -> int:
        if parent == _R_BLOCKS or parent == _R_CELL:
            if name == _P or name == _H:
                self.para.reset()
                return _R_PARA
            if name == _TABLE_TABLE:
                return _R_ROWS
            if name in _SKIP_BLOCKS or name.startswith(_DRAW):
                return _R_IGNORE
            return _R_BLOCKS
        if parent == _R_PARA or parent == _R_INLINE:
            if name == _S or name == _TAB or name == _LINE_BREAK:
                return _R_QUIET
            if name in _SKIP_INLINE or name.startswith(_DRAW):
                return _R_IGNORE
            return _R_INLINE
        if parent == _R_ROWS:
            if name == _ROW:
                return _R_ROW
            return _R_ROWS if name in _ROW_GROUPS else _R_IGNORE
        if parent == _R_ROW:
            return _R_CELL if name == _CELL else _R_IGNORE  # covered (merged away) cells: left out
        if parent == _R_DOC:
            return _R_BODY if name == _OFFICE + "body" else _R_IGNORE
        if parent == _R_BODY and name == _OFFICE + "text" and not self.found_text:
            self.found_text = True
            return _R_BLOCKS
        return _R_IGNORE

    def start(self, name: str, attrs: dict) -> None:
        roles = self.roles
        role = self._child_role(roles[-1], name) if roles else _R_DOC
        if role == _R_QUIET:
            if name == _S:
                try:
                    count = max(1, min(int(attrs.get(_TEXT + "c", "1")), _MAX_SPACES))
                except ValueError:
                    count = 1
                self.para.literal(" " * count)
            else:
                self.para.literal("\t" if name == _TAB else "\n")
        elif role == _R_CELL:
            self.sinks.append([])
            self.repeats.append(_repeat(attrs, "number-columns-repeated"))
        elif role == _R_ROW:
            self.cells.append([])
            self.repeats.append(_repeat(attrs, "number-rows-repeated"))
        roles.append(role)
        if len(roles) > MAX_XML_DEPTH:
            raise _broken()

    def end(self, _name: str) -> None:
        role = self.roles.pop()
        if role == _R_PARA:
            self._lines(self.para.result(), 1)
            self.para.reset()
        elif role == _R_CELL:
            blocks = self.sinks.pop()
            _within_limit(sum(map(len, blocks)))
            self.cells[-1].extend([cell_text(blocks)] * self.repeats.pop())
        elif role == _R_ROW:
            cells = self.cells.pop()
            _within_limit(sum(map(len, cells)))
            self._lines("\t".join(cells), self.repeats.pop())

    def text(self, data: str) -> None:
        role = self.roles[-1] if self.roles else _R_IGNORE
        if role == _R_PARA or role == _R_INLINE:
            self.para.text(data)

    def _lines(self, line: str, repeat: int) -> None:
        sink = self.sinks[-1]
        sink.extend([line] * repeat)
        if len(self.sinks) == 1:
            self.chars = _within_limit(self.chars + (len(line) + 1) * repeat)
            if len(sink) > _COMPACT:
                self.chunks.append("\n".join(sink))
                sink.clear()

    def result(self) -> str:
        if not self.found_text:
            raise _not_text()
        if self.sinks[0]:
            self.chunks.append("\n".join(self.sinks[0]))
        return "\n".join(self.chunks)
