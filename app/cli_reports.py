"""`sitat` commands for report writing: matrix displays, condensation (STC) and exports to
Word, CSV and XLSX. Thin over app/core; registered by cli_parser."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.i18n import _


def _emit(data) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _open(path: str, read_only: bool = False):
    from app.core.project import Project

    return Project.open(path, read_only=read_only)


def _list(value: str | None) -> list[str]:
    return [x.strip() for x in (value or "").split(",") if x.strip()]


# -- condensation ------------------------------------------------------------------------------
def cmd_condense(a) -> int:
    from app.core.displays import condensation as stc

    with _open(a.project) as p, p.write() as s:
        guid = stc.add_condensate(s, a.code, a.text, _list(a.codings))
    print(_("Condensate {guid} added.").format(guid=guid))
    return 0


def cmd_synthesis(a) -> int:
    from app.core.displays import condensation as stc

    with _open(a.project) as p, p.write() as s:
        stc.set_synthesis(s, a.code, a.text)
    print(_("Synthesis saved."))
    return 0


def cmd_illustrate(a) -> int:
    from app.core.displays import condensation as stc

    with _open(a.project) as p, p.write() as s:
        stc.set_illustrative(s, a.code, a.coding, on=not a.off)
    return 0


def cmd_condensation(a) -> int:
    from app.core.displays import condensation as stc

    with _open(a.project, read_only=True) as p, p.read() as s:
        c = stc.condensation(s, a.code)
    if a.json:
        _emit(c.as_json())
        return 0
    print(c.code)
    print(_("{n} meaning units").format(n=len(c.units)))
    for cond in c.condensates:
        print(f"  «{cond.text}» ({len(cond.units)})")
    if c.synthesis:
        print()
        print(c.synthesis)
    return 0


def add_report_commands(sub, project_arg, json_flag) -> None:
    here = globals()

    def command(name: str, func: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=here[func])
        return p

    p = command("condense", "cmd_condense",
                _("write a condensate (artificial quote) resting on some codings of a code"))
    project_arg(p)
    p.add_argument("--code", required=True, metavar="PATH", help=_("the code"))
    p.add_argument("--text", required=True, help=_("the condensate, in the first person"))
    p.add_argument("--codings", required=True, metavar="GUID,...",
                   help=_("the meaning units it rests on (coding guids)"))
    p = command("synthesis", "cmd_synthesis", _("write the synthesis text of a code"))
    project_arg(p)
    p.add_argument("--code", required=True, metavar="PATH", help=_("the code"))
    p.add_argument("--text", required=True, help=_("the synthesis"))
    p = command("illustrate", "cmd_illustrate", _("mark a coding as an illustrative quote"))
    project_arg(p)
    p.add_argument("--code", required=True, metavar="PATH", help=_("the code"))
    p.add_argument("--coding", required=True, metavar="GUID", help=_("the coding"))
    p.add_argument("--off", action="store_true", help=_("unmark it instead"))
    p = command("condensation", "cmd_condensation",
                _("show a code's meaning units, condensates and synthesis"))
    project_arg(p)
    p.add_argument("--code", required=True, metavar="PATH", help=_("the code"))
    json_flag(p)
