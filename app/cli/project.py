"""`sitat` commands for the project file as a whole: new, check, backup, publish, checkout,
summary and demo. Thin over app/core.project, check, backup, server.publish, report and demo."""

from __future__ import annotations

from pathlib import Path

from app.cli.common import command, output, report_language, say
from app.cli.common import open_project as _open
from app.cli.reports import scope_arg
from app.i18n import _, counts, using_language


def cmd_new(a) -> int:
    from app.core.project import Project

    with Project.create(a.project, a.title or "") as p:
        say(_("Created project {name} ({id}).").format(name=p.path.name, id=p.id))
    return 0


def cmd_check(a) -> int:
    from app.core.check import check_project

    repaired: list[str] = []
    if getattr(a, "repair", False):
        from app.core.check import repair_project

        with _open(a.project) as p:
            if check_project(p):
                repaired = repair_project(p)
        if not a.json:
            for line in repaired:
                say(line)
    with _open(a.project, read_only=True) as p:
        problems = check_project(p)
        name = p.path.name  # a shared project's database, not its URL's last part
    output(a, {"ok": not problems, "problems": [x.as_json() for x in problems],
               "repaired": repaired},
           [x.message for x in problems] or _("{name} is sound.").format(name=name))
    return 0 if not problems else 1


def cmd_backup(a) -> int:
    from app.core.backup import backup_project

    with _open(a.project, read_only=True) as p:
        path = backup_project(p, Path(a.folder) if a.folder else None)
    output(a, {"backup": str(path)}, _("Backup written: {path}").format(path=str(path)))
    return 0


def cmd_publish(a) -> int:
    from app.core.server.publish import publish_project

    with _open(a.project, read_only=True) as p:
        report = publish_project(p, a.url)
    output(a, report.as_json(), _("Published {name}: {rows}.").format(
        name=report.name, rows=counts.rows(sum(report.rows.values()))))
    return 0


def cmd_checkout(a) -> int:
    from app.errors import InvalidInput

    if a.blind and not a.coder:
        raise InvalidInput(_("A blind copy is made for one coder: name them with --coder."))
    with _open(a.url, read_only=True) as p:
        if a.coder:
            from app.core.team.copies import coder_copy

            report = coder_copy(p, a.coder, Path(a.out), blind=a.blind)
            output(a, report.as_json(), _("Copy for {coder} written: {path} ({codings}).")
                   .format(coder=report.coder, path=report.path,
                           codings=counts.codings(report.codings)))
            return 0
        from app.core.server.publish import checkout_project

        path = checkout_project(p, Path(a.out))
    output(a, {"path": path}, _("Project file written: {path}").format(path=path))
    return 0


def cmd_summary(a) -> int:
    from app.core.report import project_report

    with _open(a.project, read_only=True) as p:
        with p.read() as s:
            language = report_language(a, s)
        with using_language(language):  # the project's language, or --lang
            report = project_report(p, a.scope, a.coder)
            output(a, report.as_json(), report.as_text())
    return 0


def cmd_demo(a) -> int:
    from app.core.demo import run_demo

    result = run_demo(Path(a.out) if a.out else None, force=a.force, language=a.lang)
    for line in result.message.split("\n"):
        say(line)
    return 0


def add_new_command(sub, project_arg) -> None:
    """Register `new` (first in the list: a project starts there)."""
    p = command(sub, "new", cmd_new, _("create a new, empty project file"))
    project_arg(p)
    p.add_argument("--title", help=_("the project's title (default: the file name)"))


def add_project_commands(sub, project_arg, json_flag) -> None:
    """Register check, backup, publish, checkout, summary and demo."""
    p = command(sub, "check", cmd_check, _("check the project file's integrity"))
    project_arg(p)
    p.add_argument("--repair", action="store_true",
                   help=_("repair what can be repaired and say what was done"))
    json_flag(p)

    p = command(sub, "backup", cmd_backup, _("save a copy of the project as a project file "
                                             "(.sitat), never overwriting one"))
    project_arg(p)
    p.add_argument("--folder", metavar="FOLDER",
                   help=_("where to save it (default: beside the project file; required for "
                          "a shared project)"))
    json_flag(p)

    p = command(sub, "publish", cmd_publish, _("copy a project file exactly into an empty "
                                               "database on a server (a shared project)"))
    project_arg(p)
    p.add_argument("url", metavar="URL", help=_("the empty database (postgresql://...)"))
    json_flag(p)

    p = command(sub, "checkout", cmd_checkout, _("save a shared project as a new project file "
                                                 "(.sitat), never overwriting one"))
    p.add_argument("url", metavar="URL", help=_("the shared project (postgresql://...)"))
    p.add_argument("out", metavar="FILE", help=_("the new project file"))
    p.add_argument("--coder", metavar="NAME",
                   help=_("a copy for this coder to work in and merge back"))
    p.add_argument("--blind", action="store_true",
                   help=_("with --coder: only that coder's own codings"))
    json_flag(p)

    p = command(sub, "summary", cmd_summary, _("summarise a project: documents, codes, coders"))
    project_arg(p)
    p.add_argument("--coder", action="append",
                   help=_("count passages of this coder only (repeatable)"))
    scope_arg(p)
    json_flag(p)

    p = command(sub, "demo", cmd_demo, _("build the bundled sample project and summarise it"))
    p.add_argument("--out", default=None, help=_("folder for the sample project and outputs"))
    p.add_argument("--force", action="store_true", help=_("rebuild even if it exists"))
