"""Document attributes: definitions with types, validated values, bulk import from CSV."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.core.lookup import get_document, nfc, suggestion
from app.core.names import control_character
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.models import ATTRIBUTE_TYPES, AttributeDefinition, AttributeValue, Document

MAX_CSV_BYTES = 5 * 1024 * 1024


def type_label(type_: str) -> str:
    return {
        "text": _("text"),
        "number": _("number"),
        "date": _("date"),
        "choice": _("choice"),
    }.get(type_, type_)


def definitions(s: Session) -> list[AttributeDefinition]:
    return list(
        s.scalars(select(AttributeDefinition).order_by(AttributeDefinition.sort_order,
                                                       AttributeDefinition.id))
    )


def get_definition(s: Session, name: str) -> AttributeDefinition:
    name = nfc(name)  # names are stored in NFC, as they are typed on most systems
    d = s.scalar(select(AttributeDefinition).where(AttributeDefinition.name == name))
    if d is None:
        names = [x.name for x in definitions(s)]
        raise NotFound(
            _("There is no attribute named {name}.").format(name=name) + suggestion(name, names)
        )
    return d


def define_attribute(
    s: Session, name: str, type_: str = "text", choices: list[str] | None = None
) -> AttributeDefinition:
    """Create an attribute, or change the type/choices of an existing one (values must fit)."""
    name = nfc(name.strip())
    if not name or "=" in name:
        raise InvalidInput(_("An attribute name must not be empty or contain '='."))
    bad = control_character(name)
    if bad is not None:
        raise InvalidInput(_("The attribute name {name} contains an invisible control character "
                             "({code}); remove it and try again.").format(name=repr(name),
                                                                          code=bad))
    if type_ not in ATTRIBUTE_TYPES:
        raise InvalidInput(
            _("Unknown attribute type {type}; use one of: {types}.").format(
                type=type_, types=", ".join(ATTRIBUTE_TYPES)
            )
        )
    clean_choices = [c.strip() for c in (choices or []) if c.strip()]
    if type_ == "choice" and not clean_choices:
        raise InvalidInput(_("A choice attribute needs at least one allowed value."))
    d = s.scalar(select(AttributeDefinition).where(AttributeDefinition.name == name))
    if d is None:
        order = (s.scalar(select(func.max(AttributeDefinition.sort_order))) or 0) + 1
        d = AttributeDefinition(name=name, type=type_, choices="", sort_order=order)
        s.add(d)
    d.type = type_
    d.choices = "\n".join(clean_choices) if type_ == "choice" else ""
    s.flush()
    # Existing values must still be valid under the new definition; store them canonical.
    for v in s.scalars(select(AttributeValue).where(AttributeValue.attribute_id == d.id)):
        v.value = normalise_value(d, v.value)
    return d


def value_order(d: AttributeDefinition, values) -> list[str]:
    """The distinct `values` of attribute `d` in its display order: choices as defined, numbers
    by size, other values alphabetically; "" (no value) last. Displays and quote exports both
    order attribute values this way."""
    values = set(values)
    ranked = {v: i for i, v in enumerate(d.choice_list())} if d.type == "choice" else {}

    def key(v: str):
        if d.type == "number":
            try:
                return (0, float(v), v)
            except ValueError:
                pass
        return (ranked.get(v, len(ranked)), 0.0, v.casefold(), v)

    return sorted((v for v in values if v), key=key) + ([""] if "" in values else [])


def normalise_value(d: AttributeDefinition, raw: str) -> str:
    """The canonical stored form of `raw` for attribute `d` (NFC), or InvalidInput."""
    value = nfc(raw).strip()
    if d.type == "number":
        try:
            number = float(value.replace("\u00a0", "").replace(" ", "").replace(",", "."))
        except ValueError:
            raise InvalidInput(
                _("«{value}» is not a number (attribute {name}).").format(value=raw, name=d.name)
            ) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise InvalidInput(
                _("«{value}» is not a number (attribute {name}).").format(value=raw, name=d.name)
            )
        return str(int(number)) if number.is_integer() else repr(number)
    if d.type == "date":
        parsed = _parse_date(value)
        if parsed is None:
            raise InvalidInput(
                _("«{value}» is not a date; write it as 2025-03-14 or 14.03.2025 "
                  "(attribute {name}).").format(value=raw, name=d.name)
            )
        return parsed.isoformat()
    if d.type == "choice":
        for choice in d.choice_list():
            if nfc(choice).casefold() == value.casefold():
                return choice
        raise InvalidInput(
            _("«{value}» is not an allowed value of {name}; allowed: {choices}.").format(
                value=raw, name=d.name, choices=", ".join(d.choice_list())
            )
        )
    return value


def _parse_date(value: str) -> date | None:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", value)
        if not m:
            return None
        d, mo, y = (int(g) for g in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def set_values(s: Session, doc: Document, values: dict[str, str],
               create_missing: bool = True) -> None:
    """Set attribute values on one document; an empty value removes it.

    Attributes that do not exist yet are created as text attributes when `create_missing`.
    """
    for name, raw in values.items():
        name = nfc(name.strip())
        d = s.scalar(select(AttributeDefinition).where(AttributeDefinition.name == name))
        if d is None:
            if not create_missing:
                get_definition(s, name)  # raises NotFound with a suggestion
            d = define_attribute(s, name, "text")
        if not raw.strip():
            s.execute(delete(AttributeValue).where(AttributeValue.document_id == doc.id,
                                                   AttributeValue.attribute_id == d.id))
            continue
        value = normalise_value(d, raw)
        existing = s.get(AttributeValue, (doc.id, d.id))
        if existing is None:
            s.add(AttributeValue(document_id=doc.id, attribute_id=d.id, value=value))
        else:
            existing.value = value
    s.flush()


def values_by_document(s: Session) -> dict[int, dict[str, str]]:
    """document id -> {attribute name: value}, in one query."""
    rows = s.execute(
        select(AttributeValue.document_id, AttributeDefinition.name, AttributeValue.value)
        .join(AttributeDefinition, AttributeDefinition.id == AttributeValue.attribute_id)
        .order_by(AttributeDefinition.sort_order, AttributeDefinition.id)
    )
    out: dict[int, dict[str, str]] = {}
    for doc_id, name, value in rows:
        out.setdefault(doc_id, {})[name] = value
    return out


@dataclass
class CsvAttributes:
    """Parsed attribute CSV: header attribute names and rows keyed by document name."""

    attributes: list[str]
    rows: dict[str, dict[str, str]]


def read_attributes_csv(path: str | Path) -> CsvAttributes:
    """Read a `document,attribute,...` CSV without touching a project.

    Files as Excel and LibreOffice save them are read: separated by ';' (Excel in Norway), ','
    or tab (the separator is the one after the first header cell, or Excel's `sep=;` line),
    UTF-8 with or without BOM or a Western 8-bit encoding (cp1252), CRLF or LF line ends,
    quoted cells in which a quote character is doubled (as Excel saves Huset "Nord"), and
    line breaks inside quoted cells.
    """
    from app.core.importing.encoding import read_table_text

    path = Path(path)
    text = read_table_text(path, MAX_CSV_BYTES, _("The attribute file {name} is too large."),
                           _("Cannot read the attribute file {name}: {reason}"))
    delimiter, text = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        doublequote=True, skipinitialspace=False, strict=False)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InvalidInput(_("The attribute file {name} is empty.").format(name=path.name)) from None
    except csv.Error as exc:
        raise _csv_error(path, 1, exc) from None
    while len(header) > 1 and not header[-1]:  # Excel's empty columns at the end
        header.pop()
    if len(header) < 2 or header[0].casefold() not in ("document", "dokument"):
        raise InvalidInput(
            _("The attribute file {name} must start with a header row "
              "'document,attribute,...'.").format(name=path.name)
        )
    empty = next((i for i, h in enumerate(header) if not h), None)
    if empty is not None:
        raise InvalidInput(_("Column {column} of {name} has no attribute name in the header "
                             "row.").format(column=empty + 1, name=path.name))
    rows: dict[str, dict[str, str]] = {}
    lineno = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _csv_error(path, lineno + 1, exc) from None
        lineno += 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            raise InvalidInput(
                _("Line {line} of {name} has more columns than the header.").format(
                    line=lineno, name=path.name
                )
            )
        doc = row[0].strip()
        if doc in rows:
            raise InvalidInput(
                _("Document {doc} appears twice in {name} (line {line}).").format(
                    doc=doc, name=path.name, line=lineno
                )
            )
        rows[doc] = {header[i]: row[i] for i in range(1, min(len(row), len(header)))}
    return CsvAttributes(header[1:], rows)


_SEP_LINE = re.compile(r"sep=(.)[ \t]*\r?\n", re.IGNORECASE)
_FIRST_CELL = re.compile(r'[ \t]*(?:"(?:[^"]|"")*"|[^;,\t\r\n"]*)[ \t]*([;,\t])')


def _delimiter(text: str) -> tuple[str, str]:
    """(separator, text without Excel's `sep=` line). The separator is the character after the
    first header cell (which must be 'document'), so commas or semicolons inside values
    cannot mislead it."""
    m = _SEP_LINE.match(text)
    if m is not None and m.group(1) in ";,\t|":
        return m.group(1), text[m.end():]
    m = _FIRST_CELL.match(text)
    return (m.group(1) if m is not None else ","), text


def _csv_error(path: Path, line: int, exc: csv.Error) -> InvalidInput:
    return InvalidInput(_("Line {line} of {name} cannot be read as CSV ({reason}).").format(
        line=line, name=path.name, reason=exc))


def apply_attributes_csv(s: Session, table: CsvAttributes) -> int:
    """Set values from a parsed CSV; every document named must exist. Returns documents changed."""
    for doc_name in table.rows:
        get_document(s, doc_name)  # NotFound for unknown documents, before any change
    for doc_name, values in table.rows.items():
        set_values(s, get_document(s, doc_name), values)
    return len(table.rows)
