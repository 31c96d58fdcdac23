"""A survey report as a Word file (#21): per theme a stacked 100 % bar chart (PNG at print
resolution, app.core.survey.charts) and a table of the same figures - n, mean, the
distribution in per cent, don't know, the reference mean and the difference - with groups of
few respondents shown as "too few" and no figure.

Without a grouping attribute: an overview of the themes, then per theme its items. By an
attribute: per theme the theme by group (level themes), or each of its items by group (level
items).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from sqlalchemy.orm import Session

from app.core.export import docx_base as base
from app.core.export import layout
from app.core.survey import stats
from app.core.survey.charts import PRINT_DPI, group_name, stacked_bar_png
from app.i18n import _, n_

TOO_FEW_FILL = "EDEDED"
CHART_CM = 16.0


def write_survey_docx(s: Session, out: str | os.PathLike, survey: str | None = None,
                      level: str = stats.THEMES, theme: str | None = None,
                      by: str | None = None, reference: str | None = None,
                      title: str | None = None) -> Path:
    """Write the survey report to `out` (see the module's docstring); `theme` keeps one
    theme only."""
    overview = stats.survey_table(s, survey, level=stats.THEMES, reference=reference)
    if theme is not None:
        stats.likert_items(s, stats.find_survey(s, overview.survey), theme)  # NotFound
    d = base.new_document()
    base.add_heading(d, title or overview.survey, level=0)
    _introduction(d, overview, by)
    if theme is None and by is None:
        base.add_heading(d, _("Themes"), level=1)
        _chart(d, overview)
        _table(d, overview, _("Theme"), [(r.label, r.total) for r in overview.rows])
    names = [theme] if theme is not None else [r.key for r in overview.rows]
    for name in names:
        base.add_heading(d, name, level=1)
        if by is None:
            items = stats.survey_table(s, overview.survey, level=stats.ITEMS, theme=name,
                                       reference=reference)
            _chart(d, items)
            whole = next(r for r in overview.rows if r.key == name)
            _table(d, items, _("Statement"), [(r.label, r.total) for r in items.rows]
                   + [(_("The theme as a whole"), whole.total)], last_bold=True)
        elif level == stats.THEMES:
            grouped = stats.survey_table(s, overview.survey, level=stats.THEMES, by=by,
                                         reference=reference)
            _by_group(d, grouped, name)
        else:
            grouped = stats.survey_table(s, overview.survey, level=stats.ITEMS, theme=name,
                                         by=by, reference=reference)
            for row in grouped.rows:
                base.add_heading(d, row.label, level=2)
                _by_group(d, grouped, row.key)
    return base.save_docx(d, out)


def _introduction(d, t: stats.SurveyTable, by: str | None) -> None:
    labels = [t.scale.label(v) for v in t.scale.values]
    d.add_paragraph(base.xml_safe(_(
        "{respondents}. Means on the scale {low}-{high} ({labels}); reverse-scored "
        "statements are turned around, so a higher mean is always better. A theme's mean is "
        "the mean over respondents of each one's mean of the theme's statements. The "
        "distribution is in per cent of the answers on the scale; don't know in per cent of "
        "those answers and don't know.").format(
            respondents=n_("{n} respondent", "{n} respondents", t.respondents).format(
                n=base.number(t.respondents)), low=t.scale.low, high=t.scale.high,
            labels=", ".join(f"{v} {label}" for v, label in zip(t.scale.values, labels)))))
    if by:
        d.add_paragraph(base.xml_safe(_(
            "By {attribute}. Groups with fewer than {min} answers are shown as \"too few "
            "answers\", without figures; when only one group of a row would be, the next "
            "smallest is too, so no group's figures can be worked out from the total.").format(
                attribute=by, min=t.min_group)))
    if t.reference:
        d.add_paragraph(base.xml_safe(_(
            "Reference: {name}. Difference = mean - reference mean.").format(name=t.reference)))
    base.add_note(d, _("Exported {date}.").format(date=base.long_date()))


def _chart(d, table: stats.SurveyTable, row: str | None = None) -> None:
    from docx.shared import Cm

    png = stacked_bar_png(table, dpi=PRINT_DPI, row=row, width_cm=CHART_CM)
    d.add_picture(io.BytesIO(png), width=Cm(CHART_CM))
    layout.keep_with_next(d.paragraphs[-1])  # the chart stays with its table


def _by_group(d, table: stats.SurveyTable, key: str) -> None:
    row = next(r for r in table.rows if r.key == key)
    _chart(d, table, row=key)
    first = _("Group ({attribute})").format(attribute=table.by)
    _table(d, table, first, [(group_name(g), row.groups[g]) for g in table.groups
                             if g in row.groups] + [(_("Everyone"), row.total)],
           last_bold=True)


def compared(table: stats.SurveyTable) -> bool:
    """Whether the table has reference columns: a reference chosen with a value for at least
    one of its rows (a reference of theme means says nothing about single statements)."""
    return bool(table.reference) and any(
        f.reference is not None for r in table.rows for f in (r.total, *r.groups.values()))


def headers(table: stats.SurveyTable, first: str, reference: bool | None = None) -> list[str]:
    heads = [first, "n", _("Mean")]
    heads += [f"{table.scale.label(v)} %" for v in table.scale.values]
    heads.append(_("Don't know %"))
    if compared(table) if reference is None else reference:
        heads += [table.reference, _("Difference")]
    return heads


def cells(table: stats.SurveyTable, label: str, fig: stats.Figures,
          reference: bool | None = None) -> list[str]:
    """A table row as shown: figures rounded half up, or "too few answers" and nothing else;
    with the reference columns if `reference` (default: if the table has any)."""
    reference = compared(table) if reference is None else reference
    width = 3 + len(table.scale.values) + 1 + (2 if reference else 0)
    if fig.suppressed:
        return [label, _("too few answers")] + [""] * (width - 2)
    row = [label, base.number(fig.n),
           stats.show_mean(fig.mean) if fig.mean is not None else "–"]
    row += [stats.show_percent(p) if p is not None else "–" for p in fig.percents]
    row.append(stats.show_percent(fig.dont_know_percent) if fig.dont_know_percent is not None
               else "–")
    if reference:
        row.append(stats.show_mean(fig.reference) if fig.reference is not None else "–")
        row.append(stats.show_difference(fig.difference) if fig.difference is not None
                   else "–")
    return row


def _table(d, table: stats.SurveyTable, first: str, rows: list[tuple[str, stats.Figures]],
           last_bold: bool = False) -> None:
    reference = bool(table.reference) and any(f.reference is not None for _l, f in rows)
    shown = [cells(table, label, fig, reference) for label, fig in rows]
    heads = headers(table, first, reference)
    t = base.add_fitted_table(d, heads, shown, flex=(0,), share=0.3, size=9.0,
                              right=tuple(range(1, len(heads))))
    for (_label, fig), tr in zip(rows, t.rows[1:]):
        if fig.suppressed:
            for cell in tr.cells[1:]:
                base.shade_cell(cell, TOO_FEW_FILL)
    if len(t.rows) <= 40:  # a short table stays on one page (with the chart above it)
        for tr in t.rows[:-1]:
            for cell in tr.cells:
                for paragraph in cell.paragraphs:
                    layout.keep_with_next(paragraph)
    if last_bold and len(t.rows) > 1:
        for cell in t.rows[-1].cells:
            for run in cell.paragraphs[0].runs:
                run.bold = True
    d.add_paragraph()
