"""`sitat` commands for reading and report writing: search, matrix displays, condensation (STC)
and exports to Word, CSV and XLSX. Thin over app/core; registered by app.cli.parser."""

from __future__ import annotations

from app.cli.common import command, key_values, output, report_language, say
from app.cli.common import open_project as _open
from app.cli.common import split_list as _list
from app.i18n import _, counts, n_, using_language
from app.i18n.numbers import number


# -- condensation ------------------------------------------------------------------------------
def cmd_condense(a) -> int:
    from app.core.displays import condensation as stc

    with _open(a.project) as p, p.write() as s:
        guid = stc.add_condensate(s, a.code, a.text, _list(a.codings))
    say(_("Condensate {guid} added.").format(guid=guid))
    return 0


def cmd_synthesis(a) -> int:
    from app.core.displays import condensation as stc

    with _open(a.project) as p, p.write() as s:
        stc.set_synthesis(s, a.code, a.text)
    say(_("Synthesis saved."))
    return 0


def cmd_illustrate(a) -> int:
    from app.core.displays import condensation as stc

    with _open(a.project) as p, p.write() as s:
        stc.set_illustrative(s, a.code, a.coding, on=not a.off)
    say((_("The coding {guid} is no longer an illustrative quote of {code}.") if a.off else
         _("The coding {guid} is now an illustrative quote of {code}.")).format(
             guid=a.coding, code=a.code))
    return 0


def cmd_condensation(a) -> int:
    from app.core.displays import condensation as stc

    from app.core.scope import AnalysisScope

    with _open(a.project, read_only=True) as p, p.read() as s:
        scope = AnalysisScope.of(a.scope, a.coder).resolve(s)
        c = stc.condensation(s, a.code, scope=scope)
    output(a, {**c.as_json(), "scope": scope.as_json()}, [
        c.code, counts.meaning_units(len(c.units)),
        *(f"  {u.document}\t{u.start}-{u.end}\t{u.coder}\t«{' '.join(u.text.split())}»"
          for u in c.units),
        *(f"  «{cond.text}» ({len(cond.units)})" for cond in c.condensates),
        *(["", *c.synthesis.split("\n")] if c.synthesis else [])],
        note=_("Scope: {description}").format(description=scope.describe()))
    return 0


# -- displays and exports ------------------------------------------------------------------------
def _matrix_spec(a):
    from app.core.displays.saved import DisplaySpec

    # Code sets stay names: read when the display is built, and saved as names, so a saved
    # display follows its sets as they are edited.
    spec = DisplaySpec(rows=a.rows, cols=a.cols, cell=a.cell, coders=tuple(a.coder or ()),
                       where=key_values(a.where), codes=tuple(a.code or ()), round=a.round,
                       level=a.level, scope=a.scope,
                       codesets=tuple(getattr(a, "codeset", None) or ()))
    if getattr(a, "load", None):
        from app.core.displays.saved import load_display

        with _open(a.project, read_only=True) as p, p.read() as s:
            spec = spec.merged(load_display(s, a.load))
    return spec


def cmd_matrix(a) -> int:
    from app.core.displays import tables
    from app.core.export.matrix_docx import write_matrix_docx
    from app.core.files.outputs import staged_outputs

    # Every output is checked before anything is read or saved; the display is saved only
    # once all outputs are written, and they appear together.
    with staged_outputs([a.csv, a.xlsx, a.docx], project=a.project) as out:
        spec = _matrix_spec(a)
        with _open(a.project, read_only=not a.save) as p:
            with p.read() as s:
                language = report_language(a, s) if a.csv or a.xlsx or a.docx else None
                with using_language(language):  # its scope said in the files' language
                    m = spec.build(s)
                if a.pseudonymise:
                    from app.core.privacy.replace import pseudonymise_matrix

                    pseudonymise_matrix(s, m)
            with using_language(language):  # files in the project's language
                title = a.title or _("{rows} by {cols}").format(
                    rows=tables.axis_title(spec.rows),
                    cols=tables.axis_title(spec.cols).lower())
                if a.csv:
                    tables.write_matrix_csv(m, out.path(a.csv))
                if a.xlsx:
                    tables.write_matrix_xlsx(m, out.path(a.xlsx), title)
                if a.docx:
                    write_matrix_docx(m.as_json(), out.path(a.docx), title,
                                      spec.filters_text())
            written = []
            if a.save:
                from app.core.displays.saved import save_display

                with p.write() as s:
                    save_display(s, a.save, spec, replace=True)  # flushed: errors come here
                    written = out.commit()  # inside the transaction: a failed move saves nothing
            written += out.commit()
    if a.save and not a.json:
        say(_("Display {name} saved in the project.").format(name=a.save))
    if written:  # the table itself is not printed, only what was written
        if a.json:
            output(a, m.as_json())
        for path in written:
            say(_("Written: {path}").format(path=path), err=bool(a.json))
        return 0
    output(a, m.as_json(), ("\t".join(str(v) for v in row) for row in tables.table_rows(m)),
           note=tables.scope_note(m.scope, m.per_coder))
    return 0


def cmd_export(a) -> int:
    from app.core.export import quotes as q
    from app.core.files.outputs import staged_outputs
    from app.errors import InvalidInput

    what = a.what
    if what == "quotes" and not (a.docx or a.csv or a.xlsx):
        raise InvalidInput(_("Give --docx, --csv or --xlsx (or several)."))
    if what != "quotes" and (a.csv or a.xlsx):
        raise InvalidInput(_("--csv and --xlsx are for quotes only; give --docx OUT.docx."))
    if what != "quotes":
        _need_docx(a)
    # All outputs are checked first and moved into place together once all are written.
    with staged_outputs([a.docx, a.csv, a.xlsx], project=a.project) as out:
        with _open(a.project, read_only=True) as p, p.read() as s, \
                using_language(report_language(a, s)):  # the project's language
            if what == "quotes":
                from app.cli.codesets import with_code_sets

                codes = with_code_sets(p, a.code, a.codeset)
                args = dict(codes=codes or None, group_by=a.group_by, coders=a.coder or None,
                            anonymise=a.anonymise, scope=a.scope)
                if a.docx:
                    q.write_quotes_docx(s, out.path(a.docx), title=a.title, **args)
                if a.csv:
                    q.write_quotes_csv(s, out.path(a.csv), **args)
                if a.xlsx:
                    q.write_quotes_xlsx(s, out.path(a.xlsx), **args)
            elif what == "codebook":
                from app.core.export.codebook_docx import write_codebook_docx

                write_codebook_docx(s, out.path(a.docx), a.title)
            elif what == "report":
                from app.core.export.report_docx import write_report_docx

                write_report_docx(s, out.path(a.docx), a.code or None, a.title,
                                  scope=a.scope, coders=a.coder or None)
        written = out.commit()
    for path in written:
        say(_("Written: {path}").format(path=path))
    return 0


def _need_docx(a) -> str:
    from app.errors import InvalidInput

    if not a.docx:
        raise InvalidInput(_("Give --docx OUT.docx."))
    return a.docx


# -- search ------------------------------------------------------------------------------------
def cmd_search(a) -> int:
    """Hits a page at a time (search/stream.py): listed as they come, `--json` as an array
    written as it goes, `--count` only the totals, `--limit` the first hits."""
    from itertools import islice

    from app.core.search.service import code_hits
    from app.core.search.stream import open_search
    from app.errors import InvalidInput

    if a.code_as and not a.coder:
        raise InvalidInput(_("Give --coder NAME with --code-as."))
    if a.limit is not None and a.limit < 1:
        raise InvalidInput(_("--limit takes a number of hits, 1 or more."))
    from app.cli.codesets import with_code_sets

    with _open(a.project, read_only=not a.code_as) as p:
        codes = with_code_sets(p, a.in_code, a.in_codeset)
        with open_search(p, a.query, where=key_values(a.where) or None, speaker=a.speaker,
                         coders=a.in_coder or None, codes=codes or None, uncoded=a.uncoded,
                         exact=a.exact, scope=a.scope, compounds=a.compounds) as stream:
            if stream.warning:
                say(f"warning: {stream.warning}", err=True)
            per_doc = stream.per_document()
            note = _("{hits} in {documents}").format(hits=counts.hits(stream.total),
                                                     documents=counts.documents(len(per_doc)))
            if a.code_as:
                with p.write() as s:
                    hits = stream.iter_hits(s)
                    made = code_hits(s, islice(hits, a.limit) if a.limit else hits, a.code_as,
                                     a.coder, a.spread)
                output(a, {"hits": min(stream.total, a.limit or stream.total),
                           "codings_made": made}, (), note=note)
                if not a.json:
                    say(n_("{n} coding made.", "{n} codings made.", made).format(n=made))
            elif a.count:
                output(a, {"hits": stream.total, "documents": per_doc},
                           [f"{name}\t{n}" for name, n in per_doc.items()], note=note)
            else:
                shown = _stream_hits(a, stream)
                if not a.json:
                    if shown < stream.total:
                        note += " " + _("(the first {n} shown)").format(n=number(shown))
                    say(note, err=True)
            suggestions = stream.suggestions
    for word, near in suggestions.items():  # on stderr: --json stays a list of hits
        say(_("Not found: {word}. Did you mean: {words}?").format(
            word=word, words=", ".join(near)), err=True)
    return 0


def _stream_hits(a, stream) -> int:
    """Write the hits a page at a time (a JSON array with --json, valid once it ends), flushed
    after each page; at most `a.limit`. Returns how many were written."""
    import json
    import sys

    from app.cli.common import _SURROGATE, printable

    out, left, n = sys.stdout, a.limit or stream.total, 0
    if a.json:
        out.write("[")
    for page in stream.pages():
        for h in page[:left - n]:
            if a.json:
                item = json.dumps(h.as_json(), ensure_ascii=False)
                out.write(",\n  " if n else "\n  ")
                out.write(_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", item))
            else:
                out.write(printable(f"{h.document}\t{h.start}-{h.end}\t{h.speaker}\t"
                                    f"{' '.join(h.context.split())}", keep="\t") + "\n")
            n += 1
        out.flush()
        if n >= left:
            break
    if a.json:
        out.write("\n]\n" if n else "]\n")
        out.flush()
    return n


def cmd_reindex(a) -> int:
    import time

    from app.core.search.index import ProjectIndex

    if a.export_dir or a.import_dir:
        return _transfer_index(a)
    with _open(a.project, read_only=True) as p:
        index = ProjectIndex(p)
        t0 = time.perf_counter()
        n = index.rebuild()
        index.close()
    say(_("Search index rebuilt: {passages} in {seconds} s ({folder}).").format(
        passages=counts.passages(n), seconds=number(time.perf_counter() - t0, 1),
        folder=index.folder))
    return 0


def _transfer_index(a) -> int:
    """`reindex --export DIR` / `--import DIR` (app/core/search/transfer.py)."""
    from pathlib import Path

    from app.core.search import transfer

    with _open(a.project, read_only=True) as p:
        if a.export_dir:
            done = transfer.export_index(p, Path(a.export_dir))
            say(_("Search index exported: {documents}, {files} files in {folder}.").format(
                documents=counts.documents(done.documents), files=number(done.files),
                folder=done.folder))
        else:
            done = transfer.import_index(p, Path(a.import_dir))
            say(_("Search index imported and checked: {documents} ({folder}).").format(
                documents=counts.documents(done.documents), folder=done.folder))
    return 0


def scope_arg(p) -> None:
    """`--scope segments|consensus|codings`, beside `--coder`."""
    p.add_argument("--scope", choices=["segments", "consensus", "codings"],
                   help=_("what is counted and listed: passages united across coders "
                          "(segments, the default), the consensus coder's codings, or every "
                          "coding"))


def add_report_commands(sub, project_arg, json_flag) -> None:
    """Register condense, synthesis, illustrate, matrix, export, search, reindex and
    condensation."""
    p = command(sub, "condense", cmd_condense,
                _("write a condensate (artificial quote) resting on some codings of a code"))
    project_arg(p)
    p.add_argument("--code", required=True, metavar="PATH", help=_("the code"))
    p.add_argument("--text", required=True, help=_("the condensate, in the first person"))
    p.add_argument("--codings", required=True, metavar="GUID,...",
                   help=_("the meaning units it rests on (coding guids)"))
    p = command(sub, "synthesis", cmd_synthesis, _("write the synthesis text of a code"))
    project_arg(p)
    p.add_argument("--code", required=True, metavar="PATH", help=_("the code"))
    p.add_argument("--text", required=True, help=_("the synthesis"))
    p = command(sub, "illustrate", cmd_illustrate, _("mark a coding as an illustrative quote"))
    project_arg(p)
    p.add_argument("--code", required=True, metavar="PATH", help=_("the code"))
    p.add_argument("--coding", required=True, metavar="GUID", help=_("the coding"))
    p.add_argument("--off", action="store_true", help=_("unmark it instead"))
    p = command(sub, "matrix", cmd_matrix, _("a matrix display: rows by columns, with counts or "
                                          "quotes in the cells"))
    project_arg(p)
    p.add_argument("--rows", default="codes", help=_("codes, documents or an attribute"))
    p.add_argument("--cols", default="bydel",
                   help=_("an attribute, documents, coders or codes (co-occurrence)"))
    p.add_argument("--cell", default="count",
                   choices=["count", "documents", "share", "quotes", "valence"],
                   help=_("what the cells show (default: count)"))
    p.add_argument("--coder", action="append", help=_("only this coder (repeatable)"))
    scope_arg(p)
    p.add_argument("--where", action="append", metavar="KEY=VALUE",
                   help=_("only documents with this attribute value (repeatable)"))
    p.add_argument("--code", action="append", metavar="PATH",
                   help=_("only this code and its children (repeatable)"))
    p.add_argument("--codeset", action="append", metavar="NAME",
                   help=_("only the codes of this code set, as if each were given with --code "
                          "(repeatable)"))
    p.add_argument("--round", help=_("only the round's documents and coders, and the codings "
                                     "made in it"))
    p.add_argument("--level", type=int, help=_("roll codes up to this level (1 = top)"))
    p.add_argument("--title", help=_("title of the exported table"))
    p.add_argument("--pseudonymise", action="store_true",
                   help=_("replace sensitive terms by their pseudonyms in quote cells"))
    p.add_argument("--save", metavar="NAME", help=_("save the display in the project"))
    p.add_argument("--load", metavar="NAME", help=_("show a saved display"))
    p.add_argument("--csv", metavar="OUT.csv")
    p.add_argument("--xlsx", metavar="OUT.xlsx")
    p.add_argument("--docx", metavar="OUT.docx")
    json_flag(p)

    p = command(sub, "export", cmd_export, _("export quotes, the codebook or the STC report"))
    p.add_argument("what", choices=["quotes", "codebook", "report"], help=_("what to export"))
    project_arg(p)
    p.add_argument("--docx", metavar="OUT.docx")
    p.add_argument("--csv", metavar="OUT.csv", help=_("quotes only"))
    p.add_argument("--xlsx", metavar="OUT.xlsx", help=_("quotes only"))
    p.add_argument("--code", action="append", metavar="PATH",
                   help=_("only this code and its children (repeatable)"))
    p.add_argument("--codeset", action="append", metavar="NAME",
                   help=_("only the codes of this code set, as if each were given with --code "
                          "(repeatable)"))
    p.add_argument("--group-by", metavar="ATTR", help=_("group quotes by an attribute"))
    p.add_argument("--coder", action="append", help=_("only this coder (repeatable)"))
    scope_arg(p)
    p.add_argument("--anonymise", action="store_true",
                   help=_("number documents, letter coders, replace named speakers"))
    p.add_argument("--title", help=_("the document's title"))

    p = command(sub, "search", cmd_search,
                _("search the transcripts (Norwegian word forms found together)"))
    project_arg(p)
    p.add_argument("query", help=_('words, "phrases", AND/OR/NOT (OG/ELLER/IKKE), prefix*, '
                                   'fuzzy~'))
    p.add_argument("--where", action="append", metavar="KEY=VALUE",
                   help=_("only documents with this attribute value (repeatable)"))
    p.add_argument("--speaker", help=_("only what this speaker says"))
    p.add_argument("--in-code", action="append", metavar="PATH",
                   help=_("only inside text coded with this code (repeatable)"))
    p.add_argument("--in-codeset", action="append", metavar="NAME",
                   help=_("only inside text coded with a code of this code set (repeatable)"))
    p.add_argument("--in-coder", action="append", metavar="NAME",
                   help=_("only inside text coded by this coder (repeatable)"))
    scope_arg(p)
    p.add_argument("--uncoded", action="store_true",
                   help=_("only in text nobody has coded (or not with --in-code)"))
    p.add_argument("--exact", action="store_true", help=_("exact word forms, no inflections"))
    p.add_argument("--compounds", action="store_true",
                   help=_("also inside compounds: tjeneste finds hjemmetjenesten (the hit is "
                          "the whole word)"))
    p.add_argument("--code-as", metavar="PATH", help=_("code every hit with this code"))
    p.add_argument("--coder", help=_("the coder of those codings"))
    p.add_argument("--spread", default="hit", choices=["hit", "sentence", "paragraph", "turn"],
                   help=_("what to code around each hit (default: the hit)"))
    p.add_argument("--limit", type=int, metavar="N",
                   help=_("only the first N hits (in document and text order); the count is "
                          "still of every hit"))
    p.add_argument("--count", action="store_true",
                   help=_("only the number of hits, in all and per document"))
    json_flag(p)
    p = command(sub, "reindex", cmd_reindex, _("rebuild the search index"))
    project_arg(p)
    way = p.add_mutually_exclusive_group()
    way.add_argument("--export", dest="export_dir", metavar="DIR",
                     help=_("write the project's search index (built first if needed) and a "
                            "manifest to DIR, for another machine"))
    way.add_argument("--import", dest="import_dir", metavar="DIR",
                     help=_("install a search index exported with --export, after checking "
                            "that it matches the project and reading it safely"))

    p = command(sub, "condensation", cmd_condensation,
                _("show a code's meaning units, condensates and synthesis"))
    project_arg(p)
    p.add_argument("--code", required=True, metavar="PATH", help=_("the code"))
    p.add_argument("--coder", action="append", help=_("only this coder (repeatable)"))
    scope_arg(p)
    json_flag(p)
