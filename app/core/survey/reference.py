"""Reference sets of a survey (#21): means to compare with, such as the national average of a
year - added or replaced as a whole, listed, deleted. Values come from a CSV file (theme or
item key, mean) or from NAME=MEAN pairs (`--set Tilgjengelighet=3.3`).

A key names a theme of the survey (scope "theme") or one of its items by key (scope "item");
"theme:NAME" or "item:KEY" says which when a name is both. Means are on the survey's scale;
a decimal comma is accepted (3,3).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.core.survey.stats import find_survey, likert_items, themes
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.models.survey import SurveyReference, SurveyReferenceValue

SCOPES = ("theme", "item")


@dataclass
class ReferenceInfo:
    survey: str
    name: str
    values: dict[tuple[str, str], float] = field(default_factory=dict)  # (scope, key) -> mean
    memo: str = ""

    def as_json(self) -> dict:
        return {"survey": self.survey, "name": self.name, "memo": self.memo,
                "themes": {k: m for (scope, k), m in self.values.items() if scope == "theme"},
                "items": {k: m for (scope, k), m in self.values.items() if scope == "item"}}


def parse_mean(text: str, where: str) -> float:
    cleaned = text.strip().replace(",", ".").replace("\u2212", "-")
    try:
        value = float(cleaned)
    except ValueError:
        raise InvalidInput(_("{where}: {text} is not a number.").format(
            where=where, text=text.strip() or '""')) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidInput(_("{where}: {text} is not a number.").format(where=where, text=text))
    return value


def parse_pairs(pairs: list[str]) -> list[tuple[str, str, str]]:
    """`NAME=MEAN` texts as (key, mean text, where) rows."""
    rows = []
    for pair in pairs:
        key, sep, mean = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(_("expected NAME=MEAN, got {value}").format(value=pair))
        rows.append((key.strip(), mean, pair))
    return rows


def read_csv(path: str | os.PathLike) -> list[tuple[str, str, str]]:
    """A CSV file of (theme or item key, mean) rows - comma, semicolon or tab separated, UTF-8
    or Windows-1252, a header row allowed - as (key, mean text, where) rows."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max(";\t,", key=first.count) if any(c in first for c in ";\t,") else ","
    rows = []
    for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        where = _("{file}, line {line}").format(file=Path(path).name, line=number)
        if len(cells) < 2 or not cells[0]:
            raise InvalidInput(_("{where}: expected a theme or item and a mean.").format(
                where=where))
        if number == 1 and not _numeric(cells[1]):
            continue  # a header row
        rows.append((cells[0], cells[1], where))
    return rows


def _numeric(text: str) -> bool:
    try:
        float(text.replace(",", "."))
        return True
    except ValueError:
        return False


def set_reference(s: Session, survey: str | None, name: str,
                  rows: list[tuple[str, str, str]], memo: str = "") -> ReferenceInfo:
    """Add the reference set `name` to the survey, or replace its values if it exists.
    `rows` are (theme name or item key, mean text, where it came from) - see `read_csv`,
    `parse_pairs`. InvalidInput names the first bad row; nothing changes then."""
    sv = find_survey(s, survey)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("A reference set needs a name."))
    if not rows:
        raise InvalidInput(_("The reference set {name} has no values.").format(name=name))
    items = likert_items(s, sv)
    by_key = {i.key: i for i in items}
    names = set(themes(items))
    values: dict[tuple[str, str], float] = {}
    for key, text, where in rows:
        scope, key = _scope(key, by_key, names, where)
        mean = parse_mean(text, where)
        low, high = _scale(items if scope == "theme" else [by_key[key]], key, scope)
        if not low <= mean <= high:
            raise InvalidInput(_("{where}: the mean {mean} of {key} is outside the scale "
                                 "{low}-{high}.").format(where=where, mean=text.strip(),
                                                         key=key, low=low, high=high))
        values[(scope, key)] = mean
    ref = s.scalar(select(SurveyReference).where(SurveyReference.survey_id == sv.id,
                                                 SurveyReference.name == name))
    if ref is None:
        ref = SurveyReference(survey_id=sv.id, name=name, memo=memo)
        s.add(ref)
        s.flush()
    else:
        s.execute(delete(SurveyReferenceValue).where(
            SurveyReferenceValue.reference_id == ref.id))
        if memo:
            ref.memo = memo
    s.add_all(SurveyReferenceValue(reference_id=ref.id, scope=scope, key=key, mean=mean)
              for (scope, key), mean in values.items())
    s.flush()
    return ReferenceInfo(sv.name, name, values, ref.memo)


def _scope(key: str, items: dict, names: set[str], where: str) -> tuple[str, str]:
    scope, sep, rest = key.partition(":")
    if sep and scope.strip().casefold() in SCOPES:
        scope, key = scope.strip().casefold(), rest.strip()
        if (scope == "theme" and key in names) or (scope == "item" and key in items):
            return scope, key
    else:
        in_themes, in_items = key in names, key in items
        if in_themes and in_items:
            raise InvalidInput(_("{where}: {key} is both a theme and an item; write "
                                 "theme:{key} or item:{key}.").format(where=where, key=key))
        if in_themes or in_items:
            return ("theme" if in_themes else "item"), key
    raise InvalidInput(_("{where}: the survey has no theme or item called {key} (themes: "
                         "{themes}).").format(where=where, key=key,
                                              themes=", ".join(sorted(names)) or "-"))


def _scale(items, key: str, scope: str) -> tuple[int, int]:
    chosen = [i for i in items if scope == "item" or i.theme == key]
    return min(i.scale_min for i in chosen), max(i.scale_max for i in chosen)


def list_references(s: Session, survey: str | None = None) -> list[ReferenceInfo]:
    sv = find_survey(s, survey)
    out = []
    for ref in s.scalars(select(SurveyReference).where(SurveyReference.survey_id == sv.id)
                         .order_by(SurveyReference.name)):
        values = {(v.scope, v.key): v.mean for v in s.scalars(
            select(SurveyReferenceValue).where(SurveyReferenceValue.reference_id == ref.id)
            .order_by(SurveyReferenceValue.scope.desc(), SurveyReferenceValue.key))}
        out.append(ReferenceInfo(sv.name, ref.name, values, ref.memo))
    return out


def delete_reference(s: Session, survey: str | None, name: str) -> int:
    """Delete the reference set `name`; returns how many values it held."""
    sv = find_survey(s, survey)
    ref = s.scalar(select(SurveyReference).where(SurveyReference.survey_id == sv.id,
                                                 SurveyReference.name == name))
    if ref is None:
        raise NotFound(_("The survey {survey} has no reference called {name}.").format(
            survey=sv.name, name=name))
    count = s.scalar(select(func.count()).select_from(SurveyReferenceValue).where(
        SurveyReferenceValue.reference_id == ref.id)) or 0
    s.execute(delete(SurveyReferenceValue).where(SurveyReferenceValue.reference_id == ref.id))
    s.execute(delete(SurveyReference).where(SurveyReference.id == ref.id))
    return count
