"""Figures written the way the output language writes them: '97.7 %' and '0.68' in English,
'97,7 %' and '0,68' in bokmål; thousands grouped ('1,234' / '1 234' with a no-break space).

Every count, share and coefficient a user reads (CLI text, Word files, window) goes through
these, in the language chosen for the output (`--lang`, the project's language or the system's).
"""

from __future__ import annotations

from app.i18n import current_language

NBSP = "\u00a0"
MISSING = "–"  # a value that cannot be computed (kappa of a code no one used)


def _marks(language: str | None) -> tuple[str, str]:
    """(decimal mark, thousands separator) of a language."""
    return (",", NBSP) if (language or current_language()) == "nb" else (".", ",")


def _group(text: str, decimal: str, thousands: str) -> str:
    whole, _dot, fraction = text.partition(".")
    whole = whole.replace(",", thousands)
    return whole + (decimal + fraction if fraction else "")


def number(value, places: int | None = None, *, language: str | None = None) -> str:
    """An integer grouped by thousands; a float with `places` decimals (default: one decimal
    unless whole). None -> '–'."""
    if value is None:
        return MISSING
    decimal, thousands = _marks(language)
    if places is None:
        if isinstance(value, float) and not value.is_integer():
            places = 1
        else:
            return _group(f"{int(value):,}", decimal, thousands)
    return _group(f"{float(value):,.{places}f}", decimal, thousands)


def decimal(value, places: int = 2, *, language: str | None = None,
            trim: bool = False) -> str:
    """A coefficient such as kappa: 0.68 / 0,68 (no grouping); None -> '–'. `trim` drops
    trailing zeros (an overlap of 0.9 or 0.75)."""
    if value is None:
        return MISSING
    mark, _thousands = _marks(language)
    text = f"{float(value):.{places}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", mark)


def percent(fraction, places: int = 1, *, language: str | None = None, space: str = NBSP) -> str:
    """A share 0..1 as a percentage: 0.977 -> '97.7 %' / '97,7 %' (a no-break space before
    the sign in documents; plain text may pass space=' ')."""
    if fraction is None:
        return MISSING
    return f"{decimal(float(fraction) * 100, places, language=language)}{space}%"
