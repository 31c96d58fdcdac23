"""Survey statistics (#21): n, mean, distribution, don't know and blanks per item and per theme,
for the whole survey and by any respondent attribute, with small-number suppression and a
comparison against a reference set (e.g. the national average).

How the figures are computed (what a report reader can check by hand):
- n of an item: the answers on the scale (1-4). "Don't know" and blanks are not in n.
- Distribution: each scale value's share of n, in per cent. An item's distribution and its
  "% agree" are of the answers as given (the statement as worded); its mean is scored:
  a reverse-scored item's value v counts as min + max - v, so a higher mean is always better.
- "Don't know": count, and per cent of n + don't know. Blanks: respondents (of the group)
  with no answer at all to the item.
- "% agree": the share of n in the upper half of the scale (3 and 4 on a 1-4 scale).
- A theme: n is the respondents with at least one answer on the scale to the theme's items;
  its mean is the mean over those respondents of each one's mean of the theme's items they
  answered (scored) - every respondent weighs the same, as the KS reports compute theme
  scores; its distribution, don't know and blanks pool the answers to the theme's items
  (scored values). Items without a theme are left out of theme tables.
- Suppression: a group (and the total) whose n is below the survey's `min_group` is "too
  few" and shows no figure at all. If exactly one group of a row is suppressed, the
  unsuppressed group with the smallest n is suppressed too, so no group's figures can be
  worked out as the total minus the other groups. Figures of different tables are not
  checked against each other: tables by two different attributes, or a theme's pooled
  distribution for a group against its statements' rows for that group.
- A reference difference is the unrounded mean minus the reference mean.
Figures are kept exact (fractions of whole counts) and rounded only for display, half up
(`round_half_up`): one decimal for means, whole per cent.

The database returns one row per respondent with all their answers packed in a few integers
(app.core.survey.stats_counts: GROUP BY respondent, the same SQL on SQLite and PostgreSQL);
numpy counts them per group, item and value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.survey import stats_counts as counts
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.i18n.numbers import decimal as _decimal
from app.models import AttributeDefinition
from app.models.survey import Survey, SurveyItem, SurveyReference, SurveyReferenceValue
from app.core.survey.surveys import find_survey  # noqa: F401 - part of this API

ITEMS, THEMES = "items", "themes"
NO_VALUE = None  # the group of respondents without a value for the attribute


# -- rounding and display --------------------------------------------------------------------
def round_half_up(value, places: int = 0) -> Decimal:
    """`value` (a Fraction, int, Decimal or float) rounded half away from zero to `places`
    decimals, exactly: 2.25 -> 2.3, 62.5 % -> 63 %. A float is taken as its shortest repr
    (3.35 is 3.35, not 3.3499999...)."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Fraction):
        scaled = abs(value) * 10 ** places
        whole = int(scaled + Fraction(1, 2))  # floor for non-negative numbers
        sign = -1 if value < 0 else 1
        return Decimal(sign * whole).scaleb(-places)
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def show_mean(value, language: str | None = None) -> str:
    """A mean for display: one decimal, half up, in the language's decimal mark (3,4)."""
    return _decimal(float(round_half_up(value, 1)), 1, language=language)


def show_percent(value, language: str | None = None) -> str:
    """A per cent for display: whole, half up ("63"); the sign is in the column heading."""
    return str(int(round_half_up(value, 0)))


def show_difference(value, language: str | None = None) -> str:
    """A difference for display: one decimal, half up, always signed (+0,2 / -0,1 / 0,0)."""
    rounded = round_half_up(value, 1)
    text = _decimal(float(abs(rounded)), 1, language=language)
    return ("+" if rounded > 0 else "-" if rounded < 0 else "") + text


# -- the figures -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Scale:
    low: int
    high: int
    labels: tuple[str, ...] = ()

    @property
    def values(self) -> range:
        return range(self.low, self.high + 1)

    @property
    def agree_from(self) -> int:
        """The lowest value that agrees: the upper half of the scale (3 of 1-4, 4 of 1-5)."""
        return (self.low + self.high) // 2 + 1

    def label(self, value: int) -> str:
        k = value - self.low
        return self.labels[k] if 0 <= k < len(self.labels) else str(value)


@dataclass
class Figures:
    """One cell of a table: an item or theme for everyone or for one group."""

    scale: Scale
    n: int = 0  # items: answers on the scale; themes: respondents with one or more
    answers: int = 0  # answers on the scale (pooled over a theme's items)
    counts: tuple[int, ...] = ()  # answers per scale value, low to high
    dont_know: int = 0
    blank: int = 0
    mean: Fraction | None = None
    reference: float | None = None
    suppressed: bool = False

    def _share(self, part: int, whole: int) -> Fraction | None:
        return Fraction(100 * part, whole) if whole else None

    @property
    def percents(self) -> tuple[Fraction | None, ...]:
        """Each scale value's per cent of the answers on the scale (low to high)."""
        return tuple(self._share(c, self.answers) for c in self.counts)

    @property
    def dont_know_percent(self) -> Fraction | None:
        return self._share(self.dont_know, self.answers + self.dont_know)

    @property
    def agree_percent(self) -> Fraction | None:
        agree = sum(c for v, c in zip(self.scale.values, self.counts)
                    if v >= self.scale.agree_from)
        return self._share(agree, self.answers)

    @property
    def difference(self) -> Fraction | None:
        if self.mean is None or self.reference is None:
            return None
        return self.mean - Fraction(Decimal(repr(self.reference)))

    def as_json(self, language: str | None = None) -> dict:
        """Figures unrounded (floats) and as displayed (strings); only `suppressed` when
        suppressed - never a figure."""
        if self.suppressed:
            return {"suppressed": True}

        def f(x):
            return None if x is None else float(x)

        shown = {"mean": None if self.mean is None else show_mean(self.mean, language),
                 "percent": [None if p is None else show_percent(p) for p in self.percents],
                 "dont_know_percent": (None if self.dont_know_percent is None
                                       else show_percent(self.dont_know_percent)),
                 "agree_percent": (None if self.agree_percent is None
                                   else show_percent(self.agree_percent)),
                 "difference": (None if self.difference is None
                                else show_difference(self.difference, language))}
        return {"suppressed": False, "n": self.n, "answers": self.answers,
                "counts": list(self.counts), "percent": [f(p) for p in self.percents],
                "mean": f(self.mean), "dont_know": self.dont_know,
                "dont_know_percent": f(self.dont_know_percent), "blank": self.blank,
                "agree_percent": f(self.agree_percent), "reference": self.reference,
                "difference": f(self.difference), "shown": shown}


@dataclass
class Row:
    """An item or a theme: its figures for everyone and per group."""

    key: str  # item key, or theme name
    label: str  # the statement, or the theme name
    theme: str
    items: int = 1  # items in the theme (1 for an item)
    reverse: bool = False
    total: Figures | None = None
    groups: dict[str | None, Figures] = field(default_factory=dict)


@dataclass
class SurveyTable:
    survey: str
    level: str  # ITEMS or THEMES
    scale: Scale
    min_group: int
    respondents: int
    by: str | None = None
    groups: list[str | None] = field(default_factory=list)
    reference: str | None = None
    rows: list[Row] = field(default_factory=list)

    def as_json(self, language: str | None = None) -> dict:
        return {"survey": self.survey, "level": self.level, "by": self.by,
                "min_group": self.min_group, "reference": self.reference,
                "scale": {"min": self.scale.low, "max": self.scale.high,
                          "labels": list(self.scale.labels)},
                "rows": [{"key": r.key, "label": r.label, "theme": r.theme, "items": r.items,
                          "reverse": r.reverse, "total": r.total.as_json(language),
                          "groups": [{"group": g, **r.groups[g].as_json(language)}
                                     for g in self.groups if g in r.groups]}
                         for r in self.rows]}


# -- looking things up -----------------------------------------------------------------------
def likert_items(s: Session, survey: Survey, theme: str | None = None) -> list[SurveyItem]:
    q = select(SurveyItem).where(SurveyItem.survey_id == survey.id,
                                 SurveyItem.kind == "likert")
    if theme is not None:
        q = q.where(SurveyItem.theme == theme)
    items = list(s.scalars(q.order_by(SurveyItem.position, SurveyItem.id)))
    if theme is not None and not items:
        raise NotFound(_("The survey {survey} has no theme called {theme}.").format(
            survey=survey.name, theme=theme))
    return items


def themes(items: list[SurveyItem]) -> list[str]:
    """The themes in the order of their first item (items without a theme left out)."""
    return list(dict.fromkeys(i.theme for i in items if i.theme))


def survey_scale(items: list[SurveyItem]) -> Scale:
    if not items:
        return Scale(1, 4)
    first = items[0]
    try:
        labels = tuple(str(x) for x in json.loads(first.scale_labels or "[]"))
    except ValueError:
        labels = ()
    return Scale(min(i.scale_min for i in items), max(i.scale_max for i in items), labels)


def _attribute(s: Session, name: str) -> AttributeDefinition:
    attribute = s.scalar(select(AttributeDefinition).where(AttributeDefinition.name == name))
    if attribute is None:
        raise NotFound(_("There is no attribute called {name}.").format(name=name))
    return attribute


def _reference_values(s: Session, survey: Survey, name: str) -> dict[tuple[str, str], float]:
    ref = s.scalar(select(SurveyReference).where(SurveyReference.survey_id == survey.id,
                                                 SurveyReference.name == name))
    if ref is None:
        raise NotFound(_("The survey {survey} has no reference called {name}.").format(
            survey=survey.name, name=name))
    return {(v.scope, v.key): v.mean for v in s.scalars(
        select(SurveyReferenceValue).where(SurveyReferenceValue.reference_id == ref.id))}


def _group_order(attribute: AttributeDefinition | None, values) -> list[str | None]:
    """An attribute's choices in their order, then other values alphabetically, then the
    respondents without a value."""
    present = set(values)
    choices = attribute.choice_list() if attribute is not None else []
    ordered = [c for c in choices if c in present]
    ordered += sorted((v for v in present if v is not None and v not in ordered),
                      key=lambda v: (v.casefold(), v))
    return ordered + ([NO_VALUE] if NO_VALUE in present else [])


# -- the table -------------------------------------------------------------------------------
def survey_table(s: Session, survey: str | None = None, *, level: str = THEMES,
                 by: str | None = None, reference: str | None = None,
                 theme: str | None = None) -> SurveyTable:
    """The figures of a survey's items (level ITEMS, optionally of one `theme`) or themes
    (level THEMES), for everyone and, with `by`, per value of that respondent attribute,
    compared with the reference set called `reference` if given."""
    if level not in (ITEMS, THEMES):
        raise InvalidInput(_("A survey table shows items or themes."))
    sv = find_survey(s, survey)
    every = likert_items(s, sv)
    items = likert_items(s, sv, theme) if theme is not None else every
    scale = survey_scale(every)
    attribute = _attribute(s, by) if by else None
    refs = _reference_values(s, sv, reference) if reference else {}
    attribute_id = attribute.id if attribute is not None else None
    sizes = counts.group_sizes(s, sv.id, attribute_id)
    table = SurveyTable(sv.name, level, scale, sv.min_group, sum(sizes.values()),
                        by=attribute.name if attribute else None, reference=reference)
    table.groups = _group_order(attribute, sizes) if attribute is not None else []
    if items:
        answers = counts.read_answers(s, sv.id, every, items, scale.low, scale.high,
                                      attribute_id)
    else:
        answers = counts.Answers(len(scale.values), [], np.zeros(0, np.int64),
                                 np.zeros((0, 0), np.int64))
    rows = (_item_rows if level == ITEMS else _theme_rows)(items, scale, sizes, answers)
    for row in rows:
        ref = refs.get(("item" if level == ITEMS else "theme", row.key))
        for fig in (row.total, *row.groups.values()):
            fig.reference = ref
        if attribute is None:
            row.groups = {}
        suppress(row, sv.min_group)
    table.rows = rows
    return table


def _tally(answers: counts.Answers, codes: np.ndarray) -> np.ndarray:
    """(groups, L + 2) counts of each answer code (a column or several) per group."""
    width = answers.levels + 2
    groups = np.repeat(answers.group, codes.shape[1]) if codes.ndim == 2 else answers.group
    flat = codes.reshape(-1)
    return np.bincount(groups * width + flat, minlength=len(answers.keys) * width).reshape(
        len(answers.keys), width)


def _finish(row: Row, scale: Scale) -> None:
    """The row's total from its groups, the total's mean weighted by the groups' n."""
    row.total = _add_up(scale, list(row.groups.values()))
    if row.total.n:
        row.total.mean = sum((f.mean * f.n for f in row.groups.values() if f.n),
                             Fraction(0)) / row.total.n


def _item_rows(items, scale, sizes, answers) -> list[Row]:
    levels = answers.levels
    index = {key: g for g, key in enumerate(answers.keys)}
    rows = []
    for k, item in enumerate(items):
        row = Row(item.key, item.label or item.column, item.theme, reverse=item.reverse)
        tally = _tally(answers, answers.codes[:, k])
        for grp, size in sizes.items():
            got = tally[index[grp]] if grp in index else np.zeros(levels + 2, np.int64)
            per = tuple(int(c) for c in got[1:levels + 1])
            n, dk = sum(per), int(got[levels + 1])
            lo_hi = item.scale_min + item.scale_max
            total = sum((lo_hi - v if item.reverse else v) * c
                        for v, c in zip(scale.values, per))
            row.groups[grp] = Figures(scale, n, n, per, dk, max(size - n - dk, 0),
                                      Fraction(total, n) if n else None)
        _finish(row, scale)
        rows.append(row)
    return rows


def _theme_rows(items, scale, sizes, answers) -> list[Row]:
    levels = answers.levels
    index = {key: g for g, key in enumerate(answers.keys)}
    rows = []
    for theme in themes(items):
        ks = [k for k, i in enumerate(items) if i.theme == theme]
        codes = answers.codes[:, ks]
        answered = (codes >= 1) & (codes <= levels)
        # scored codes: a reverse-scored item's code c (value low + c - 1) becomes
        # min + max - value, as a code
        flip = np.array([i.reverse for i in (items[k] for k in ks)], dtype=bool)
        lo_hi = np.array([items[k].scale_min + items[k].scale_max for k in ks], np.int64)
        value = codes + (scale.low - 1)
        scored_value = np.where(flip, lo_hi - value, value)
        scored = np.where(answered, scored_value - (scale.low - 1), codes)
        tally = _tally(answers, scored)
        # each respondent's mean of the items they answered: exact, from (n, sum) patterns
        n_each = answered.sum(axis=1)
        sum_each = np.where(answered, scored_value, 0).sum(axis=1)
        means = {}
        keep = n_each > 0
        top = int(sum_each.max(initial=0)) + 1
        pattern = (answers.group[keep] * (len(ks) + 1) + n_each[keep]) * top + sum_each[keep]
        for p, c in zip(*np.unique(pattern, return_counts=True)):
            rest, total = divmod(int(p), top)
            g, n = divmod(rest, len(ks) + 1)
            people, acc = means.get(g, (0, Fraction(0)))
            means[g] = (people + int(c), acc + int(c) * Fraction(total, n))
        row = Row(theme, theme, theme, items=len(ks))
        for grp, size in sizes.items():
            g = index.get(grp)
            got = tally[g] if g is not None else np.zeros(levels + 2, np.int64)
            per = tuple(int(c) for c in got[1:levels + 1])
            dk = int(got[levels + 1])
            people, acc = means.get(g, (0, Fraction(0)))
            row.groups[grp] = Figures(scale, people, sum(per), per, dk,
                                      max(size * len(ks) - sum(per) - dk, 0),
                                      acc / people if people else None)
        _finish(row, scale)
        rows.append(row)
    return rows


def _add_up(scale: Scale, parts: list[Figures]) -> Figures:
    """The figures of everyone from the groups' (mean filled in by the caller)."""
    counts = tuple(sum(x) for x in zip(*(p.counts for p in parts))) if parts else tuple(
        0 for _v in scale.values)
    return Figures(scale, sum(p.n for p in parts), sum(p.answers for p in parts), counts,
                   sum(p.dont_know for p in parts), sum(p.blank for p in parts))


def suppress(row: Row, min_group: int) -> None:
    """Small-number suppression of one row: the total and each group with n below
    `min_group` are suppressed; when that leaves exactly one group suppressed, the
    unsuppressed group with the smallest n goes too (no back-calculation from the total)."""
    row.total.suppressed = row.total.n < min_group
    for fig in row.groups.values():
        fig.suppressed = fig.n < min_group
    hidden = [g for g, f in row.groups.items() if f.suppressed]
    shown = [(f.n, k, g) for k, (g, f) in enumerate(row.groups.items()) if not f.suppressed]
    if len(hidden) == 1 and shown and not row.total.suppressed:
        row.groups[min(shown)[2]].suppressed = True
