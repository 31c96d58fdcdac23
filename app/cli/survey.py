"""`sitat survey ...`: the survey group - import (with --preview), list and delete, thin over
app/core/survey. The tables/charts (app.cli.survey_tables) and joint displays
(app.cli.survey_joint) add their commands to the same group from their own modules."""

from __future__ import annotations

from app.cli.common import command, group, output, say
from app.cli.common import open_project as _open
from app.i18n import _


def cmd_survey_import(a) -> int:
    from app.core.codelog import current_actor
    from app.core.survey import SurveyImportFailed, import_survey, load_mapping, preview

    mapping = load_mapping(a.map)
    if a.preview:
        with _open(a.project, read_only=True) as p:
            result = preview(p, a.file, mapping, name=a.name)
        output(a, result.as_json(), lambda: _preview_text(result))
        return 0 if result.ok else 1
    with _open(a.project) as p:
        try:
            summary = import_survey(p, a.file, mapping, name=a.name,
                                    imported_by=current_actor())
        except SurveyImportFailed as exc:  # every problem on its own line, then the error
            if a.json:
                output(a, {"ok": False, "problem_count": exc.total,
                           "problems": [x.as_json() for x in exc.problems]})
            else:
                for line in exc.lines():
                    say(line, err=True)
            raise
    output(a, summary.as_json(), _(
        "Imported the survey {name}. Respondents: {respondents}; statements: {items}; "
        "free-text questions: {questions}; answers: {answers}; don't know: {dont_know}; "
        "comments (each a document): {comments}.").format(
        name=summary.survey, respondents=summary.respondents, items=summary.items,
        questions=summary.questions, answers=summary.answers, dont_know=summary.dont_know,
        comments=summary.comments))
    return 0


def _role(role: str) -> str:
    return {"respondent": _("respondent id"), "background": _("background"),
            "likert": _("statement"), "text": _("free text")}.get(role, role)


def _preview_text(pv) -> list[str]:
    lines = [_("Survey: {name} (from {file})").format(name=pv.survey, file=pv.file),
             _("Respondents: {n}; answers: {answers}; don't know: {dont_know}; blank: "
               "{blank}; comments: {comments}").format(
                 n=pv.respondents, answers=pv.answers, dont_know=pv.dont_know, blank=pv.blank,
                 comments=pv.comments), "", _("Columns:")]
    for c in pv.columns:
        extra = c["theme"] if c["role"] == "likert" else c["key"]
        lines.append(f"  {c['heading']}\t{_role(c['role'])}\t{extra}"
                     + ("\t" + _("reverse-scored") if c["reverse"] else ""))
    if pv.absent:
        lines.append(_("Optional columns not in the file: {names}").format(
            names=", ".join(pv.absent)))
    if pv.first_rows:
        lines += ["", _("First rows as read:")]
        for row in pv.first_rows:
            cells = [f"{k}={v}" for k, v in row.items() if k != "row" and v != ""]
            lines.append(_("  row {row}: {cells}").format(row=row["row"], cells="; ".join(cells)))
    lines.append("")
    if pv.ok:
        lines.append(_("No problems: the survey can be imported."))
    else:
        lines.append(_("Problems (nothing will be imported until they are fixed): {n}").format(
            n=pv.problem_count))
        lines += ["  " + p.text() for p in pv.problems]
        if pv.problem_count > len(pv.problems):
            lines.append(_("  ... and {n} more.").format(n=pv.problem_count - len(pv.problems)))
    return lines


def cmd_survey_list(a) -> int:
    from app.core.survey import list_surveys

    with _open(a.project, read_only=True) as p, p.read() as s:
        surveys = list_surveys(s)
    output(a, [x.as_json() for x in surveys],
           (f"{x.name}\t{x.respondents}\t{x.items}\t{x.comments}\t{x.source_name}"
            for x in surveys),
           note=_("Surveys: {n}").format(n=len(surveys)))
    return 0


def cmd_survey_delete(a) -> int:
    from app.core.survey import delete_survey

    with _open(a.project) as p, p.write() as s:
        respondents, documents = delete_survey(s, a.name)
    say(_("Deleted the survey {name} with its respondents ({respondents}) and comment "
          "documents ({documents}).").format(name=a.name, respondents=respondents,
                                             documents=documents))
    return 0


def cmd_survey_settings(a) -> int:
    from app.core.survey.stats import find_survey
    from app.core.survey.surveys import set_min_group

    if a.min_group is None:
        with _open(a.project, read_only=True) as p, p.read() as s:
            survey = find_survey(s, a.survey)
            name, value = survey.name, survey.min_group
        output(a, {"survey": name, "min_group": value},
               [_("{survey}: figures are shown for groups of at least {n} respondents.")
                .format(survey=name, n=value)])
        return 0
    with _open(a.project) as p, p.write() as s:
        name, old, new = set_min_group(s, a.survey, a.min_group)
    output(a, {"survey": name, "min_group": new, "was": old},
           [_("{survey}: figures are now shown for groups of at least {n} respondents (was "
              "{old}).").format(survey=name, n=new, old=old)])
    return 0


def add_survey_commands(sub, project_arg, json_flag) -> None:
    """Register the `survey` group: import, list, delete (and the other survey modules')."""
    inner = group(sub, "survey", _("user surveys beside the interviews: import, tables, "
                                   "joint displays"))
    p = command(inner, "import", cmd_survey_import,
                _("import a survey export (.xlsx or .csv): all of it, or nothing"))
    project_arg(p)
    p.add_argument("file", metavar="FILE", help=_("the survey file (.xlsx or .csv)"))
    p.add_argument("--map", required=True, metavar="MAP.toml",
                   help=_("the mapping of columns (TOML), or ks for the bundled KS mapping"))
    p.add_argument("--name", help=_("the survey's name (default: the mapping's)"))
    p.add_argument("--preview", action="store_true",
                   help=_("show what would be imported and every problem; change nothing"))
    json_flag(p)

    p = command(inner, "list", cmd_survey_list, _("list the project's surveys"))
    project_arg(p)
    json_flag(p)

    p = command(inner, "delete", cmd_survey_delete,
                _("delete a survey with its respondents and comment documents"))
    project_arg(p)
    p.add_argument("name", metavar="NAME", help=_("the survey's name"))

    p = command(inner, "settings", cmd_survey_settings,
                _("show or change a survey's settings (the smallest group shown)"))
    project_arg(p)
    p.add_argument("--survey", metavar="NAME", help=_("the survey (needed when there are "
                                                       "several)"))
    p.add_argument("--min-group", type=int, metavar="N",
                   help=_("show figures only for groups of at least N respondents "
                          "(default 5); smaller groups are shown as too few"))
    json_flag(p)

    # The other survey modules register their commands in this group, one import line each
    # (tables/charts/Word from app.cli.survey_tables, joint displays from app.cli.survey_joint):
    #   from app.cli.survey_tables import add_table_commands; add_table_commands(inner, ...)
    from app.cli.survey_tables import add_table_commands; add_table_commands(inner, project_arg, json_flag)  # noqa: E702,E501
    from app.cli.survey_joint import add_joint_commands; add_joint_commands(inner, project_arg, json_flag)  # noqa: E702,E501
