"""What the window offers to choose from for a survey: the project's surveys, and for one
survey its themes, the respondent attributes its respondents have values for, and its reference
sets; and the saved theme -> code rows of a joint display as a whole, so the window's undo can
put back exactly what was saved before (app.core.survey.joint edits them theme by theme)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models import AttributeDefinition
from app.models.survey import (Respondent, RespondentValue, Survey, SurveyItem, SurveyReference,
                               SurveyThemeCode)


@dataclass
class SurveyChoices:
    name: str
    themes: list[str] = field(default_factory=list)  # in the order of their first item
    attributes: list[str] = field(default_factory=list)  # background variables, by name
    references: list[str] = field(default_factory=list)
    min_group: int = 5  # the smallest group shown with figures


def survey_names(s: Session) -> list[str]:
    """The project's surveys by name, in alphabetical order."""
    return list(s.scalars(select(Survey.name).order_by(Survey.name)))


def survey_choices(s: Session, name: str) -> SurveyChoices:
    """The themes, background attributes and references of the survey called `name` (empty
    lists when there is no such survey)."""
    survey = s.scalar(select(Survey).where(Survey.name == name))
    out = SurveyChoices(name)
    if survey is None:
        return out
    themes = s.scalars(select(SurveyItem.theme).where(
        SurveyItem.survey_id == survey.id, SurveyItem.kind == "likert", SurveyItem.theme != "")
        .order_by(SurveyItem.position, SurveyItem.id))
    out.themes = list(dict.fromkeys(themes))
    out.min_group = survey.min_group
    used = select(RespondentValue.attribute_id).join(
        Respondent, Respondent.id == RespondentValue.respondent_id).where(
        Respondent.survey_id == survey.id).distinct()
    out.attributes = list(s.scalars(select(AttributeDefinition.name).where(
        AttributeDefinition.id.in_(used)).order_by(AttributeDefinition.sort_order,
                                                     AttributeDefinition.id)))
    out.references = list(s.scalars(select(SurveyReference.name).where(
        SurveyReference.survey_id == survey.id).order_by(SurveyReference.name)))
    return out


def saved_theme_codes(s: Session, survey: str) -> list[tuple[str, int]]:
    """The (theme, code id) rows saved for the survey called `survey` (none: suggested)."""
    from app.core.survey.stats import find_survey

    sv = find_survey(s, survey)
    rows = s.execute(select(SurveyThemeCode.theme, SurveyThemeCode.code_id).where(
        SurveyThemeCode.survey_id == sv.id))
    return [(theme, code_id) for theme, code_id in rows]


def restore_theme_codes(s: Session, survey: str, rows: list[tuple[str, int]]) -> None:
    """Save exactly `rows` (theme, code id) for the survey, in the open write transaction."""
    from app.core.survey.stats import find_survey

    sv = find_survey(s, survey)
    s.execute(delete(SurveyThemeCode).where(SurveyThemeCode.survey_id == sv.id))
    s.flush()
    for theme, code_id in dict.fromkeys(rows):
        s.add(SurveyThemeCode(survey_id=sv.id, theme=theme, code_id=code_id))
    s.flush()


def current_theme_codes(s: Session, survey: str) -> tuple[list[str], dict[str, list[str]]]:
    """The survey's themes, and the code paths each is shown beside (saved, or suggested)."""
    from app.core.codebook import code_paths
    from app.core.survey import joint, stats

    sv = stats.find_survey(s, survey)
    mapping, _saved = joint.theme_codes(s, sv)
    paths = code_paths(s)
    themes = stats.themes(stats.likert_items(s, sv))
    return themes, {t: [paths[i] for i in mapping.get(t, []) if i in paths] for t in themes}
