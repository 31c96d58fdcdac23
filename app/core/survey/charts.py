"""Survey charts (#21): stacked 100 % horizontal bars in the style of the KS reports - one bar
per item of a theme, per theme, or per group (a theme by service) - as PNG, at print
resolution (300 dpi) for Word or screen resolution (96-144 dpi) for the window.

Each bar is the distribution over the scale in per cent of the answers on the scale (the
same figures as the table), one colour per scale value from disagree (red) to agree (blue);
"don't know" is a grey bar of its own to the right, in per cent of the answers plus don't
know (as in the table). A per cent is written inside its segment when the segment is wide
enough. A group suppressed for few answers gets no bar, only "too few".

Drawn with matplotlib's Agg canvas straight into memory (no pyplot, no window, no global
backend switch), in DejaVu Sans (shipped with matplotlib: æøå always there), with fixed
settings and no metadata but the size, so the same table gives the same bytes.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

from app.core.survey.stats import Figures, SurveyTable, show_percent
from app.errors import InvalidInput
from app.i18n.numbers import number
from app.i18n import _

PRINT_DPI = 300
SCREEN_DPI = 144
SCALE_COLOURS = {  # disagree -> agree, print-safe and readable for colour-blind readers
    2: ["#D7301F", "#4575B4"],
    3: ["#D7301F", "#F2F2B0", "#4575B4"],
    4: ["#D7301F", "#FC8D59", "#91BFDB", "#4575B4"],
    5: ["#D7301F", "#FC8D59", "#F2F2B0", "#91BFDB", "#4575B4"],
}
DONT_KNOW_COLOUR = "#BDBDBD"
DARK = {"#D7301F", "#4575B4"}  # white text on these
MIN_LABEL_PERCENT = 7  # narrower segments carry no figure
RC = {"font.family": "DejaVu Sans", "font.size": 8.0, "axes.linewidth": 0.6,
      "svg.hashsalt": "sitat", "path.simplify": True, "text.antialiased": True}


@dataclass
class Bar:
    label: str
    figures: Figures


def bars_of(table: SurveyTable, row: str | None = None) -> list[tuple[str, list[Bar]]]:
    """The chart's panels, each (title, bars): without groups one panel with a bar per row
    (items of a theme, or themes); with groups a panel per row (or only the row whose key is
    `row`), with a bar per group and one for everyone."""
    if row is not None:
        rows = [r for r in table.rows if r.key == row]
        if not rows:
            raise InvalidInput(_("The table has no row {key}.").format(key=row))
    else:
        rows = table.rows
    if not table.by:
        return [("", [Bar(_label(r.label, r.total), r.total) for r in rows])]
    panels = []
    for r in rows:
        bars = [Bar(_label(group_name(g), r.groups[g]), r.groups[g])
                for g in table.groups if g in r.groups]
        bars.append(Bar(_label(_("Everyone"), r.total), r.total))
        panels.append((r.label, bars))
    return panels


def group_name(group) -> str:
    return _("(no value)") if group is None else str(group)


def _label(text: str, fig: Figures) -> str:
    text = " ".join(text.split())
    if not fig.suppressed:
        text += f" (n\u00a0=\u00a0{number(fig.n)})"
    return textwrap.fill(text, 34, max_lines=3, placeholder=" …")


def stacked_bar_png(table: SurveyTable, *, dpi: int = PRINT_DPI, row: str | None = None,
                    width_cm: float = 16.0) -> bytes:
    """The table as a stacked 100 % bar chart (see `bars_of`), PNG bytes at `dpi`,
    `width_cm` wide."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    panels = bars_of(table, row)
    if not any(bars for _t, bars in panels):
        raise InvalidInput(_("There is nothing to chart: the table has no rows."))
    scale = table.scale
    colours = SCALE_COLOURS.get(len(scale.values)) or _ramp(len(scale.values))
    heights = [0.9 + sum(max(0.62, 0.3 * (b.label.count("\n") + 1) + 0.2) for b in bars)
               for _t, bars in panels]  # cm: room for labels of up to three lines
    legend_cm, axis_cm = 1.3, 0.8  # above the bars, and below for the per cent axis
    height_cm = sum(heights) + legend_cm + axis_cm + 0.3 * len(panels)
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=dpi)
        FigureCanvasAgg(fig)
        grid = fig.add_gridspec(len(panels), 2, width_ratios=[6, 1], height_ratios=heights,
                                left=0.36, right=0.98, top=1 - legend_cm / height_cm,
                                bottom=axis_cm / height_cm, wspace=0.06, hspace=0.45)
        for k, (title, bars) in enumerate(panels):
            main, dk = fig.add_subplot(grid[k, 0]), fig.add_subplot(grid[k, 1])
            _panel(main, dk, title, bars, scale, colours, len(panels) > 1)
        handles = [matplotlib.patches.Patch(color=c, label=scale.label(v))
                   for v, c in zip(scale.values, colours)]
        handles.append(matplotlib.patches.Patch(color=DONT_KNOW_COLOUR, label=_("Don't know")))
        fig.legend(handles=handles, loc="upper center", ncol=len(handles), frameon=False,
                   bbox_to_anchor=(0.5, 1 - 0.15 / height_cm), handlelength=1.2,
                   columnspacing=1.0, fontsize=7.5)
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()


def _panel(main, dk, title: str, bars: list[Bar], scale, colours, show_title: bool) -> None:
    ys = list(range(len(bars)))[::-1]  # first bar at the top
    for y, bar in zip(ys, bars):
        fig = bar.figures
        if fig.suppressed or not fig.answers:
            main.text(1, y, _("too few answers") if fig.suppressed else _("no answers"),
                      va="center", ha="left", color="#595959", style="italic")
            continue
        left = 0.0
        for p, colour in zip(fig.percents, colours):
            width = float(p or 0)
            if width > 0:
                main.barh(y, width, left=left, color=colour, height=0.7, linewidth=0)
                if width >= MIN_LABEL_PERCENT:
                    main.text(left + width / 2, y, show_percent(p), ha="center", va="center",
                              fontsize=7, color="white" if colour in DARK else "black")
            left += width
        share = float(fig.dont_know_percent or 0)
        dk.barh(y, share, color=DONT_KNOW_COLOUR, height=0.7, linewidth=0)
        dk.text(share + 4, y, show_percent(fig.dont_know_percent or 0) + "\u00a0%",
                va="center", ha="left", fontsize=7)
    for ax in (main, dk):
        ax.set_ylim(-0.6, len(bars) - 0.4)
        ax.tick_params(axis="both", length=0, labelsize=7)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    main.set_xlim(0, 100)
    main.set_xticks([0, 25, 50, 75, 100])
    main.set_xticklabels(["0 %", "25 %", "50 %", "75 %", "100 %"])
    main.set_yticks(ys)
    main.set_yticklabels([b.label for b in bars], fontsize=7.5)
    main.grid(axis="x", color="#DDDDDD", linewidth=0.5)
    main.set_axisbelow(True)
    dk.set_xlim(0, 100)
    dk.set_xticks([])
    dk.set_yticks([])
    dk.spines["left"].set_visible(False)
    dk.set_title(_("Don't know"), fontsize=7, loc="left", color="#595959")
    if title and show_title:
        main.set_title(title, fontsize=8.5, loc="left", fontweight="bold")


def _ramp(n: int) -> list[str]:
    """Colours for a longer scale: red to blue in `n` steps."""
    from app.core.export.docx_base import mix

    return ["#" + mix("#D7301F", "#4575B4", k / max(n - 1, 1)) for k in range(n)]
