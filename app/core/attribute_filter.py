"""`--where KEY=VALUE`: which stored attribute values a filter means, the same way for matrix
displays and search.

A value is first read as its attribute's type reads it (a choice in any case, a date as
14.03.2025 or 2025-03-14, a number with a decimal comma). A text attribute's value matches the
stored values equal to it, or else those equal to it ignoring case ("alna" finds "Alna"); a
text value no document has is an error that names the closest values instead of finding
nothing in silence.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.attributes import get_definition, normalise_value
from app.core.lookup import nfc, suggestion
from app.errors import NotFound
from app.i18n import _
from app.models import AttributeDefinition, AttributeValue


def stored_values(s: Session, d: AttributeDefinition) -> dict[str, int]:
    """The distinct stored values of an attribute (NFC) with how many documents have each."""
    out: dict[str, int] = {}
    for value in s.scalars(select(AttributeValue.value)
                           .where(AttributeValue.attribute_id == d.id)):
        key = nfc(value)
        out[key] = out.get(key, 0) + 1
    return out


def filter_values(s: Session, name: str, raw: str) -> tuple[AttributeDefinition, list[str]]:
    """The attribute `name` and the stored values `raw` stands for (most frequent first).

    NotFound for an unknown attribute, InvalidInput for a value its type refuses, NotFound for
    a text value no document has even ignoring case (with the closest values)."""
    d = get_definition(s, name.strip())
    value = normalise_value(d, str(raw))
    have = stored_values(s, d)
    if value in have or d.type != "text":
        return d, [value]
    folded = value.casefold()
    same = sorted((v for v in have if v.casefold() == folded), key=lambda v: -have[v])
    if same:
        return d, same
    raise NotFound(_("No document has the value {value} for {name}.").format(
        value=value, name=d.name) + suggestion(value, sorted(have)))
