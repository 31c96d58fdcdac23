"""`sitat refi` commands: REFI-QDA project exchange (.qdpx export and import), thin over core."""

from __future__ import annotations

from pathlib import Path

from app.cli.common import command, group, output, say
from app.cli.common import open_project as _open
from app.i18n import _, counts, n_


def cmd_refi_export(a) -> int:
    from app.core.files.outputs import check_outputs
    from app.core.refi.qdpx_export import export_qdpx

    check_outputs([a.file], project=a.project)
    with _open(a.project, read_only=True) as p:
        report = export_qdpx(p, Path(a.file), pseudonymise=a.pseudonymise, offsets=a.offsets)
    if report.warning():
        say(f"warning: {report.warning()}", err=True)
    output(a, report.as_json(), _("Project written to {name}: {documents}, {codes}, {codings}.")
           .format(name=a.file, documents=counts.documents(report.documents),
                   codes=counts.codes(report.codes), codings=counts.codings(report.codings)))
    return 0


def cmd_refi_import(a) -> int:
    from app.core.files.outputs import check_outputs
    from app.core.refi.qdpx_import import import_qdpx

    from app.core.server.location import is_server_url

    if not is_server_url(a.project):  # the new project is never the .qdpx read
        check_outputs([a.project], inputs=[a.file])
    report = import_qdpx(Path(a.file), a.project)
    output(a, report.as_json(), lambda: _import_text(a, report))
    return 0


def _import_text(a, report) -> list[str]:
    from app.core.server.location import ServerLocation, is_server_url

    name = str(ServerLocation.parse(a.project)) if is_server_url(a.project) else a.project
    lines = [_("Project {name} created: {documents}, {codes}, {coders}, {codings}.").format(
        name=name, documents=counts.documents(report.documents),
        codes=counts.codes(report.codes), coders=counts.coders(report.coders),
        codings=counts.codings(report.codings))]
    lines += [item["reason"] for item in report.renamed]
    if report.code_sets:
        lines.append(n_("{n} code set imported.", "{n} code sets imported.",
                        report.code_sets).format(n=report.code_sets))
    if report.skipped:
        lines.append(report.skipped_line())
    for item in report.skipped:
        where = f" [{item['start']}-{item['end']}]" if "start" in item else ""
        lines.append(f"  {item['source']}{where}: {item['reason']}")
    return lines


def add_refi_commands(sub, project_arg, json_flag) -> None:
    """Register `sitat refi export` and `sitat refi import` on the top-level subparsers."""
    inner = group(sub, "refi", _("REFI-QDA project exchange with other analysis programs (.qdpx)"))

    p = command(inner, "export", cmd_refi_export, _("export the whole project as REFI-QDA (.qdpx)"))
    project_arg(p)
    p.add_argument("file", metavar="OUT.qdpx", help=_("the REFI-QDA project file to write"))
    p.add_argument("--pseudonymise", action="store_true",
                   help=_("replace the project's sensitive terms by their pseudonyms"))
    p.add_argument("--offsets", choices=["codepoints", "utf16"], default="codepoints",
                   help=_("how positions are counted: codepoints (characters) for ATLAS.ti, "
                          "MAXQDA and QualCoder (the default), utf16 for NVivo"))
    json_flag(p)
    p = command(inner, "import", cmd_refi_import,
                _("create a new project from a REFI-QDA project file (.qdpx)"))
    p.add_argument("file", metavar="IN.qdpx", help=_("the REFI-QDA project file to read"))
    p.add_argument("project", metavar="PROJECT.sitat", help=_(
        "the new project file, or the URL of an empty PostgreSQL database"))
    json_flag(p)
