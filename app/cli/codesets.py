"""`sitat codeset ...`: code sets (named groups of codes across the tree, as ATLAS.ti's code
groups and MAXQDA's code sets) - add, remove, list. Thin over app.core.codesets; registered by
app.cli.parser."""

from __future__ import annotations

from app.cli.common import command, group, output, say
from app.cli.common import open_project as _open
from app.cli.common import split_list
from app.i18n import _, counts


def cmd_codeset_add(a) -> int:
    from app.core.codesets import add_or_create

    with _open(a.project) as p, p.write() as s:
        created, added, total = add_or_create(s, a.name, split_list(a.codes), a.description)
    name = a.name.strip()
    if created:
        say(_("Code set {name} created with {codes}.").format(name=name,
                                                             codes=counts.codes(total)))
    else:
        say(_("Code set {name}: {codes} added, {total} in the set.").format(
            name=name, codes=counts.codes(added), total=total))
    return 0


def cmd_codeset_remove(a) -> int:
    from app.core import codesets as cs

    codes = split_list(a.codes)
    with _open(a.project) as p, p.write() as s:
        if a.codes is None:
            cs.delete_code_set(s, a.name)
            gone = True
        else:
            removed = cs.remove_codes(s, a.name, codes)
            total = cs.member_count(s, a.name)
            gone = False
    if gone:
        say(_("Code set {name} deleted (its codes stay in the codebook).").format(name=a.name))
    else:
        say(_("Code set {name}: {codes} taken out, {total} left.").format(
            name=a.name, codes=counts.codes(removed), total=total))
    return 0


def cmd_codeset_list(a) -> int:
    from app.core.codesets import list_code_sets

    with _open(a.project, read_only=True) as p, p.read() as s:
        sets = list_code_sets(s)
    lines = []
    for x in sets:
        lines.append(f"{x.name}\t{len(x.codes)}" + (f"\t{x.description}" if x.description
                                                     else ""))
        lines += [f"  {path}" for path in x.codes]
    output(a, [x.as_json() for x in sets], lines)
    return 0


def add_codeset_commands(sub, project_arg, json_flag) -> None:
    """Register `codeset add|remove|list`."""
    inner = group(sub, "codeset", _("code sets: named groups of codes across the tree (code "
                                    "groups in ATLAS.ti, code sets in MAXQDA)"))
    p = command(inner, "add", cmd_codeset_add,
                _("create a code set, or add codes to one (--codes PATH,...)"))
    project_arg(p)
    p.add_argument("name", metavar="NAME", help=_("the code set"))
    p.add_argument("--codes", metavar="PATH,...", help=_("codes to put in the set"))
    p.add_argument("--description", metavar="TEXT", help=_("what the set is for"))
    p = command(inner, "remove", cmd_codeset_remove,
                _("take codes out of a code set (--codes PATH,...), or without --codes delete "
                  "the set; the codes stay in the codebook"))
    project_arg(p)
    p.add_argument("name", metavar="NAME", help=_("the code set"))
    p.add_argument("--codes", metavar="PATH,...", help=_("codes to take out of the set"))
    p = command(inner, "list", cmd_codeset_list, _("list the code sets and their codes"))
    project_arg(p)
    json_flag(p)


def with_code_sets(project, codes: list[str] | None, sets: list[str] | None):
    """`--code PATH` filters plus the codes of the `--codeset NAME` filters, as if each code of
    the sets had been given with --code (`codesets.codes_with_sets`). `project` is a path or an
    open Project."""
    from app.core.codesets import codes_with_sets

    if not sets:
        return codes
    if isinstance(project, str):
        with _open(project, read_only=True) as p, p.read() as s:
            return codes_with_sets(s, codes, sets)
    with project.read() as s:
        return codes_with_sets(s, codes, sets)
