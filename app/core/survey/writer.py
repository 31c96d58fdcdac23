"""Write a parsed, checked survey into the caller's transaction with bulk inserts: the survey,
its items, respondents with background values, answers, and each free-text answer as a
document with the respondent's background values as attributes (see importer.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.survey.parse import DONT_KNOW, Parsed
from app.models.survey import SURVEY_FORMAT

_CHUNK = 500  # ids looked up per query


@dataclass
class ImportSummary:
    """What an import wrote."""

    survey: str
    respondents: int
    items: int  # Likert statements
    questions: int  # free-text questions
    answers: int
    dont_know: int
    comments: int
    documents: list[str]

    def as_json(self) -> dict:
        return {"survey": self.survey, "respondents": self.respondents, "items": self.items,
                "questions": self.questions, "answers": self.answers, "dont_know": self.dont_know,
                "comments": self.comments, "documents": self.documents}


def write_survey(s: Session, parsed: Parsed, name: str, file_name: str,
                 names: dict[tuple[int, str], str], definitions: dict[str, object],
                 imported_by: str = "") -> ImportSummary:
    """Insert everything; returns an ImportSummary. Nothing is checked here any more."""
    from app.core.attributes import define_attribute
    from app.core.documents import file_name_text, text_sha256
    from app.models import (
        AttributeValue,
        Document,
        Respondent,
        RespondentValue,
        Survey,
        SurveyAnswer,
        SurveyItem,
        SurveyText,
    )
    from app.models.base import new_guid

    attribute_ids = {}
    for key, d in definitions.items():
        attribute_ids[key] = (d if d is not None else define_attribute(s, key, "text")).id
    survey = Survey(name=name, source_name=file_name_text(file_name),
                    mapping=parsed.mapping.source, min_group=parsed.mapping.min_group,
                    imported_by=imported_by)
    s.add(survey)
    s.flush()
    item_ids: dict[str, int] = {}
    for position, m in enumerate((m for m in parsed.matched
                                  if m.column.role in ("likert", "text")), start=1):
        c = m.column
        scale = c.scale
        item = SurveyItem(
            survey_id=survey.id, position=position, key=c.key, column=m.heading, label=c.label,
            theme=c.theme, kind=c.role,
            scale_min=scale.min if scale else 1, scale_max=scale.max if scale else 4,
            scale_labels=json.dumps(list(scale.labels) if scale else [], ensure_ascii=False),
            dont_know=json.dumps(list(c.dont_know), ensure_ascii=False), reverse=c.reverse)
        s.add(item)
        s.flush()
        item_ids[c.key] = item.id

    respondents = parsed.respondents
    _insert(s, Respondent, [
        {"guid": new_guid(), "survey_id": survey.id, "row": r.row - 1, "ref": r.ref}
        for r in respondents])
    ids = dict(s.execute(select(Respondent.row, Respondent.id)
                         .where(Respondent.survey_id == survey.id)).all())
    values = [{"respondent_id": ids[r.row - 1], "attribute_id": attribute_ids[k], "value": v}
              for r in respondents for k, v in r.background.items()]
    if values:
        _insert(s, RespondentValue, values)
    answers = []
    n_dont_know = 0
    for r in respondents:
        rid = ids[r.row - 1]
        for key, value in r.answers.items():
            if value is DONT_KNOW:
                n_dont_know += 1
                answers.append({"respondent_id": rid, "item_id": item_ids[key], "value": None,
                                "dont_know": True})
            else:
                answers.append({"respondent_id": rid, "item_id": item_ids[key], "value": value,
                                "dont_know": False})
    if answers:
        _insert(s, SurveyAnswer, answers)

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    original = file_name_text(file_name)
    docs, links = [], []
    for r in respondents:
        for key, text in r.texts.items():
            guid = new_guid()
            docs.append({"guid": guid, "name": names[(r.row, key)], "text": text,
                         "length": len(text), "sha256": text_sha256(text),
                         "original_filename": original, "source_format": SURVEY_FORMAT,
                         "imported_at": now, "memo": ""})
            links.append((guid, r, key))
    if docs:
        _insert(s, Document, docs)
        doc_ids = _ids_by_guid(s, Document, [d["guid"] for d in docs])
        _insert(s, SurveyText, [
            {"respondent_id": ids[r.row - 1], "item_id": item_ids[key],
             "document_id": doc_ids[guid]} for guid, r, key in links])
        doc_values = [{"document_id": doc_ids[guid], "attribute_id": attribute_ids[k],
                       "value": v}
                      for guid, r, _key in links for k, v in r.background.items()]
        if doc_values:
            _insert(s, AttributeValue, doc_values)
    s.flush()
    texts = sum(1 for m in parsed.matched if m.column.role == "text")
    return ImportSummary(name, len(respondents), len(item_ids) - texts, texts,
                         len(answers) - n_dont_know, n_dont_know, len(docs),
                         [d["name"] for d in docs])


def _insert(s: Session, model, rows: list[dict]) -> None:
    """INSERT many rows (dicts with the same keys, every column a value): the statement is
    compiled once by the project's dialect and the rows go straight to the driver's
    executemany - SQLAlchemy's per-row parameter processing would cost seconds for 500,000
    answers."""
    if not rows:
        return
    conn = s.connection()
    dialect = conn.dialect
    table = model.__table__
    keys = list(rows[0])
    compiled = table.insert().compile(dialect=dialect, column_keys=keys)
    # the types' own conversions (dates, booleans ...) as SQLAlchemy would apply them
    convert = {k: table.c[k].type.dialect_impl(dialect).bind_processor(dialect) for k in keys}
    names = list(compiled.positiontup) if compiled.positional else keys
    getters = [(k, convert[k]) for k in names]
    tuples = [tuple(row[k] if f is None or row[k] is None else f(row[k]) for k, f in getters)
              for row in rows]
    conn.exec_driver_sql(compiled.string,
                         tuples if compiled.positional else [dict(zip(names, t)) for t in tuples])


def _ids_by_guid(s: Session, model, guids: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in range(0, len(guids), _CHUNK):
        chunk = guids[i:i + _CHUNK]
        out.update(s.execute(select(model.guid, model.id).where(model.guid.in_(chunk))).all())
    return out
