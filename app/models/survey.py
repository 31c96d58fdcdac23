"""User surveys beside the interviews (#21): a survey's items (Likert statements with their
theme, or free-text questions), its respondents as cases with background attributes, their
answers, each free-text answer as a short codable document of its own, reference figures
(e.g. the national average) and the theme-to-code mapping of joint displays.

A respondent's background variables use the project's attribute definitions, so "bydel" or
"tjeneste" mean the same for an interview and a respondent; the documents made from a
respondent's comments carry the same values as document attributes. A blank answer has no
`survey_answer` row; "don't know" is a row with `dont_know` set and no value.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, new_guid, utcnow

# Document.source_format of a document made from a respondent's free-text answer.
SURVEY_FORMAT = "survey"


class Survey(Base):
    """One imported survey (one file, one mapping)."""

    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    source_name: Mapped[str] = mapped_column(String(1000), default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(200), default="")
    # The mapping (TOML) the survey was imported with, as given: items, themes, scale.
    mapping: Mapped[str] = mapped_column(Text, default="")
    # Groups with fewer respondents than this are shown as "too few", never as a figure.
    min_group: Mapped[int] = mapped_column(Integer, default=5)
    memo: Mapped[str] = mapped_column(Text, default="")


class SurveyItem(Base):
    """A question of the survey: a Likert statement (kind "likert", with its theme) or a
    free-text question (kind "text")."""

    __tablename__ = "survey_item"
    __table_args__ = (
        UniqueConstraint("survey_id", "key", name="uq_survey_item_key"),
        CheckConstraint("kind IN ('likert', 'text')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    key: Mapped[str] = mapped_column(String(200))  # short and stable, e.g. "tilg1"
    column: Mapped[str] = mapped_column(String(1000))  # the column's heading in the file
    label: Mapped[str] = mapped_column(Text, default="")  # the statement or question
    theme: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(10), default="likert")
    scale_min: Mapped[int] = mapped_column(Integer, default=1)
    scale_max: Mapped[int] = mapped_column(Integer, default=4)
    scale_labels: Mapped[str] = mapped_column(Text, default="[]")  # JSON, low to high
    # Cell values that mean "don't know" (JSON list of strings, compared trimmed, casefolded).
    dont_know: Mapped[str] = mapped_column(Text, default="[]")
    reverse: Mapped[bool] = mapped_column(Boolean, default=False)


class Respondent(Base):
    """One row of the survey file: a case."""

    __tablename__ = "respondent"
    __table_args__ = (UniqueConstraint("survey_id", "row", name="uq_respondent_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           index=True)
    row: Mapped[int] = mapped_column(Integer)  # its row in the file (1 = first data row)
    # The survey tool's own id of the respondent, if any: sensitive, never exported unless
    # asked (pseudonymised exports leave it out).
    ref: Mapped[str] = mapped_column(String(200), default="")


class RespondentValue(Base):
    """A respondent's background variable (service, district, age group ...)."""

    __tablename__ = "respondent_value"

    respondent_id: Mapped[int] = mapped_column(
        ForeignKey("respondent.id", ondelete="CASCADE"), primary_key=True)
    attribute_id: Mapped[int] = mapped_column(
        ForeignKey("attribute_definition.id", ondelete="CASCADE"), primary_key=True,
        index=True)
    value: Mapped[str] = mapped_column(Text)


class SurveyAnswer(Base):
    """A respondent's answer to a Likert item: a value on the item's scale, or don't know."""

    __tablename__ = "survey_answer"
    __table_args__ = (
        CheckConstraint("(value IS NULL) = dont_know", name="value_or_dont_know"),
    )

    respondent_id: Mapped[int] = mapped_column(
        ForeignKey("respondent.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("survey_item.id", ondelete="CASCADE"), primary_key=True, index=True)
    value: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    dont_know: Mapped[bool] = mapped_column(Boolean, default=False)


class SurveyText(Base):
    """A respondent's free-text answer, kept as a document of its own (codable, searchable,
    pseudonymised and exported like a transcript)."""

    __tablename__ = "survey_text"

    respondent_id: Mapped[int] = mapped_column(
        ForeignKey("respondent.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("survey_item.id", ondelete="CASCADE"), primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), unique=True)


class SurveyReference(Base):
    """Figures to compare with, e.g. the national average of a year."""

    __tablename__ = "survey_reference"
    __table_args__ = (UniqueConstraint("survey_id", "name", name="uq_survey_reference_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           index=True)
    name: Mapped[str] = mapped_column(String(200))
    memo: Mapped[str] = mapped_column(Text, default="")


class SurveyReferenceValue(Base):
    """A reference mean for an item (scope "item", key = item key) or a theme (scope "theme",
    key = theme name)."""

    __tablename__ = "survey_reference_value"
    __table_args__ = (CheckConstraint("scope IN ('item', 'theme')", name="scope"),)

    reference_id: Mapped[int] = mapped_column(
        ForeignKey("survey_reference.id", ondelete="CASCADE"), primary_key=True)
    scope: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    mean: Mapped[float] = mapped_column(Float)


class SurveyThemeCode(Base):
    """Joint displays: a survey theme shown beside an interview code (editable, saved)."""

    __tablename__ = "survey_theme_code"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True)
    theme: Mapped[str] = mapped_column(String(200), primary_key=True)
    code_id: Mapped[int] = mapped_column(
        ForeignKey("code.id", ondelete="CASCADE"), primary_key=True, index=True)
