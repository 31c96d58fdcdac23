"""Survey import (#21): xlsx and csv (UTF-8 with BOM, cp1252), numbers and scale labels,
don't know and blank, comment documents carrying the respondent's background values, every
bad cell reported by file row and heading with the project left unchanged, duplicates,
delete, pseudonymisation of comments and no respondent id in quote exports."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.core.survey import (
    SurveyImportFailed,
    delete_survey,
    import_survey,
    list_surveys,
    preview,
)
from app.models import Document, Respondent, SurveyAnswer, SurveyItem, SurveyText
from tests.conftest import project_digest
from tests.core.survey.import_files import (
    HEADINGS,
    ROWS,
    row_counts,
    write_csv,
    write_mapping,
    write_xlsx,
)

EXPECTED = {  # respondent ref -> item key -> value, "dk" for don't know; blanks absent
    "R-1001": {"info1": 4, "resp1": 4, "vent": 1},
    "R-1002": {"info1": 2, "resp1": "dk", "vent": 2},
    "R-1003": {"info1": "dk", "vent": 3},
    "R-1004": {"info1": 3, "resp1": 2},
}
SURVEY = "Brukerundersøkelse 2025"


def _digest(project) -> str:
    return project_digest(str(project.path) if project.shared else project.path)


def _answers(project) -> dict[str, dict[str, object]]:
    with project.read() as s:
        rows = s.execute(select(Respondent.ref, SurveyItem.key, SurveyAnswer.value,
                                SurveyAnswer.dont_know)
                         .join(SurveyAnswer, SurveyAnswer.respondent_id == Respondent.id)
                         .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)).all()
    out: dict[str, dict[str, object]] = {}
    for ref, key, value, dk in rows:
        out.setdefault(ref, {})[key] = "dk" if dk else value
    return out


def _documents(project) -> dict[str, tuple[str, dict[str, str]]]:
    from app.core.documents import list_documents

    with project.read() as s:
        texts = dict(s.execute(select(Document.name, Document.text)).all())
        return {d.name: (texts[d.name], d.attributes) for d in list_documents(s)}


@pytest.mark.parametrize("kind", ["xlsx", "csv-utf8-bom", "csv-cp1252"])
def test_import_reads_numbers_labels_dont_know_and_blanks(project, tmp_path, kind):
    if kind == "xlsx":
        path = write_xlsx(tmp_path / "svar.xlsx")
    elif kind == "csv-utf8-bom":
        path = write_csv(tmp_path / "svar.csv", encoding="utf-8-sig")
    else:
        path = write_csv(tmp_path / "svar.csv", encoding="cp1252", sep=",")
    summary = import_survey(project, path, write_mapping(tmp_path))
    assert (summary.respondents, summary.items, summary.answers, summary.dont_know,
            summary.comments) == (4, 3, 8, 2, 2)
    assert _answers(project) == EXPECTED
    with project.read() as s:
        items = {i.key: i for i in s.scalars(select(SurveyItem))}
        rows = dict(s.execute(select(Respondent.ref, Respondent.row)).all())
        assert items["vent"].reverse and not items["info1"].reverse
        assert items["info1"].theme == "Informasjon" and items["kommentar"].kind == "text"
        assert json.loads(items["resp1"].scale_labels)[2] == "Litt enig"
        assert [i.key for i in sorted(items.values(), key=lambda i: i.position)] == [
            "info1", "resp1", "vent", "kommentar"]
    assert rows == {"R-1001": 1, "R-1002": 2, "R-1003": 3, "R-1004": 4}
    docs = _documents(project)
    assert docs == {  # æøå decoded right, CRLF -> LF inside the comment, the blank one left out
        f"{SURVEY} – svar 0001": ("Fint å bli møtt av Kari.",
                                  {"tjeneste": "Aktivitetshus", "bydel": "Grünerløkka"}),
        f"{SURVEY} – svar 0003": ("Ventetiden var lang.\nMen nå går det bra på Tøyen.",
                                  {"tjeneste": "Aktivitetshus", "bydel": "Grünerløkka"}),
    }
    with project.read() as s:
        from app.core.attributes import definitions

        assert {d.name for d in definitions(s)} == {"tjeneste", "bydel"}
        assert s.scalar(select(Document.length).where(Document.name.like("%0003"))) == 49
        assert len(list(s.scalars(select(SurveyText.document_id)))) == 2


def test_background_values_fill_existing_attributes(project, tmp_path):
    from app.core.attributes import define_attribute

    with project.write() as s:
        define_attribute(s, "tjeneste", "choice", ["Psykisk helsearbeid", "Aktivitetshus"])
    import_survey(project, write_xlsx(tmp_path / "svar.xlsx"), write_mapping(tmp_path))
    with project.read() as s:
        from app.core.attributes import definitions

        assert [d.name for d in definitions(s)] == ["tjeneste", "bydel"]


def test_comments_are_normalised_nfc(project, tmp_path):
    rows = [["R-1", "Aktivitetshus", "Bjerke", 1, 1, 1, "Bra\u030a tilbud\r\nog ro"]]
    import_survey(project, write_csv(tmp_path / "s.csv", rows=rows), write_mapping(tmp_path))
    text, _attrs = next(iter(_documents(project).values()))
    assert text == "Br\u00e5 tilbud\nog ro"


def test_a_control_character_in_a_comment_is_a_bad_cell(project, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[2][6] = "Ventetiden\x07 var lang."
    with pytest.raises(SurveyImportFailed) as err:
        import_survey(project, write_csv(tmp_path / "s.csv", rows=rows), write_mapping(tmp_path))
    assert [(p.row, p.column) for p in err.value.problems] == [(4, HEADINGS[6])]
    assert "control character (U+0007)" in err.value.problems[0].message
    assert row_counts(project)["document"] == 0


BAD = [  # (row index, heading index, cell, what the message says)
    (0, 3, 5, "5 is not on the scale 1–4"),
    (1, 4, "Svært enig", "«Svært enig» is not an answer on the scale"),
    (2, 5, "mye", "«mye» is not an answer on the scale"),
    (3, 3, 2.5, "2.5 is not on the scale 1–4"),
    (1, 5, "0", "0 is not on the scale 1–4"),
]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize("row,col,cell,message", BAD)
def test_every_bad_cell_is_reported_and_nothing_changes(project, tmp_path, kind, row, col,
                                                        cell, message):
    rows = [list(r) for r in ROWS]
    rows[row][col] = cell
    path = (write_xlsx(tmp_path / "svar.xlsx", rows=rows) if kind == "xlsx"
            else write_csv(tmp_path / "svar.csv", rows=rows))
    before, revision, digest = row_counts(project), project.revision(), _digest(project)
    with pytest.raises(SurveyImportFailed) as err:
        import_survey(project, path, write_mapping(tmp_path))
    problems = err.value.problems
    assert [(p.row, p.column) for p in problems] == [(row + 2, HEADINGS[col])]
    assert message in problems[0].message
    assert f"row {row + 2}, column «{HEADINGS[col]}»" in str(err.value)
    assert row_counts(project) == before and project.revision() == revision
    assert _digest(project) == digest
    shown = preview(project, path, write_mapping(tmp_path))  # the preview lists it too
    assert not shown.ok and [(p.row, p.column) for p in shown.problems] == [(row + 2,
                                                                             HEADINGS[col])]


def test_many_bad_cells_are_all_listed(project, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[0][3], rows[2][4], rows[3][5] = 7, "kanskje", 5
    with pytest.raises(SurveyImportFailed) as err:
        import_survey(project, write_csv(tmp_path / "s.csv", rows=rows), write_mapping(tmp_path))
    assert [(p.row, p.column) for p in err.value.problems] == [
        (2, HEADINGS[3]), (4, HEADINGS[4]), (5, HEADINGS[5])]
    assert row_counts(project)["survey"] == 0


def test_unknown_and_missing_columns_are_reported(project, tmp_path):
    headings = [*HEADINGS[:4], "Tidspunkt", *HEADINGS[5:]]  # "De ansatte lytter ..." gone
    path = write_csv(tmp_path / "s.csv", headings=headings)
    shown = preview(project, path, write_mapping(tmp_path))
    assert shown.unknown == ["Tidspunkt"]
    assert shown.missing == ["De ansatte lytter til det jeg sier"]
    assert {(p.row, p.column) for p in shown.problems} == {
        (1, "Tidspunkt"), (None, "De ansatte lytter til det jeg sier")}
    with pytest.raises(SurveyImportFailed):
        import_survey(project, path, write_mapping(tmp_path))
    assert row_counts(project)["respondent"] == 0
    # a column the mapping says to ignore is fine: only the missing one is left
    from tests.core.survey.import_files import MAPPING

    ignoring = MAPPING.replace('dont_know = ["Vet ikke", "9"]',
                               'dont_know = ["Vet ikke", "9"]\nignore = ["Tidspunkt"]')
    shown = preview(project, path, write_mapping(tmp_path, ignoring, "ignoring.toml"))
    assert shown.unknown == [] and shown.problem_count == 1


def test_duplicate_survey_name_is_refused_then_another_name_works(project, tmp_path):
    path, mapping = write_xlsx(tmp_path / "svar.xlsx"), write_mapping(tmp_path)
    import_survey(project, path, mapping)
    before = row_counts(project)
    with pytest.raises(SurveyImportFailed, match="already a survey named"):
        import_survey(project, path, mapping)
    assert row_counts(project) == before
    import_survey(project, path, mapping, name="Brukerundersøkelse 2025 (kopi)")
    with project.read() as s:
        assert [(x.name, x.respondents, x.items, x.comments) for x in list_surveys(s)] == [
            (SURVEY, 4, 3, 2), ("Brukerundersøkelse 2025 (kopi)", 4, 3, 2)]


def test_a_document_with_a_comment_documents_name_is_reported(project, tmp_path):
    from app.core.documents import import_files

    transcript = tmp_path / f"{SURVEY} – svar 0003.txt"
    transcript.write_text("Intervjuer: Hei.\n", encoding="utf-8")
    import_files(project, [transcript])
    before = row_counts(project)
    with pytest.raises(SurveyImportFailed) as err:
        import_survey(project, write_xlsx(tmp_path / "svar.xlsx"), write_mapping(tmp_path))
    assert f"A document named {SURVEY} – svar 0003 already exists" in str(err.value)
    assert row_counts(project) == before


def test_a_value_an_existing_attribute_does_not_allow_is_reported(project, tmp_path):
    from app.core.attributes import define_attribute

    with project.write() as s:
        define_attribute(s, "bydel", "choice", ["Grünerløkka"])
    with pytest.raises(SurveyImportFailed) as err:
        import_survey(project, write_xlsx(tmp_path / "svar.xlsx"), write_mapping(tmp_path))
    assert [(p.row, p.column) for p in err.value.problems] == [(3, "Bydel"), (5, "Bydel")]
    assert "not an allowed value of bydel" in err.value.problems[0].message


def test_preview_shows_columns_counts_and_first_rows_and_changes_nothing(project, tmp_path):
    revision = project.revision()
    shown = preview(project, write_xlsx(tmp_path / "svar.xlsx"), write_mapping(tmp_path))
    assert shown.ok and shown.survey == SURVEY and shown.respondents == 4
    assert [(c["heading"], c["role"]) for c in shown.columns] == [
        ("RespondentID", "respondent"), ("Tjeneste", "background"), ("Bydel", "background"),
        (HEADINGS[3], "likert"), (HEADINGS[4], "likert"), (HEADINGS[5], "likert"),
        (HEADINGS[6], "text")]
    assert (shown.answers, shown.dont_know, shown.blank, shown.comments) == (8, 2, 2, 2)
    assert shown.first_rows[1][HEADINGS[4]] == "don't know"
    assert shown.first_rows[2][HEADINGS[5]] == 3 and shown.first_rows[2][HEADINGS[4]] == ""
    assert project.revision() == revision and row_counts(project)["survey"] == 0


def test_delete_removes_respondents_answers_and_comment_documents(project, tmp_path):
    before = row_counts(project)
    import_survey(project, write_xlsx(tmp_path / "svar.xlsx"), write_mapping(tmp_path))
    with project.write() as s:
        assert delete_survey(s, SURVEY) == (4, 2)
    after = row_counts(project)
    assert {k: v for k, v in after.items() if k != "attribute_definition"} == {
        k: v for k, v in before.items() if k != "attribute_definition"}


def test_comments_are_pseudonymised_and_no_respondent_id_reaches_a_quote_export(
        project, tmp_path):
    from app.core.codebook import create_code
    from app.core.coding import apply_coding, get_or_create_coder
    from app.core.export.quotes import write_quotes_csv, write_quotes_xlsx
    from app.core.privacy.replace import apply_permanently
    from app.core.privacy.terms import add_term

    import_survey(project, write_xlsx(tmp_path / "svar.xlsx"), write_mapping(tmp_path))
    with project.write() as s:
        add_term(s, "Kari", "Navn1")
        add_term(s, "Tøyen", "Sted1", kind="place")
        apply_permanently(s, tmp_path / "key.csv")
    docs = _documents(project)
    assert docs[f"{SURVEY} – svar 0001"][0] == "Fint å bli møtt av Navn1."
    assert docs[f"{SURVEY} – svar 0003"][0].endswith("bra på Sted1.")
    with project.write() as s:
        code = create_code(s, "Informasjon")
        coder = get_or_create_coder(s, "Hanne")
        for doc in s.scalars(select(Document)):
            apply_coding(s, doc, code, coder, 0, doc.length)
    with project.read() as s:
        csv_out = write_quotes_csv(s, tmp_path / "q.csv", group_by="tjeneste")
        xlsx_out = write_quotes_xlsx(s, tmp_path / "q.xlsx", group_by="tjeneste")
    text = csv_out.read_text(encoding="utf-8-sig")
    assert "Fint å bli møtt av Navn1." in text and "Aktivitetshus" in text
    from openpyxl import load_workbook

    cells = " ".join(str(c) for row in load_workbook(xlsx_out).active.iter_rows(values_only=True)
                     for c in row if c is not None)
    assert "Navn1" in cells
    for ref in EXPECTED:
        assert ref not in text and ref not in cells
