"""Shared Word helpers for the exports: documents, tables, shading, dates and atomic saving.

A4 documents in Word's own styles with page numbers, tables whose header row repeats on every
page and whose rows never break across pages, headings kept with what follows them, cell
shading, landscape sections, long dates (24. november 2026) and saving through a temporary
file in the target folder (with the mode the user's umask gives). Column widths are chosen in
app.core.export.layout.
"""

from __future__ import annotations

import os
import re
from datetime import date
from html import escape
from pathlib import Path
from typing import Iterable, Sequence

from app.core.export import layout
from app.core.files import save_atomic, xml_safe
from app.i18n import _, current_language
from app.i18n.numbers import number as _number

TABLE_STYLE = "Light Grid Accent 1"
TABLE_FONT_SIZE = 10.0
NOTE_COLOUR = "595959"  # grey of source lines: contrast 7:1 on white
FONT = "Calibri"
MONTHS_NB = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
             "september", "oktober", "november", "desember")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
_SPACES = re.compile(r"\s+")


# -- text ------------------------------------------------------------------------------------
def normalise_space(text: str) -> str:
    """Runs of whitespace (line breaks, tabs) become one space; ends are trimmed."""
    return _SPACES.sub(" ", text or "").strip()


def quoted(text: str) -> str:
    """A quote in Norwegian quotation marks with its inner whitespace normalised: «...»."""
    return "«" + normalise_space(xml_safe(text)) + "»"


def number(n) -> str:
    """A figure in the output language: 1234 -> '1 234' / '1,234'; a float keeps one decimal
    unless whole (see app.i18n.numbers)."""
    return _number(n)


def norwegian_date(d: date) -> str:
    """24. november 2026."""
    return f"{d.day}. {MONTHS_NB[d.month - 1]} {d.year}"


def long_date(d: date | None = None) -> str:
    """The date written out in the current language (Norwegian: 24. november 2026)."""
    d = d or date.today()
    if current_language() == "nb":
        return norwegian_date(d)
    return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"


def mix(light: str, dark: str, t: float) -> str:
    """The colour `t` (0..1) of the way from `light` to `dark`, both #RRGGBB, as RRGGBB."""
    t = min(1.0, max(0.0, t))
    a = [int(light.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    b = [int(dark.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(a, b))


# -- documents and sections ----------------------------------------------------------------
def new_document():
    """An empty A4 Word document with Word's built-in styles and page numbers in the footer."""
    import docx
    from docx.shared import Cm, Pt

    d = docx.Document()
    d.styles["Normal"].font.name = FONT
    d.styles["Normal"].font.size = Pt(11)
    section = d.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    add_page_number(section)
    return d


def add_page_number(section) -> None:
    """A centred PAGE field in the section's footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    footer = section.footer
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def fld(kind: str) -> None:
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        p.add_run()._r.append(el)

    fld("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    p.add_run()._r.append(instr)
    fld("separate")
    p.add_run("1")
    fld("end")


def set_landscape(section) -> None:
    """Turn a section to landscape (width and height swapped)."""
    from docx.enum.section import WD_ORIENT

    if section.orientation != WD_ORIENT.LANDSCAPE:
        width, height = section.page_width, section.page_height
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = max(width, height), min(width, height)


def text_width(section):
    """The width between the margins, as a python-docx Length."""
    return section.page_width - section.left_margin - section.right_margin


def text_width_cm(section) -> float:
    return text_width(section) / layout.EMU_PER_CM


def text_height_cm(section) -> float:
    """The height between the top and bottom margins, in cm (what one table row may fill)."""
    return (section.page_height - section.top_margin - section.bottom_margin) / layout.EMU_PER_CM


def add_heading(d, text: str, level: int):
    """A paragraph in Word's Title (level 0) or Heading N style.

    Same as python-docx's add_heading, without its slow search for the default style (it
    adds up over the hundreds of headings of a large quote table)."""
    p = d.add_paragraph(xml_safe(text))
    p._p.style = d.styles["Title" if level == 0 else f"Heading {level}"].style_id
    layout.keep_with_next(p)  # never alone at the foot of a page
    return p


def add_labelled(d, label: str, text: str, italic: bool = False):
    """A paragraph 'Label: text' with the label in bold."""
    p = d.add_paragraph()
    p.add_run(label + " ").bold = True
    p.add_run(xml_safe(text)).italic = italic
    return p


# -- tables --------------------------------------------------------------------------------
def add_table(d, headers: Sequence[str], widths: Sequence[int], style: str = TABLE_STYLE,
              size: float | None = TABLE_FONT_SIZE):
    """A table of fixed column `widths` (EMU, e.g. Cm(4), or from layout.fit_columns) whose
    bold header row repeats on every page and never breaks; only the header row is made here
    (see `append_rows`). `size` in points."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    table = d.add_table(rows=1, cols=len(headers))
    table._tbl.tblPr.style = d.styles[style].style_id  # as table.style = style, but faster
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:  # header row styled, first column plain (it holds quotes)
        look.set(qn("w:firstColumn"), "0")
        look.set(qn("w:val"), "0420")
    for cell, text in zip(table.rows[0].cells, headers):
        run = cell.paragraphs[0].add_run(xml_safe(text))
        run.bold = True
        if size:
            run.font.size = Pt(size)
    layout.set_widths(table, widths)
    repeat_header(table.rows[0])
    layout.keep_rows_whole(table)
    return table


def add_fitted_table(d, headers: Sequence[str], rows: list[Sequence], *,
                     flex: Sequence[int] = (), share: float = 0.0,
                     size: float = TABLE_FONT_SIZE, style: str = TABLE_STYLE,
                     right: Sequence[int] = ()):
    """A table whose columns are sized to their content (layout.fit_columns): the `flex`
    columns take what the others leave (at least `share` of the width), a header word too
    long for a narrow column is turned vertical; columns in `right` are right-aligned.
    Rows as for `append_rows`."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    section = d.sections[-1]
    columns = []
    for k, header in enumerate(headers):
        texts: set[str] = set()
        for row in rows:
            value = row[k]
            texts.update(v for v in (value if isinstance(value, (list, tuple)) else (value,))
                         if v)
        columns.append(layout.Column(header, sorted(texts), size, flex=k in flex,
                                     share=share if k in flex else 0.0))
    total = text_width_cm(section)
    fitted = layout.fit_columns(columns, total)
    widths = fitted.emu if fitted else [int(total / len(headers) * layout.EMU_PER_CM)] * len(
        headers)
    table = add_table(d, headers, widths, style, size)
    append_rows(table, rows, widths, size, page_cm=text_height_cm(section))
    if fitted and any(fitted.turned):
        layout.turn_header_cells(table, [i for i, t in enumerate(fitted.turned) if t], size)
    for row in table.rows[1:]:
        for k in right:
            row.cells[k].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return table


def repeat_header(row) -> None:
    """Mark a table row as a header row that Word repeats at the top of every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:tblHeader")) is None:
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        tr_pr.append(el)


def is_repeated_header(row) -> bool:
    from docx.oxml.ns import qn

    tr_pr = row._tr.trPr
    el = tr_pr.find(qn("w:tblHeader")) if tr_pr is not None else None
    return el is not None and el.get(qn("w:val"), "true") in ("true", "1", "on")


def append_rows(table, rows: Iterable[Sequence], widths: Sequence[int],
                size: float | None = TABLE_FONT_SIZE, page_cm: float = 25.7,
                sizes: Sequence[float] | None = None) -> int:
    """Append plain-text rows, text in `size` points (or per column in `sizes`); returns how
    many were added. A value may be a (text, note) pair: the note is a second paragraph in
    smaller grey type (the source line under a quote); or a list: one paragraph per item.
    No row breaks across pages (w:cantSplit), unless it is estimated taller than `page_cm`,
    the text height of a page, where it could not fit on any page.

    The rows are written as one XML fragment and parsed at once: python-docx's add_row and
    cell.text are several times slower for the thousands of rows of a quote table."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    sizes = list(sizes) if sizes else [size] * len(widths)

    def run_pr(pt):
        return f'<w:rPr><w:sz w:val="{round(pt * 2)}"/></w:rPr>' if pt else ""

    def note_pr(pt):
        return (f'<w:rPr><w:color w:val="{NOTE_COLOUR}"/>'
                f'<w:sz w:val="{round(((pt or 11) - 1.5) * 2)}"/></w:rPr>')

    def run(text, pr):
        return (f'<w:r>{pr}<w:t xml:space="preserve">'
                f'{escape(xml_safe(text), quote=False)}</w:t></w:r>')

    opening = [f'<w:tc><w:tcPr><w:tcW w:w="{int(w) // 635}" w:type="dxa"/></w:tcPr><w:p>'
               for w in widths]  # EMU -> twentieths of a point
    parts, n = [f"<w:tbl {nsdecls('w')}>"], 0
    widths_cm = [w / layout.EMU_PER_CM for w in widths]
    for values in rows:
        values = list(values)
        height = max((sum(layout.lines_needed(t, w, pt or 11) for t in
                          (v if isinstance(v, (tuple, list)) else (v,)) if t)
                      * (pt or 11) * 1.25 * layout.PT_CM
                      for v, w, pt in zip(values, widths_cm, sizes)), default=0.0)
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>" if height < page_cm
                     else "<w:tr>")
        for value, head, pt in zip(values, opening, sizes):
            parts.append(head)
            if isinstance(value, list):
                parts.append("</w:p><w:p>".join(run(v, run_pr(pt)) for v in value if v))
            elif isinstance(value, tuple):
                text, note = value
                if text:
                    parts.append(run(text, run_pr(pt)))
                if note:
                    parts.append("</w:p><w:p>" + run(note, note_pr(pt)))
            elif value:
                parts.append(run(value, run_pr(pt)))
            parts.append("</w:p></w:tc>")
        parts.append("</w:tr>")
        n += 1
    parts.append("</w:tbl>")
    table._tbl.extend(list(parse_xml("".join(parts).encode("utf-8"))))
    return n


def add_note(d, text: str, size: float = 9.0):
    """A small grey paragraph (a source line under a quote)."""
    from docx.shared import Pt, RGBColor

    p = d.add_paragraph()
    run = p.add_run(xml_safe(text))
    run.font.size = Pt(size)
    run.font.color.rgb = RGBColor.from_string(NOTE_COLOUR)
    return p


def add_scope(d, description: str):
    """'Scope: ...' under a title: which passages a table or report rests on."""
    p = d.add_paragraph()
    p.add_run(_("Scope:") + " ").bold = True
    p.add_run(xml_safe(description))
    return p


def shade_cell(cell, fill: str) -> None:
    """Background colour of a table cell (RRGGBB or #RRGGBB)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    for old in tc_pr.findall(qn("w:shd")):
        tc_pr.remove(old)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill.lstrip("#").upper())
    # Schema order: tcW, gridSpan, hMerge, vMerge, tcBorders before shd; the rest after.
    before = {qn("w:" + k) for k in ("tcW", "gridSpan", "hMerge", "vMerge", "tcBorders")}
    index = sum(1 for child in tc_pr if child.tag in before)
    tc_pr.insert(index, shd)


def cell_fill(cell) -> str | None:
    from docx.oxml.ns import qn

    tc_pr = cell._tc.tcPr
    shd = tc_pr.find(qn("w:shd")) if tc_pr is not None else None
    return shd.get(qn("w:fill")) if shd is not None else None


# -- saving --------------------------------------------------------------------------------
def save_docx(d, out: str | os.PathLike) -> Path:
    """Save a python-docx Document atomically (see `save_atomic`)."""
    return save_atomic(out, lambda tmp: d.save(str(tmp)))
