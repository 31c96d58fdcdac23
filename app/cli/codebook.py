"""`sitat codebook ...`: the codebook from the command line - add, rename, move, merge, delete,
define and split codes; import and export (.qdc, also a frozen version), freeze versions,
diff them, and the code log. Thin over app/core.codebook and app/core.team.versions; every
edit goes through the same logged core operation as in the window. Registered by app.cli.parser."""

from __future__ import annotations

import json

from app.cli.common import command, group, output, say
from app.cli.common import open_project as _open
from app.cli.common import split_list as _list
from app.i18n import _, counts, n_


# -- files and versions --------------------------------------------------------------------------
def cmd_codebook_import(a) -> int:
    from app.core.codebook_io import import_codebook
    from app.core.codesets import import_code_groups
    from app.core.refi.qdc import read_codebook_file

    roots, sets = read_codebook_file(a.file)  # an ordinary file only, never a pipe or device
    with _open(a.project) as p, p.write() as s:
        report = import_codebook(s, roots)
        import_code_groups(s, sets, roots=roots)
    say(_("Codebook imported: {codes} added, {matched} already present.").format(
        codes=counts.codes(report.added), matched=report.matched))
    for path in report.differing:
        say(_("  {path}: the definition differs; the project's was kept.").format(path=path))
    return 0


def cmd_codebook_export(a) -> int:
    from app.core.codebook_io import codebook_specs
    from app.core.codesets import code_groups
    from app.core.files import write_bytes_atomic
    from app.core.files.outputs import check_outputs
    from app.core.refi.qdc import write_qdc
    from app.core.team.versions import version_specs

    check_outputs([a.file], project=a.project)
    with _open(a.project, read_only=True) as p, p.read() as s:
        data = (write_qdc(version_specs(s, a.version)) if a.version
                else write_qdc(codebook_specs(s), sets=code_groups(s)))
    write_bytes_atomic(a.file, data)
    if a.version:
        say(_("Codebook version {version} written to {name}.").format(version=a.version,
                                                                     name=a.file))
    else:
        say(_("Codebook written to {name}.").format(name=a.file))
    return 0


def cmd_codebook_freeze(a) -> int:
    from app.core.team.versions import freeze

    with _open(a.project) as p, p.write() as s:
        v = freeze(s, a.name, a.memo or "")
        name = v.name
    say(_("Codebook frozen as version {name}.").format(name=name))
    return 0


def cmd_codebook_versions(a) -> int:
    from app.core.team.versions import versions

    with _open(a.project, read_only=True) as p, p.read() as s:
        rows = [{"name": v.name, "created_at": v.created_at.isoformat(timespec="seconds"),
                 "created_by": v.created_by, "codes": len(json.loads(v.snapshot)),
                 "memo": v.memo} for v in versions(s)]
    output(a, rows, (f"{r['name']}\t{r['created_at']}\t{r['created_by']}\t{r['codes']}"
                     for r in rows))
    return 0


def cmd_codebook_diff(a) -> int:
    from app.core.team.versions import diff

    with _open(a.project, read_only=True) as p, p.read() as s:
        d = diff(s, a.old, a.new)
    output(a, d.as_json(), d.as_text)
    return 0


def cmd_codebook_log(a) -> int:
    from app.core.codelog import events

    with _open(a.project, read_only=True) as p, p.read() as s:
        rows = [e.as_json() for e in events(s)]
    output(a, rows, (f"{r['at']}\t{r['actor']}\t{r['operation']}\t{r['path']}" for r in rows))
    return 0


# -- code tree edits -------------------------------------------------------------------------------
def cmd_codebook_add(a) -> int:
    from app.core.codebook import create_code, join_path, path_of, resolve_code, split_path

    names = split_path(a.path)
    with _open(a.project) as p, p.write() as s:
        parent = resolve_code(s, join_path(names[:-1])) if len(names) > 1 else None
        code = create_code(s, names[-1], parent, a.colour, a.definition or "",
                           not a.not_codable, inclusion=a.include or "",
                           exclusion=a.exclude or "", example=a.example or "")
        data = {"path": path_of(s, code), "guid": code.guid}
    output(a, data, _("Code {path} added.").format(path=data["path"]))
    return 0


def cmd_codebook_rename(a) -> int:
    from app.core.codebook import path_of, rename_code, resolve_code

    with _open(a.project) as p, p.write() as s:
        code = resolve_code(s, a.path)
        old = path_of(s, code)
        rename_code(s, code, a.name)
        new = path_of(s, code)
    say(_("{old} renamed: now {new}.").format(old=old, new=new))
    return 0


def cmd_codebook_move(a) -> int:
    from app.core.codebook import move_code, path_of, resolve_code
    from app.errors import InvalidInput

    if bool(a.parent) == bool(a.top):
        raise InvalidInput(_("Give the new parent code, or --top to make it a top-level "
                             "code."))
    with _open(a.project) as p, p.write() as s:
        code = resolve_code(s, a.path)
        old = path_of(s, code)
        move_code(s, code, None if a.top else resolve_code(s, a.parent))
        new = path_of(s, code)
    say(_("{old} moved: now {new}.").format(old=old, new=new))
    return 0


def cmd_codebook_merge(a) -> int:
    from app.core.codebook import merge, path_of, resolve_code

    with _open(a.project) as p, p.write() as s:
        source, target = resolve_code(s, a.source), resolve_code(s, a.target)
        source_path, target_guid = path_of(s, source), target.guid
        done = merge(s, source, target)
        target_path = path_of(s, resolve_code(s, target_guid))
    stranded = [{"code": x.code, "guid": x.guid, "text": x.text} for x in done.stc.stranded]
    data = {"from": source_path, "into": target_path, "codings": done.codings,
            "duplicates": done.duplicates, "condensates": done.stc.condensates,
            "illustrative": done.stc.illustrative, "synthesis": done.stc.synthesis,
            "stranded": stranded}

    def lines():
        yield _("{source} merged into {target}: {codings} moved.").format(
            source=source_path, target=target_path, codings=counts.codings(done.codings))
        if done.duplicates:
            yield n_("  {n} coding was already on {target} (same text, coder and round) and "
                     "was dropped.",
                     "  {n} codings were already on {target} (same text, coder and round) and "
                     "were dropped.", done.duplicates).format(n=done.duplicates,
                                                              target=target_path)
        yield _("  Carried along: {condensates}, {quotes}{synthesis}.").format(
            condensates=counts.condensates(done.stc.condensates),
            quotes=counts.illustrative_quotes(done.stc.illustrative),
            synthesis=_(" and the synthesis (under a heading naming {source})").format(
                source=source_path) if done.stc.synthesis else "")
        for x in stranded:
            yield _("  A condensate of {code} now rests on codings outside it: «{text}» "
                    "({guid}).").format(**x)

    output(a, data, lines)
    return 0


def cmd_codebook_delete(a) -> int:
    from app.core.codebook import delete_code, deletion_counts, path_of, resolve_code
    from app.errors import CodebookError

    with _open(a.project) as p, p.write() as s:
        code = resolve_code(s, a.path)
        path, found = path_of(s, code), deletion_counts(s, code)
        if not found.empty() and not a.force:
            raise CodebookError(_(
                "{path} has {children}, {codings}, {condensates} and {syntheses} (counting its "
                "child codes); deleting it deletes them all. Give --force to delete it "
                "anyway.").format(path=path, **_held(found)))
        delete_code(s, code)
    say(_("{path} deleted, with {children}, {codings}, {condensates} and {syntheses}.").format(
        path=path, **_held(found)))
    return 0


def _held(found) -> dict[str, str]:
    """What deleting a code takes with it, as counted phrases."""
    return {"children": counts.child_codes(found.children),
            "codings": counts.codings(found.codings),
            "condensates": counts.condensates(found.condensates),
            "syntheses": counts.syntheses(found.syntheses)}


def cmd_codebook_define(a) -> int:
    from app.core.codebook import path_of, resolve_code, update_code
    from app.errors import InvalidInput

    fields = {"description": a.definition, "inclusion": a.include, "exclusion": a.exclude,
              "example": a.example}
    if all(v is None for v in fields.values()):
        raise InvalidInput(_("Give at least one of --definition, --include, --exclude and "
                             "--example."))
    with _open(a.project) as p, p.write() as s:
        code = resolve_code(s, a.path)
        update_code(s, code, **fields)
        path = path_of(s, code)
    say(_("Definition of {path} saved.").format(path=path))
    return 0


def cmd_codebook_split(a) -> int:
    from app.core.codebook import path_of, resolve_code, split

    with _open(a.project) as p, p.write() as s:
        code = resolve_code(s, a.code)
        done = split(s, code, a.into, _list(a.codings))
        old, new = path_of(s, resolve_code(s, code.guid)), path_of(s, done.code)
    c = done.stc
    data = {"from": old, "into": new, "codings": done.codings, "condensates_moved": c.moved,
            "condensates_stayed": c.stayed, "condensates_on_both": c.both,
            "illustrative_moved": c.illustrative}
    output(a, data, [
        _("{codings} moved to the new code {name}.").format(
            codings=counts.codings(done.codings), name=new),
        _("  Condensates: {moved} moved with all their meaning units to {new}, {stayed} stayed "
          "on {old}; illustrative quotes moved with their codings: {quotes}.").format(
              moved=c.moved, new=new, stayed=c.stayed, old=old, quotes=c.illustrative),
        *(_("  «{text}» stayed on {old} but now rests on codings of both codes; edit it or "
            "its meaning units.").format(text=t, old=old) for t in c.both)])
    return 0


# -- registration ----------------------------------------------------------------------------
def _definition_args(p) -> None:
    p.add_argument("--definition", metavar="TEXT", help=_("what the code means"))
    p.add_argument("--include", metavar="TEXT", help=_("inclusion criteria: when to use it"))
    p.add_argument("--exclude", metavar="TEXT", help=_("exclusion criteria: when not to"))
    p.add_argument("--example", metavar="TEXT", help=_("an example of text it fits"))


def add_codebook_commands(sub, project_arg, json_flag) -> None:
    """Register `codebook` and its subcommands."""
    cb = group(sub, "codebook", _("the codebook: add, rename, move, merge, delete, define and "
                                  "split codes; files, versions and the log"))
    p = command(cb, "add", cmd_codebook_add, _("add a code (PATH: Parent/Name)"))
    project_arg(p)
    p.add_argument("path", metavar="PATH", help=_("where and what: Parent/Child/Name"))
    p.add_argument("--colour", metavar="#RRGGBB", help=_("its colour"))
    _definition_args(p)
    p.add_argument("--not-codable", action="store_true",
                   help=_("a group code only, not applied to text"))
    json_flag(p)
    p = command(cb, "rename", cmd_codebook_rename, _("rename a code"))
    project_arg(p)
    p.add_argument("path", metavar="PATH", help=_("the code"))
    p.add_argument("name", metavar="NEWNAME", help=_("its new name"))
    p = command(cb, "move", cmd_codebook_move, _("move a code under another, or to the top"))
    project_arg(p)
    p.add_argument("path", metavar="PATH", help=_("the code"))
    p.add_argument("parent", metavar="NEWPARENT", nargs="?", help=_("its new parent code"))
    p.add_argument("--top", action="store_true", help=_("make it a top-level code"))
    p = command(cb, "merge", cmd_codebook_merge,
                _("merge a code into another: codings, child codes, condensates, illustrative "
                  "quotes and synthesis follow"))
    project_arg(p)
    p.add_argument("source", metavar="SOURCE", help=_("the code that goes"))
    p.add_argument("target", metavar="TARGET", help=_("the code that receives"))
    json_flag(p)
    p = command(cb, "delete", cmd_codebook_delete,
                _("delete a code (refused while it has codings or child codes, unless --force)"))
    project_arg(p)
    p.add_argument("path", metavar="PATH", help=_("the code"))
    p.add_argument("--force", action="store_true",
                   help=_("also delete its child codes, codings and condensates"))
    p = command(cb, "define", cmd_codebook_define,
                _("set a code's definition, inclusion and exclusion criteria or example"))
    project_arg(p)
    p.add_argument("path", metavar="PATH", help=_("the code"))
    _definition_args(p)
    p = command(cb, "split", cmd_codebook_split,
                _("split a code: move some of its codings to a new sibling code"))
    project_arg(p)
    p.add_argument("--code", required=True, metavar="PATH", help=_("the code to split"))
    p.add_argument("--into", required=True, metavar="NAME", help=_("name of the new code"))
    p.add_argument("--codings", required=True, metavar="GUID,...",
                   help=_("guids of the codings that move (see codings --json)"))
    json_flag(p)

    p = command(cb, "import", cmd_codebook_import, _("import a REFI-QDA codebook (.qdc)"))
    project_arg(p)
    p.add_argument("file", metavar="FILE.qdc", help=_("the codebook file"))
    p = command(cb, "export", cmd_codebook_export, _("export the codebook as REFI-QDA (.qdc)"))
    project_arg(p)
    p.add_argument("file", metavar="FILE.qdc", help=_("the codebook file"))
    p.add_argument("--version", metavar="V",
                   help=_("write this frozen version instead of the codebook now"))
    p = command(cb, "freeze", cmd_codebook_freeze, _("freeze the codebook as a named version"))
    project_arg(p)
    p.add_argument("name", help=_("version name, e.g. v1"))
    p.add_argument("--memo", help=_("a note on the version"))
    p = command(cb, "versions", cmd_codebook_versions, _("list codebook versions"))
    project_arg(p)
    json_flag(p)
    p = command(cb, "diff", cmd_codebook_diff,
                _("what changed between two versions ('current' is the codebook now)"))
    project_arg(p)
    p.add_argument("old", metavar="V1")
    p.add_argument("new", metavar="V2", nargs="?", default="current")
    json_flag(p)
    p = command(cb, "log", cmd_codebook_log, _("every code operation with who and when"))
    project_arg(p)
    json_flag(p)
