"""Reader for Word documents (.docx): the body text in document order, tables flattened.

The archive is checked first (ziputil: zip-bomb and DOCTYPE/ENTITY guards), then only the
main document part is parsed, once, with lxml (python-docx's parser library, entities off).
A run's text follows python-docx's CT_R.text exactly (w:t, w:tab and w:ptab as tab, w:br of
type textWrapping and w:cr as LF, w:noBreakHyphen as '-'), but without python-docx's
per-run XPath and without loading styles, numbering and the rest of the package, which
makes it several times faster than python-docx's Document().paragraphs. Body
paragraphs become lines; each table row becomes one line with its cells joined by a tab
(nested tables are flattened into their cell). Headers, footers, comments, footnotes, text
boxes and deleted (tracked) text are left out; inserted (tracked) text, hyperlinks, fields
and content controls are kept.
"""

from __future__ import annotations

from pathlib import Path

from app.core.importing.ziputil import cell_text, check_xml_parts, open_archive, read_xml_part
from app.errors import ImportFailed
from app.i18n import _

MAIN_PART = "word/document.xml"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_STRICT_W = "{http://purl.oclc.org/ooxml/wordprocessingml/main}"
_OFFICE_DOCUMENT = "/officeDocument"
_P, _TBL, _TR, _TC, _R = (_W + t for t in ("p", "tbl", "tr", "tc", "r"))
_SDT, _SDT_CONTENT = _W + "sdt", _W + "sdtContent"
_T, _TAB, _PTAB, _BR, _CR, _NO_BREAK_HYPHEN = (
    _W + t for t in ("t", "tab", "ptab", "br", "cr", "noBreakHyphen")
)
_BR_TYPE = _W + "type"
# Containers whose children are body blocks (paragraphs, tables).
_BLOCK_CONTAINERS = frozenset(_W + t for t in ("customXml", "sdtContent", "ins", "moveTo"))
# Containers inside a paragraph whose runs are part of its text.
_RUN_CONTAINERS = frozenset(
    _W + t for t in ("hyperlink", "ins", "moveTo", "smartTag", "customXml", "fldSimple",
                     "sdtContent", "dir", "bdo")
)


def not_a_docx() -> str:
    return _("This is not a Word document (.docx) - is it a text file with the wrong extension?")


def read_docx_text(path: Path) -> str:
    """The body text of a .docx file, paragraphs separated by LF (not yet normalised)."""
    with open_archive(path, not_a_docx()) as zf:
        names = set(zf.namelist())
        main = _main_part(zf, names)
        data = read_xml_part(zf, main)
        check_xml_parts(zf, {main})
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError):
        raise _broken() from None
    body = root.find(_W + "body")
    if body is None:
        if root.tag.startswith(_STRICT_W):
            raise ImportFailed(
                _("The document is saved as 'Strict Open XML', which Sitat cannot read. Open "
                  "it in Word and save it as an ordinary Word document (.docx).")
            )
        raise _broken()
    lines: list[str] = []
    try:
        _blocks(body, lines)
    except (etree.LxmlError, ValueError, TypeError, AttributeError):
        raise _broken() from None
    return "\n".join(lines)


def _broken() -> ImportFailed:
    return ImportFailed(
        _("The contents of the document are damaged. Open it in Word or LibreOffice and save "
          "it again.")
    )


def _main_part(zf, names: set[str]) -> str:
    """The main document part named in _rels/.rels, else word/document.xml."""
    target = None
    if "_rels/.rels" in names:
        from xml.etree.ElementTree import ParseError

        import defusedxml.ElementTree as DET
        from defusedxml import DefusedXmlException

        try:
            rels = DET.fromstring(read_xml_part(zf, "_rels/.rels"))
        except (ParseError, DefusedXmlException):
            raise _broken() from None
        for rel in rels:
            if rel.get("Type", "").endswith(_OFFICE_DOCUMENT):
                target = rel.get("Target", "").lstrip("/")
                break
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


def _blocks(parent, out: list[str]) -> None:
    """Append the lines of the body blocks under `parent`: paragraphs and table rows."""
    for child in parent:
        tag = child.tag
        if tag == _P:
            out.append(_paragraph_text(child))
        elif tag == _TBL:
            _table(child, out)
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _blocks(content, out)
        elif tag in _BLOCK_CONTAINERS:
            _blocks(child, out)


def _table(tbl, out: list[str]) -> None:
    for row in _rows(tbl):
        cells = []
        for cell in row:
            if cell.tag == _TC:
                blocks: list[str] = []
                _blocks(cell, blocks)
                cells.append(cell_text(blocks))
        out.append("\t".join(cells))


def _rows(parent):
    """The rows of a table, also those wrapped in content controls."""
    for child in parent:
        tag = child.tag
        if tag == _TR:
            yield child
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _rows(content)
        elif tag in _BLOCK_CONTAINERS:
            yield from _rows(child)


def _paragraph_text(p) -> str:
    parts: list[str] = []
    _runs(p, parts)
    return "".join(parts)


def _runs(parent, parts: list[str]) -> None:
    for child in parent:
        tag = child.tag
        if tag == _R:
            _run_text(child, parts)
        elif tag in _RUN_CONTAINERS:
            _runs(child, parts)
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _runs(content, parts)


def _run_text(run, parts: list[str]) -> None:
    """A run's text as python-docx's CT_R.text gives it."""
    for child in run:
        tag = child.tag
        if tag == _T:
            if child.text:
                parts.append(child.text)
        elif tag == _TAB or tag == _PTAB:
            parts.append("\t")
        elif tag == _BR:
            if child.get(_BR_TYPE, "textWrapping") == "textWrapping":
                parts.append("\n")
        elif tag == _CR:
            parts.append("\n")
        elif tag == _NO_BREAK_HYPHEN:
            parts.append("-")
