"""User surveys beside the interviews (#21): the mapping (mapping.py), reading .xlsx/.csv
exports (reader.py), import with preview, all or nothing (importer.py), and the project's
surveys (surveys.py). Statistics, charts and joint displays live in their own modules here."""

from app.core.survey.importer import (
    ImportSummary,
    Preview,
    SurveyImportFailed,
    import_survey,
    preview,
)
from app.core.survey.mapping import Mapping, load_mapping, parse_mapping
from app.core.survey.surveys import SurveyInfo, delete_survey, get_survey, list_surveys

__all__ = [
    "ImportSummary", "Mapping", "Preview", "SurveyImportFailed", "SurveyInfo", "delete_survey",
    "get_survey", "import_survey", "list_surveys", "load_mapping", "parse_mapping", "preview",
]
