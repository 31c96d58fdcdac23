"""`sitat` commands for team work: rounds, coder copies, merging and agreement (the codebook
family is app.cli.codebook). Thin over app/core; registered by app.cli.parser."""

from __future__ import annotations

from pathlib import Path

from app.cli.common import command, group, output, report_language, say
from app.cli.common import open_project as _open
from app.cli.common import split_list as _list
from app.cli.review import add_review_commands
from app.i18n import _, counts, using_language


# -- rounds ----------------------------------------------------------------------------------
class _TryOnly(Exception):
    """Raised to roll back a transaction that only checked what it would do."""


def cmd_round_new(a) -> int:
    from app.core.backup import remove_database
    from app.core.files.outputs import check_output_folder
    from app.core.team.rounds import create_round, round_copies

    folder = check_output_folder(a.copies, project=a.project) if a.copies else None
    args = (a.name, _list(a.documents), _list(a.coders), a.version, a.memo or "")
    copies: list[Path] = []
    with _open(a.project) as p:
        if folder is not None:
            # The round is tried (and rolled back) to learn its coders and check every copy's
            # file; the copies are written; only then is the round committed. A copy that
            # cannot be written leaves neither the round nor any copy behind.
            try:
                with p.write() as s:
                    info = create_round(s, *args)
                    _check_copies(info, folder, a.project)
                    raise _TryOnly
            except _TryOnly:
                pass
            copies = round_copies(p, info, folder)
        try:
            with p.write() as s:
                info = create_round(s, *args)
        except BaseException:
            for path in copies:
                remove_database(path)
            raise
    output(a, {**info.as_json(), "copies": [str(c) for c in copies]}, [
        _("Round {name}: {documents}, coders {coders}.").format(
            name=info.name, documents=counts.documents(len(info.documents)),
            coders=", ".join(info.coders)),
        *(_("  blind copy: {path}").format(path=c) for c in copies)])
    return 0


def _check_copies(info, folder: Path, project: str) -> None:
    from app.core.files.outputs import check_outputs
    from app.core.team.rounds import copy_paths
    from app.errors import InvalidInput

    paths = copy_paths(info, folder)
    check_outputs(paths, project=project, make_folders=True)
    for path in paths:
        if path.exists() or Path(f"{path}-wal").exists() or path.is_symlink():
            raise InvalidInput(_("{name} already exists; choose another folder for the "
                                 "copies.").format(name=str(path)))


def cmd_round_list(a) -> int:
    from app.core.team.rounds import rounds

    with _open(a.project, read_only=True) as p, p.read() as s:
        rows = [r.as_json() for r in rounds(s)]

    def state(r: dict) -> str:
        return _("closed {date}").format(date=r["closed_at"]) if r["closed_at"] else _("open")

    output(a, rows, (f"{r['name']}\t{r['codebook_version'] or '-'}\t{len(r['documents'])}\t"
                     f"{', '.join(r['coders'])}\t{state(r)}" for r in rows))
    return 0


def cmd_round_close(a) -> int:
    from app.core.team.round_records import close_round

    with _open(a.project) as p, p.write() as s:
        info = close_round(s, a.name, a.overlap)
    data = info.as_json()
    output(a, data, _("Round {name} closed {date} by {who}; its figures, codebook and coders "
                      "are kept as a record.").format(name=info.name, date=data["closed_at"],
                                                      who=info.closed_by or "-"))
    return 0


# -- copies, merge, agreement -------------------------------------------------------------------
def cmd_coder_copy(a) -> int:
    from app.core.files.outputs import check_outputs
    from app.core.team.copies import coder_copy

    check_outputs([a.out], project=a.project)
    with _open(a.project) as p:
        report = coder_copy(p, a.coder, Path(a.out), _list(a.documents) or None, a.blind)
    say(_("Copy for {coder} written to {path}: {documents}, {codings}.").format(
        coder=a.coder, path=a.out, documents=counts.documents(report.documents),
        codings=counts.codings(report.codings)))
    return 0


def cmd_merge(a) -> int:
    from app.core.team.merge import merge_projects

    with _open(a.target) as p:
        report = merge_projects(p, [Path(x) for x in a.sources], dry_run=a.dry_run)
    from app.core.team.summaries import merge_text

    data = report.as_json()
    output(a, data, lambda: merge_text(data))
    return 0


def cmd_agreement(a) -> int:
    from app.core.team import agreement_report
    from app.core.team.agreement import agreement
    from app.core.team.rounds import round_info
    from app.errors import InvalidInput

    from app.core.files.outputs import staged_outputs

    coders = _list(a.coders)
    with staged_outputs([a.csv, a.docx], project=a.project) as out:
        with _open(a.project, read_only=True) as p, p.read() as s:
            documents = _list(a.documents) or None
            if a.round:
                info = round_info(s, a.round)
                if documents:
                    raise InvalidInput(_("Give either --round or --documents, not both."))
                documents = list(info.documents)
                coders = coders or list(info.coders)
            report = agreement(s, coders, _list(a.codes) or None, documents, a.overlap,
                               round_name=a.round or None)
            language = report_language(a, s) if a.csv or a.docx else None
        with using_language(language):  # files in the project's language
            if a.csv:
                agreement_report.write_csv(report, out.path(a.csv))
            if a.docx:
                agreement_report.write_docx(report, out.path(a.docx),
                                            _("Inter-coder agreement"))
        written = out.commit()  # both files appear together, or neither
    from app.core.team.summaries import agreement_text

    data = report.as_json()
    if written:  # the files, not the table again (--json still prints the figures)
        if a.json:
            output(a, data)
        for path in written:
            say(_("Written: {path}").format(path=path), err=bool(a.json))
        return 0
    output(a, data, lambda: agreement_text(data))
    return 0


def cmd_round_report(a) -> int:
    from app.core.files.outputs import check_outputs
    from app.core.team.round_records import round_record
    from app.core.team.round_report import render_docx

    if a.docx:
        check_outputs([a.docx], project=a.project)
    with _open(a.project, read_only=True) as p, p.read() as s:
        record = round_record(s, a.name, a.overlap)
        language = report_language(a, s) if a.docx else None
    if a.docx:
        with using_language(language):  # the project's language, or --lang
            render_docx(record, Path(a.docx))
        say(_("Written: {path}").format(path=a.docx), err=bool(a.json))
    if a.json or not a.docx:
        output(a, record, lambda: _round_text(record))
    return 0


def _round_text(record: dict) -> str:
    from app.core.team.summaries import agreement_text

    head = _("Round {name}").format(name=record["name"])
    if record["status"] == "closed":
        head += " · " + _("closed {date} by {who}").format(date=record["closed_at"],
                                                           who=record["closed_by"] or "-")
    else:
        head += " " + _("(open)")
    book = record["codebook"]
    lines = [head, _("Codebook version: {name}").format(name=book["version"] or "-"),
             _("Documents: {names}").format(names=", ".join(record["documents"])),
             _("Coders: {names}").format(names=", ".join(record["coders"]))]
    if record.get("agreement"):
        lines += ["", agreement_text(record["agreement"])]
    return "\n".join(lines)


# -- registration ----------------------------------------------------------------------------
def add_team_commands(sub, project_arg, json_flag) -> None:
    """Register round (with its subcommands), coder-copy, merge, agreement,
    and (from app.cli.review) disagreements, resolve and consensus."""
    rd = group(sub, "round", _("coding rounds: document set, coders, codebook version"))
    p = command(rd, "new", cmd_round_new, _("create a round (and blind coder copies)"))
    project_arg(p)
    p.add_argument("name", help=_("round name"))
    p.add_argument("--documents", required=True, metavar="D1,D2,...", help=_("documents"))
    p.add_argument("--coders", required=True, metavar="A,B,...", help=_("coders"))
    p.add_argument("--version", help=_("codebook version in force"))
    p.add_argument("--memo", help=_("a note on the round"))
    p.add_argument("--copies", metavar="DIR",
                   help=_("write a blind coder copy for each coder into this folder"))
    json_flag(p)
    p = command(rd, "list", cmd_round_list, _("list rounds"))
    project_arg(p)
    json_flag(p)
    p = command(rd, "close", cmd_round_close,
                _("close a round: keep its agreement figures, codebook and coders as a record"))
    project_arg(p)
    p.add_argument("name", help=_("round name"))
    p.add_argument("--overlap", type=float, default=0.9,
                   help=_("segment overlap needed to match (default 0.9)"))
    json_flag(p)
    p = command(rd, "report", cmd_round_report,
                _("report of a round: codebook version, documents, coders, agreement (a closed "
                  "round's record as it was closed)"))
    project_arg(p)
    p.add_argument("name", help=_("round name"))
    p.add_argument("--docx", metavar="OUT.docx", help=_("write a Word file"))
    p.add_argument("--overlap", type=float, default=None,
                   help=_("segment overlap needed to match (default 0.9; a closed round keeps "
                          "the one it was closed with)"))
    json_flag(p)

    p = command(sub, "coder-copy", cmd_coder_copy, _("a copy of the project for one coder"))
    project_arg(p)
    p.add_argument("--coder", required=True, help=_("the coder who works in the copy"))
    p.add_argument("--out", required=True, metavar="COPY.sitat", help=_("the new file"))
    p.add_argument("--documents", metavar="D1,D2,...", help=_("only these documents"))
    p.add_argument("--blind", action="store_true",
                   help=_("leave out other coders' codings (independent coding)"))

    p = command(sub, "merge", cmd_merge, _("merge coder copies into a project"))
    p.add_argument("target", metavar="TARGET.sitat", help=_("the project that receives"))
    p.add_argument("sources", nargs="+", metavar="SOURCE.sitat", help=_("projects to merge in"))
    p.add_argument("--dry-run", action="store_true",
                   help=_("only report what would change; write nothing"))
    json_flag(p)

    p = command(sub, "agreement", cmd_agreement, _("inter-coder agreement per code"))
    project_arg(p)
    p.add_argument("--coders", metavar="A,B[,C...]", help=_("coders (kappa for the first two)"))
    p.add_argument("--codes", metavar="PATH,...", help=_("only these codes"))
    p.add_argument("--documents", metavar="D1,D2,...", help=_("only these documents"))
    p.add_argument("--round", help=_("the round's documents and coders"))
    p.add_argument("--overlap", type=float, default=0.9,
                   help=_("segment overlap needed to match (default 0.9)"))
    p.add_argument("--docx", metavar="OUT.docx", help=_("also write a Word table"))
    p.add_argument("--csv", metavar="OUT.csv", help=_("also write a CSV table"))
    json_flag(p)

    add_review_commands(sub, project_arg, json_flag)
