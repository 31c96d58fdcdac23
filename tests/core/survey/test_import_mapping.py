"""The survey mapping (TOML): errors name the line and the key; the bundled KS mapping holds the
instrument's 26 statements in 7 themes plus Helhetsvurdering and the comment question, and a
KS-style export imports with `--map ks`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.survey import import_survey, load_mapping, parse_mapping
from app.errors import InvalidInput, NotFound
from tests.core.survey.import_files import MAPPING, write_xlsx


@pytest.mark.parametrize("change,expected", [
    (('theme = "Informasjon"', 'theme = "Informasjon'), "is not valid TOML"),
    (('theme = "Informasjon"', 'tema = "Informasjon"'),
     "[[item]] number 1 (line 15): unknown key tema"),
    (('key = "resp1"', 'key = ""'), "[[item]] number 2 (line 20): key is missing or empty"),
    (('labels = ["Helt uenig", ', 'labels = ['),
     "[survey]: the scale 1–4 needs 4 labels, one per value; 3 were given"),
    (('column = "De ansatte lytter til det jeg sier"',
      'column = "Jeg får god informasjon om hva tjenesten kan tilby meg"'),
     "the column Jeg får god informasjon om hva tjenesten kan tilby meg is mapped twice"),
    (('key = "resp1"', 'key = "info1"'), "line 20: the key info1 is used twice"),
    (("reverse = true", 'reverse = "ja"'),
     "[[item]] number 3 (line 25): reverse must be true or false"),
    (('attribute = "bydel"', 'attribute = "by=del"'),
     "[[background]] number 2 (line 11): the attribute name must not"),
])
def test_mapping_errors_name_the_line_and_key(change, expected):
    old, new = change
    assert old in MAPPING
    with pytest.raises(InvalidInput) as err:
        parse_mapping(MAPPING.replace(old, new, 1), "min.toml")
    assert "min.toml" in str(err.value) and expected in str(err.value)


def test_toml_syntax_errors_name_the_line():
    with pytest.raises(InvalidInput, match=r"line 18"):
        parse_mapping(MAPPING.replace('theme = "Informasjon"', "theme = Informasjon"), "m.toml")


def test_a_mapping_without_questions_is_refused():
    with pytest.raises(InvalidInput, match="no \\[\\[item\\]\\] and no \\[\\[text\\]\\]"):
        parse_mapping('[survey]\nname = "x"\n[[background]]\ncolumn = "Bydel"\n')


def test_unknown_mapping_name():
    with pytest.raises(NotFound, match="bundled ones are: .*ks"):
        load_mapping("kss")


KS_THEMES = {"Tilgjengelighet": 6, "Informasjon": 4, "Personalets kompetanse": 1,
             "Samarbeid med andre tjenester": 1, "Brukermedvirkning": 3,
             "Respektfull behandling": 5, "Resultat for brukeren": 5, "Helhetsvurdering": 1}


def test_the_bundled_ks_mapping():
    m = load_mapping("ks")
    likert = m.of("likert")
    assert len(likert) == 26
    themes: dict[str, int] = {}
    for c in likert:
        themes[c.theme] = themes.get(c.theme, 0) + 1
        assert c.scale.labels == ("Helt uenig", "Litt uenig", "Litt enig", "Helt enig")
        assert "vet ikke" in c.dont_know
    assert themes == KS_THEMES and list(themes)[:7] == list(KS_THEMES)[:7]
    assert likert[0].headings[0] == ("Ventetiden fra jeg søkte psykisk helsetjeneste til jeg "
                                     "fikk hjelp, var akseptabel")
    assert likert[-1].headings[0] == "Alt i alt, jeg er fornøyd med tjenesten jeg mottar"
    assert [c.headings[0] for c in m.of("text")] == [
        "Har du andre kommentarer til innholdet i tjenesten?"]
    assert [c.key for c in m.of("background")] == ["tjeneste", "bydel", "aldersgruppe", "kjønn"]
    assert all(c.optional for c in m.of("background"))


def test_a_ks_export_imports_with_the_bundled_mapping(project, tmp_path):
    from app.models import SurveyItem

    m = load_mapping("ks")
    headings = ["Tjeneste", "Bydel"] + [c.headings[0] for c in m.of("likert")] + [
        "Har du andre kommentarer til innholdet i tjenesten?"]
    rows = [["Aktivitetshus", "Bjerke"] + [(i % 4) + 1 for i in range(26)] + ["Takk"],
            ["Psykisk helsearbeid", "Alna"] + ["Vet ikke"] * 25 + [None, None]]
    summary = import_survey(project, write_xlsx(tmp_path / "ks.xlsx", headings, rows), "ks")
    assert (summary.survey, summary.respondents, summary.items, summary.answers,
            summary.dont_know, summary.comments) == (
        "KS brukerundersøkelse psykisk helse og rus", 2, 26, 26, 25, 1)
    with project.read() as s:
        themes = list(dict.fromkeys(s.scalars(select(SurveyItem.theme).where(
            SurveyItem.kind == "likert").order_by(SurveyItem.position))))
    assert themes == list(KS_THEMES)
