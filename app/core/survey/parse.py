"""A survey file's cells read through its mapping, without a project: which heading is which
column of the mapping, every respondent's parsed answers, and every problem by file row and
heading (a 5 on a 1-4 scale, text that is neither a number nor a scale label, an unknown or
missing column)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from app.core.survey.mapping import Column, Mapping, heading_key
from app.core.survey.reader import Table
from app.i18n import _

MAX_PROBLEMS = 10_000  # listed; more are only counted
MAX_REF = 200
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]0+)?")
_NUMBER_LIKE = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_NUMBERED_LABEL = re.compile(r"(\d+)\s*[-–.:)=]?\s*(\D.*)")
_LINE_ENDS = re.compile("\r\n?|[\u2028\u2029\u0085\x0b\x0c]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_VISIBLE = re.compile("[^\\s\u00ad\u200b-\u200f\u2060-\u206f\ufeff]")
DONT_KNOW = object()  # a parsed Likert cell meaning "don't know"


@dataclass
class Problem:
    """One reason the file cannot be imported: a file row (1 = the headings; None for the file
    as a whole) and a column heading."""

    row: int | None
    column: str
    message: str

    def text(self) -> str:
        if self.row is None and not self.column:
            return self.message
        if self.row is None:
            return _("column «{column}»: {message}").format(column=self.column,
                                                            message=self.message)
        return _("row {row}, column «{column}»: {message}").format(
            row=self.row, column=self.column, message=self.message)

    def as_json(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Matched:
    """A mapped column found in the file: its index and heading there."""

    column: Column
    index: int
    heading: str


@dataclass
class Respondent:
    row: int  # file row
    ref: str = ""
    background: dict[str, str] = field(default_factory=dict)  # attribute -> value as written
    answers: dict[str, object] = field(default_factory=dict)  # item key -> int or DONT_KNOW
    texts: dict[str, str] = field(default_factory=dict)  # text key -> normalised text


@dataclass
class Parsed:
    table: Table
    mapping: Mapping
    matched: list[Matched]
    unknown: list[str]
    missing: list[Column]  # required by the mapping, not in the file
    absent: list[Column]  # optional, not in the file
    respondents: list[Respondent]
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    def add(self, row: int | None, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(row, column, message))

    def of(self, role: str) -> list[Matched]:
        return [m for m in self.matched if m.column.role == role]


def heading_name(table: Table, index: int) -> str:
    heading = table.headings[index] if index < len(table.headings) else ""
    return heading or _("column {n} (no heading)").format(n=index + 1)


def parse(table: Table, mapping: Mapping) -> Parsed:
    """The table read through the mapping; problems are collected, never raised."""
    matched, unknown, missing, absent, problems = _match(table, mapping)
    parsed = Parsed(table, mapping, matched, unknown, missing, absent, [])
    for p in problems:
        parsed.add(*p)
    if not table.rows:
        parsed.add(None, "", _("The file has headings but no respondents."))
    readers = [(m, _reader(m.column)) for m in matched]
    for number, cells in table.rows:
        if len(cells) > len(table.headings) and any(c is not None
                                                    for c in cells[len(table.headings):]):
            parsed.add(number, heading_name(table, len(table.headings)),
                       _("this row has more cells than there are headings."))
        r = Respondent(number)
        for m, read in readers:
            value = cells[m.index] if m.index < len(cells) else None
            if value is None:
                continue
            try:
                read(r, m.column, value)
            except ValueError as exc:
                parsed.add(number, m.heading, str(exc))
        parsed.respondents.append(r)
    return parsed


def _match(table: Table, mapping: Mapping):
    by_heading: dict[str, Column] = {}
    for c in mapping.columns:
        for h in c.headings:
            by_heading[heading_key(h)] = c
    ignored = {heading_key(h) for h in mapping.ignore}
    matched: dict[Column, Matched] = {}
    unknown: list[str] = []
    problems = []
    filled = _filled_columns(table)
    for i, heading in enumerate(table.headings):
        key = heading_key(heading)
        if not key:
            if i in filled:
                name = heading_name(table, i)
                unknown.append(name)
                problems.append((1, name, _("this column has answers but no heading.")))
            continue
        if key in ignored:
            continue
        c = by_heading.get(key)
        if c is None:
            unknown.append(heading)
            problems.append((1, heading, _("this column is not in the mapping. Add it to the "
                                           "mapping, or to ignore under [survey].")))
        elif c in matched:
            problems.append((1, heading, _("this column and «{other}» are both mapped to the "
                                           "same question; keep one.").format(
                                               other=matched[c].heading)))
        else:
            matched[c] = Matched(c, i, heading)
    missing, absent = [], []
    for c in mapping.columns:
        if c in matched:
            continue
        (absent if c.optional else missing).append(c)
        if not c.optional:
            where = _(" (mapping line {line})").format(line=c.line) if c.line else ""
            problems.append((None, c.headings[0], _("the file has no such column{where}.")
                             .format(where=where)))
    order = {c: n for n, c in enumerate(mapping.columns)}
    return (sorted(matched.values(), key=lambda m: order[m.column]), unknown, missing, absent,
            problems)


def _filled_columns(table: Table) -> set[int]:
    empty = {i for i, h in enumerate(table.headings) if not h}
    filled = set()
    for _row, cells in table.rows:
        for i in list(empty):
            if i < len(cells) and cells[i] is not None:
                filled.add(i)
                empty.discard(i)
        if not empty:
            break
    return filled


# -- cells --------------------------------------------------------------------------------------
def _reader(column: Column):
    if column.role == "likert":
        return _likert_reader(column)
    if column.role == "text":
        return _text_cell
    if column.role == "background":
        return _background_cell
    return _ref_cell


def _ref_cell(r: Respondent, column: Column, value) -> None:
    ref = " ".join(str(value).split())
    if len(ref) > MAX_REF:
        raise ValueError(_("a respondent id may be at most {n} characters.").format(n=MAX_REF))
    if _CONTROL.search(ref):
        raise ValueError(_("the respondent id contains an invisible control character."))
    r.ref = ref


def _background_cell(r: Respondent, column: Column, value) -> None:
    text = unicodedata.normalize("NFC", " ".join(str(value).split()))
    if _CONTROL.search(text):
        raise ValueError(_("the value contains an invisible control character."))
    if text:
        r.background[column.key] = text


def clean_text(value) -> str:
    """A free-text answer as stored, normalised as an imported transcript is
    (app.core.importing.normalize: LF line ends, NFC) and trimmed; "" when nothing shows.
    ValueError for control characters (they cannot be coded or exported)."""
    from app.core.importing import normalize
    from app.errors import ImportFailed

    raw = str(value).strip()
    if _VISIBLE.search(raw) is None:
        return ""
    try:
        return normalize(raw).strip()
    except ImportFailed:
        bad = _CONTROL.search(_LINE_ENDS.sub("\n", raw))
        if bad is None:  # only invisible characters (zero-width spaces ...): a blank answer
            return ""
        raise ValueError(_("the answer contains an invisible control character ({code}); "
                           "remove it in the file.").format(code=f"U+{ord(bad.group()):04X}")
                         ) from None


def _text_cell(r: Respondent, column: Column, value) -> None:
    text = clean_text(value)
    if text:
        r.texts[column.key] = text


def _likert_reader(column: Column):
    """A reader of one Likert column's cells; results are cached per distinct cell value
    (a column holds few distinct values, so 20,000 rows cost little)."""
    scale = column.scale
    labels = {heading_key(label): scale.min + i for i, label in enumerate(scale.labels)}
    dont_know = set(column.dont_know)
    cache: dict = {}

    def parse_cell(value):
        if isinstance(value, bool):
            raise ValueError(_not_on_scale(value, column))
        if isinstance(value, (int, float)):
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(_not_on_scale(value, column))
            number = int(value)
            if scale.min <= number <= scale.max:
                return number
            if str(number) in dont_know:
                return DONT_KNOW
            raise ValueError(_not_on_scale(number, column))
        key = heading_key(value)
        if not key:
            return None
        if key in dont_know:
            return DONT_KNOW
        if key in labels:
            return labels[key]
        if _NUMBER.fullmatch(key):
            number = int(re.split("[.,]", key)[0])
            if scale.min <= number <= scale.max:
                return number
            if str(number) in dont_know:
                return DONT_KNOW
            raise ValueError(_not_on_scale(value, column))
        m = _NUMBERED_LABEL.fullmatch(key)  # "3 - Litt enig", "3. Litt enig"
        if m and labels.get(m.group(2).strip()) == int(m.group(1)):
            return int(m.group(1))
        if _NUMBER_LIKE.fullmatch(key):
            raise ValueError(_not_on_scale(value, column))
        raise ValueError(_not_a_label(value, column))

    def read(r: Respondent, col: Column, value) -> None:
        cache_key = (type(value), value)
        if cache_key not in cache:
            try:
                cache[cache_key] = parse_cell(value)
            except ValueError as exc:
                cache[cache_key] = exc
        result = cache[cache_key]
        if isinstance(result, ValueError):
            raise result
        if result is not None:
            r.answers[col.key] = result

    return read


def _not_on_scale(value, column: Column) -> str:
    return _("{value} is not on the scale {scale}.").format(value=value,
                                                            scale=column.scale.describe())


def _not_a_label(value, column: Column) -> str:
    allowed = [column.scale.describe(), *column.scale.labels]
    message = _("«{value}» is not an answer on the scale: expected {allowed}").format(
        value=value, allowed=", ".join(allowed))
    if column.dont_know:
        message += _(", or don't know ({values})").format(values=", ".join(column.dont_know))
    return message + "."
