"""`sitat refi` commands: REFI-QDA project exchange (.qdpx export and import), thin over core."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli_common import emit_json as _emit
from app.cli_common import open_project as _open
from app.i18n import _


def cmd_refi_export(a) -> int:
    from app.core.refi.qdpx_export import export_qdpx

    with _open(a.project, read_only=True) as p:
        report = export_qdpx(p, Path(a.file), pseudonymise=a.pseudonymise)
    if getattr(a, "json", False):
        _emit(report.as_json())
    else:
        print(_("Project written to {name}: {documents} documents, {codes} codes, {codings} "
                "codings.").format(name=a.file, documents=report.documents, codes=report.codes,
                                   codings=report.codings))
    return 0


def cmd_refi_import(a) -> int:
    from app.core.refi.qdpx_import import import_qdpx

    report = import_qdpx(Path(a.file), Path(a.project))
    if getattr(a, "json", False):
        _emit(report.as_json())
        return 0
    print(_("Project {name} created: {documents} documents, {codes} codes, {coders} coders, "
            "{codings} codings.").format(name=a.project, documents=report.documents,
                                         codes=report.codes, coders=report.coders,
                                         codings=report.codings))
    if report.skipped:
        print(_("{n} items could not be imported:").format(n=len(report.skipped)))
        for item in report.skipped:
            where = ""
            if "start" in item:
                where = f" [{item['start']}-{item['end']}]"
            print(f"  {item['source']}{where}: {item['reason']}")
    return 0


def add_refi_commands(sub, project_arg, json_flag) -> None:
    """Register `sitat refi export` and `sitat refi import` on the top-level subparsers."""
    here = globals()
    help_ = _("REFI-QDA project exchange with other analysis programs (.qdpx)")
    group = sub.add_parser("refi", help=help_, description=help_)
    inner = group.add_subparsers(title=_("commands"), metavar=_("COMMAND"))
    group.set_defaults(func=lambda a, p=group: (p.print_help(), 2)[1])

    def command(name: str, func: str, text: str) -> argparse.ArgumentParser:
        p = inner.add_parser(name, help=text, description=text)
        p.set_defaults(func=here[func])
        return p

    p = command("export", "cmd_refi_export", _("export the whole project as REFI-QDA (.qdpx)"))
    project_arg(p)
    p.add_argument("file", metavar="OUT.qdpx", help=_("the REFI-QDA project file to write"))
    p.add_argument("--pseudonymise", action="store_true",
                   help=_("replace the project's sensitive terms by their pseudonyms"))
    json_flag(p)
    p = command("import", "cmd_refi_import",
                _("create a new project from a REFI-QDA project file (.qdpx)"))
    p.add_argument("file", metavar="IN.qdpx", help=_("the REFI-QDA project file to read"))
    p.add_argument("project", metavar="PROJECT.sitat", help=_("the new project file"))
    json_flag(p)
