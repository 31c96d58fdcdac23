"""`sitat` commands for the codebook listing and codings: codes, code, uncode, codings.
Thin over app/core.codebook and app/core.coding."""

from __future__ import annotations

from app.cli.common import command, output, say
from app.cli.common import open_project as _open
from app.i18n import _, counts


def cmd_codes(a) -> int:
    from app.core.codebook import code_paths, ordered_codes
    from app.core.coding import coding_counts

    with _open(a.project, read_only=True) as p, p.read() as s:
        paths = code_paths(s)
        counts = coding_counts(s)
        rows = [{"path": paths[c.id], "guid": c.guid, "color": c.color,
                 "description": c.description, "codable": c.codable,
                 "codings": counts.get(c.id, 0)} for c in ordered_codes(s)]
    output(a, rows, (f"{r['path']}\t{r['color']}\t{r['codings']}" for r in rows))
    return 0


def cmd_code(a) -> int:
    from app.core.coding import code_text, parse_valence

    if a.file is not None:
        return _code_from(a)
    missing = [f"--{n}" for n in ("doc", "start", "end", "code", "coder")
               if getattr(a, n) is None]
    if missing:  # a usage error (exit 2), as argparse gives for a missing argument
        a.usage_error(_("Give {missing} (or --from FILE to code many at once).").format(
            missing=", ".join(missing)))
    with _open(a.project) as p, p.write() as s:
        coding = code_text(s, a.doc, a.code, a.coder, a.start, a.end, a.memo or "",
                           parse_valence(a.valence))
        guid = coding.guid
    output(a, {"guid": guid},
           _("Coded {start}-{end} in {doc}.").format(start=a.start, end=a.end, doc=a.doc))
    return 0


def _code_from(a) -> int:
    """`code --from FILE`: all rows or none; every bad row named on stderr."""
    from app.cli.common import emit_json
    from app.core.bulk_coding import BulkCodingError, bulk_code, read_rows

    given = [f"--{n}" for n in ("doc", "start", "end", "code", "coder", "memo", "valence")
             if getattr(a, n) is not None]
    if given:
        a.usage_error(_("--from takes every value from the file; leave out {flags}.")
                      .format(flags=", ".join(given)))
    rows = read_rows(a.file)
    try:
        with _open(a.project) as p, p.write() as s:
            report = bulk_code(s, rows)
    except BulkCodingError as exc:
        if a.json:
            emit_json({"added": 0, "bad_rows": [{"row": b.row, "reason": b.reason}
                                                for b in exc.bad]})
        else:
            for line in exc.lines():
                say(line, err=True)
        raise
    output(a, report.as_json(), [
        _("{codings} added from {name}; already there: {present}; repeating an earlier row "
          "(skipped): {repeated}.").format(
              codings=counts.codings(report.added), name=a.file,
              present=report.already_present, repeated=report.repeated),
        *([_("New coders: {names}.").format(names=", ".join(report.coders_created))]
          if report.coders_created else [])])
    return 0


def cmd_uncode(a) -> int:
    from app.core.coding import get_coding, remove_coding

    with _open(a.project) as p, p.write() as s:
        remove_coding(s, get_coding(s, a.coding))
    say(_("Coding removed."))
    return 0


def cmd_codings(a) -> int:
    from app.core.coding import VALENCE_TEXT, list_codings

    with _open(a.project, read_only=True) as p, p.read() as s:
        rows = list_codings(s, coders=a.coder, codes=a.code, documents=a.doc)

    def line(r) -> str:
        snippet = (r.text if len(r.text) <= 80 else r.text[:77] + "...").replace("\n", " ")
        return (f"{r.document}\t{r.start}-{r.end}\t{r.code}\t{r.coder}\t"
                f"{VALENCE_TEXT[r.valence]}\t«{snippet}»")

    output(a, [r.as_json() for r in rows], map(line, rows),
           note=counts.codings(len(rows)))
    return 0


def add_coding_commands(sub, project_arg, json_flag) -> None:
    """Register codes, code, uncode and codings."""
    p = command(sub, "codes", cmd_codes, _("list the codebook as paths"))
    project_arg(p)
    json_flag(p)

    p = command(sub, "code", cmd_code, _("apply a code to a range of a document, or many "
                                         "codings from a file (--from)"))
    project_arg(p)
    p.add_argument("--doc", help=_("document name"))
    p.add_argument("--start", type=int, help=_("first character (from 0)"))
    p.add_argument("--end", type=int, help=_("character after the last one"))
    p.add_argument("--code", metavar="PATH", help=_("code path, e.g. Parent/Child"))
    p.add_argument("--coder", help=_("coder name (created if new)"))
    p.add_argument("--memo", help=_("memo on the coding"))
    p.add_argument("--valence", choices=["+", "-"], help=_("+ positive or - critical"))
    p.add_argument("--from", dest="file", metavar="FILE.csv|FILE.json",
                   help=_("code every row of this file (columns document, code, coder, start, "
                          "end, memo, valence): all rows or none"))
    p.set_defaults(usage_error=p.error)
    json_flag(p)

    p = command(sub, "uncode", cmd_uncode, _("remove a coding (by its guid)"))
    project_arg(p)
    p.add_argument("coding", metavar="GUID", help=_("the coding's guid (see codings --json)"))

    p = command(sub, "codings", cmd_codings, _("list codings with their text"))
    project_arg(p)
    p.add_argument("--coder", action="append", help=_("only this coder (repeatable)"))
    p.add_argument("--code", action="append", metavar="PATH",
                   help=_("only this code and its children (repeatable)"))
    p.add_argument("--doc", action="append", help=_("only this document (repeatable)"))
    json_flag(p)
