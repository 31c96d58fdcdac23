"""`sitat survey table` and `sitat survey reference`: survey statistics as text, JSON, Word
(with charts) or a PNG chart, and the survey's reference sets. Thin over app.core.survey.stats,
reference, charts and app.core.export.survey_docx; registered in the `survey` group by
app.cli.survey."""

from __future__ import annotations

from app.cli.common import command, output, report_language, say
from app.cli.common import open_project as _open
from app.i18n import _, n_, using_language


# -- survey table -------------------------------------------------------------------------------
def cmd_survey_table(a) -> int:
    from app.core.survey import stats

    level = stats.ITEMS if (a.items or a.theme) else stats.THEMES
    spec = {"survey": a.survey, "level": level, "theme": a.theme, "by": a.by,
            "reference": a.reference}
    with _open(a.project, read_only=True) as p, p.read() as s:
        table = stats.survey_table(s, **spec)
        language = report_language(a, s) if (a.docx or a.png) else None
        with using_language(language):
            if a.docx:
                from app.core.export.survey_docx import write_survey_docx

                path = write_survey_docx(s, a.docx, **spec)
                say(_("Written: {path}").format(path=path), err=a.json)
            if a.png:
                _write_png(a, table)
    if a.json:
        output(a, table.as_json())
    elif not (a.docx or a.png):
        output(a, None, lambda: _text(table))
    return 0


def _write_png(a, table) -> None:
    from app.core.files import save_atomic
    from app.core.survey.charts import stacked_bar_png

    png = stacked_bar_png(table, dpi=a.dpi)
    path = save_atomic(a.png, lambda tmp: tmp.write_bytes(png))
    say(_("Written: {path}").format(path=path), err=a.json)


def _text(table) -> list[str]:
    from app.core.export.survey_docx import cells, compared, headers
    from app.core.survey.charts import group_name

    first = (_("Group ({attribute})").format(attribute=table.by) if table.by
             else _("Statement") if table.level == "items" else _("Theme"))
    lines = [_("Survey: {name}; {respondents}").format(
        name=table.survey, respondents=n_("{n} respondent", "{n} respondents",
                                          table.respondents).format(n=table.respondents)),
             "\t".join(headers(table, first, ref := compared(table)))]
    for row in table.rows:
        if not table.by:
            lines.append("\t".join(cells(table, row.label, row.total, ref)))
            continue
        lines.append(f"{row.label}" + (f" [{row.key}]" if row.key != row.label else ""))
        for g in table.groups:
            if g in row.groups:
                lines.append("  " + "\t".join(cells(table, group_name(g), row.groups[g], ref)))
        lines.append("  " + "\t".join(cells(table, _("Everyone"), row.total, ref)))
    lines.append(_("Groups with fewer than {min} answers are shown as \"too few answers\"; "
                   "means rounded half up to one decimal, per cents to whole numbers.")
                 .format(min=table.min_group))
    return lines


# -- survey reference ---------------------------------------------------------------------------
def cmd_survey_reference(a) -> int:
    from app.core.survey import reference as refs
    from app.errors import InvalidInput

    if a.name is None:
        if a.csv or a.set or a.delete:
            raise InvalidInput(_("Name the reference set (sitat survey reference PROJECT "
                                 "NAME ...)."))
        with _open(a.project, read_only=True) as p, p.read() as s:
            found = refs.list_references(s, a.survey)
        output(a, [r.as_json() for r in found], lambda: _reference_lines(found),
               note=_("Reference sets: {n}").format(n=len(found)))
        return 0
    if a.delete:
        if a.csv or a.set:
            raise InvalidInput(_("--delete takes no values."))
        with _open(a.project) as p, p.write() as s:
            n = refs.delete_reference(s, a.survey, a.name)
        say(_("Deleted the reference set {name} ({n} values).").format(name=a.name, n=n))
        return 0
    if not (a.csv or a.set):
        with _open(a.project, read_only=True) as p, p.read() as s:
            found = [r for r in refs.list_references(s, a.survey) if r.name == a.name]
        if not found:
            from app.errors import NotFound

            raise NotFound(_("There is no reference set called {name}.").format(name=a.name))
        output(a, found[0].as_json(), lambda: _reference_lines(found))
        return 0
    rows = (refs.read_csv(a.csv) if a.csv else []) + refs.parse_pairs(a.set or [])
    with _open(a.project) as p, p.write() as s:
        info = refs.set_reference(s, a.survey, a.name, rows, memo=a.memo or "")
    output(a, info.as_json(), [_("Saved the reference set {name}: {n} values.").format(
        name=info.name, n=len(info.values))])
    return 0


def _reference_lines(found) -> list[str]:
    from app.core.survey.stats import show_mean

    lines = []
    for r in found:
        lines.append(r.name + (f" ({r.memo})" if r.memo else ""))
        lines += [f"  {scope}\t{key}\t{show_mean(mean)}" for (scope, key), mean in
                  r.values.items()]
    return lines


def _dpi(text: str) -> int:
    import argparse

    if not text.strip().isdigit() or not 72 <= int(text) <= 600:
        raise argparse.ArgumentTypeError(_("expected a resolution from 72 to 600, got {value}")
                                         .format(value=text))
    return int(text)


# -- registration -------------------------------------------------------------------------------
def add_table_commands(inner, project_arg, json_flag) -> None:
    """`survey table` and `survey reference` in the `survey` group."""
    p = command(inner, "table", cmd_survey_table,
                _("survey figures per theme or item: n, mean, distribution, don't know, "
                  "by an attribute, against a reference; as text, JSON, Word or PNG"))
    project_arg(p)
    p.add_argument("--survey", metavar="NAME", help=_("the survey (needed when there are "
                                                      "several)"))
    which = p.add_mutually_exclusive_group()
    which.add_argument("--themes", action="store_true", help=_("one row per theme (default)"))
    which.add_argument("--items", action="store_true", help=_("one row per statement"))
    p.add_argument("--theme", metavar="THEME", help=_("only the statements of this theme"))
    p.add_argument("--by", metavar="ATTRIBUTE",
                   help=_("figures per value of this respondent attribute (e.g. tjeneste)"))
    p.add_argument("--reference", metavar="NAME",
                   help=_("compare with this reference set (mean and difference)"))
    p.add_argument("--docx", metavar="OUT.docx",
                   help=_("write a Word report: per theme a chart and a table"))
    p.add_argument("--png", metavar="OUT.png", help=_("write the table's chart as PNG"))
    p.add_argument("--dpi", type=_dpi, default=300, metavar="DPI",
                   help=_("resolution of --png (72-600, default 300)"))
    json_flag(p)

    p = command(inner, "reference", cmd_survey_reference,
                _("reference sets (e.g. the national average): list them, show one, "
                  "add or replace one from a CSV file or NAME=MEAN pairs, or delete one"))
    project_arg(p)
    p.add_argument("name", nargs="?", metavar="NAME", help=_("the reference set"))
    p.add_argument("--survey", metavar="NAME", help=_("the survey (needed when there are "
                                                      "several)"))
    p.add_argument("--csv", metavar="FILE.csv",
                   help=_("rows of theme or statement key and mean (a header row allowed)"))
    p.add_argument("--set", action="append", metavar="NAME=MEAN",
                   help=_("a theme's or statement's mean, e.g. Tilgjengelighet=3.3 "
                          "(repeatable)"))
    p.add_argument("--memo", help=_("a note on where the figures come from"))
    p.add_argument("--delete", action="store_true", help=_("delete the reference set"))
    json_flag(p)
