"""Survey statistics against figures worked out by hand: means (reverse-scored items
reversed), distributions, don't know and blanks, theme means over respondents, small-number
suppression without back-calculation, reference differences, half-up rounding."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from app.core.survey.stats import (ITEMS, THEMES, round_half_up, show_difference, show_mean,
                                   show_percent, survey_table)
from app.errors import InvalidInput, NotFound
from tests.core.survey.survey_data import DK, add_reference, add_survey

ITEMS_SPEC = [("t1", "Tilgjengelighet"), ("t2", "Tilgjengelighet", True),
              ("i1", "Informasjon")]
A, B, C = "Rus", "Psykisk helse", "Bolig"
PEOPLE = [  # (service, t1, t2 (reverse-scored), i1)
    (A, 4, 1, 3), (A, 3, 2, DK), (A, 3, DK, 4), (A, 2, None, 4), (A, DK, 1, 2), (A, 4, 4, None),
    (B, 1, 3, 1), (B, 2, 4, 2), (B, 4, 1, 3), (B, 3, 2, 4), (B, 3, None, 3),
    (C, 4, 1, 4), (C, 1, DK, 1),
]


@pytest.fixture
def survey(project):
    with project.write() as s:
        sv = add_survey(s, "KS 2025", ITEMS_SPEC,
                        [({"tjeneste": svc}, {"t1": t1, "t2": t2, "i1": i1})
                         for svc, t1, t2, i1 in PEOPLE])
        add_reference(s, sv, "Landsgjennomsnitt 2025",
                      {("theme", "Tilgjengelighet"): 3.3, ("item", "t1"): 2.9})
    return project


def shown(fig):
    return fig.as_json()["shown"]


def test_item_figures_by_hand(survey):
    with survey.read() as s:
        t = survey_table(s, level=ITEMS, reference="Landsgjennomsnitt 2025")
    assert [r.key for r in t.rows] == ["t1", "t2", "i1"]
    assert t.respondents == 13
    t1, t2, i1 = (r.total for r in t.rows)
    # t1: 1 x2, 2 x2, 3 x4, 4 x4 -> 34/12; one don't know (of 13), no blank
    assert (t1.n, t1.counts, t1.dont_know, t1.blank) == (12, (2, 2, 4, 4), 1, 0)
    assert t1.mean == Fraction(34, 12)
    assert shown(t1) == {"mean": "2.8", "percent": ["17", "17", "33", "33"],
                         "dont_know_percent": "8", "agree_percent": "67",
                         "difference": "-0.1"}  # 2.833 - 2.9
    # t2 is reverse-scored: the distribution as answered, the mean of 5 - value
    assert (t2.n, t2.counts, t2.dont_know, t2.blank) == (9, (4, 2, 1, 2), 2, 2)
    assert t2.mean == Fraction(26, 9)
    assert shown(t2)["mean"] == "2.9" and shown(t2)["percent"] == ["44", "22", "11", "22"]
    assert shown(t2)["dont_know_percent"] == "18" and shown(t2)["agree_percent"] == "33"
    assert t2.reference is None and shown(t2)["difference"] is None
    assert (i1.n, i1.counts, i1.dont_know, i1.blank) == (11, (2, 2, 3, 4), 1, 1)


def test_theme_mean_is_over_respondents(survey):
    with survey.read() as s:
        t = survey_table(s, level=THEMES, reference="Landsgjennomsnitt 2025")
    assert [r.key for r in t.rows] == ["Tilgjengelighet", "Informasjon"]
    tilg = t.rows[0]
    assert tilg.items == 2
    fig = tilg.total
    # each respondent's mean of t1 and reversed t2, then the mean of those 13 means
    assert fig.n == 13 and fig.mean == Fraction(73, 26)  # 36.5 / 13 = 2.81 (pooled: 2.86)
    # pooled scored answers: t1 (2, 2, 4, 4) + t2 reversed (2, 1, 2, 4)
    assert (fig.answers, fig.counts, fig.dont_know, fig.blank) == (21, (4, 3, 6, 8), 3, 2)
    assert shown(fig)["mean"] == "2.8" and shown(fig)["difference"] == "-0.5"
    assert shown(fig)["percent"] == ["19", "14", "29", "38"]
    assert shown(fig)["dont_know_percent"] == "13"  # 3 of 24


def test_by_attribute_with_suppression(survey):
    with survey.read() as s:
        t = survey_table(s, level=THEMES, by="tjeneste")
    assert t.groups == [C, B, A]  # alphabetical
    tilg = t.rows[0]
    rus = tilg.groups[A]
    assert (rus.n, rus.mean) == (6, Fraction(37, 12))  # (4+3+3+2+4+2.5)/6 = 3.08
    assert shown(rus)["mean"] == "3.1"
    # Bolig has 2 respondents: too few; Psykisk helse (5, the smallest shown) goes with it,
    # or Bolig's figures would be the total minus Rus minus Psykisk helse
    assert tilg.groups[C].suppressed and tilg.groups[B].suppressed
    assert tilg.groups[C].as_json() == {"suppressed": True}
    assert not tilg.total.suppressed
    data = t.as_json()["rows"][0]["groups"]
    assert [g["group"] for g in data] == [C, B, A]
    assert data[0] == {"group": C, "suppressed": True}
    assert data[1] == {"group": B, "suppressed": True}
    # Informasjon: Rus answered 4 times, Bolig twice: both too few, Psykisk helse shown
    info = t.rows[1]
    assert info.groups[A].suppressed and info.groups[C].suppressed
    assert not info.groups[B].suppressed and info.groups[B].mean == Fraction(13, 5)


def test_no_back_calculation_from_the_total(survey):
    """Whatever is shown, no suppressed group's n or sum can be had from the total."""
    with survey.read() as s:
        for level in (ITEMS, THEMES):
            t = survey_table(s, level=level, by="tjeneste")
            for row in t.rows:
                hidden = [f for f in row.groups.values() if f.suppressed]
                assert len(hidden) != 1, row.key
                for f in row.groups.values():
                    assert f.suppressed == (f.as_json() == {"suppressed": True})


def test_min_group_and_total_suppressed(project):
    with project.write() as s:
        add_survey(s, "Liten", [("a", "Tema")],
                   [({"bydel": "Nord"}, {"a": 4}), ({"bydel": "Sør"}, {"a": 3}),
                    ({"bydel": "Sør"}, {"a": 1})], min_group=5)
    with project.read() as s:
        t = survey_table(s, "Liten", level=ITEMS, by="bydel")
    assert t.rows[0].total.suppressed and t.rows[0].total.as_json() == {"suppressed": True}
    assert all(f.suppressed for f in t.rows[0].groups.values())


def test_respondents_without_a_value_are_a_group(project):
    people = [({"bydel": "Nord"}, {"a": 4})] * 5 + [({}, {"a": 1})] * 5
    with project.write() as s:
        add_survey(s, "S", [("a", "Tema")], people, min_group=5)
    with project.read() as s:
        t = survey_table(s, level=ITEMS, by="bydel")
    assert t.groups == ["Nord", None]
    assert t.rows[0].groups[None].mean == 1 and t.rows[0].groups["Nord"].mean == 4
    assert t.rows[0].total.mean == Fraction(5, 2)
    assert shown(t.rows[0].total)["mean"] == "2.5"


def test_rounding_half_up_on_display(project):
    answers = [1, 2, 2, 3, 3, 3, 4, 4]  # mean 2.75; per cent 12.5, 25, 37.5, 25
    with project.write() as s:
        add_survey(s, "S", [("a", "Tema")], [({}, {"a": v}) for v in answers], min_group=1)
    with project.read() as s:
        fig = survey_table(s, level=ITEMS).rows[0].total
    assert shown(fig)["mean"] == "2.8"  # Python's round() and '%.1f' give 2.8 / 2.8 here,
    assert shown(fig)["percent"] == ["13", "25", "38", "25"]  # but 12 and 38 for these
    assert fig.as_json()["percent"] == [12.5, 25.0, 37.5, 25.0]  # unrounded too


def test_round_half_up():
    assert round_half_up(Fraction(9, 4), 1) == Decimal("2.3")  # banker's: 2.2
    assert round_half_up(Fraction(125, 2), 0) == Decimal("63")  # banker's: 62
    assert round_half_up(2.675, 2) == Decimal("2.68")  # the float is 2.67499999...
    assert round_half_up(Fraction(-1, 20), 1) == Decimal("-0.1")
    assert show_mean(Fraction(13, 4), "nb") == "3,3" and show_percent(Fraction(1, 2)) == "1"
    assert show_difference(Fraction(-1, 20), "nb") == "-0,1"
    assert show_difference(Fraction(1, 100)) == "0.0" and show_difference(0.25) == "+0.3"


def test_bad_names(survey):
    with survey.read() as s:
        with pytest.raises(NotFound, match="survey named Nope"):
            survey_table(s, "Nope")
        with pytest.raises(NotFound, match="attribute"):
            survey_table(s, by="alder")
        with pytest.raises(NotFound, match="reference"):
            survey_table(s, reference="2019")
        with pytest.raises(NotFound, match="theme"):
            survey_table(s, level=ITEMS, theme="Nope")
        with pytest.raises(InvalidInput):
            survey_table(s, level="codes")


def test_items_of_one_theme(survey):
    with survey.read() as s:
        t = survey_table(s, level=ITEMS, theme="Tilgjengelighet", by="tjeneste")
    assert [r.key for r in t.rows] == ["t1", "t2"]
    # t1: Bolig (2) too few; of Psykisk helse (5) and Rus (5) the first goes too
    assert t.rows[0].groups[C].suppressed and t.rows[0].groups[B].suppressed
    assert t.rows[0].groups[A].counts == (0, 1, 2, 2)


def test_nobody_answered(project):
    with project.write() as s:
        add_survey(s, "Tom", [("a", "Tema")], [({"bydel": "Nord"}, {}), ({}, {"a": None})])
    with project.read() as s:
        t = survey_table(s, level=ITEMS, by="bydel")
        themes = survey_table(s, level=THEMES)
    fig = t.rows[0].total
    assert (t.respondents, fig.n, fig.blank, fig.mean) == (2, 0, 2, None)
    assert fig.suppressed and themes.rows[0].total.blank == 2
