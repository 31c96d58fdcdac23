"""Reader for OpenDocument text (.odt): content.xml's paragraphs, headings, lists and tables in order.

No extra dependencies: zipfile (through the ziputil guards) and defusedxml's ElementTree.
Paragraphs (text:p) and headings (text:h) become lines, in document order, also inside
lists, sections and tables of contents. Inside a paragraph ODF's white-space rules apply:
runs of spaces, tabs and newlines in the XML count as one space, and spaces are written as
text:s (c = count), tabs as text:tab and line breaks as text:line-break. Table rows become
one line each with cells joined by a tab, like .docx. Footnotes/endnotes (text:note),
comments (office:annotation), frames and text boxes (draw:*) and tracked deletions are left out.
"""

from __future__ import annotations

import re
from pathlib import Path

from app.core.importing.ziputil import cell_text, check_xml_parts, open_archive, read_xml_part
from app.errors import ImportFailed
from app.i18n import _

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
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
_WHITE = re.compile(r"[ \t\r\n]+")
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def not_an_odt() -> str:
    return _("This is not an OpenDocument text (.odt) - is it a text file with the wrong "
             "extension?")


def read_odt_text(path: Path) -> str:
    """The body text of an .odt file, paragraphs separated by LF (not yet normalised)."""
    with open_archive(path, not_an_odt()) as zf:
        names = set(zf.namelist())
        _check_kind(zf, names)
        data = read_xml_part(zf, "content.xml")
        check_xml_parts(zf, {"content.xml"})
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    try:
        root = DET.fromstring(data)
    except (ParseError, DefusedXmlException, ValueError):
        raise _broken() from None
    office_text = root.find(f"{_OFFICE}body/{_OFFICE}text")
    if office_text is None:
        raise _not_text()
    lines: list[str] = []
    try:
        _blocks(office_text, lines)
    except RecursionError:
        raise _broken() from None
    return "\n".join(lines)


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

        mimetype = read_part(zf, "mimetype").strip()
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


def _blocks(parent, out: list[str]) -> None:
    """Append the lines of the blocks under `parent` (lists, sections ... are walked into)."""
    for child in parent:
        tag = child.tag
        if tag == _P or tag == _H:
            out.append(_paragraph_text(child))
        elif tag == _TABLE_TABLE:
            _table(child, out)
        elif tag in _SKIP_BLOCKS or tag.startswith(_DRAW):
            continue
        else:
            _blocks(child, out)


def _repeat(elem, attr: str) -> int:
    try:
        return max(1, min(int(elem.get(_TABLE + attr, "1")), _MAX_REPEAT))
    except ValueError:
        return 1


def _table(table, out: list[str]) -> None:
    for row in _rows(table):
        cells: list[str] = []
        for cell in row:
            if cell.tag == _CELL:  # table:covered-table-cell (merged away) is left out
                blocks: list[str] = []
                _blocks(cell, blocks)
                cells.extend([cell_text(blocks)] * _repeat(cell, "number-columns-repeated"))
        out.extend(["\t".join(cells)] * _repeat(row, "number-rows-repeated"))


def _rows(parent):
    for child in parent:
        if child.tag == _ROW:
            yield child
        elif child.tag in _ROW_GROUPS:
            yield from _rows(child)


class _Paragraph:
    """Collects a paragraph's text, collapsing XML white space as ODF requires."""

    __slots__ = ("parts", "at_space", "trailing")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.at_space = True  # at the paragraph start or just after a collapsible space
        self.trailing = False  # the text ends with a collapsible space

    def text(self, s: str) -> None:
        s = _WHITE.sub(" ", s)
        if self.at_space and s.startswith(" "):
            s = s[1:]
        if s:
            self.parts.append(s)
            self.at_space = self.trailing = s.endswith(" ")

    def literal(self, s: str) -> None:
        self.parts.append(s)
        self.at_space = self.trailing = False

    def result(self) -> str:
        text = "".join(self.parts)
        return text[:-1] if self.trailing else text


def _paragraph_text(p) -> str:
    para = _Paragraph()
    _inline(p, para)
    return para.result()


def _inline(elem, para: _Paragraph) -> None:
    if elem.text:
        para.text(elem.text)
    for child in elem:
        tag = child.tag
        if tag == _S:
            try:
                count = max(1, min(int(child.get(_TEXT + "c", "1")), _MAX_SPACES))
            except ValueError:
                count = 1
            para.literal(" " * count)
        elif tag == _TAB:
            para.literal("\t")
        elif tag == _LINE_BREAK:
            para.literal("\n")
        elif tag not in _SKIP_INLINE and not tag.startswith(_DRAW):
            _inline(child, para)
        if child.tail:
            para.text(child.tail)
