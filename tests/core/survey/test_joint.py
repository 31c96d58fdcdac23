"""Joint displays: survey theme figures by service beside the matching codes' passages in the
interviews and in the survey's comments - figures against hand-computed values, counts equal
to the code-by-attribute matrix, small-number suppression, the mapping suggested from names,
edited and saved; the Word and Excel exports hold the same figures."""

from __future__ import annotations

from fractions import Fraction

import pytest
from sqlalchemy import select

from app.core.displays.matrix import build_matrix
from app.core.survey.joint import (clear_theme_codes, joint_display, set_theme_codes,
                                   theme_codes)
from app.errors import InvalidInput, NotFound
from app.models import AttributeDefinition, AttributeValue, Code, Coder, Coding, Document
from app.core.survey.stats import find_survey
from app.models.survey import (Respondent, Survey, SurveyItem, SurveyText,
                               SurveyThemeCode)
from tests.core.survey.survey_data import DK, add_survey

A, B = "Aktivitetshus", "Bolig"
ITEMS = [("inf1", "Informasjon"), ("inf2", "Informasjon"), ("resp1", "Respektfull behandling"),
         ("res1", "Resultat for brukeren")]
PEOPLE = [  # (service, inf1, inf2, resp1, res1)
    (A, 4, 3, 4, 3), (A, 3, 3, 4, DK), (A, 2, None, 3, 2), (A, 4, 4, 4, 4), (A, DK, 2, 3, 3),
    (A, 3, 1, 4, None),
    (B, 2, 2, 3, 1), (B, 1, DK, 2, 2), (B, 3, 2, 4, 3),
]
TEXT = "Vi fikk aldri vite hva tjenesten kunne tilby oss, og det var vondt. " * 3


@pytest.fixture
def joint(project):
    """Interviews in two services coded Informasjon and Respekt by Hanne and Tor; the survey
    above; one comment (a document of the survey) coded Informasjon."""
    with project.write() as s:
        sv = add_survey(s, "KS", ITEMS, [({"tjeneste": svc}, dict(zip(
            ("inf1", "inf2", "resp1", "res1"), answers))) for svc, *answers in PEOPLE])
        group = Code(name="Andre kjennetegn", codable=False)
        s.add(group)
        s.flush()
        info = Code(name="Informasjon", parent_id=group.id)
        respekt = Code(name="Respekt")
        hanne, tor = Coder(name="Hanne"), Coder(name="Tor")
        s.add_all([info, respekt, hanne, tor])
        tjeneste = s.scalar(select(AttributeDefinition).where(
            AttributeDefinition.name == "tjeneste"))
        docs = {}
        for name, svc in (("fg1", A), ("fg2", A), ("ind3", B), ("svar1", B)):
            docs[name] = Document(name=name, text=TEXT, length=len(TEXT), sha256=name)
            s.add(docs[name])
            s.flush()
            s.add(AttributeValue(document_id=docs[name].id, attribute_id=tjeneste.id,
                                 value=svc))
        s.flush()

        def code(doc, c, who, start, end):
            s.add(Coding(document_id=docs[doc].id, code_id=c.id, coder_id=who.id,
                         start=start, end=end))

        code("fg1", info, hanne, 0, 67)  # 67 characters: a quote fit for the table
        code("fg1", info, tor, 0, 67)  # the same passage: counts once by default
        code("fg1", info, hanne, 70, 137)
        code("fg2", info, tor, 0, 20)  # too short to quote
        code("ind3", info, hanne, 0, 137)
        code("fg2", respekt, hanne, 0, 67)
        code("svar1", info, hanne, 0, 30)  # the comment
        first = s.scalar(select(Respondent).where(Respondent.survey_id == sv.id,
                                                  Respondent.row == 7))
        comment = SurveyItem(survey_id=sv.id, position=9, key="kommentar", column="Kommentar",
                             kind="text")
        s.add(comment)
        s.flush()
        s.add(SurveyText(respondent_id=first.id, item_id=comment.id,
                         document_id=docs["svar1"].id))
    return project


def test_figures_by_hand(joint):
    with joint.read() as s:
        d = joint_display(s, by="tjeneste", quotes=2)
    assert d.columns == [A, B] and d.mapping_saved is False
    assert [r.theme for r in d.rows] == ["Informasjon", "Respektfull behandling",
                                         "Resultat for brukeren"]
    info, resp, result = d.rows
    # suggested from names: Informasjon <-> Informasjon, Respektfull behandling <-> Respekt;
    # Resultat for brukeren matches no code and stays unmapped
    assert info.codes == ["Andre kjennetegn/Informasjon"] and resp.codes == ["Respekt"]
    assert result.codes == [] and result.total.interviews == 0 and result.quotes == []
    # Informasjon, Aktivitetshus: respondents' means 3.5, 3, 2, 4, 2, 2 -> 16.5 / 6
    aktiv = info.cells[0]
    assert aktiv.survey.n == 6 and aktiv.survey.mean == Fraction(33, 12)
    # Bolig has 3 respondents (< 5): too few - and so Aktivitetshus too, or Bolig's figure
    # could be worked out from the total
    assert info.cells[1].survey.suppressed and aktiv.survey.suppressed
    # everyone: 16.5 + 2 + 1 + 2.5 = 22 over 9
    assert info.total.survey.mean == Fraction(22, 9) and not info.total.survey.suppressed
    # passages: fg1 two (the pair coded alike once), fg2 one; ind3 one; the comment apart
    assert [(c.interviews, c.comments) for c in info.cells] == [(3, 0), (1, 1)]
    assert (info.total.interviews, info.total.comments) == (4, 1)
    assert [(c.interviews, c.comments) for c in resp.cells] == [(1, 0), (0, 0)]
    # quotes: 40-300 characters, shortest first, one per document: fg1's 67, then ind3's 137
    assert [(q["document"], q["end"] - q["start"]) for q in info.quotes] == [("fg1", 67),
                                                                         ("ind3", 137)]
    assert info.quotes[0]["text"] == TEXT[:67]
    j = d.as_json()
    assert j["rows"][0]["cells"][0] == {"interviews": 3, "comments": 0, "shown": "too few",
                                        "suppressed": True}
    assert j["rows"][0]["total"]["shown"] == "2.4" and j["rows"][0]["total"]["n"] == 9


def test_agree_and_suppression_rule(joint):
    with joint.write() as s:
        s.scalar(select(Survey)).min_group = 3
    with joint.read() as s:
        d = joint_display(s, by="tjeneste", measure="agree")
    info = d.rows[0]
    # with min_group 3 nothing is hidden; Aktivitetshus pooled answers to inf1 and inf2:
    # 4 3 3 3 2 4 4 2 3 1 -> 7 of 10 agree
    assert info.cells[0].survey.agree_percent == 70
    assert [c["shown"] for c in d.as_json()["rows"][0]["cells"]] == ["70 %", "20 %"]  # Bolig: 2 1 3 2 2


def test_counts_equal_the_code_by_attribute_matrix(joint):
    for scope in (None, "codings"):
        with joint.read() as s:
            d = joint_display(s, by="tjeneste", scope=scope)
            m = build_matrix(s, "codes", "tjeneste", "count", codes=["Informasjon"],
                             scope=scope)
        row = m.cells[m.rows.index("Andre kjennetegn/Informasjon")]
        info = d.rows[0]
        assert [c.interviews + c.comments for c in info.cells] == row
        assert info.total.interviews + info.total.comments == sum(row)
    assert d.scope["kind"] == "codings" and d.rows[0].total.interviews == 5


def test_mapping_edited_saved_and_used(joint):
    with joint.write() as s:
        paths = set_theme_codes(s, None, "resultat FOR brukeren", ["Informasjon", "Respekt"])
    assert paths == ["Andre kjennetegn/Informasjon", "Respekt"]
    with joint.read() as s:
        saved = {(t, c) for t, c in s.execute(select(SurveyThemeCode.theme,
                                                     SurveyThemeCode.code_id))}
        d = joint_display(s, by="tjeneste")
    assert len(saved) == 4  # the suggestion for the other two themes was saved with it
    result = d.rows[2]
    assert d.mapping_saved and result.codes == ["Andre kjennetegn/Informasjon", "Respekt"]
    assert result.total.interviews == 4 + 1
    with joint.write() as s:
        clear_theme_codes(s, "KS", "Informasjon")
    with joint.read() as s:
        mapping, saved = theme_codes(s, find_survey(s))
        d = joint_display(s, by="tjeneste")
    assert saved and "Informasjon" not in mapping and d.rows[0].codes == []
    assert d.rows[0].total.interviews == 0


def test_bad_input_changes_nothing(joint, project_path):
    before = project_path.read_bytes() if project_path.exists() else None
    with pytest.raises(NotFound, match="no theme called Trivsel"):
        with joint.write() as s:
            set_theme_codes(s, None, "Trivsel", ["Respekt"])
    with pytest.raises(NotFound):
        with joint.write() as s:
            set_theme_codes(s, None, "Informasjon", ["Finnes ikke"])
    with pytest.raises(InvalidInput):
        with joint.read() as s:
            joint_display(s, measure="median")
    with joint.read() as s:
        assert s.scalar(select(SurveyThemeCode)) is None
    if before is not None:
        assert project_path.read_bytes() == before


def test_word_and_excel_hold_the_figures(joint, tmp_path):
    import docx
    from openpyxl import load_workbook

    from app.core.export.joint_docx import write_joint_docx, write_joint_xlsx

    with joint.write() as s:
        s.add(Code(name="=HYPERLINK(1)"))
        s.flush()
        set_theme_codes(s, None, "Resultat for brukeren", ["=HYPERLINK(1)"])
    with joint.read() as s:
        d = joint_display(s, by="tjeneste", quotes=1)
    table = docx.Document(str(write_joint_docx(d, tmp_path / "j.docx"))).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Theme", A, B, "Total"]
    info = [c.text for c in table.rows[1].cells]
    assert info == ["Informasjon\n↔ Informasjon", "too few\n3 / 0", "too few\n1 / 1",
                    "2.4\u00a0(n\u00a09)\n4 / 1"]
    wb = load_workbook(write_joint_xlsx(d, tmp_path / "j.xlsx"))
    rows = [[c.value for c in r] for r in wb.worksheets[0].iter_rows(min_row=5)]
    assert rows[0][:6] == ["Theme", "Codes", f"{A}: mean (1-4)", f"{A}: n", f"{A}: interviews",
                           f"{A}: comments"]
    assert rows[1][:2] == ["Informasjon", "Andre kjennetegn/Informasjon"]
    assert rows[1][2:6] == ["too few", None, 3, 0] and rows[1][-4:] == [2.44, 9, 4, 1]
    code_cell = wb.worksheets[0].cell(row=8, column=2)
    assert code_cell.value == "=HYPERLINK(1)" and code_cell.data_type == "s"
    assert code_cell.quotePrefix  # text, never a formula
    quotes = [[c.value for c in r] for r in wb.worksheets[1].iter_rows(min_row=2)]
    assert quotes[0][:2] == ["Informasjon", TEXT[:67]]


def test_cli_map_and_joint(joint, cli, tmp_path):
    path = joint.path
    joint.close()
    r = cli("survey", "map", path, "Resultat for brukeren", "Respekt")
    assert r.code == 0 and "Respekt" in r.out
    shown = cli("survey", "map", path, "--show", "--json").json()
    assert shown["saved"] and shown["themes"]["Resultat for brukeren"] == ["Respekt"]
    data = cli("survey", "joint", path, "--by", "tjeneste", "--json").json()
    assert data["columns"] == [A, B]
    assert data["rows"][2]["total"]["interviews"] == 1 and data["rows"][0]["total"]["n"] == 9
    bad = cli("survey", "joint", path, "--by", "alder")
    assert bad.code == 1 and "alder" in bad.err
    out = tmp_path / "j.docx"
    assert cli("survey", "joint", path, "--by", "tjeneste", "--docx", out).code == 0
    assert out.stat().st_size > 0
