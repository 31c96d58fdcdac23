"""`sitat` commands for codebooks and team work: codebook import/export/versions/log/split,
rounds, coder copies, merging and agreement. Thin over app/core; registered by cli_parser."""

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


# -- codebook --------------------------------------------------------------------------------
def cmd_codebook_import(a) -> int:
    from app.core.codebook import import_codebook
    from app.core.refi.qdc import parse_qdc
    from app.errors import CodebookError

    try:
        data = Path(a.file).read_bytes()
    except OSError as exc:
        raise CodebookError(_("Cannot read {name}: {reason}").format(
            name=Path(a.file).name, reason=exc.strerror or exc)) from exc
    roots = parse_qdc(data)
    with _open(a.project) as p, p.write() as s:
        report = import_codebook(s, roots)
    print(_("Codebook imported: {added} codes added, {matched} already present.").format(
        added=report.added, matched=report.matched))
    for path in report.differing:
        print(_("  {path}: the definition differs; the project's was kept.").format(path=path))
    return 0


def cmd_codebook_export(a) -> int:
    from app.cli import _write_file
    from app.core.codebook import codebook_specs
    from app.core.refi.qdc import write_qdc

    with _open(a.project, read_only=True) as p, p.read() as s:
        data = write_qdc(codebook_specs(s))
    _write_file(a.file, data)
    print(_("Codebook written to {name}.").format(name=a.file))
    return 0


def cmd_codebook_freeze(a) -> int:
    from app.core.team.versions import freeze

    with _open(a.project) as p, p.write() as s:
        v = freeze(s, a.name, a.memo or "")
        name = v.name
    print(_("Codebook frozen as version {name}.").format(name=name))
    return 0


def cmd_codebook_versions(a) -> int:
    from app.core.team.versions import versions

    with _open(a.project, read_only=True) as p, p.read() as s:
        rows = [{"name": v.name, "created_at": v.created_at.isoformat(timespec="seconds"),
                 "created_by": v.created_by, "codes": len(json.loads(v.snapshot)),
                 "memo": v.memo} for v in versions(s)]
    if a.json:
        _emit(rows)
    else:
        for r in rows:
            print(f"{r['name']}\t{r['created_at']}\t{r['created_by']}\t{r['codes']}")
    return 0


def cmd_codebook_diff(a) -> int:
    from app.core.team.versions import diff

    with _open(a.project, read_only=True) as p, p.read() as s:
        d = diff(s, a.old, a.new)
    if a.json:
        _emit(d.as_json())
    else:
        print(d.as_text())
    return 0


def cmd_codebook_log(a) -> int:
    from app.core.codelog import events

    with _open(a.project, read_only=True) as p, p.read() as s:
        rows = [e.as_json() for e in events(s)]
    if a.json:
        _emit(rows)
    else:
        for r in rows:
            print(f"{r['at']}\t{r['actor']}\t{r['operation']}\t{r['path']}")
    return 0


def cmd_codebook_split(a) -> int:
    from app.core.codebook import resolve_code, split_code

    with _open(a.project) as p, p.write() as s:
        new = split_code(s, resolve_code(s, a.code), a.into, _list(a.codings))
        name = new.name
    print(_("{n} codings moved to the new code {name}.").format(n=len(_list(a.codings)),
                                                              name=name))
    return 0


# -- rounds ----------------------------------------------------------------------------------
def cmd_round_new(a) -> int:
    from app.core.team.rounds import create_round, round_copies

    with _open(a.project) as p:
        with p.write() as s:
            info = create_round(s, a.name, _list(a.documents), _list(a.coders), a.version,
                                a.memo or "")
        copies = round_copies(p, info.name, Path(a.copies)) if a.copies else []
    if a.json:
        _emit({**info.as_json(), "copies": [str(c) for c in copies]})
    else:
        print(_("Round {name}: {docs} documents, coders {coders}.").format(
            name=info.name, docs=len(info.documents), coders=", ".join(info.coders)))
        for c in copies:
            print(_("  blind copy: {path}").format(path=c))
    return 0


def cmd_round_list(a) -> int:
    from app.core.team.rounds import rounds

    with _open(a.project, read_only=True) as p, p.read() as s:
        rows = [r.as_json() for r in rounds(s)]
    if a.json:
        _emit(rows)
    else:
        for r in rows:
            print(f"{r['name']}\t{r['codebook_version'] or '-'}\t{len(r['documents'])}\t"
                  f"{', '.join(r['coders'])}")
    return 0


# -- registration ----------------------------------------------------------------------------
def add_team_commands(sub, commands: dict, project_arg, json_flag) -> None:
    here = globals()

    def group(name: str, help_: str):
        p = sub.add_parser(name, help=help_, description=help_)
        inner = p.add_subparsers(title=_("commands"), metavar=_("COMMAND"))
        p.set_defaults(func=lambda a, p=p: (p.print_help(), 2)[1])
        return inner

    def command(parent, name: str, func: str, help_: str) -> argparse.ArgumentParser:
        p = parent.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=here[func])
        return p

    cb = group("codebook", _("codebook files, versions, log and splitting codes"))
    p = command(cb, "import", "cmd_codebook_import", _("import a REFI-QDA codebook (.qdc)"))
    project_arg(p)
    p.add_argument("file", metavar="FILE.qdc", help=_("the codebook file"))
    p = command(cb, "export", "cmd_codebook_export", _("export the codebook as REFI-QDA (.qdc)"))
    project_arg(p)
    p.add_argument("file", metavar="FILE.qdc", help=_("the codebook file"))
    p = command(cb, "freeze", "cmd_codebook_freeze", _("freeze the codebook as a named version"))
    project_arg(p)
    p.add_argument("name", help=_("version name, e.g. v1"))
    p.add_argument("--memo", help=_("a note on the version"))
    p = command(cb, "versions", "cmd_codebook_versions", _("list codebook versions"))
    project_arg(p)
    json_flag(p)
    p = command(cb, "diff", "cmd_codebook_diff",
                _("what changed between two versions ('current' is the codebook now)"))
    project_arg(p)
    p.add_argument("old", metavar="V1")
    p.add_argument("new", metavar="V2", nargs="?", default="current")
    json_flag(p)
    p = command(cb, "log", "cmd_codebook_log", _("every code operation with who and when"))
    project_arg(p)
    json_flag(p)
    p = command(cb, "split", "cmd_codebook_split",
                _("split a code: move some of its codings to a new sibling code"))
    project_arg(p)
    p.add_argument("--code", required=True, metavar="PATH", help=_("the code to split"))
    p.add_argument("--into", required=True, metavar="NAME", help=_("name of the new code"))
    p.add_argument("--codings", required=True, metavar="GUID,...",
                   help=_("guids of the codings that move (see codings --json)"))

    rd = group("round", _("coding rounds: document set, coders, codebook version"))
    p = command(rd, "new", "cmd_round_new", _("create a round (and blind coder copies)"))
    project_arg(p)
    p.add_argument("name", help=_("round name"))
    p.add_argument("--documents", required=True, metavar="D1,D2,...", help=_("documents"))
    p.add_argument("--coders", required=True, metavar="A,B,...", help=_("coders"))
    p.add_argument("--version", help=_("codebook version in force"))
    p.add_argument("--memo", help=_("a note on the round"))
    p.add_argument("--copies", metavar="DIR",
                   help=_("write a blind coder copy for each coder into this folder"))
    json_flag(p)
    p = command(rd, "list", "cmd_round_list", _("list rounds"))
    project_arg(p)
    json_flag(p)
