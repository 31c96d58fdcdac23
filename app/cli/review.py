"""`sitat` commands for building a consensus: disagreements (each with a stable id), resolve
(settle one by its id) and consensus (copy every agreed segment, report what is undecided).
Thin over app/core/team/review and consensus; registered by app.cli.team."""

from __future__ import annotations

from app.cli.common import command, output, say
from app.cli.common import open_project as _open
from app.cli.common import split_list as _list
from app.i18n import _


def _span_text(spans) -> str:
    return ",".join(f"{a}-{b}" for a, b in spans) or "-"


def cmd_disagreements(a) -> int:
    from app.core.documents import document_text
    from app.core.team.review import find_disagreements, progress

    with _open(a.project, read_only=True) as p, p.read() as s:
        items = find_disagreements(s, _list(a.coders), [a.code] if a.code else None,
                                   _list(a.documents) or None)
        texts = {i: document_text(s, i) for i in {d.document_id for d in items}}
        rows = [{**d.as_json(), "text": texts[d.document_id][d.start:d.end]} for d in items]
    done, total = progress(items)

    def lines():
        for r in rows:
            where = f"{r['code']}\t" if not a.code else ""
            yield (f"{r['id']}\t{where}{r['document']}\t{r['start']}-{r['end']}\t{r['kind']}\t"
                   f"{r['decision'] or '-'}\t«{' '.join(r['text'].split())[:70]}»")

    output(a, rows, lines, note=_("{done} of {total} resolved").format(done=done, total=total))
    return 0


def cmd_resolve(a) -> int:
    from app.core.team.review import find_disagreement, parse_take, resolve

    with _open(a.project) as p, p.write() as s:
        d = find_disagreement(s, a.id, _list(a.coders) or None)
        decision, span = parse_take(d, a.take)
        resolve(s, d, decision, a.consensus, span)
        where = f"{d.code} · {d.document} {d.start}-{d.end}"
    say(_("Settled {id} ({where}): {consensus} takes {decision}.").format(
        id=d.id, where=where, consensus=a.consensus, decision=_taken(d, decision, span)))
    return 0


def _taken(d, decision: str, span) -> str:
    if decision == "edit":
        return _("the span {start}-{end}").format(start=span[0], end=span[1])
    if decision == "both":
        return _("every coder's segments")
    if decision == "neither":
        return _("no segment")
    name = d.coders["ab".index(decision)] if decision in ("a", "b") else d.taken
    return _("{coder}'s segments").format(coder=name)


def consensus_text(data: dict) -> list[str]:
    out = [_("{consensus} (consensus of {coders}): agreed segments copied: {copied}, already "
             "there: {present}; disagreements settled: {settled}, still undecided: "
             "{undecided}; valence conflicts: {conflicts}.").format(
        consensus=data["consensus"], coders=", ".join(data["coders"]), copied=data["copied"],
        present=data["already_present"], settled=data["settled"],
        undecided=len(data["undecided"]), conflicts=len(data["valence_conflicts"]))]
    if data["undecided"]:
        out.append(_("Still undecided (settle each with `sitat resolve PROJECT ID --take "
                     "...`):"))
        for u in data["undecided"]:
            spans = "  ".join(f"{c} {_span_text(sp)}" for c, sp in u["spans"].items())
            out.append(f"  {u['id']}\t{u['code']}\t{u['document']}\t{u['start']}-{u['end']}"
                       f"\t{spans}")
    if data["valence_conflicts"]:
        out.append(_("Valence differs (copied without a valence):"))
        for v in data["valence_conflicts"]:
            values = ", ".join(f"{c} {x or '·'}" for c, x in v["valences"].items())
            out.append(f"  {v['guid']}\t{v['code']}\t{v['document']}\t{v['start']}-{v['end']}"
                       f"\t{values}")
    return out


def cmd_consensus(a) -> int:
    from app.core.team.consensus import fill_consensus

    with _open(a.project) as p, p.write() as s:
        report = fill_consensus(s, _list(a.coders), a.code or None, a.document or None,
                                a.consensus)
        data = report.as_json()
    output(a, data, lambda: consensus_text(data))
    return 0


def add_review_commands(sub, project_arg, json_flag) -> None:
    """Register disagreements, resolve and consensus."""
    from app.core.team.review import DEFAULT_CONSENSUS

    p = command(sub, "disagreements", cmd_disagreements,
                _("where coders differ, each place with an id to settle it by"))
    project_arg(p)
    p.add_argument("--code", metavar="PATH", help=_("only this code (default: every code)"))
    p.add_argument("--coders", required=True, metavar="A,B[,C...]",
                   help=_("two or more coders"))
    p.add_argument("--documents", metavar="D1,D2,...", help=_("only these documents"))
    json_flag(p)

    p = command(sub, "resolve", cmd_resolve,
                _("settle one disagreement by its id: the consensus coder gets the segments "
                  "taken"))
    project_arg(p)
    p.add_argument("id", metavar="ID", help=_("the disagreement's id (see disagreements)"))
    p.add_argument("--take", required=True, metavar="a|b|CODER|both|neither|S-E",
                   help=_("coder A's or B's segments (or a named coder's), everyone's, none, "
                          "or an edited span START-END in characters"))
    p.add_argument("--consensus", default=DEFAULT_CONSENSUS, metavar="NAME",
                   help=_("the consensus coder (default {name})").format(
                       name=DEFAULT_CONSENSUS))
    p.add_argument("--coders", metavar="A,B[,C...]",
                   help=_("the coders the id was listed for (needed only in projects of "
                          "many coders)"))

    p = command(sub, "consensus", cmd_consensus,
                _("copy every segment the coders agree on to the consensus coder and report "
                  "what is still undecided"))
    project_arg(p)
    p.add_argument("--coders", required=True, metavar="A,B[,C...]",
                   help=_("two or more coders"))
    p.add_argument("--code", action="append", metavar="PATH",
                   help=_("only this code (repeatable; default: every code)"))
    p.add_argument("--document", action="append", metavar="D",
                   help=_("only this document (repeatable; default: all)"))
    p.add_argument("--consensus", default=DEFAULT_CONSENSUS, metavar="NAME",
                   help=_("the consensus coder (default {name})").format(
                       name=DEFAULT_CONSENSUS))
    json_flag(p)
