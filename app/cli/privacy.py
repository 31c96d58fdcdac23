"""`sitat pseudonyms PROJECT.sitat add|remove|list|suggest|apply|compact`: pseudonyms."""

from __future__ import annotations

from pathlib import Path

from app.cli.common import command, group, output, say
from app.cli.common import open_project as _open
from app.i18n import _, counts, n_


def cmd_add(a) -> int:
    from app.core.privacy.terms import add_term

    with _open(a.project) as p, p.write() as s:
        t = add_term(s, a.term, a.pseudonym, a.kind)
    say(_("{term} will be replaced by {pseudonym}.").format(term=t.term, pseudonym=t.pseudonym))
    return 0


def cmd_remove(a) -> int:
    from app.core.privacy.terms import remove_term

    with _open(a.project) as p, p.write() as s:
        t = remove_term(s, a.term)
    say(_("{term} is no longer in the list.").format(term=t.term))
    return 0


def cmd_list(a) -> int:
    from app.core.privacy.terms import terms

    with _open(a.project, read_only=True) as p, p.read() as s:
        items = terms(s)
    output(a, [t.as_json() for t in items],
           [f"{t.term}\t{t.pseudonym}\t{t.kind}"
            for t in sorted(items, key=lambda x: (x.kind, x.term))]
           or _("No sensitive terms are listed."))
    return 0


def cmd_suggest(a) -> int:
    from app.core.privacy.suggest import suggest

    with _open(a.project, read_only=True) as p, p.read() as s:
        items = suggest(s)
    output(a, [c.as_json() for c in items],
           [f"{c.term}\t{c.count}\t{len(c.documents)}\t{c.reason_text}" for c in items]
           or _("No suggestions."))
    return 0


def cmd_apply(a) -> int:
    from app.core.backup import backups_folder, list_backups
    from app.core.privacy.replace import apply_permanently, scrub_free_space
    from app.core.files.outputs import check_outputs
    from app.core.storage_errors import STORAGE_ERRORS

    check_outputs([a.key_out], project=a.project)
    with _open(a.project) as p:
        with p.write() as s:
            report = apply_permanently(s, Path(a.key_out))
        from app.core.search.index import drop_index

        drop_index(p)  # the cached search index still holds the old words
        try:
            scrub_free_space(p)
        except STORAGE_ERRORS as exc:
            say(_("Warning: the project file could not be compacted ({reason}), so the "
                    "original words may still be readable in its unused space. Close other "
                    "programs that use it and run: sitat pseudonyms {name} compact").format(
                        reason=exc, name=a.project), err=True)
        backups = list_backups(p.path)
    if backups:
        say(n_("Warning: {n} earlier backup in {folder} still contains the original words; "
               "delete it or keep it as safely as the key.",
               "Warning: {n} earlier backups in {folder} still contain the original words; "
               "delete them or keep them as safely as the key.", len(backups)).format(
                    n=len(backups), folder=str(backups_folder(p.path))), err=True)
    output(a, report.as_json(), lambda: _apply_text(report))
    return 0


def _apply_text(report) -> list[str]:
    lines = [_("{document}: {replacements}, {codings} moved.").format(
        document=d.document, replacements=counts.replacements(d.replacements),
        codings=counts.codings(d.codings_moved)) for d in report.documents]
    areas = {"document_name": _("document names"), "memo": _("memos"),
             "condensate": _("condensates"), "synthesis": _("syntheses"),
             "code": _("code names or definitions")}
    lines += [_("Warning: a sensitive term is still named in {area} ({n}); these were not "
                "changed.").format(n=n, area=areas.get(area, area))
              for area, n in report.left_elsewhere.items()]
    unreplaced = report.unreplaced_message()
    if unreplaced:
        lines.append(unreplaced)
    lines.append(_("{replacements} in {documents}; the key is in {path}. Keep it apart from "
                   "the project.").format(
                       replacements=counts.replacements(report.replacements),
                       documents=counts.documents(len(report.documents)),
                       path=report.key_file))
    return lines


def cmd_compact(a) -> int:
    from app.core.privacy.replace import scrub_free_space

    with _open(a.project) as p:
        scrub_free_space(p)
    say(_("The project file was compacted; removed text no longer lingers in it."))
    return 0


def add_privacy_commands(sub, project_arg, json_flag) -> None:
    """Register `sitat pseudonyms PROJECT.sitat ACTION ...` (the project before the action)."""
    inner = group(sub, "pseudonyms",
                  _("sensitive terms: list, suggest, and replace them by pseudonyms"),
                  before=project_arg, title=_("actions"), metavar=_("ACTION"))

    p = command(inner, "add", cmd_add, _("list a sensitive term (a name, place or institution)"))
    p.add_argument("term", metavar="TERM", help=_("the word or words to replace"))
    p.add_argument("--as", dest="pseudonym", metavar="PSEUDONYM",
                   help=_("what replaces it (default: [Navn 1], [Sted 1] ... by kind)"))
    p.add_argument("--kind", default="name", choices=["name", "place", "institution"],
                   help=_("what the term is (default: name)"))
    p = command(inner, "remove", cmd_remove, _("take a term off the list"))
    p.add_argument("term", metavar="TERM", help=_("the listed term"))
    p = command(inner, "list", cmd_list, _("list sensitive terms and their pseudonyms"))
    json_flag(p)
    p = command(inner, "suggest", cmd_suggest,
                _("suggest words that may identify someone (names, places)"))
    json_flag(p)
    p = command(inner, "apply", cmd_apply,
                _("replace the terms in every document for good; write the key to a separate "
                  "file"))
    p.add_argument("--key-out", required=True, metavar="KEY.csv",
                   help=_("new file for the key (term, pseudonym, kind); keep it apart"))
    json_flag(p)
    command(inner, "compact", cmd_compact,
            _("rewrite the project file so that replaced text does not linger in unused space"))
