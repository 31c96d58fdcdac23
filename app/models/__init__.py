"""The project's data model (SQLAlchemy 2 ORM): data only, no behaviour that needs a session."""

from app.models.attribute import ATTRIBUTE_TYPES, AttributeDefinition, AttributeValue
from app.models.base import Base, new_guid, utcnow
from app.models.codebook import Code, Coder
from app.models.codeset import CodeSet, code_set_member
from app.models.coding import Coding
from app.models.displays import (
    Condensate,
    IllustrativeQuote,
    SavedDisplay,
    Synthesis,
    condensate_coding,
)
from app.models.document import Document, SpeakerTurn
from app.models.privacy import Pseudonym
from app.models.project import ProjectInfo
from app.models.server import ServerMember
from app.models.survey import (
    Respondent,
    RespondentValue,
    Survey,
    SurveyAnswer,
    SurveyItem,
    SurveyReference,
    SurveyReferenceValue,
    SurveyText,
    SurveyThemeCode,
)
from app.models.team import (
    CodebookVersion,
    CodeEvent,
    ReviewDecision,
    Round,
    round_coder,
    round_document,
)

__all__ = [
    "ATTRIBUTE_TYPES",
    "AttributeDefinition",
    "AttributeValue",
    "Base",
    "CodeEvent",
    "CodebookVersion",
    "Round",
    "round_coder",
    "round_document",
    "Code",
    "Coder",
    "CodeSet",
    "code_set_member",
    "Coding",
    "Condensate",
    "IllustrativeQuote",
    "SavedDisplay",
    "Synthesis",
    "condensate_coding",
    "Document",
    "ProjectInfo",
    "Pseudonym",
    "ReviewDecision",
    "Respondent",
    "RespondentValue",
    "ServerMember",
    "Survey",
    "SurveyAnswer",
    "SurveyItem",
    "SurveyReference",
    "SurveyReferenceValue",
    "SurveyText",
    "SurveyThemeCode",
    "SpeakerTurn",
    "new_guid",
    "utcnow",
]
