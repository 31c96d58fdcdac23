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
  worked out as the total minus the other groups. (Figures of different tables - by two
  different attributes - are not checked against each other.)
- A reference difference is the unrounded mean minus the reference mean.
Figures are kept exact (fractions of whole counts) and rounded only for display, half up
(`round_half_up`): one decimal for means, whole per cent.

All counting is done by the database (GROUP BY over the answers), the same SQL on SQLite and
PostgreSQL; Python only adds up the few hundred groups it returns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlalchemy import and_, case, func, literal_column, select
from sqlalchemy.orm import Session

from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.i18n.numbers import decimal as _decimal
from app.models import AttributeDefinition
from app.models.survey import (Respondent, RespondentValue, Survey, SurveyAnswer, SurveyItem,
                               SurveyReference, SurveyReferenceValue)

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
def find_survey(s: Session, name: str | None = None) -> Survey:
    """The survey called `name`, or the project's only survey when no name is given."""
    if name is not None:
        survey = s.scalar(select(Survey).where(Survey.name == name))
        if survey is None:
            raise NotFound(_("The project has no survey called {name}.").format(name=name))
        return survey
    surveys = s.scalars(select(Survey).order_by(Survey.name).limit(2)).all()
    if not surveys:
        raise NotFound(_("The project has no survey yet: import one first."))
    if len(surveys) > 1:
        raise InvalidInput(_("The project has more than one survey: say which one "
                             "(--survey NAME)."))
    return surveys[0]


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
    items = likert_items(s, sv, theme)
    scale = survey_scale(items)
    attribute = _attribute(s, by) if by else None
    refs = _reference_values(s, sv, reference) if reference else {}

    def grouped(q, respondent_id):
        """`q` with the respondent's group as its first column (a constant without `by`)."""
        if attribute is None:
            return q.add_columns(literal_column("0").label("grp")), None
        q = q.outerjoin(RespondentValue, and_(
            RespondentValue.respondent_id == respondent_id,
            RespondentValue.attribute_id == attribute.id)).add_columns(
                RespondentValue.value.label("grp"))
        return q, RespondentValue.value

    q, key = grouped(select(func.count()).select_from(Respondent), Respondent.id)
    q = q.where(Respondent.survey_id == sv.id)
    sizes = {grp: count for count, grp in s.execute(q.group_by(key) if key is not None else q)}
    table = SurveyTable(sv.name, level, scale, sv.min_group, sum(sizes.values()),
                        by=attribute.name if attribute else None, reference=reference)
    table.groups = _group_order(attribute, sizes) if attribute is not None else []

    if level == ITEMS:
        rows = _item_rows(s, items, scale, sizes, grouped)
    else:
        rows = _theme_rows(s, sv, items, scale, sizes, grouped)
    for row in rows:
        ref = refs.get(("item" if level == ITEMS else "theme", row.key))
        for fig in (row.total, *row.groups.values()):
            fig.reference = ref
        if attribute is None:
            row.groups = {}
        suppress(row, sv.min_group)
    table.rows = rows
    return table


def _item_rows(s, items, scale, sizes, grouped) -> list[Row]:
    ids = [i.id for i in items]
    counts: dict[tuple, int] = {}  # (group, item id, value or None) -> answers
    if ids:
        q, key = grouped(select(SurveyAnswer.item_id, SurveyAnswer.value, func.count())
                         .select_from(SurveyAnswer), SurveyAnswer.respondent_id)
        q = q.where(SurveyAnswer.item_id.in_(ids))
        cols = [SurveyAnswer.item_id, SurveyAnswer.value] + ([key] if key is not None else [])
        for item_id, value, count, grp in s.execute(q.group_by(*cols)):
            counts[(grp, item_id, value)] = count
    rows = []
    for item in items:
        row = Row(item.key, item.label or item.column, item.theme, reverse=item.reverse)
        for grp, size in sizes.items():
            per = tuple(counts.get((grp, item.id, v), 0) for v in scale.values)
            n = sum(per)
            dk = counts.get((grp, item.id, None), 0)
            lo_hi = item.scale_min + item.scale_max
            total = sum((lo_hi - v if item.reverse else v) * c
                        for v, c in zip(scale.values, per))
            row.groups[grp] = Figures(scale, n, n, per, dk, max(size - n - dk, 0),
                                      Fraction(total, n) if n else None)
        row.total = _add_up(scale, list(row.groups.values()))
        if n_total := row.total.n:
            row.total.mean = sum((f.mean * f.n for f in row.groups.values() if f.n),
                                 Fraction(0)) / n_total
        rows.append(row)
    return rows


def _theme_rows(s, sv, items, scale, sizes, grouped) -> list[Row]:
    names = themes(items)
    theme_items = {t: sum(1 for i in items if i.theme == t) for t in names}
    values = list(scale.values)
    scored = case((SurveyItem.reverse,
                   SurveyItem.scale_min + SurveyItem.scale_max - SurveyAnswer.value),
                  else_=SurveyAnswer.value)
    per_value = [func.sum(case((scored == v, 1), else_=0)).label(f"c{k}")
                 for k, v in enumerate(values)]
    # one row per respondent and theme: how many of each scored value, how many don't know
    inner = (select(SurveyAnswer.respondent_id, SurveyItem.theme, *per_value,
                    func.sum(case((SurveyAnswer.value.is_(None), 1), else_=0)).label("dk"))
             .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
             .where(SurveyItem.survey_id == sv.id, SurveyItem.kind == "likert",
                    SurveyItem.theme.in_(names))
             .group_by(SurveyAnswer.respondent_id, SurveyItem.theme).subquery())
    pattern = [inner.c[f"c{k}"] for k in range(len(values))] + [inner.c.dk]
    q, key = grouped(select(inner.c.theme, *pattern, func.count()).select_from(inner),
                     inner.c.respondent_id)
    cols = [inner.c.theme, *pattern] + ([key] if key is not None else [])
    acc: dict[tuple, list] = {}  # (group, theme) -> [n, answers, counts, dk, sum of means]
    for theme, *rest in s.execute(q.group_by(*cols)) if names else ():
        *per, dk, count, grp = rest
        a = acc.setdefault((grp, theme), [0, 0, [0] * len(values), 0, Fraction(0)])
        answered = sum(per)
        if answered:
            a[0] += count
            a[4] += count * Fraction(sum(v * c for v, c in zip(values, per)), answered)
        a[1] += count * answered
        a[2] = [x + count * c for x, c in zip(a[2], per)]
        a[3] += count * dk
    rows = []
    for theme in names:
        row = Row(theme, theme, theme, items=theme_items[theme])
        for grp, size in sizes.items():
            n, answers, per, dk, means = acc.get((grp, theme), [0, 0, [0] * len(values), 0,
                                                                Fraction(0)])
            row.groups[grp] = Figures(scale, n, answers, tuple(per), dk,
                                      max(size * theme_items[theme] - answers - dk, 0),
                                      means / n if n else None)
        row.total = _add_up(scale, list(row.groups.values()))
        if row.total.n:
            row.total.mean = sum((f.mean * f.n for f in row.groups.values() if f.n),
                                 Fraction(0)) / row.total.n
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
