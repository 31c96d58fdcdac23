"""Survey import: `preview` shows what a file and a mapping would give (columns matched,
unknown and missing columns, counts, the first rows as parsed, every bad cell) and changes
nothing; `import_survey` writes the survey in one transaction - all of it, or nothing when
any cell, column or name is wrong.

Each respondent becomes a case (Respondent) with background values (RespondentValue, in the
project's attributes); each Likert answer a SurveyAnswer (don't know: a row without a value;
blank: no row); each non-empty free-text answer a short Document of its own ("<survey> – svar
0042", text normalised like an imported transcript) that carries the respondent's background
values as document attributes, linked by SurveyText. Rows are written with bulk inserts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.survey.mapping import MAX_NAME, Mapping, load_mapping
from app.core.survey.parse import DONT_KNOW, Parsed, Problem, parse
from app.core.survey.reader import read_table
from app.core.survey.writer import ImportSummary, write_survey
from app.errors import ImportFailed, InvalidInput
from app.i18n import _

PREVIEW_ROWS = 5


class SurveyImportFailed(ImportFailed):
    """The file does not fit the mapping or the project; nothing was written. `problems`
    lists them (at most MAX_PROBLEMS), `total` counts them all."""

    def __init__(self, file: str, problems: list[Problem], total: int) -> None:
        self.file = file
        self.problems = problems
        self.total = total
        first = problems[0].text() if problems else ""
        super().__init__(_("Nothing was imported from {file}; problems to fix first: {n}. "
                           "The first: {first}").format(file=file, n=total, first=first))

    def lines(self) -> list[str]:
        """Every listed problem, one line each."""
        out = [p.text() for p in self.problems]
        if self.total > len(self.problems):
            out.append(_("... and {n} more.").format(n=self.total - len(self.problems)))
        return out


@dataclass
class Preview:
    """What an import would do."""

    survey: str
    file: str
    respondents: int
    columns: list[dict]  # heading, role, key, theme/attribute, in the mapping's order
    unknown: list[str]
    missing: list[str]
    absent: list[str]  # optional columns the file does not have
    answers: int
    dont_know: int
    blank: int
    comments: int
    first_rows: list[dict]
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def as_json(self) -> dict:
        return {
            "survey": self.survey, "file": self.file, "respondents": self.respondents,
            "columns": self.columns, "unknown": self.unknown, "missing": self.missing,
            "absent": self.absent, "answers": self.answers, "dont_know": self.dont_know,
            "blank": self.blank, "comments": self.comments, "first_rows": self.first_rows,
            "problems": [p.as_json() for p in self.problems], "problem_count":
                self.problem_count, "ok": self.ok,
        }


def _mapping(mapping: Mapping | str | os.PathLike) -> Mapping:
    return mapping if isinstance(mapping, Mapping) else load_mapping(mapping)


def survey_name(mapping: Mapping, file: str | os.PathLike, name: str | None = None) -> str:
    """The survey's name: `name`, else the mapping's, else the file name without extension."""
    from app.core.names import control_character

    chosen = (name if name is not None else mapping.name or Path(file).stem).strip()
    if not chosen or len(chosen) > MAX_NAME:
        raise InvalidInput(_("The survey name must be 1 to {max} characters.").format(
            max=MAX_NAME))
    if control_character(chosen):
        raise InvalidInput(_("The survey name contains an invisible control character; remove "
                             "it and try again."))
    import unicodedata

    return unicodedata.normalize("NFC", chosen)


def document_names(name: str, parsed: Parsed) -> dict[tuple[int, str], str]:
    """(file row, text key) -> the comment document's name: "<survey> – svar 0042" (the
    respondent's row among the data rows; the text key is added when there are several)."""
    keys = [m.column.key for m in parsed.of("text")]
    width = max(4, len(str(len(parsed.table.rows))))
    out = {}
    for r in parsed.respondents:
        for key in r.texts:
            number = str(r.row - 1).zfill(width)
            # The same in every language: a document's name is data, not a message.
            out[(r.row, key)] = (f"{name} – svar {number}" if len(keys) == 1
                                 else f"{name} – {key} – svar {number}")
    return out


def _check_project(s: Session, parsed: Parsed, name: str, names: dict) -> dict[str, object]:
    """Problems that depend on the project (the survey's name, the documents' names, values
    an existing attribute does not allow); returns attribute name -> definition or None."""
    from app.core.attributes import normalise_value
    from app.core.lookup import nfc
    from app.models import AttributeDefinition, Document, Survey

    if s.scalar(select(Survey.id).where(Survey.name == name)) is not None:
        parsed.add(None, "", _("There is already a survey named {name} in the project; give "
                               "this one another name.").format(name=name))
        names = {}  # its documents' names would clash too: one problem is enough
    wanted = sorted(set(names.values()))
    taken = [n for i in range(0, len(wanted), 500) for n in s.scalars(
        select(Document.name).where(Document.name.in_(wanted[i:i + 500])))]
    if taken:
        parsed.add(None, "", _("A document named {name} already exists.").format(name=taken[0]))
    definitions: dict[str, object] = {}
    for m in parsed.of("background"):
        attr = nfc(m.column.key)
        d = s.scalar(select(AttributeDefinition).where(AttributeDefinition.name == attr))
        definitions[m.column.key] = d
        if d is None or d.type == "text":
            continue
        seen: dict[str, tuple[str | None, str]] = {}
        for r in parsed.respondents:
            raw = r.background.get(m.column.key)
            if raw is None:
                continue
            if raw not in seen:
                try:
                    seen[raw] = (normalise_value(d, raw), "")
                except InvalidInput as exc:
                    seen[raw] = (None, str(exc))
            value, problem = seen[raw]
            if value is None:
                parsed.add(r.row, m.heading, problem)
            else:
                r.background[m.column.key] = value
    return definitions


def _read(file, mapping) -> tuple[Mapping, Parsed]:
    mapping = _mapping(mapping)
    return mapping, parse(read_table(file), mapping)


def preview(project_or_session, file: str | os.PathLike, mapping: Mapping | str | os.PathLike,
            name: str | None = None) -> Preview:
    """What importing `file` with `mapping` would do; changes nothing. Problems are listed in
    the preview, not raised (a bad mapping file or an unreadable survey file still raises)."""
    mapping, parsed = _read(file, mapping)
    name = survey_name(mapping, file, name)
    names = document_names(name, parsed)
    if isinstance(project_or_session, Session):
        _check_project(project_or_session, parsed, name, names)
    else:
        with project_or_session.read() as s:
            _check_project(s, parsed, name, names)
    return _preview(parsed, name, Path(file).name, names)


def _preview(parsed: Parsed, name: str, file: str, names: dict) -> Preview:
    columns = []
    for m in parsed.matched:
        c = m.column
        columns.append({"heading": m.heading, "role": c.role, "key": c.key,
                        "theme": c.theme, "reverse": c.reverse})
    likert = parsed.of("likert")
    answers = sum(1 for r in parsed.respondents for v in r.answers.values() if v is not DONT_KNOW)
    dont_know = sum(1 for r in parsed.respondents for v in r.answers.values() if v is DONT_KNOW)
    blank = len(parsed.respondents) * len(likert) - answers - dont_know
    first = []
    for r in parsed.respondents[:PREVIEW_ROWS]:
        row: dict[str, object] = {"row": r.row}
        for m in parsed.matched:
            key = m.column.key
            if m.column.role == "respondent":
                row[m.heading] = r.ref
            elif m.column.role == "background":
                row[m.heading] = r.background.get(key, "")
            elif m.column.role == "likert":
                value = r.answers.get(key)
                row[m.heading] = (_("don't know") if value is DONT_KNOW
                                  else "" if value is None else value)
            else:
                row[m.heading] = r.texts.get(key, "")
        first.append(row)
    return Preview(name, file, len(parsed.respondents), columns, parsed.unknown,
                   [c.headings[0] for c in parsed.missing], [c.headings[0] for c in parsed.absent],
                   answers, dont_know, blank, len(names), first, parsed.problems,
                   parsed.problem_count)


def import_survey(project, file: str | os.PathLike, mapping: Mapping | str | os.PathLike,
                  name: str | None = None, imported_by: str = "") -> ImportSummary:
    """Import a survey file as one action: everything, or nothing (SurveyImportFailed with
    every problem by row and column)."""
    mapping, parsed = _read(file, mapping)
    name = survey_name(mapping, file, name)
    names = document_names(name, parsed)
    file_name = Path(file).name
    if parsed.problem_count:
        raise SurveyImportFailed(file_name, parsed.problems, parsed.problem_count)
    with project.write() as s:
        definitions = _check_project(s, parsed, name, names)
        if parsed.problem_count:
            raise SurveyImportFailed(file_name, parsed.problems, parsed.problem_count)
        return write_survey(s, parsed, name, file_name, names, definitions, imported_by)
