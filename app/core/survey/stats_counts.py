"""Reading a survey's answers for the statistics (#21): one row per respondent, their group and
every Likert answer packed into a few integers by the database, unpacked here into a
respondents x items matrix of answer codes.

Why packed: a plain GROUP BY (group, item, value) over 20,000 respondents x 26 items makes
SQLite sort half a million rows (~350 ms on the development machine, more than the 300 ms a
table may take). Grouping by respondent instead follows the answers' primary key (no sort),
and each respondent's answers come back as a couple of integers: 3 bits per item (0 blank,
1..L a scale value, L+1 don't know), shifted into place by the item's slot. The SQL is plain
CASE, CAST, SUM and `<<`, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import BigInteger, and_, case, cast, func, literal_column, select
from sqlalchemy.orm import Session

from app.models.survey import Respondent, RespondentValue, SurveyAnswer, SurveyItem

BLANK = 0


@dataclass
class Answers:
    """Answer codes of the respondents who answered anything, with their groups."""

    levels: int  # L: values on the scale; code L + 1 is don't know
    keys: list  # group value per group index (a value, None for no value, or 0 without `by`)
    group: np.ndarray  # (R,) the group index of each respondent
    codes: np.ndarray  # (R, K) answer codes, columns in the order of the items asked for

    @property
    def dont_know(self) -> int:
        return self.levels + 1


def _group_column(q, respondent_id, attribute_id: int | None):
    """`q` with the respondent's group as an extra column (the constant 0 without a
    grouping attribute), and the column to GROUP BY (None without one)."""
    if attribute_id is None:
        return q.add_columns(literal_column("0").label("grp")), None
    q = q.outerjoin(RespondentValue, and_(RespondentValue.respondent_id == respondent_id,
                                          RespondentValue.attribute_id == attribute_id))
    return q.add_columns(RespondentValue.value.label("grp")), RespondentValue.value


def group_sizes(s: Session, survey_id: int, attribute_id: int | None) -> dict:
    """Respondents per group (every respondent, answers or not)."""
    q, key = _group_column(select(func.count()).select_from(Respondent), Respondent.id,
                           attribute_id)
    q = q.where(Respondent.survey_id == survey_id)
    if key is not None:
        q = q.group_by(key)
    return {grp: n for n, grp in s.execute(q) if n}


def read_answers(s: Session, survey_id: int, all_items: list[SurveyItem],
                 wanted: list[SurveyItem], low: int, high: int,
                 attribute_id: int | None) -> Answers:
    """The answer codes of `wanted` (some of the survey's Likert items `all_items`) on the
    scale `low`..`high`: values outside the scale count as blank."""
    levels = high - low + 1
    bits = (levels + 1).bit_length()
    per = 62 // bits  # slots per packed integer (kept clear of the sign bit)
    first = min(i.id for i in all_items)
    span = max(i.id for i in all_items) - first + 1
    slot = SurveyAnswer.item_id - first
    code = case((SurveyAnswer.value.is_(None), levels + 1),
                (SurveyAnswer.value.between(low, high), SurveyAnswer.value - (low - 1)),
                else_=BLANK)
    packed = [func.sum(case((slot.between(j * per, j * per + per - 1),
                             cast(code, BigInteger).op("<<")((slot - j * per) * bits)),
                            else_=0)).label(f"p{j}")
              for j in range((span + per - 1) // per)]
    inner = (select(SurveyAnswer.respondent_id.label("rid"), *packed)
             .where(SurveyAnswer.respondent_id.in_(
                 select(Respondent.id).where(Respondent.survey_id == survey_id)))
             .group_by(SurveyAnswer.respondent_id).subquery())
    q, _key = _group_column(select(*(inner.c[f"p{j}"] for j in range(len(packed))))
                            .select_from(inner), inner.c.rid, attribute_id)
    # Core rows (no ORM row processing) as plain tuples: numpy probes a Row for array
    # interfaces, one failed key lookup per attribute and row
    rows = list(map(tuple, s.connection().execute(q)))
    keys: dict = {}
    group = np.fromiter((keys.setdefault(r[-1], len(keys)) for r in rows), dtype=np.int64,
                        count=len(rows))
    table = np.array(rows, dtype=object).reshape(len(rows), len(packed) + 1)
    ints = table[:, :-1].astype(np.int64)  # PostgreSQL's SUM gives Decimals: int() each
    mask = (1 << bits) - 1
    codes = np.empty((len(rows), len(wanted)), dtype=np.int64)
    for k, item in enumerate(wanted):
        j, place = divmod(item.id - first, per)
        codes[:, k] = (ints[:, j] >> (place * bits)) & mask
    return Answers(levels, list(keys), group, codes)
