"""The STC synthesis as Word: per code, the synthesis text, the condensates (artificial quotes)
and the illustrative quotes, each with a source line - ready to paste into a final report -
and an appendix of the coding rounds with their codebook versions, coders and agreement.

The report names its analysis scope under the title. An illustrative quote's source line
names the document, speaker, the coders of its passage in the scope, round, codebook version,
paragraph and offsets; a condensate's names the meaning units (passages) it rests on. A
closed round's figures in the appendix are its stored record; an open round's are computed
now and marked as open."""

from __future__ import annotations

import os

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.codebook import code_paths, ordered_codes, resolve_code, subtree_ids
from app.core.displays import condensation as stc
from app.core.export.docx_base import (
    add_fitted_table,
    add_heading,
    add_note,
    add_scope,
    long_date,
    new_document,
    normalise_space,
    quoted,
    save_docx,
)
from app.core.export.layout import keep_with_next
from app.core.export.quotes import display_path, make_scope
from app.core.export.sources import Source, Sources
from app.core.scope import AnalysisScope, passages
from app.errors import InvalidInput, SitatError
from app.i18n import _, counts
from app.models import Coding, Condensate, Document, IllustrativeQuote, Synthesis


class NothingToReport(InvalidInput):
    """No code (of those asked for) has a synthesis, condensate or illustrative quote."""


def _codes_with_content(s: Session, codes: list[str] | None) -> list:
    wanted = None
    if codes:
        wanted = set()
        for path in codes:
            wanted |= subtree_ids(s, resolve_code(s, path).id)
    has = set(s.scalars(select(Condensate.code_id))) | set(
        s.scalars(select(IllustrativeQuote.code_id))) | {
        cid for cid, text in s.execute(select(Synthesis.code_id, Synthesis.text)) if text}
    return [c for c in ordered_codes(s) if c.id in has and (wanted is None or c.id in wanted)]


def write_report_docx(s: Session, out: str | os.PathLike, codes: list[str] | None = None,
                      title: str | None = None, *, scope=None,
                      coders: list[str] | None = None):
    """Per code with any synthesis, condensate or illustrative quote: Heading 1 (the code),
    its synthesis, the condensates as «...» and the illustrative quotes, each with its source
    line; then the rounds appendix. Codes without any of these are left out (no empty
    headings). `scope` and `coders` choose the passages the sources name (default: passages
    united across every coder)."""
    resolved = make_scope(scope, coders).resolve(s)
    chosen = _codes_with_content(s, codes)
    if not chosen:
        raise NothingToReport(
            _("There is nothing to report yet: no code has a synthesis, condensates or "
              "illustrative quotes. Write them first (sitat condense, sitat illustrate, sitat "
              "synthesis, or the Displays window); no file was written.") if not codes else
            _("There is nothing to report for the chosen codes: none of them has a "
              "synthesis, condensates or illustrative quotes; no file was written."))
    d = new_document()
    add_heading(d, title or _("Synthesis"), 0)
    add_scope(d, resolved.describe())
    d.add_paragraph(_("{codes}. Exported {date}.").format(
        codes=counts.codes(len(chosen)), date=long_date()))
    paths = code_paths(s)
    names = dict(s.execute(select(Document.id, Document.name)).all())
    for code in chosen:
        c = stc.condensation(s, code, scope=resolved)
        finder = _Finder(s, subtree_ids(s, code.id), resolved, names)
        add_heading(d, display_path(paths[code.id]), 1)
        if c.synthesis:
            for para in c.synthesis.split("\n\n"):
                d.add_paragraph(para.strip())
        if c.condensates:
            add_heading(d, _("Condensates"), 2)
            for cond in c.condensates:
                p = d.add_paragraph(style="Quote")
                p.add_run(quoted(normalise_space(cond.text)))
                keep_with_next(p)  # a condensate and its source line stay together
                add_note(d, finder.units_line(cond.units))
        if c.illustrative:
            add_heading(d, _("Illustrative quotes"), 2)
            shown: set = set()
            for guid in c.illustrative:
                found = finder.quote(guid)
                if found is None or found[1] in shown:
                    continue  # gone, or its passage is already quoted
                text, key, source = found
                shown.add(key)
                p = d.add_paragraph(style="Quote")
                p.add_run(quoted(normalise_space(text)))
                keep_with_next(p)
                add_note(d, source.line())
    _appendix(s, d)
    return save_docx(d, out)


class _Finder:
    """The passages of one code (and its children) in the scope, found by coding guid; a
    coding outside the scope stands as its own passage."""

    def __init__(self, s: Session, code_ids: set[int], scope, names: dict[int, str]):
        self.s, self.names = s, names
        self.by_guid = {}
        for p in passages(s, scope, code_ids=code_ids, details=True):
            for guid in p.guids:
                self.by_guid[guid] = p
        self.code_ids = code_ids
        self.src = Sources(s, {p.document_id for p in self.by_guid.values()})

    def passage(self, guid: str):
        p = self.by_guid.get(guid)
        if p is None:  # a coding the scope leaves out (another coder's): as itself
            row = self.s.execute(select(Coding.id, Coding.document_id).where(
                Coding.guid == guid)).first()
            if row is None:
                return None
            for q in passages(self.s, AnalysisScope("codings"), code_ids=self.code_ids,
                              doc_ids={row[1]}, details=True):
                self.by_guid.setdefault(q.guids[0], q)
            p = self.by_guid.get(guid)
        return p

    def source(self, p, start: int, end: int) -> Source:
        return Source(self.names.get(p.document_id, ""),
                      self.src.speaker(p.document_id, start, end), p.coders, p.rounds,
                      p.versions, self.src.paragraph(p.document_id, start), start, end)

    def quote(self, guid: str):
        """(text, passage key, source) of an illustrative coding: its own text and span,
        with its passage's coders, rounds and versions."""
        p = self.passage(guid)
        if p is None:
            return None
        row = self.s.execute(select(Coding.start, Coding.end).where(Coding.guid == guid)).first()
        start, end = row
        key = (p.document_id, p.code_id, p.start)
        return self.src.quote(p.document_id, start, end), key, self.source(p, start, end)

    def units_line(self, guids: list[str]) -> str:
        """'Meaning units (2): doc ¶ 3 (Hanne, Tor); ... · round ... · codebook ...'."""
        units, seen = [], set()
        for guid in guids:
            p = self.passage(guid)
            if p is None or id(p) in seen:
                continue
            seen.add(id(p))
            units.append(p)
        if not units:
            return _("Meaning units: none.")
        places = "; ".join(
            f"{self.names.get(p.document_id, '')} ¶ {self.src.paragraph(p.document_id, p.start)}"
            f" ({', '.join(p.coders)})" for p in units)
        rounds = sorted({r for p in units for r in p.rounds})
        versions = sorted({v for p in units for v in p.versions})
        return " · ".join([
            _("Meaning units ({n}): {places}").format(n=len(units), places=places),
            _("round {names}").format(names=", ".join(rounds)) if rounds else _("no round"),
            (_("codebook {names}").format(names=", ".join(versions)) if versions
             else _("no codebook version"))])


def _appendix(s: Session, d) -> None:
    """The rounds: codebook version, coders and agreement (closed: as recorded)."""
    from app.core.team.round_records import round_record
    from app.core.team.rounds import rounds

    found = rounds(s)
    add_heading(d, _("Appendix: coding rounds"), 1)
    if not found:
        d.add_paragraph(_("No coding rounds were recorded in this project."))
        return
    d.add_paragraph(_("Agreement as recorded when each round was closed (κ Cohen's kappa for "
                      "the first two coders, α Krippendorff's alpha for all, per cent agreement "
                      "on characters); the figures of an open round are computed now and may "
                      "still change."))
    headers = [_("Round"), _("Codebook version"), _("Coders"), _("Agreement"), _("Status")]
    add_fitted_table(d, headers, [_round_row(s, info, round_record) for info in found],
                     flex=[3])


def _round_row(s: Session, info, round_record) -> list[str]:
    from app.core.team.summaries import number

    try:
        record = round_record(s, info.name)
    except SitatError as exc:
        return [info.name, info.version or "–", ", ".join(info.coders), str(exc), ""]
    figures = (record.get("agreement") or {}).get("overall") or {}
    version = (record.get("codebook") or {}).get("version") or info.version
    if record.get("agreement"):
        agreement = "κ {k} · α {a} · {p}".format(
            k=number(figures.get("kappa")), a=number(figures.get("alpha")),
            p=number(figures.get("percent_agreement"), percent=True))
    else:
        agreement = _("one coder: no agreement")
    if record.get("status") == "closed":
        status = _("closed {date}").format(date=(record.get("closed_at") or "")[:10])
    else:
        status = _("open (figures computed now)")
    return [info.name, version or _("none"), ", ".join(record.get("coders") or info.coders),
            agreement, status]
