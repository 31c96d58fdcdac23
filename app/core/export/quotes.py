"""Quote tables of coded passages as rows, Word (grouped by code and attribute), CSV and XLSX.

A row is one passage of the analysis scope (app.core.scope; by default the overlapping
codings of a code by different coders united, so a passage two coders coded alike is printed
once, with both coders). Rows carry document, speaker, attributes, coders, the coding guids,
offsets, rounds and codebook versions; in Word every quote has a source line under it
(document, speaker, coders, round, codebook version, paragraph number and offsets). Codes
include their child codes; the exports can be anonymised (see `anonymise`). Every table names
its scope: under the title in Word, in a first comment line in CSV, a note row in XLSX. In
spreadsheets a text cell a program could run as a formula is neutralised (see
`app.core.files.spreadsheet_safe`): an apostrophe first in CSV, Excel's quote prefix in XLSX.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core import attributes as attrs
from app.core.codebook import code_paths, resolve_code, split_path, subtree_ids
from app.core.export import docx_base as base
from app.core.export import layout
from app.core.export.anonymise import Anonymiser, is_generic_speaker
from app.core.export.sources import Source, Sources
from app.core.export.sources import speaker_at as _speaker_at
from app.core.files import formula_like, spreadsheet_safe
from app.core.lookup import get_document
from app.core.scope import MIXED, AnalysisScope, ResolvedScope, passages
from app.i18n import _, counts, n_
from app.models import Code, Document, ProjectInfo

__all__ = ["Anonymiser", "QuoteRow", "display_path", "is_generic_speaker", "quote_rows",
           "quote_sources", "sheet_rows", "write_quotes_csv", "write_quotes_docx",
           "write_quotes_xlsx", "_speaker_at"]

SERVICE_ATTRIBUTE = "tjeneste"
QUOTE_SIZE, DETAIL_SIZE = 10.0, 9.0  # points: the quote, and the source and coder columns
QUOTE_SHARE = 0.6  # the quote column's least share of the page width


@dataclass(frozen=True)
class QuoteRow:
    code: str  # the code's path (escaped, as the CLI writes it)
    definition: str
    document: str
    speaker: str  # label of the speaker turn the passage starts in, or ""
    attributes: dict[str, str] = field(default_factory=dict)
    coder: str = ""  # the passage's coders, joined by ", "
    text: str = ""  # exactly the document's text[start:end]
    start: int = 0
    end: int = 0
    valence: int | str | None = None  # +1, -1, None or "mixed" (its coders disagree)
    memo: str = ""
    guid: str = ""  # the passage's coding guids, joined by a space
    coders: tuple[str, ...] = ()
    guids: tuple[str, ...] = ()
    rounds: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()
    paragraph: int = 1

    @property
    def source(self) -> Source:
        return Source(self.document, self.speaker, self.coders, self.rounds, self.versions,
                      self.paragraph, self.start, self.end)


def display_path(path: str) -> str:
    """`Parent/Child` as a reader sees it: names joined by ' / ', escapes undone."""
    return " / ".join(split_path(path))


def make_scope(scope, coders: list[str] | None) -> AnalysisScope:
    """The scope of a quote export: `scope` (a kind or an AnalysisScope; None: segments)
    narrowed to `coders`."""
    if isinstance(scope, AnalysisScope):
        return scope if not coders else AnalysisScope(scope.kind, tuple(coders), scope.round)
    return AnalysisScope.of(scope, coders)


def quote_rows(s: Session, codes: list[str] | None = None, coders: list[str] | None = None,
               documents: list[str] | None = None, scope=None) -> list[QuoteRow]:
    """The passages of `codes` (paths or names, child codes included; all codes if none) in
    the analysis `scope` (default segments) narrowed to `coders`, in `documents`; in codebook
    order, then document name and text order."""
    code_ids: set[int] | None = None
    if codes:
        code_ids = set()
        for ref in codes:
            code_ids |= subtree_ids(s, resolve_code(s, ref).id)
    doc_ids = {get_document(s, name).id for name in documents} if documents else None
    r = scope if isinstance(scope, ResolvedScope) else make_scope(scope, coders).resolve(s)
    found = passages(s, r, code_ids=code_ids, doc_ids=doc_ids, details=True)
    if not found:
        return []
    paths = code_paths(s)
    order = {code_id: i for i, code_id in enumerate(paths)}
    names = dict(s.execute(select(Document.id, Document.name)).all())
    found.sort(key=lambda p: (order.get(p.code_id, len(order)), names.get(p.document_id, ""),
                              p.start, p.end))
    definitions = dict(s.execute(select(Code.id, Code.description)).all())
    values = attrs.values_by_document(s)
    src = Sources(s, {p.document_id for p in found})
    return [
        QuoteRow(paths[p.code_id], definitions.get(p.code_id) or "", names[p.document_id],
                 src.speaker(p.document_id, p.start, p.end), values.get(p.document_id, {}),
                 ", ".join(p.coders), src.quote(p.document_id, p.start, p.end), p.start, p.end,
                 p.valence, p.memo, " ".join(p.guids), p.coders, p.guids, p.rounds, p.versions,
                 src.paragraph(p.document_id, p.start))
        for p in found
    ]


def scope_description(s: Session, scope, coders: list[str] | None) -> str:
    return make_scope(scope, coders).resolve(s).describe()


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
                      documents: list[str] | None = None, limit: int | None = None,
                      scope=None) -> Path:
    """A Word file of quote tables: the scope under the title, per code a Heading 1 (its path)
    and definition, per value of `group_by` a Heading 2, and a table of quote (with its source
    line, most of the width), source (document, speaker and service, one under the other) and
    coders; one row per passage of the `scope`.
    `limit` keeps only the first quotes (in the same order)."""
    if group_by:
        attrs.get_definition(s, group_by)  # an unknown attribute is the user's error
    resolved = make_scope(scope, coders).resolve(s)
    all_rows = quote_rows(s, codes, coders, documents, resolved)
    rows = _limit(all_rows, limit)
    anon = Anonymiser(s, anonymise)
    with_service = service_column(s, group_by)
    d = base.new_document()
    base.add_heading(d, title or _("Quotes"), level=0)
    base.add_scope(d, _described(resolved, anon))
    _intro(s, d, rows, len(all_rows), group_by, anon)

    headers = [_("Quote"), _("Source"), _("Coder")]

    def cells(r: QuoteRow) -> list:
        where = [anon.document(r.document), anon.speaker(r.speaker)] + (
            [r.attributes.get(SERVICE_ATTRIBUTE, "")] if with_service else [])
        return [(base.quoted(anon.text(r.text)), source_text(r, anon)), where,
                ", ".join(anon.coder(c) for c in r.coders)]

    table_rows = [cells(r) for r in rows]
    widths = quote_widths(d.sections[0], headers, table_rows)
    page = base.text_height_cm(d.sections[0])
    groups = group_order(s, group_by, rows) if group_by else [None]
    position = {id(r): i for i, r in enumerate(rows)}
    for path, code_rows in groupby(rows, key=lambda r: r.code):
        code_rows = list(code_rows)
        base.add_heading(d, display_path(path), level=1)
        for line in filter(None, (x.strip() for x in code_rows[0].definition.split("\n"))):
            layout.keep_with_next(d.add_paragraph(base.xml_safe(line)))
        for value in groups:
            members = code_rows if value is None else [
                r for r in code_rows if r.attributes.get(group_by, "") == value]
            if not members:
                continue
            if value is not None:
                base.add_heading(d, (_("{attribute}: {value}").format(
                    attribute=group_by, value=value or _("(no value)"))), level=2)
            table = base.add_table(d, headers, widths, size=QUOTE_SIZE)
            base.append_rows(table, (table_rows[position[id(r)]] for r in members), widths,
                             page_cm=page, sizes=[QUOTE_SIZE, DETAIL_SIZE, DETAIL_SIZE])
    return base.save_docx(d, out)


def quote_widths(section, headers: list[str], table_rows: list[list]) -> list[int]:
    """Column widths (EMU) of a quote table: the source and coder columns as wide as their
    longest word (a document name breaks only after its hyphens), the quote the rest, and at
    least QUOTE_SHARE of the width."""
    def texts(k: int) -> list[str]:
        out: set[str] = set()
        for row in table_rows:
            value = row[k]
            out.update(value if isinstance(value, list) else [value])
        return sorted(out)

    columns = [layout.Column(headers[0], (), QUOTE_SIZE, flex=True, share=QUOTE_SHARE,
                             minimum=6.0)]
    columns += [layout.Column(headers[k], texts(k), DETAIL_SIZE, cap=4.0)
                for k in range(1, len(headers))]
    fitted = layout.fit_columns(columns, base.text_width_cm(section))
    if fitted is None:  # names too long for any page: share the width
        total = base.text_width_cm(section)
        rest = total * (1 - QUOTE_SHARE) / (len(headers) - 1)
        return [int(x * layout.EMU_PER_CM) for x in [total * QUOTE_SHARE]
                + [rest] * (len(headers) - 1)]
    return fitted.emu


def source_text(r: QuoteRow, anon: Anonymiser) -> str:
    """The source line under a quote, with names anonymised when asked."""
    return r.source.line(anon.document, anon.coder, anon.speaker)


def _described(resolved, anon: Anonymiser) -> str:
    """The scope in words, its coders anonymised when asked."""
    from app.core.scope import describe_scope

    return describe_scope(resolved.kind, [anon.coder(c) for c in resolved.coders],
                          resolved.round)


def _intro(s: Session, d, rows: list[QuoteRow], found: int, group_by: str | None,
           anon: Anonymiser) -> None:
    project = s.scalar(select(ProjectInfo.title)) or ""
    if project:
        d.add_paragraph(base.xml_safe(_("Project: {title}").format(title=project)))
    if not rows:
        d.add_paragraph(_("No quotes match the selection. Exported {date}.").format(
            date=base.long_date()))
        return
    d.add_paragraph(_("{quotes} from {documents}. Exported {date}.").format(
        quotes=counts.quotes(len(rows)),
        documents=counts.documents(len({r.document for r in rows})), date=base.long_date()))
    if found > len(rows):
        d.add_paragraph(n_("Only the first quote of {total} is included.",
                           "Only the first {n} of {total} quotes are included.",
                           len(rows)).format(n=base.number(len(rows)),
                                             total=base.number(found)))
    d.add_paragraph(_("Under each quote: document, speaker, coders, round, codebook version, "
                      "and where it is (¶ paragraph, offsets from-to in the transcript)."))
    if group_by:
        d.add_paragraph(base.xml_safe(_("Grouped by {attribute}.").format(attribute=group_by)))
    if anon.enabled:
        p = d.add_paragraph()
        p.add_run(_("Anonymised:")).bold = True
        if anon.terms:
            p.add_run(" " + _("documents are numbered, coders lettered, named speakers called "
                              "{participant}, and the project's {terms} replaced by their "
                              "pseudonyms in the quotes. Check the quotes for other names "
                              "before sharing.").format(
                                  participant=anon.participant,
                                  terms=counts.sensitive_terms(len(anon.terms))))
        else:
            p.add_run(" " + _("documents are numbered, coders lettered and named speakers "
                              "called {participant}. The quotes themselves are unchanged: check "
                              "them for names before sharing.").format(
                                  participant=anon.participant))


# -- spreadsheets ---------------------------------------------------------------------------
EXCEL_CELL_MAX = 32_767  # characters Excel holds in one cell


def sheet_rows(s: Session, codes: list[str] | None = None, group_by: str | None = None,
               coders: list[str] | None = None, anonymise: bool = False, *,
               documents: list[str] | None = None, limit: int | None = None,
               scope=None) -> tuple[list[str], list[list[str]], str]:
    """Header, rows and scope note of a quote table for spreadsheets: code path, the
    `group_by` value, the exact quote, document, speaker, service, coders, valence (+1, -1,
    mixed or empty), the coding guids (space between), start, end, rounds and codebook
    versions."""
    if group_by:
        attrs.get_definition(s, group_by)
    resolved = make_scope(scope, coders).resolve(s)
    rows = _limit(quote_rows(s, codes, coders, documents, resolved), limit)
    anon = Anonymiser(s, anonymise)
    with_service = service_column(s, group_by)
    header = ([_("Code")] + ([group_by] if group_by else [])
              + [_("Quote"), _("Document"), _("Speaker")]
              + ([_("Service")] if with_service else [])
              + [_("Coder"), _("Valence"), _("Guid"), _("Start"), _("End"), _("Round"),
                 _("Codebook version")])
    valence = {1: "+1", -1: "-1", MIXED: _("mixed")}
    body = [
        [r.code] + ([r.attributes.get(group_by, "")] if group_by else [])
        + [anon.text(r.text), anon.document(r.document), anon.speaker(r.speaker)]
        + ([r.attributes.get(SERVICE_ATTRIBUTE, "")] if with_service else [])
        + [", ".join(anon.coder(c) for c in r.coders), valence.get(r.valence, ""), r.guid,
           str(r.start), str(r.end), ", ".join(r.rounds), ", ".join(r.versions)]
        for r in rows
    ]
    return header, body, _("Scope: {description}").format(description=_described(resolved,
                                                                                   anon))


def write_quotes_csv(s: Session, out: str | os.PathLike, codes: list[str] | None = None,
                     group_by: str | None = None, coders: list[str] | None = None,
                     anonymise: bool = False, *, documents: list[str] | None = None,
                     limit: int | None = None, delimiter: str = ",", scope=None) -> Path:
    """The quote table as CSV (UTF-8 with a byte-order mark so Excel reads æøå; the quote is
    the exact coded text, line breaks kept inside quoted fields). The first line is a comment
    naming the scope ("# Scope: ..."), then the header."""
    header, body, note = sheet_rows(s, codes, group_by, coders, anonymise, documents=documents,
                                    limit=limit, scope=scope)

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh, delimiter=delimiter)
            w.writerow(["# " + note])
            w.writerows([spreadsheet_safe(v) for v in row] for row in [header, *body])

    return base.save_atomic(out, write)


def write_quotes_xlsx(s: Session, out: str | os.PathLike, codes: list[str] | None = None,
                      group_by: str | None = None, coders: list[str] | None = None,
                      anonymise: bool = False, *, documents: list[str] | None = None,
                      limit: int | None = None, scope=None) -> Path:
    """The quote table as an Excel workbook: one sheet, the scope in a note on the first row,
    bold frozen header with filters under it, every cell text (a quote starting with '=' is
    never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    header, body, note = sheet_rows(s, codes, group_by, coders, anonymise, documents=documents,
                                    limit=limit, scope=scope)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Quotes")[:31])
    quote_col = header.index(_("Quote"))
    for i, name in enumerate(header):
        ws.column_dimensions[get_column_letter(i + 1)].width = 70 if i == quote_col else 18
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(header))}{len(body) + 2}"
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

    ws.append(cells([note], Font(italic=True)))
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
    src = Sources(s, set(ids.values()))
    first = [d.name for d in attrs.definitions(s)][:2]
    values = attrs.values_by_document(s)
    out = []
    for q in quotes:
        doc_id = ids.get(q["document"])
        mine = values.get(doc_id, {})
        out.append((src.speaker(doc_id, q["start"], q["end"]),
                    ", ".join(mine[a] for a in first if mine.get(a))))
    return out
