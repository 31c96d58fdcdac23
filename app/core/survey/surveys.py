"""The surveys of a project: find one by name, list them with their counts, delete one with
its respondents, answers and comment documents (one transaction, the caller's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.i18n import _

_CHUNK = 500


def get_survey(s: Session, name: str):
    """The survey named `name`; NotFound (naming the surveys there are) otherwise."""
    from app.core.lookup import nfc, suggestion
    from app.models import Survey

    survey = s.scalar(select(Survey).where(Survey.name == nfc(name.strip())))
    if survey is None:
        names = list(s.scalars(select(Survey.name).order_by(Survey.name)))
        if not names:
            raise NotFound(_("The project has no survey named {name}; it has no surveys at "
                             "all.").format(name=name))
        raise NotFound(_("There is no survey named {name}.").format(name=name)
                       + suggestion(name, names))
    return survey


@dataclass
class SurveyInfo:
    name: str
    source_name: str
    imported_at: datetime
    respondents: int
    items: int
    themes: list[str]
    comments: int

    def as_json(self) -> dict:
        return {"survey": self.name, "file": self.source_name,
                "imported_at": self.imported_at.isoformat(timespec="seconds"),
                "respondents": self.respondents, "items": self.items, "themes": self.themes,
                "comments": self.comments}


def list_surveys(s: Session) -> list[SurveyInfo]:
    from app.models import Respondent, Survey, SurveyItem, SurveyText

    out = []
    for survey in s.scalars(select(Survey).order_by(Survey.name)):
        respondents = s.scalar(select(func.count()).select_from(Respondent)
                               .where(Respondent.survey_id == survey.id)) or 0
        items = list(s.execute(select(SurveyItem.kind, SurveyItem.theme)
                               .where(SurveyItem.survey_id == survey.id)
                               .order_by(SurveyItem.position)))
        themes = list(dict.fromkeys(t for kind, t in items if kind == "likert" and t))
        comments = s.scalar(select(func.count()).select_from(SurveyText)
                            .join(Respondent, Respondent.id == SurveyText.respondent_id)
                            .where(Respondent.survey_id == survey.id)) or 0
        out.append(SurveyInfo(survey.name, survey.source_name, survey.imported_at,
                              int(respondents), sum(1 for k, _t in items if k == "likert"),
                              themes, int(comments)))
    return out


def comment_documents(s: Session, survey_id: int) -> list[int]:
    """The ids of the documents made from a survey's free-text answers."""
    from app.models import Respondent, SurveyText

    return list(s.scalars(select(SurveyText.document_id)
                          .join(Respondent, Respondent.id == SurveyText.respondent_id)
                          .where(Respondent.survey_id == survey_id)))


def delete_survey(s: Session, name: str) -> tuple[int, int]:
    """Delete a survey, its respondents, answers and comment documents (with their codings);
    returns (respondents, documents) deleted."""
    from app.models import Document, Respondent

    survey = get_survey(s, name)
    respondents = s.scalar(select(func.count()).select_from(Respondent)
                           .where(Respondent.survey_id == survey.id)) or 0
    doc_ids = comment_documents(s, survey.id)
    for i in range(0, len(doc_ids), _CHUNK):
        s.execute(delete(Document).where(Document.id.in_(doc_ids[i:i + _CHUNK])))
    s.delete(survey)
    s.flush()
    return int(respondents), len(doc_ids)


def find_survey(s: Session, name: str | None = None):
    """The survey called `name`, or the project's only survey when no name is given."""
    from app.errors import InvalidInput
    from app.models import Survey

    if name is not None:
        return get_survey(s, name)  # NotFound naming the surveys there are
    surveys = s.scalars(select(Survey).order_by(Survey.name).limit(2)).all()
    if not surveys:
        raise NotFound(_("The project has no survey yet: import one first."))
    if len(surveys) > 1:
        raise InvalidInput(_("The project has more than one survey: say which one "
                             "(--survey NAME)."))
    return surveys[0]


def set_min_group(s: Session, name: str | None, n: object) -> tuple[str, int, int]:
    """Set the smallest group a survey's tables and joint displays show figures for (groups
    below it are "too few", protecting respondents' anonymity). Returns (survey, old, new)."""
    from app.errors import InvalidInput

    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 1000:
        raise InvalidInput(_("The smallest group must be a whole number from 1 to 1000."))
    survey = find_survey(s, name)
    old, survey.min_group = survey.min_group, n
    return survey.name, old, n
