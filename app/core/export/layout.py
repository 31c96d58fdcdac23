"""How Word tables and headings are laid out: columns sized to their content, and the page rules.

Column widths come from an estimate of how wide text is set (the advance widths of DejaVu Sans
Bold, the widest font a reader's Word or LibreOffice is likely to put in place of Calibri, so
the estimate errs on the wide side): a column is at least as wide as the longest unbreakable
piece of text in it ("hjemmetjenester" must never break as "hjemmetjene|ster"; a line may
break at spaces and after a hyphen or slash), and the column that holds running text (a quote)
takes the rest of the page. A header word too long for a narrow column turns the header
vertical instead of breaking it. When even the narrowest columns do not fit, the caller splits
the table (see matrix_docx).

Page rules: a table row never breaks across pages (w:cantSplit; only a row taller than a whole
page may, since it cannot fit anywhere), the header row repeats, and a heading keeps with what
follows it (keep_with_next), so no heading is left alone at the foot of a page.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

# Advance widths (1/1000 em) of DejaVu Sans Bold, grouped; other characters count as 700.
_WIDTH_GROUPS = (
    (306, "'"), (343, "ijl"), (348, " "), (365, "/\\|"), (372, "IJ"), (380, ",.’·"),
    (400, ":;"), (415, "-"), (435, "f"), (456, "!"), (457, "()[]"), (478, "t"), (493, "r"),
    (500, "_`–§°"), (521, '"'), (523, "*"), (580, "?"), (582, "z"), (593, "c"), (595, "s"),
    (636, "¶"), (637, "L"), (645, "x"), (646, "«»"), (652, "vy"), (657, "“”"), (665, "k"),
    (675, "aåä"), (678, "eéèê"), (682, "T"), (683, "EF"), (687, "oøö"),
    (696, "$0123456789€"), (712, "hnu{}ü"), (716, "bdgpq"), (720, "S"), (724, "Y"),
    (725, "Z"), (733, "P"), (734, "C"), (762, "B"), (770, "R"), (771, "X"), (774, "AVÅÄ"),
    (775, "K"), (812, "UÜ"), (821, "G"), (830, "D"), (837, "HN"), (838, "#+<=>^~"),
    (850, "OQØÖ"), (872, "&"), (924, "w"), (995, "M"), (1000, "@—…"), (1002, "%"),
    (1042, "m"), (1048, "æ"), (1085, "Æ"), (1103, "W"),
)
_WIDTH = {ch: w for w, chars in _WIDTH_GROUPS for ch in chars}
_DEFAULT_WIDTH = 700
PT_CM = 2.54 / 72
CELL_PADDING_CM = 0.19 * 2 + 0.05  # Word's default left and right cell margins, and a hair
EMU_PER_CM = 360_000
# Where a line may break inside a cell: at white space - not at a no-break space (U+00A0,
# U+2007, U+202F), which Python's \s would count but Word and LibreOffice never break at -
# and after a hyphen, dash or slash.
_BREAKS = re.compile(r"[^\S\u00a0\u2007\u202f]+|(?<=[-/–])(?![\u00a0\u2007\u202f])")


def text_cm(text: str, size: float) -> float:
    """The width of `text` set on one line at `size` points, in cm (an upper estimate)."""
    return sum(_WIDTH.get(ch, _DEFAULT_WIDTH) for ch in text) / 1000 * size * PT_CM


def pieces(text: str) -> list[str]:
    """The pieces of `text` a line cannot break inside."""
    return [p for p in _BREAKS.split(text or "") if p]


def longest_piece_cm(texts: Iterable[str], size: float) -> float:
    """The width of the widest unbreakable piece of any of `texts`."""
    return max((text_cm(p, size) for t in texts for p in pieces(t)), default=0.0)


def widest_line_cm(texts: Iterable[str], size: float) -> float:
    """The width of the longest line of any of `texts` set without wrapping."""
    return max((text_cm(line, size) for t in texts for line in (t or "").split("\n")),
               default=0.0)


def lines_needed(text: str, width_cm: float, size: float) -> int:
    """How many lines `text` takes in a column `width_cm` wide (greedy wrapping)."""
    room = max(width_cm - CELL_PADDING_CM, 0.1)
    total = 0
    for paragraph in (text or "").split("\n"):
        lines, used = 1, 0.0
        for piece in pieces(paragraph):
            w = text_cm(piece + " ", size)
            if used and used + w > room:
                lines, used = lines + 1, 0.0
            used += w
        total += lines
    return max(total, 1)


@dataclass
class Column:
    """What a column must hold: `texts` in the body at `size`, its `header` in bold.

    `flex` columns (running text such as quotes) share what the others leave, at least
    `share` of the width between them; the others get their content's width, wrapped at
    `cap` cm when it is longer but never narrower than their longest unbreakable piece."""
    header: str
    texts: Sequence[str] = ()
    size: float = 10.0
    flex: bool = False
    share: float = 0.0
    cap: float = 4.5
    minimum: float = 0.0  # cm a flex column needs to be readable at all

    def floor(self, turn_header: bool = False) -> float:
        """The narrowest this column may be (cm): its longest piece, and the header's unless
        the header is turned."""
        body = longest_piece_cm(self.texts, self.size)
        head = 0.0 if turn_header else longest_piece_cm([self.header], self.size)
        return max(body, head, self.minimum if self.flex else 0.0) + CELL_PADDING_CM

    def wish(self) -> float:
        """The width this column would like (cm): its content on one line, up to `cap`."""
        full = max(widest_line_cm(self.texts, self.size),
                   longest_piece_cm([self.header], self.size)) + CELL_PADDING_CM
        return max(self.floor(), min(full, self.cap))


@dataclass
class Layout:
    widths: list[float]  # cm
    turned: list[bool]  # header turned vertical

    @property
    def emu(self) -> list[int]:
        """The widths in EMU, rounded up to whole twips (what Word stores), so a column never
        ends up narrower than its longest word by rounding."""
        return [math.ceil(w * EMU_PER_CM / 635) * 635 for w in self.widths]


def fit_columns(columns: Sequence[Column], total_cm: float) -> Layout | None:
    """Widths (cm) for `columns` in `total_cm`, or None when even their narrowest does not fit.

    Fixed columns get their wish, shrunk towards their floor while a flex column is below its
    share; flex columns share the rest. A narrow column whose header word is the only thing
    that makes it wide gets its header turned when the columns would not fit otherwise."""
    turned = [False] * len(columns)
    floors = [c.floor() for c in columns]
    if sum(floors) > total_cm:
        for i, c in enumerate(columns):  # turn headers, widest saving first
            if not c.flex and c.floor(True) < floors[i]:
                turned[i] = True
        floors = [c.floor(t) for c, t in zip(columns, turned)]
        if sum(floors) > total_cm:
            return None
    wishes = [f if c.flex else max(f, min(c.wish(), max(f, c.cap))) if not turned[i]
              else max(f, min(widest_line_cm(c.texts, c.size) + CELL_PADDING_CM, c.cap))
              for i, (c, f) in enumerate(zip(columns, floors))]
    flex = [i for i, c in enumerate(columns) if c.flex]
    widths = list(wishes)
    if flex:
        fixed = sum(w for i, w in enumerate(widths) if i not in flex)
        want_flex = max(sum(columns[i].share for i in flex) * total_cm,
                        sum(floors[i] for i in flex),  # and its lines unwrapped if they can be
                        sum(widest_line_cm(columns[i].texts, columns[i].size) + CELL_PADDING_CM
                            for i in flex))
        if total_cm - fixed < want_flex:  # shrink fixed columns towards their floors
            slack = sum(widths[i] - floors[i] for i in range(len(widths)) if i not in flex)
            cut = min(slack, want_flex - (total_cm - fixed))
            for i in range(len(widths)):
                if i not in flex and slack > 0:
                    widths[i] -= cut * (widths[i] - floors[i]) / slack
        rest = total_cm - sum(w for i, w in enumerate(widths) if i not in flex)
        base = sum(floors[i] for i in flex)
        for i in flex:
            widths[i] = rest * floors[i] / base if base else rest / len(flex)
    else:
        spare = total_cm - sum(widths)
        if spare < 0:  # wishes too wide: shrink towards floors
            slack = sum(w - f for w, f in zip(widths, floors))
            widths = [w - (-spare) * (w - f) / slack if slack else f
                      for w, f in zip(widths, floors)]
        elif spare > 0:  # room left: let capped columns have their lines unwrapped
            full = [max(w, widest_line_cm(c.texts, c.size) + CELL_PADDING_CM)
                    for w, c in zip(widths, columns)]
            need = sum(f - w for f, w in zip(full, widths))
            if need > 0:
                share = min(1.0, spare / need)
                widths = [w + (f - w) * share for w, f in zip(widths, full)]
    return Layout(widths, turned)


# -- applying a layout to a python-docx table ----------------------------------------------
def set_widths(table, widths_emu: Sequence[int]) -> None:
    """Fixed layout with these column widths: table width, every gridCol and every cell's
    tcW (Word reads the cells, LibreOffice the grid; both need them)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl = table._tbl
    tbl_pr = tbl.tblPr
    tbl_pr.get_or_add_tblLayout().set(qn("w:type"), "fixed")  # in its place in the schema
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        style = tbl_pr.find(qn("w:tblStyle"))
        if style is not None:
            style.addnext(tbl_w)
        else:
            tbl_pr.insert(0, tbl_w)
    tbl_w.set(qn("w:w"), str(sum(int(w) // 635 for w in widths_emu)))
    tbl_w.set(qn("w:type"), "dxa")
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_emu):
        col.set(qn("w:w"), str(int(width) // 635))
    for tr in tbl.findall(qn("w:tr")):
        for tc, width in zip(tr.findall(qn("w:tc")), widths_emu):
            tc_pr = tc.get_or_add_tcPr()
            tc_w = tc_pr.find(qn("w:tcW"))
            if tc_w is None:
                tc_w = OxmlElement("w:tcW")
                tc_pr.insert(0, tc_w)
            tc_w.set(qn("w:w"), str(int(width) // 635))
            tc_w.set(qn("w:type"), "dxa")


def keep_rows_whole(table, page_cm: float | None = None, widths_cm: Sequence[float] = (),
                    size: float = 10.0) -> None:
    """w:cantSplit on every row, so no row breaks across pages - except a row estimated to be
    taller than a whole page (`page_cm` of text height), which could not fit on any page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for tr in table._tbl.findall(qn("w:tr")):
        if page_cm and widths_cm and _row_height_cm(tr, widths_cm, size) > page_cm:
            continue
        tr_pr = tr.get_or_add_trPr()
        if tr_pr.find(qn("w:cantSplit")) is None:
            el = OxmlElement("w:cantSplit")
            tr_pr.insert(0, el)


def _row_height_cm(tr, widths_cm: Sequence[float], size: float) -> float:
    from docx.oxml.ns import qn

    line = size * 1.25 * PT_CM
    tallest = 0.0
    for tc, width in zip(tr.findall(qn("w:tc")), widths_cm):
        lines = 0
        for p in tc.findall(qn("w:p")):
            text = "".join(t.text or "" for t in p.iter(qn("w:t")))
            lines += lines_needed(text, width, size)
        tallest = max(tallest, lines * line + 0.2)
    return tallest


def turn_header_cells(table, columns: Sequence[int], size: float) -> None:
    """Write the header cells of `columns` bottom to top, in a header row tall enough for the
    longest of them (up to 5 cm; longer labels wrap at spaces)."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    row = table.rows[0]
    cells = row.cells
    texts = [cells[i].text for i in columns]
    height = min(5.0, widest_line_cm(texts, size) + CELL_PADDING_CM)
    row.height = Cm(max(height, 1.0))
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    for i in columns:
        tc_pr = cells[i]._tc.get_or_add_tcPr()
        direction = OxmlElement("w:textDirection")
        direction.set(qn("w:val"), "btLr")
        # schema order: ... tcBorders, shd, noWrap, tcMar, textDirection, tcFitText, vAlign
        v_align = tc_pr.find(qn("w:vAlign"))
        if v_align is not None:
            v_align.addprevious(direction)
        else:
            tc_pr.append(direction)
        cells[i].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for i, cell in enumerate(cells):
        if i not in columns:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM


def keep_with_next(paragraph) -> None:
    """Keep a paragraph (a heading, a table's caption) on the page of what follows it."""
    paragraph.paragraph_format.keep_with_next = True
