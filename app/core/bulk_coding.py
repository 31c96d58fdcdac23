"""Many codings at once from a CSV or JSON file (`sitat code P --from FILE`): every row is
checked first and every bad row reported with its number and reason; then all rows are added
in one statement, or none. A row identical to a coding already there (same span, code, coder
and round) is skipped and counted as already present.

CSV as Excel and LibreOffice save it (separator ';', ',' or tab, UTF-8 with or without BOM or
cp1252, quoted cells, `sep=;` line), with a header row naming the columns document, code,
coder, start, end and optionally memo and valence (Norwegian names too). JSON: a list of
objects with those keys (or {"codings": [...]}, so `sitat codings --json` can be read back).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.attributes import _delimiter
from app.core.codebook import path_of, resolve_code
from app.core.coding import get_or_create_coder, parse_valence
from app.core.lookup import get_coder, get_document, nfc
from app.core.team.provenance import provenance_for
from app.errors import InvalidInput, SitatError
from app.i18n import _, counts, n_
from app.models import Coding, new_guid, utcnow

MAX_BYTES = 64 * 1024 * 1024
REQUIRED = ("document", "code", "coder", "start", "end")
COLUMNS = REQUIRED + ("memo", "valence")
ALIASES = {"dokument": "document", "kode": "code", "koder": "coder", "slutt": "end",
           "notat": "memo", "valens": "valence"}


@dataclass
class BulkRow:
    """One row as read: `row` is its number as the file shows it (a CSV's header is row 1; a
    JSON list's first item is row 1). Values are as given; `bulk_code` checks them."""

    row: int
    document: object = None
    code: object = None
    coder: object = None
    start: object = None
    end: object = None
    memo: object = ""
    valence: object = None
    problems: list[str] = field(default_factory=list)  # found while reading


@dataclass(frozen=True)
class BadRow:
    row: int
    reason: str


class BulkCodingError(InvalidInput):
    """Some rows cannot be coded; nothing was. `bad` lists every one of them."""

    def __init__(self, bad: list[BadRow], total: int) -> None:
        self.bad, self.total = bad, total
        super().__init__(n_("The row cannot be coded, so nothing was coded.",
                            "{n} of the {total} rows cannot be coded, so nothing was coded.",
                            total).format(n=len(bad), total=total))

    def lines(self) -> list[str]:
        return [_("row {row}: {reason}").format(row=b.row, reason=b.reason) for b in self.bad]


@dataclass
class BulkReport:
    rows: int = 0
    added: int = 0
    already_present: int = 0  # the same coding is in the project already
    repeated: int = 0  # the same coding is on an earlier row of the file
    coders_created: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"rows": self.rows, "added": self.added, "already_present": self.already_present,
                "repeated": self.repeated, "coders_created": self.coders_created}


# -- reading ----------------------------------------------------------------------------------
def read_rows(path: str | Path) -> list[BulkRow]:
    """The rows of a codings file: JSON when it ends in .json, otherwise CSV."""
    from app.core.importing.encoding import read_table_text

    path = Path(path)
    text = read_table_text(path, MAX_BYTES,
                           _("The codings file {name} is too large (at most 64 MB)."),
                           _("Cannot read the codings file {name}: {reason}"))
    if path.suffix.casefold() == ".json":
        return _json_rows(text, path.name)
    return _csv_rows(text, path.name)


def _column(name: str) -> str:
    key = nfc(name.strip()).casefold()
    return ALIASES.get(key, key)


def _check_columns(found, name: str) -> None:
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise InvalidInput(_("The codings file {name} has no column {columns}. Its first row "
                             "must name the columns document, code, coder, start and end "
                             "(memo and valence may follow).").format(
                                 name=name, columns=", ".join(missing)))


def _csv_rows(text: str, name: str) -> list[BulkRow]:
    delimiter, text = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        doublequote=True, strict=False)
    try:
        header = [_column(h) for h in next(reader)]
    except StopIteration:
        raise InvalidInput(_("The codings file {name} is empty.").format(name=name)) from None
    except csv.Error as exc:
        raise InvalidInput(_("Row 1 of {name} cannot be read as CSV ({reason}).").format(
            name=name, reason=exc)) from None
    _check_columns(header, name)
    where = {c: header.index(c) for c in COLUMNS if c in header}
    rows, number = [], 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InvalidInput(_("Row {row} of {name} cannot be read as CSV ({reason}).")
                               .format(row=number, name=name, reason=exc)) from None
        if not any(c.strip() for c in cells):
            continue
        values = {c: (cells[i] if i < len(cells) else "") for c, i in where.items()}
        rows.append(BulkRow(number, **values))
    return rows


def _json_rows(text: str, name: str) -> list[BulkRow]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InvalidInput(_("The codings file {name} is not valid JSON: {reason}").format(
            name=name, reason=exc)) from None
    if isinstance(data, dict) and isinstance(data.get("codings"), list):
        data = data["codings"]
    if not isinstance(data, list):
        raise InvalidInput(_("The codings file {name} must hold a list of codings (objects "
                             "with document, code, coder, start and end).").format(name=name))
    rows = []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict):
            rows.append(BulkRow(number, problems=[_("not an object with document, code, coder, "
                                                   "start and end")]))
            continue
        values = {_column(str(k)): v for k, v in item.items()}
        rows.append(BulkRow(number, **{c: values[c] for c in COLUMNS if c in values}))
    return rows


# -- checking and coding ------------------------------------------------------------------------
def _text(value) -> str:
    return "" if value is None else nfc(str(value).strip())


def _missing(what: str) -> str:
    return {"document": _("no document"), "code": _("no code"), "coder": _("no coder"),
            "start": _("no start"), "end": _("no end")}[what]


def _offset(value, what: str, problems: list[str]) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        problems.append(_missing(what))
        return None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = str(value).strip()
        number = int(text) if text.lstrip("-").isdigit() else None
    if number is None:
        problems.append(_("{what} {value} is not a whole number").format(what=what,
                                                                           value=value))
    return number


class _Lookups:
    """Documents, codes, coders and provenance looked up once per name (or pair)."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self.docs: dict[str, tuple | SitatError] = {}
        self.codes: dict[str, tuple | SitatError] = {}
        self.coders: dict[str, int | None] = {}
        self.rounds: dict[tuple[int, int], tuple] = {}

    def document(self, name: str):
        if name not in self.docs:
            try:
                d = get_document(self.s, name)
                self.docs[name] = (d.id, d.text, d.name)
            except SitatError as exc:
                self.docs[name] = exc
        return self.docs[name]

    def code(self, ref: str):
        if ref not in self.codes:
            try:
                c = resolve_code(self.s, ref)
                self.codes[ref] = (c.id, bool(c.codable), path_of(self.s, c))
            except SitatError as exc:
                self.codes[ref] = exc
        return self.codes[ref]

    def coder(self, name: str) -> int | None:
        """The coder's id, or None for a coder who will be created."""
        if name not in self.coders:
            try:
                self.coders[name] = get_coder(self.s, name).id
            except SitatError:
                self.coders[name] = None
        return self.coders[name]

    def provenance(self, doc_id: int, coder_id: int) -> tuple:
        """(round id, codebook version id), asked once per (document, coder)."""
        if (doc_id, coder_id) not in self.rounds:
            self.rounds[doc_id, coder_id] = provenance_for(self.s, doc_id, coder_id)
        return self.rounds[doc_id, coder_id]


def _check(look: _Lookups, r: BulkRow) -> tuple | None:
    """(document id, code id, coder name, start, end, memo, valence) or None; the row's
    problems are added to `r.problems`."""
    p = r.problems
    if p:  # not even a row (a JSON item that is not an object)
        return None
    doc_name, code_ref, coder = _text(r.document), _text(r.code), _text(r.coder)
    doc = code = None
    for value, what in ((doc_name, "document"), (code_ref, "code"), (coder, "coder")):
        if not value:
            p.append(_missing(what))
    if doc_name:
        doc = look.document(doc_name)
        if isinstance(doc, SitatError):
            p.append(str(doc))
            doc = None
    if code_ref:
        code = look.code(code_ref)
        if isinstance(code, SitatError):
            p.append(str(code))
            code = None
        elif not code[1]:
            p.append(_("the code {name} only groups other codes and cannot be applied to "
                       "text").format(name=code[2]))
    start, end = _offset(r.start, "start", p), _offset(r.end, "end", p)
    if doc is not None and start is not None and end is not None:
        if start < 0 or end > len(doc[1]) or start >= end:
            p.append(_("the range {start}-{end} is not inside {name}, which has {characters} "
                       "(start must be smaller than end)").format(
                           start=start, end=end, name=doc[2],
                           characters=counts.characters(len(doc[1]))))
        elif not doc[1][start:end].strip():
            p.append(_("the range {start}-{end} is only white space").format(start=start,
                                                                             end=end))
    try:
        valence = parse_valence(_text(r.valence) if not isinstance(r.valence, int)
                                or isinstance(r.valence, bool) else r.valence)
    except InvalidInput as exc:
        p.append(str(exc))
        valence = None
    if p:
        return None
    memo = "" if r.memo is None else str(r.memo).replace("\r\n", "\n").replace("\r", "\n")
    return doc[0], code[0], coder, start, end, memo, valence


def bulk_code(s: Session, rows: list[BulkRow]) -> BulkReport:
    """Check every row, then add them all in the caller's transaction (or raise
    BulkCodingError listing every bad row, having changed nothing). New coders are created."""
    look = _Lookups(s)
    good, bad = [], []
    for r in rows:
        checked = _check(look, r)
        if checked is None:
            bad.append(BadRow(r.row, "; ".join(r.problems)))
        else:
            good.append(checked)
    if bad:
        raise BulkCodingError(bad, len(rows))
    report = BulkReport(rows=len(rows))
    for name in sorted({g[2] for g in good}):
        if look.coder(name) is None:
            look.coders[name] = get_or_create_coder(s, name).id
            report.coders_created.append(name)
    # Only a coder's own codings can be duplicates: a coder who is new has none to read.
    old_coders = sorted({look.coders[g[2]] for g in good} - {
        look.coders[n] for n in report.coders_created})
    doc_ids = sorted({g[0] for g in good})
    existing = set()
    for i in range(0, len(doc_ids) if old_coders else 0, 500):
        existing |= set(s.execute(select(
            Coding.document_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end,
            func.coalesce(Coding.round_id, 0)).where(Coding.document_id.in_(doc_ids[i:i + 500]),
                                                     Coding.coder_id.in_(old_coders))))
    seen, batch, now = set(), [], utcnow()
    for doc_id, code_id, coder, start, end, memo, valence in good:
        coder_id = look.coders[coder]
        round_id, version_id = look.provenance(doc_id, coder_id)
        key = (doc_id, code_id, coder_id, start, end, round_id or 0)
        if key in existing:
            report.already_present += 1
            continue
        if key in seen:
            report.repeated += 1
            continue
        seen.add(key)
        batch.append({"guid": new_guid(), "document_id": doc_id, "code_id": code_id,
                      "coder_id": coder_id, "start": start, "end": end, "memo": memo,
                      "valence": valence, "created_at": now, "round_id": round_id,
                      "codebook_version_id": version_id})
    if batch:
        s.execute(Coding.__table__.insert(), batch)
    report.added = len(batch)
    return report
