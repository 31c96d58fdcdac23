"""The sample project's synthetic KS-style survey: at least 120 respondents over the sample's
districts and services, Norwegian comments as codable documents, some coded by the sample
coder; the same file for the same seed; the demo's Word export holds the joint display."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from app.core.demo import run_demo
from app.core.sample_survey import sample_respondents, write_sample_survey
from app.core.survey.joint import joint_display
from app.models import Coder, Coding
from app.models.survey import Respondent, SurveyText


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return run_demo(tmp_path_factory.mktemp("demo"), language="nb")


def test_the_file_is_the_same_for_the_same_seed(tmp_path):
    a = write_sample_survey(tmp_path / "a.csv").read_bytes()
    assert a == write_sample_survey(tmp_path / "b.csv").read_bytes()
    assert a != write_sample_survey(tmp_path / "c.csv", seed=1).read_bytes()
    people = sample_respondents()
    assert len(people) >= 120
    assert len({p.district for p in people}) == 6 and len({p.service for p in people}) == 6
    rus = Counter(a == "" for p in people for c, a in p.answers.items() if "rusrelaterte" in c)
    assert rus[True] > rus[False]  # skipped by most


def test_sample_holds_the_survey_with_coded_comments(demo):
    from app.core.project import Project

    with Project.open(demo.project, read_only=True) as p, p.read() as s:
        assert s.scalar(select(func.count()).select_from(Respondent)) >= 120
        texts = s.scalar(select(func.count()).select_from(SurveyText))
        coded = s.scalar(select(func.count(func.distinct(Coding.document_id))).join(
            SurveyText, SurveyText.document_id == Coding.document_id).join(
            Coder, Coder.id == Coding.coder_id).where(Coder.name == "Hanne"))
        d = joint_display(s, by="tjeneste")
    assert texts >= 40 and 30 <= coded < texts  # some comments coded, not all
    info = next(r for r in d.rows if r.theme == "Informasjon")
    assert info.codes == ["Andre kjennetegn/Informasjon"]
    assert info.total.comments > 0 and info.total.interviews > 0
    assert any(c.survey is not None and c.survey.suppressed for c in info.cells)  # Støttekontakt


def test_demo_word_export_holds_the_joint_table(demo):
    import docx

    path = demo.project.parent / "demo-brukerundersokelse.docx"
    assert path in demo.outputs and "demo-brukerundersokelse.docx" in demo.message
    table = docx.Document(str(path)).tables[0]
    head = [c.text for c in table.rows[0].cells]
    assert head[0] == "Tema" and "Psykisk helsearbeid" in head and head[-1] == "Sum"
    themes = [r.cells[0].text.split("\n")[0] for r in table.rows[1:]]
    assert "Respektfull behandling" in themes
    cells = [c.text for r in table.rows[1:] for c in r.cells]
    assert any("for få" in c for c in cells) and any("(n\u00a048)" in c for c in cells)
