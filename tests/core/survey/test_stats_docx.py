"""The survey report in Word: per theme a chart (a 300-dpi PNG, 16 cm wide) and a table with
the figures the statistics give, rounded half up, "too few answers" instead of figures for
small groups, reference and difference."""

from __future__ import annotations

import io

import docx
import pytest
from docx.shared import Cm
from PIL import Image

from app.core.export.survey_docx import write_survey_docx
from app.errors import NotFound
from tests.core.survey.survey_data import add_reference, add_survey
from tests.core.survey.test_stats import ITEMS_SPEC, PEOPLE


@pytest.fixture
def survey(project):
    with project.write() as s:
        sv = add_survey(s, "KS 2025", ITEMS_SPEC,
                        [({"tjeneste": svc}, {"t1": t1, "t2": t2, "i1": i1})
                         for svc, t1, t2, i1 in PEOPLE])
        add_reference(s, sv, "Landsgjennomsnitt", {("theme", "Tilgjengelighet"): 3.3,
                                                   ("item", "t1"): 2.9})
    return project


def rows(table):
    return [[c.text for c in r.cells] for r in table.rows]


def images(d):
    out = []
    for shape in d.inline_shapes:
        rid = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        out.append((shape.width, Image.open(io.BytesIO(d.part.related_parts[rid].blob))))
    return out


def test_report_without_groups(survey, tmp_path):
    out = tmp_path / "undersøkelse.docx"
    with survey.read() as s:
        write_survey_docx(s, out, reference="Landsgjennomsnitt")
    d = docx.Document(str(out))
    text = "\n".join(p.text for p in d.paragraphs)
    assert d.paragraphs[0].text == "KS 2025" and "13 respondents" in text
    assert "Reference: Landsgjennomsnitt" in text
    # the overview, then each theme's statements: a chart and a table each
    assert len(d.tables) == 3
    shots = images(d)
    assert len(shots) == 3
    for width, image in shots:
        assert width == Cm(16) and [round(x) for x in image.info["dpi"]] == [300, 300]
    overview = rows(d.tables[0])
    assert overview[0] == ["Theme", "n", "Mean", "Helt uenig %", "Litt uenig %",
                           "Litt enig %", "Helt enig %", "Don't know %", "Landsgjennomsnitt",
                           "Difference"]
    assert overview[1] == ["Tilgjengelighet", "13", "2.8", "19", "14", "29", "38", "13",
                           "3.3", "-0.5"]
    assert overview[2][:3] == ["Informasjon", "11", "2.8"] and overview[2][-2:] == ["–", "–"]
    tilg = rows(d.tables[1])
    assert [r[0] for r in tilg[1:]] == ["Påstand t1", "Påstand t2", "The theme as a whole"]
    assert tilg[1][1:] == ["12", "2.8", "17", "17", "33", "33", "8", "2.9", "-0.1"]
    assert tilg[2][1:3] == ["9", "2.9"]  # reverse-scored: mean of 5 - answer


def test_report_by_service_shows_too_few(survey, tmp_path):
    out = tmp_path / "etter-tjeneste.docx"
    with survey.read() as s:
        write_survey_docx(s, out, by="tjeneste", theme="Tilgjengelighet",
                          reference="Landsgjennomsnitt")
    d = docx.Document(str(out))
    assert len(d.tables) == 1 and len(images(d)) == 1
    table = rows(d.tables[0])
    assert table[0][0] == "Group (tjeneste)"
    by_group = {r[0]: r[1:] for r in table[1:]}
    assert by_group["Bolig"] == ["too few answers"] + [""] * 8
    assert by_group["Psykisk helse"] == ["too few answers"] + [""] * 8  # no back-calculation
    assert by_group["Rus"][:2] == ["6", "3.1"] and by_group["Rus"][-1] == "-0.2"
    assert by_group["Everyone"][:2] == ["13", "2.8"]
    assert "too few answers" in "\n".join(p.text for p in d.paragraphs)


def test_items_by_service_and_unknown_theme(survey, tmp_path):
    out = tmp_path / "utsagn.docx"
    with survey.read() as s:
        write_survey_docx(s, out, level="items", by="tjeneste", theme="Tilgjengelighet")
        with pytest.raises(NotFound):
            write_survey_docx(s, tmp_path / "nei.docx", theme="Nope")
    d = docx.Document(str(out))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["Tilgjengelighet", "Påstand t1", "Påstand t2"]
    assert len(d.tables) == 2 and len(images(d)) == 2
    assert not (tmp_path / "nei.docx").exists()


def test_no_reference_columns_without_reference_figures(survey, tmp_path):
    out = tmp_path / "info.docx"
    with survey.read() as s:  # the reference has no figure for Informasjon or its statement
        write_survey_docx(s, out, level="items", by="tjeneste", theme="Informasjon",
                          reference="Landsgjennomsnitt")
    table = rows(docx.Document(str(out)).tables[0])
    assert table[0][-1] == "Don't know %" and "Landsgjennomsnitt" not in table[0]
    assert {r[0]: r[1:3] for r in table[1:]}["Psykisk helse"] == ["5", "2.6"]
