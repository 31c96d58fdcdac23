"""Test data for survey statistics, inserted straight through the models (no importer): a
survey, its Likert items, respondents with background attributes and their answers."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.models import AttributeDefinition
from app.models.survey import (Respondent, RespondentValue, Survey, SurveyAnswer, SurveyItem,
                               SurveyReference, SurveyReferenceValue)

DK = "dk"  # an answer "don't know"; None (or a missing key) is a blank
LABELS = ["Helt uenig", "Litt uenig", "Litt enig", "Helt enig"]


def add_survey(s, name: str, items: list[tuple], respondents: list[tuple[dict, dict]],
               min_group: int = 5) -> Survey:
    """`items`: (key, theme) or (key, theme, reverse); `respondents`: (background values by
    attribute name, answers by item key: 1-4, DK, or None for a blank)."""
    survey = Survey(name=name, min_group=min_group, mapping="")
    s.add(survey)
    s.flush()
    by_key = {}
    for pos, spec in enumerate(items):
        key, theme, reverse = (*spec, False)[:3]
        item = SurveyItem(survey_id=survey.id, position=pos, key=key, column=key.upper(),
                          label=f"Påstand {key}", theme=theme, kind="likert", scale_min=1,
                          scale_max=4, scale_labels=json.dumps(LABELS, ensure_ascii=False),
                          dont_know=json.dumps(["Vet ikke"]), reverse=reverse)
        s.add(item)
        by_key[key] = item
    s.flush()
    attributes = {a.name: a for a in s.scalars(select(AttributeDefinition))}
    answers, values = [], []
    for row, (background, given) in enumerate(respondents, start=1):
        r = Respondent(survey_id=survey.id, row=row, ref=f"R{row:04d}")
        s.add(r)
        s.flush()
        for attr, value in background.items():
            if attr not in attributes:
                attributes[attr] = AttributeDefinition(name=attr)
                s.add(attributes[attr])
                s.flush()
            values.append(dict(respondent_id=r.id, attribute_id=attributes[attr].id,
                               value=value))
        for key, value in given.items():
            if value is None:
                continue
            answers.append(dict(respondent_id=r.id, item_id=by_key[key].id,
                                value=None if value == DK else value, dont_know=value == DK))
    if values:
        s.execute(RespondentValue.__table__.insert(), values)
    if answers:
        s.execute(SurveyAnswer.__table__.insert(), answers)
    s.flush()
    return survey


def add_reference(s, survey: Survey, name: str, values: dict[tuple[str, str], float]):
    ref = SurveyReference(survey_id=survey.id, name=name)
    s.add(ref)
    s.flush()
    for (scope, key), mean in values.items():
        s.add(SurveyReferenceValue(reference_id=ref.id, scope=scope, key=key, mean=mean))
    s.flush()
    return ref
