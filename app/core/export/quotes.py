"""Quote tables of coded segments as rows, Word (grouped by code and attribute), CSV and XLSX.

Rows carry document, speaker, attributes and coder; codes include their child codes; the
exports can be anonymised (documents numbered, coders lettered, named speakers replaced).
In spreadsheets a text cell a program could run as a formula is neutralised (see
`app.core.files.spreadsheet_safe`): an apostrophe first in CSV, Excel's quote prefix in XLSX.
"""

from __future__ import annotations

import csv
import os
import re
import string
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import attributes as attrs
from app.core.codebook import code_paths, resolve_code, split_path, subtree_ids
from app.core.export import docx_base as base
from app.core.files import formula_like, spreadsheet_safe
from app.core.importing.speakers import ROLES
from app.core.lookup import get_coder, get_document
from app.i18n import _
from app.models import Code, Coder, Coding, Document, ProjectInfo, SpeakerTurn

SERVICE_ATTRIBUTE = "tjeneste"
_GENERIC_SPEAKER = re.compile(
    rf"(?:{'|'.join(ROLES)}|interviewer|participant)(?:[ \t]?\d{{1,3}})?"
    r"|[^\W\d_]{1,3}[ \t]?\d{1,3}", re.IGNORECASE)


@dataclass(frozen=True)
class QuoteRow:
    code: str  # the code's path (escaped, as the CLI writes it)
    definition: str
    document: str
    speaker: str  # label of the speaker turn the coding starts in, or ""
    attributes: dict[str, str] = field(default_factory=dict)
    coder: str = ""
    text: str = ""  # exactly the document's text[start:end]
    start: int = 0
    end: int = 0
    valence: int | None = None
    memo: str = ""
    guid: str = ""


def display_path(path: str) -> str:
    """`Parent/Child` as a reader sees it: names joined by ' / ', escapes undone."""
    return " / ".join(split_path(path))


def quote_rows(s: Session, codes: list[str] | None = None, coders: list[str] | None = None,
               documents: list[str] | None = None) -> list[QuoteRow]:
    """Coded segments of `codes` (paths or names, child codes included; all codes if none),
    by `coders` in `documents`, in codebook order, then document name and text order."""
    paths = code_paths(s)
    order = {code_id: i for i, code_id in enumerate(paths)}
    q = (select(Coding.guid, Coding.code_id, Document.id, Document.name, Coding.start,
                Coding.end, Coder.name, Coding.memo, Coding.valence)
         .join(Document, Document.id == Coding.document_id)
         .join(Coder, Coder.id == Coding.coder_id))
    if codes:
        ids: set[int] = set()
        for ref in codes:
            ids |= subtree_ids(s, resolve_code(s, ref).id)
        q = q.where(Coding.code_id.in_(ids))
    if coders:
        q = q.where(Coding.coder_id.in_({get_coder(s, name).id for name in coders}))
    if documents:
        q = q.where(Coding.document_id.in_({get_document(s, name).id for name in documents}))
    found = list(s.execute(q))
    if not found:
        return []
    found.sort(key=lambda r: (order.get(r[1], len(order)), r[3], r[4], r[5], r[6]))
    definitions = dict(s.execute(select(Code.id, Code.description)).all())
    values = attrs.values_by_document(s)
    turns = _turns(s, {r[2] for r in found})
    texts = _quotes(s, found)
    return [
        QuoteRow(paths[code_id], definitions.get(code_id) or "", doc, _speaker_at(
            turns.get(doc_id), a, b), values.get(doc_id, {}), coder, text, a, b, valence,
                 memo or "", guid)
        for (guid, code_id, doc_id, doc, a, b, coder, memo, valence), text in zip(found, texts)
    ]


def _quotes(s: Session, found: list) -> list[str]:
    """The coded text of each row, cutting from one document's text at a time (for thousands
    of quotes this is much faster than SQL substr per row, and holds one transcript only)."""
    by_doc: dict[int, list[int]] = {}
    for i, row in enumerate(found):
        by_doc.setdefault(row[2], []).append(i)
    out = [""] * len(found)
    for doc_id, indexes in by_doc.items():
        text = s.scalar(select(Document.text).where(Document.id == doc_id)) or ""
        for i in indexes:
            out[i] = text[found[i][4]:found[i][5]]
    return out


def _turns(s: Session, doc_ids: set[int]) -> dict[int, tuple[list[int], list[int], list[str]]]:
    out: dict[int, tuple[list[int], list[int], list[str]]] = {}
    rows = s.execute(select(SpeakerTurn.document_id, SpeakerTurn.start, SpeakerTurn.end,
                            SpeakerTurn.speaker)
                     .where(SpeakerTurn.document_id.in_(doc_ids))
                     .order_by(SpeakerTurn.document_id, SpeakerTurn.start))
    for doc_id, a, b, speaker in rows:
        starts, ends, labels = out.setdefault(doc_id, ([], [], []))
        starts.append(a)
        ends.append(b)
        labels.append(speaker)
    return out


def _speaker_at(turns, start: int, end: int) -> str:
    """The speaker of the turn `start` falls in; a coding that starts on a label (between
    turns) and runs into the next turn gets that turn's speaker."""
    if not turns:
        return ""
    starts, ends, labels = turns
    i = bisect_right(starts, start) - 1
    if i >= 0 and start < ends[i]:
        return labels[i]
    if i + 1 < len(starts) and starts[i + 1] < end:
        return labels[i + 1]
    return ""


# -- anonymisation ---------------------------------------------------------------------------
def is_generic_speaker(label: str) -> bool:
    """Role labels (Moderator, Intervjuer, Informant, Deltaker 3, I, D1 ...) name nobody."""
    return bool(_GENERIC_SPEAKER.fullmatch(label.strip()))


def _letters(i: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA ..."""
    out = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        out = string.ascii_uppercase[rem] + out
    return out


class Anonymiser:
    """Stable replacements for one project: documents numbered by name ("Interview 3"),
    coders lettered by name ("Coder B"), named speakers as "Participant"; off, it changes
    nothing."""

    def __init__(self, s: Session, enabled: bool):
        self.enabled = enabled
        self.documents: dict[str, str] = {}
        self.coders: dict[str, str] = {}
        if enabled:
            def key(n: str):
                return n.casefold(), n

            names = sorted(s.scalars(select(Document.name)), key=key)
            self.documents = {n: _("Interview {n}").format(n=i) for i, n in
                              enumerate(names, start=1)}
            coders = sorted(s.scalars(select(Coder.name)), key=key)
            self.coders = {n: _("Coder {letter}").format(letter=_letters(i)) for i, n in
                           enumerate(coders)}
        self.participant = _("Participant")
        self.terms = []
        if enabled:  # the project's sensitive terms become their pseudonyms in the quotes
            from app.core.privacy.terms import terms

            self.terms = terms(s)

    def text(self, quote: str) -> str:
        if not self.terms:
            return quote
        from app.core.privacy.replace import pseudonymise_text

        return pseudonymise_text(quote, self.terms)[0]

    def document(self, name: str) -> str:
        return self.documents.get(name, name)

    def coder(self, name: str) -> str:
        return self.coders.get(name, name)

    def speaker(self, label: str) -> str:
        if not self.enabled or not label or is_generic_speaker(label):
            return label
        return self.participant


# -- grouping --------------------------------------------------------------------------------
def group_order(s: Session, attribute: str, rows: list[QuoteRow]) -> list[str]:
    """Values of `attribute` among `rows` in the attribute's order (choices as defined,
    numbers by size, else alphabetical); "" (no value) last."""
    d = attrs.get_definition(s, attribute)
    return attrs.value_order(d, (r.attributes.get(attribute, "") for r in rows))


def service_column(s: Session, group_by: str | None) -> bool:
    """Whether quote tables get a service column: the project has a 'tjeneste' attribute and
    the quotes are not already grouped by it."""
    if group_by == SERVICE_ATTRIBUTE:
        return False
    return any(d.name == SERVICE_ATTRIBUTE for d in attrs.definitions(s))


def _limit(rows: list[QuoteRow], limit: int | None) -> list[QuoteRow]:
    return rows if limit is None else rows[:max(0, limit)]


# -- Word ----------------------------------------------------------------------------------
def write_quotes_docx(s: Session, out: str | os.PathLike, codes: list[str] | None = None,
                      group_by: str | None = None, coders: list[str] | None = None,
                      anonymise: bool = False, title: str | None = None, *,
                      documents: list[str] | None = None, limit: int | None = None) -> Path:
    """A Word file of quote tables: per code a Heading 1 (its path) and definition, per value
    of `group_by` a Heading 2, and a table of quote, document, speaker, service and coder.
    `limit` keeps only the first quotes (in the same order)."""
    from docx.shared import Cm

    if group_by:
        attrs.get_definition(s, group_by)  # an unknown attribute is the user's error
    all_rows = quote_rows(s, codes, coders, documents)
    rows = _limit(all_rows, limit)
    anon = Anonymiser(s, anonymise)
    with_service = service_column(s, group_by)
    d = base.new_document()
    base.add_heading(d, title or _("Quotes"), level=0)
    _intro(s, d, rows, len(all_rows), coders, group_by, anon)

    headers = [_("Quote"), _("Document"), _("Speaker")] + ([_("Service")] if with_service
                                                             else []) + [_("Coder")]
    cm = [6.9, 2.8, 2.3, 3.2, 1.8] if with_service else [10.1, 2.8, 2.3, 1.8]
    widths = [Cm(w) for w in cm]
    groups = group_order(s, group_by, rows) if group_by else [None]
    for path, code_rows in groupby(rows, key=lambda r: r.code):
        code_rows = list(code_rows)
        base.add_heading(d, display_path(path), level=1)
        for line in filter(None, (x.strip() for x in code_rows[0].definition.split("\n"))):
            d.add_paragraph(base.xml_safe(line))
        for value in groups:
            members = code_rows if value is None else [
                r for r in code_rows if r.attributes.get(group_by, "") == value]
            if not members:
                continue
            if value is not None:
                base.add_heading(d, (_("{attribute}: {value}").format(
                    attribute=group_by, value=value or _("(no value)"))), level=2)
            table = base.add_table(d, headers, widths)
            base.append_rows(table, (
                [base.quoted(anon.text(r.text)), anon.document(r.document),
                 anon.speaker(r.speaker)]
                + ([r.attributes.get(SERVICE_ATTRIBUTE, "")] if with_service else [])
                + [anon.coder(r.coder)]
                for r in members), widths)
    return base.save_docx(d, out)


def _intro(s: Session, d, rows: list[QuoteRow], found: int, coders: list[str] | None,
           group_by: str | None, anon: Anonymiser) -> None:
    project = s.scalar(select(ProjectInfo.title)) or ""
    if project:
        d.add_paragraph(base.xml_safe(_("Project: {title}").format(title=project)))
    if not rows:
        d.add_paragraph(_("No quotes match the selection. Exported {date}.").format(
            date=base.long_date()))
        return
    d.add_paragraph(_("{n} quotes from {docs} documents. Exported {date}.").format(
        n=base.number(len(rows)), docs=len({r.document for r in rows}), date=base.long_date()))
    if found > len(rows):
        d.add_paragraph(_("Only the first {n} of {total} quotes are included.").format(
            n=base.number(len(rows)), total=base.number(found)))
    if coders:
        d.add_paragraph(base.xml_safe(_("Coders: {names}.").format(
            names=", ".join(anon.coder(c) for c in coders))))
    if group_by:
        d.add_paragraph(base.xml_safe(_("Grouped by {attribute}.").format(attribute=group_by)))
    if anon.enabled:
        p = d.add_paragraph()
        p.add_run(_("Anonymised:")).bold = True
        if anon.terms:
            p.add_run(" " + _("documents are numbered, coders lettered, named speakers called "
                              "{participant}, and the project's {n} sensitive terms replaced by "
                              "their pseudonyms in the quotes. Check the quotes for other names "
                              "before sharing.").format(participant=anon.participant,
                                                        n=len(anon.terms)))
        else:
            p.add_run(" " + _("documents are numbered, coders lettered and named speakers "
                              "called {participant}. The quotes themselves are unchanged: check "
                              "them for names before sharing.").format(
                                  participant=anon.participant))


# -- spreadsheets ---------------------------------------------------------------------------
EXCEL_CELL_MAX = 32_767  # characters Excel holds in one cell


def sheet_rows(s: Session, codes: list[str] | None = None, group_by: str | None = None,
               coders: list[str] | None = None, anonymise: bool = False, *,
               documents: list[str] | None = None,
               limit: int | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a quote table for spreadsheets: code path, the `group_by` value,
    the exact quote, document, speaker, service, coder and valence (+1, -1 or empty)."""
    if group_by:
        attrs.get_definition(s, group_by)
    rows = _limit(quote_rows(s, codes, coders, documents), limit)
    anon = Anonymiser(s, anonymise)
    with_service = service_column(s, group_by)
    header = ([_("Code")] + ([group_by] if group_by else [])
              + [_("Quote"), _("Document"), _("Speaker")]
              + ([_("Service")] if with_service else []) + [_("Coder"), _("Valence")])
    body = [
        [r.code] + ([r.attributes.get(group_by, "")] if group_by else [])
        + [anon.text(r.text), anon.document(r.document), anon.speaker(r.speaker)]
        + ([r.attributes.get(SERVICE_ATTRIBUTE, "")] if with_service else [])
        + [anon.coder(r.coder), {1: "+1", -1: "-1"}.get(r.valence, "")]
        for r in rows
    ]
    return header, body


def write_quotes_csv(s: Session, out: str | os.PathLike, codes: list[str] | None = None,
                     group_by: str | None = None, coders: list[str] | None = None,
                     anonymise: bool = False, *, documents: list[str] | None = None,
                     limit: int | None = None, delimiter: str = ",") -> Path:
    """The quote table as CSV (UTF-8 with a byte-order mark so Excel reads æøå; the quote is
    the exact coded text, line breaks kept inside quoted fields)."""
    header, body = sheet_rows(s, codes, group_by, coders, anonymise, documents=documents,
                              limit=limit)

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, delimiter=delimiter)
            w.writerows([spreadsheet_safe(v) for v in row] for row in [header, *body])

    return base.save_atomic(out, write)


def write_quotes_xlsx(s: Session, out: str | os.PathLike, codes: list[str] | None = None,
                      group_by: str | None = None, coders: list[str] | None = None,
                      anonymise: bool = False, *, documents: list[str] | None = None,
                      limit: int | None = None) -> Path:
    """The quote table as an Excel workbook: one sheet, bold frozen header with filters,
    every cell text (a quote starting with '=' is never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    header, body = sheet_rows(s, codes, group_by, coders, anonymise, documents=documents,
                              limit=limit)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Quotes")[:31])
    quote_col = header.index(_("Quote"))
    for i, name in enumerate(header):
        ws.column_dimensions[get_column_letter(i + 1)].width = 70 if i == quote_col else 18
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(body) + 1}"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def cells(values: list[str], font=None):
        out = []
        for i, value in enumerate(values):
            text = base.xml_safe(value)[:EXCEL_CELL_MAX]
            cell = WriteOnlyCell(ws, value=text)
            cell.data_type = "s"
            cell.quotePrefix = formula_like(text)  # stays text when edited in Excel, too
            if font is not None:
                cell.font = font
            if i == quote_col and font is None:
                cell.alignment = wrap
            out.append(cell)
        return out

    ws.append(cells(header, bold))
    for values in body:
        ws.append(cells(values))
    return base.save_atomic(out, lambda tmp: wb.save(str(tmp)))


def quote_sources(s: Session, quotes: list[dict]) -> list[tuple[str, str]]:
    """(speaker, place) for each quote dict ({"document", "start", "end", ...}) of a display:
    the speaker of its turn and the document's first two attribute values (district, service)."""
    names = {q["document"] for q in quotes}
    ids = {n: i for i, n in s.execute(select(Document.id, Document.name)
                                      .where(Document.name.in_(names)))}
    turns = _turns(s, set(ids.values()))
    first = [d.name for d in attrs.definitions(s)][:2]
    values = attrs.values_by_document(s)
    out = []
    for q in quotes:
        doc_id = ids.get(q["document"])
        mine = values.get(doc_id, {})
        out.append((_speaker_at(turns.get(doc_id), q["start"], q["end"]),
                    ", ".join(mine[a] for a in first if mine.get(a))))
    return out
