"""`sitat survey joint` and `sitat survey map`: the joint display of a survey's themes beside
the interview codes (text, JSON, Word, Excel) and its theme -> code mapping; thin over
app.core.survey.joint, registered in the `survey` group by app.cli.survey."""

from __future__ import annotations

from app.cli.common import command, output, say
from app.cli.common import open_project as _open
from app.errors import InvalidInput
from app.i18n import _


def cmd_survey_joint(a) -> int:
    from app.core.export.joint_docx import cell_lines, write_joint_docx, write_joint_xlsx
    from app.core.survey.joint import joint_display

    with _open(a.project, read_only=True) as p, p.read() as s:
        d = joint_display(s, a.survey, by=a.by, measure=a.measure, quotes=a.quotes,
                          scope=a.scope)
    written = []
    if a.docx:
        written.append(write_joint_docx(d, a.docx))
    if a.xlsx:
        written.append(write_joint_xlsx(d, a.xlsx))

    def text() -> list[str]:
        lines = ["\t".join([_("Theme"), _("Codes")] + d.columns + [_("Total")])]
        for r in d.rows:
            cells = [" · ".join(cell_lines(c, d.measure)) for c in r.cells + [r.total]]
            lines.append("\t".join([r.theme, ", ".join(r.codes) or "–"] + cells))
            lines += [f"  «{q['text']}» ({q['document']})" for q in r.quotes]
        return lines

    if written and not a.json:
        for path in written:
            say(_("Joint display written to {path}").format(path=path))
        return 0
    output(a, d.as_json(), text, note=_(
        "Cells: the survey's {measure} (n) · passages in interviews / comments. Scope: "
        "{scope}").format(measure=a.measure, scope=d.scope.get("description", "")))
    return 0


def cmd_survey_map(a) -> int:
    from app.core.survey.joint import clear_theme_codes, set_theme_codes, theme_codes
    from app.core.survey.stats import find_survey, likert_items, themes
    from app.core.codebook import code_paths

    if a.show:
        with _open(a.project, read_only=True) as p, p.read() as s:
            sv = find_survey(s, a.survey)
            mapping, saved = theme_codes(s, sv)
            paths = code_paths(s)
            order = themes(likert_items(s, sv))  # every theme, in the survey's order
            data = {"survey": sv.name, "saved": saved,
                    "themes": {t: [paths[c] for c in mapping.get(t, []) if c in paths]
                               for t in order}}
        output(a, data, [f"{t}\t{', '.join(c) or '–'}" for t, c in data["themes"].items()],
               note=None if saved else _("Suggested from the names; not saved yet."))
        return 0
    if not a.theme:
        raise InvalidInput(_("Name a theme and its codes, or use --show."))
    with _open(a.project) as p, p.write() as s:
        if a.clear:
            clear_theme_codes(s, a.survey, a.theme)
            say(_("The theme {theme} is now shown beside no code.").format(theme=a.theme))
            return 0
        paths = set_theme_codes(s, a.survey, a.theme, a.codes)
    say(_("The theme {theme} is now shown beside: {codes}").format(theme=a.theme,
                                                                    codes=", ".join(paths)))
    return 0


def add_joint_commands(inner, project_arg, json_flag) -> None:
    """Register `survey joint` and `survey map` in the survey group `inner`."""
    p = command(inner, "joint", cmd_survey_joint,
                _("joint display: survey themes by an attribute beside the interview codes"))
    project_arg(p)
    p.add_argument("--survey", metavar="NAME", help=_("the survey (needed when there are "
                                                      "several)"))
    p.add_argument("--by", required=True, metavar="ATTR",
                   help=_("the attribute of the columns, e.g. tjeneste or bydel"))
    p.add_argument("--measure", choices=("mean", "agree"), default="mean",
                   help=_("the survey's mean (default) or %% agree"))
    p.add_argument("--quotes", type=int, default=1, metavar="N",
                   help=_("interview quotes per theme (default 1)"))
    p.add_argument("--scope", choices=("segments", "consensus", "codings"),
                   help=_("what is counted (default: passages)"))
    p.add_argument("--docx", metavar="OUT.docx", help=_("write a Word file"))
    p.add_argument("--xlsx", metavar="OUT.xlsx", help=_("write an Excel workbook"))
    json_flag(p)

    p = command(inner, "map", cmd_survey_map,
                _("which codes a survey theme is shown beside in joint displays"))
    project_arg(p)
    p.add_argument("theme", nargs="?", metavar="THEME", help=_("the survey theme"))
    p.add_argument("codes", nargs="*", metavar="CODE", help=_("codes (paths or names)"))
    p.add_argument("--survey", metavar="NAME", help=_("the survey (needed when there are "
                                                      "several)"))
    p.add_argument("--clear", action="store_true", help=_("show the theme beside no code"))
    p.add_argument("--show", action="store_true", help=_("show the mapping"))
    json_flag(p)
