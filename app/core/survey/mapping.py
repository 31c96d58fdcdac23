"""The survey mapping (TOML): which file columns are background variables, Likert items (with
theme, scale, "don't know" values, reverse scoring) or free-text questions - parsed and
checked before any file is read, with errors that name the line and the key.

Format (see README, "Surveys"):

    [survey]
    name = "KS brukerundersøkelse"            # optional: the default survey name
    respondent = "RespondentID"               # optional: the tool's own respondent id
    scale = { min = 1, max = 4, labels = ["Helt uenig", "Litt uenig", "Litt enig", "Helt enig"] }
    dont_know = ["Vet ikke", "9"]
    ignore = ["Tidspunkt"]                    # optional: file columns to leave out
    [[background]]  column = "Tjeneste"  attribute = "tjeneste"  optional = true
    [[item]]        key = "tilg1"  column = "..."  theme = "Tilgjengelighet"  reverse = false
    [[text]]        key = "kommentar"  column = "..."

A `column` may be one heading or a list of alternative headings; headings are compared with
white space collapsed, case ignored and Unicode normalised (NFC). An item may override the
survey's `scale` and `dont_know`.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from app.errors import InvalidInput, NotFound
from app.i18n import _

MAX_NAME = 150  # comment documents are named "<survey> – svar 0042": they must fit in 200
MAX_MAPPING_BYTES = 1024 * 1024
_KEY = re.compile(r"[A-Za-z0-9_.\-æøåÆØÅ]{1,200}")
_SPACE = re.compile(r"\s+")

_SURVEY_KEYS = {"name", "respondent", "scale", "dont_know", "ignore", "min_group"}
_BACKGROUND_KEYS = {"column", "attribute", "optional"}
_ITEM_KEYS = {"key", "column", "label", "theme", "reverse", "scale", "dont_know", "optional"}
_TEXT_KEYS = {"key", "column", "label", "optional"}
_TOP_KEYS = {"survey", "background", "item", "text"}


def heading_key(text) -> str:
    """A heading or cell as compared: NFC, white space collapsed and trimmed, casefolded."""
    text = unicodedata.normalize("NFC", str(text))
    return _SPACE.sub(" ", text).strip().casefold()


@dataclass(frozen=True)
class Scale:
    min: int
    max: int
    labels: tuple[str, ...]  # low to high; empty or exactly max - min + 1 labels

    def describe(self) -> str:
        return f"{self.min}–{self.max}"


@dataclass(frozen=True)
class Column:
    """What the mapping says about one column: a respondent id, background, item or text."""

    role: str  # "respondent", "background", "likert", "text"
    headings: tuple[str, ...]  # the heading and its alternatives, as written
    key: str = ""  # items and texts: the stable key; background: the attribute name
    label: str = ""
    theme: str = ""
    scale: Scale | None = None
    dont_know: tuple[str, ...] = ()
    reverse: bool = False
    optional: bool = False
    line: int | None = None  # where it is in the mapping, for messages

    def matches(self, heading: str) -> bool:
        wanted = heading_key(heading)
        return any(heading_key(h) == wanted for h in self.headings)


@dataclass(frozen=True)
class Mapping:
    name: str
    columns: tuple[Column, ...]  # respondent (if any), background, items and texts in order
    ignore: tuple[str, ...] = ()
    min_group: int = 5
    source: str = ""  # the TOML text as given
    source_name: str = ""

    def of(self, role: str) -> list[Column]:
        return [c for c in self.columns if c.role == role]

    @property
    def items(self) -> list[Column]:
        """Likert items and free-text questions, in the mapping's order."""
        return [c for c in self.columns if c.role in ("likert", "text")]


class _Where:
    """Line numbers of the [[background]], [[item]] and [[text]] tables, for messages."""

    def __init__(self, text: str) -> None:
        self.lines: dict[str, list[int]] = {}
        for n, line in enumerate(text.splitlines(), start=1):
            m = re.match(r"\s*\[\[\s*([A-Za-z_]+)\s*\]\]", line)
            if m:
                self.lines.setdefault(m.group(1), []).append(n)

    def line(self, table: str, index: int) -> int | None:
        found = self.lines.get(table, [])
        return found[index] if index < len(found) else None


def _place(table: str, index: int, where: _Where) -> str:
    line = where.line(table, index)
    if line is None:
        return _("[[{table}]] number {n}").format(table=table, n=index + 1)
    return _("[[{table}]] number {n} (line {line})").format(table=table, n=index + 1, line=line)


def _bad(name: str, place: str, message: str) -> InvalidInput:
    return InvalidInput(_("The survey mapping {name}: {place}: {message}").format(
        name=name, place=place, message=message))


def _headings(value, place: str, key: str, name: str) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if (not isinstance(values, list) or not values
            or not all(isinstance(v, str) and v.strip() for v in values)):
        raise _bad(name, place, _("{key} must be a column heading in quotes, or a list of "
                                  "them.").format(key=key))
    return tuple(_SPACE.sub(" ", unicodedata.normalize("NFC", v)).strip() for v in values)


def _text(table: dict, key: str, place: str, name: str, required: bool = False,
          default: str = "") -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or (required and not value.strip()):
        raise _bad(name, place, _("{key} must be text in quotes.").format(key=key)
                   if not required else _("{key} is missing or empty.").format(key=key))
    return unicodedata.normalize("NFC", value).strip()


def _bool(table: dict, key: str, place: str, name: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise _bad(name, place, _("{key} must be true or false.").format(key=key))
    return value


def _check_keys(table, allowed: set[str], place: str, name: str) -> None:
    if not isinstance(table, dict):
        raise _bad(name, place, _("expected a table of keys and values."))
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise _bad(name, place, _("unknown key {key}; known keys: {keys}.").format(
            key=unknown[0], keys=", ".join(sorted(allowed))))


def _scale(value, place: str, name: str) -> Scale:
    if not isinstance(value, dict) or set(value) - {"min", "max", "labels"}:
        raise _bad(name, place, _("scale must look like {{ min = 1, max = 4, labels = [...] }}."))
    low, high = value.get("min", 1), value.get("max")
    if (not isinstance(low, int) or not isinstance(high, int) or isinstance(low, bool)
            or isinstance(high, bool) or not 0 <= low < high <= 100):
        raise _bad(name, place, _("the scale needs whole numbers min and max, with min smaller "
                                  "than max (for example 1 and 4)."))
    labels = value.get("labels", [])
    if not isinstance(labels, list) or not all(isinstance(v, str) and v.strip() for v in labels):
        raise _bad(name, place, _("the scale's labels must be a list of texts in quotes."))
    if labels and len(labels) != high - low + 1:
        raise _bad(name, place, _("the scale {low}–{high} needs {n} labels, one per value; "
                                  "{given} were given.").format(low=low, high=high,
                                                                 n=high - low + 1,
                                                                 given=len(labels)))
    clean = tuple(unicodedata.normalize("NFC", v).strip() for v in labels)
    if len({heading_key(v) for v in clean}) != len(clean):
        raise _bad(name, place, _("the scale's labels must all be different."))
    return Scale(low, high, clean)


def _dont_know(value, place: str, name: str) -> tuple[str, ...]:
    values = [value] if isinstance(value, (str, int)) and not isinstance(value, bool) else value
    if not isinstance(values, list) or not all(
            isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
        raise _bad(name, place, _("dont_know must be a list of cell values, such as "
                                  "[\"Vet ikke\", \"9\"]."))
    return tuple(heading_key(v) for v in values if heading_key(v))


def parse_mapping(text: str, source_name: str = "mapping.toml") -> Mapping:
    """A mapping from its TOML text; InvalidInput naming the line or key of the first problem."""
    name = source_name
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(_("The survey mapping {name} is not valid TOML: {reason}").format(
            name=name, reason=exc)) from None
    where = _Where(text)
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise _bad(name, unknown[0], _("unknown table; a mapping has [survey], [[background]], "
                                       "[[item]] and [[text]]."))
    survey = data.get("survey", {})
    _check_keys(survey, _SURVEY_KEYS, "[survey]", name)
    survey_name = _text(survey, "name", "[survey]", name)
    if len(survey_name) > MAX_NAME:
        raise _bad(name, "[survey]", _("name may be at most {max} characters long.").format(
            max=MAX_NAME))
    scale = _scale(survey.get("scale", {"min": 1, "max": 4}), "[survey]", name)
    dont_know = _dont_know(survey.get("dont_know", []), "[survey]", name)
    ignore = _headings(survey["ignore"], "[survey]", "ignore", name) \
        if survey.get("ignore") else ()
    min_group = survey.get("min_group", 5)
    if not isinstance(min_group, int) or isinstance(min_group, bool) or not 1 <= min_group <= 1000:
        raise _bad(name, "[survey]", _("min_group must be a whole number from 1 to 1000."))
    columns: list[Column] = []
    resp = survey.get("respondent")
    if resp is not None:
        optional = False
        if isinstance(resp, dict):
            _check_keys(resp, {"column", "optional"}, "[survey] respondent", name)
            optional = _bool(resp, "optional", "[survey] respondent", name)
            resp = resp.get("column")
        columns.append(Column("respondent", _headings(resp, "[survey]", "respondent", name),
                              optional=optional))
    columns += _backgrounds(data.get("background", []), where, name)
    columns += _questions(data, scale, dont_know, where, name)
    if not any(c.role in ("likert", "text") for c in columns):
        raise InvalidInput(_("The survey mapping {name} has no [[item]] and no [[text]]: "
                             "nothing would be imported.").format(name=name))
    _check_unique(columns, where, name)
    return Mapping(survey_name, tuple(columns), ignore, min_group, text, source_name)


def _backgrounds(tables, where: _Where, name: str) -> list[Column]:
    if not isinstance(tables, list):
        raise _bad(name, "background", _("write each background column as [[background]]."))
    out = []
    for i, t in enumerate(tables):
        place = _place("background", i, where)
        _check_keys(t, _BACKGROUND_KEYS, place, name)
        heads = _headings(t.get("column"), place, "column", name)
        attribute = _text(t, "attribute", place, name, default=heads[0]) or heads[0]
        if "=" in attribute or len(attribute) > 200:
            raise _bad(name, place, _("the attribute name must not contain '=' and must be at "
                                      "most 200 characters."))
        out.append(Column("background", heads, key=attribute, label=attribute,
                          optional=_bool(t, "optional", place, name),
                          line=where.line("background", i)))
    return out


def _questions(data: dict, scale: Scale, dont_know: tuple[str, ...], where: _Where,
               name: str) -> list[Column]:
    out = []
    for table, allowed in (("item", _ITEM_KEYS), ("text", _TEXT_KEYS)):
        tables = data.get(table, [])
        if not isinstance(tables, list):
            raise _bad(name, table, _("write each question as [[{table}]].").format(table=table))
        for i, t in enumerate(tables):
            place = _place(table, i, where)
            _check_keys(t, allowed, place, name)
            key = _text(t, "key", place, name, required=True)
            if not _KEY.fullmatch(key):
                raise _bad(name, place, _("key {key} may only hold letters, digits, '_', '-' "
                                          "and '.'.").format(key=key))
            heads = _headings(t.get("column"), place, "column", name)
            common = dict(key=key, label=_text(t, "label", place, name) or heads[0],
                          optional=_bool(t, "optional", place, name),
                          line=where.line(table, i))
            if table == "text":
                out.append(Column("text", heads, **common))
                continue
            out.append(Column(
                "likert", heads, theme=_text(t, "theme", place, name),
                scale=_scale(t["scale"], place, name) if "scale" in t else scale,
                dont_know=_dont_know(t["dont_know"], place, name) if "dont_know" in t
                else dont_know,
                reverse=_bool(t, "reverse", place, name), **common))
    return out


def _check_unique(columns: list[Column], where: _Where, name: str) -> None:
    keys: set[str] = set()
    heads: dict[str, Column] = {}
    for c in columns:
        place = _("line {line}").format(line=c.line) if c.line else c.role
        if c.role in ("likert", "text"):
            if c.key.casefold() in keys:
                raise _bad(name, place, _("the key {key} is used twice.").format(key=c.key))
            keys.add(c.key.casefold())
        for h in c.headings:
            if heading_key(h) in heads:
                raise _bad(name, place, _("the column {column} is mapped twice.").format(
                    column=h))
            heads[heading_key(h)] = c
    attributes = [c.key.casefold() for c in columns if c.role == "background"]
    if len(set(attributes)) != len(attributes):
        raise _bad(name, "background", _("two background columns fill the same attribute."))


def bundled_mappings() -> dict[str, Path]:
    """The bundled mappings by short name ('ks' and the file names without .toml)."""
    from app.core.bundled import data_dir

    found = {p.stem: p for p in sorted((data_dir() / "surveys").glob("*.toml"))}
    if "ks-psykisk-helse-rus" in found:
        found["ks"] = found["ks-psykisk-helse-rus"]
    return found


def load_mapping(spec: str | Path) -> Mapping:
    """A mapping from a TOML file, or a bundled one by name ('ks')."""
    from app.core.files.reading import read_capped

    bundled = bundled_mappings()
    path = bundled.get(str(spec)) if isinstance(spec, str) else None
    if path is None:
        path = Path(spec)
        if not path.exists() and path.suffix.lower() != ".toml":
            raise NotFound(_("There is no survey mapping file {name}; the bundled ones are: "
                             "{names}.").format(name=path.name, names=", ".join(bundled)))
    raw = read_capped(path, MAX_MAPPING_BYTES, InvalidInput, lambda _size: InvalidInput(
        _("The survey mapping {name} is too large.").format(name=path.name)))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(_("The survey mapping {name} is not UTF-8 text; save it as UTF-8.")
                           .format(name=path.name)) from None
    return parse_mapping(text, path.name)
