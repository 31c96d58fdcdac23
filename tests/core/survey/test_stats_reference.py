"""Reference sets: added from NAME=MEAN pairs or a CSV file (semicolons, decimal commas,
cp1252, a header row), replaced, listed, deleted; bad rows refused with nothing changed; the
difference a table shows (DOMAIN's municipality against the national average)."""

from __future__ import annotations

import pytest

from app.core.survey.reference import (delete_reference, list_references, parse_pairs,
                                       read_csv, set_reference)
from app.core.survey.stats import THEMES, survey_table
from app.errors import InvalidInput, NotFound
from tests.core.survey.survey_data import add_survey

# DOMAIN.md: a municipality's theme means and their difference from the national average
MUNICIPALITY = {"Tilgjengelighet": (3.5, "+0.2"), "Informasjon": (3.4, "+0.3"),
                "Personalets kompetanse": (3.8, "+0.2"),
                "Samarbeid med andre tjenester": (3.7, "0.0"),
                "Brukermedvirkning": (3.6, "+0.2"), "Respektfull behandling": (3.8, "0.0"),
                "Resultat for brukeren": (3.6, "+0.1"), "Helhetsvurdering": (3.7, "+0.2")}
NATIONAL = {"Tilgjengelighet": "3.3", "Informasjon": "3,1", "Personalets kompetanse": "3.6",
            "Samarbeid med andre tjenester": "3.7", "Brukermedvirkning": "3.4",
            "Respektfull behandling": "3.8", "Resultat for brukeren": "3.5",
            "Helhetsvurdering": "3.5"}


def _answers(mean: float) -> list[int]:
    """Ten answers whose mean is `mean` (a multiple of 0.1 between 3 and 4)."""
    fours = round((mean - 3) * 10)
    return [4] * fours + [3] * (10 - fours)


@pytest.fixture
def ks(project):
    """A survey with one item per theme whose ten respondents give DOMAIN's theme means."""
    themes = list(MUNICIPALITY)
    columns = {t: _answers(m) for t, (m, _d) in MUNICIPALITY.items()}
    people = [({}, {f"q{k}": columns[t][r] for k, t in enumerate(themes)}) for r in range(10)]
    with project.write() as s:
        add_survey(s, "KS", [(f"q{k}", t) for k, t in enumerate(themes)], people)
    return project


def test_national_average_from_pairs_gives_domain_differences(ks):
    with ks.write() as s:
        info = set_reference(s, None, "Landsgjennomsnitt",
                             parse_pairs([f"{k}={v}" for k, v in NATIONAL.items()]),
                             memo="KS 2025")
    assert info.values[("theme", "Informasjon")] == 3.1  # decimal comma read
    with ks.read() as s:
        t = survey_table(s, level=THEMES, reference="Landsgjennomsnitt")
    got = {r.key: (r.total.as_json()["shown"]["mean"], r.total.as_json()["shown"]["difference"])
           for r in t.rows}
    assert got == {k: (f"{m:.1f}", d) for k, (m, d) in MUNICIPALITY.items()}


def test_csv_with_semicolons_header_and_cp1252(ks, tmp_path):
    path = tmp_path / "landssnitt.csv"
    path.write_bytes("Tema;Snitt\r\nTilgjengelighet;3,3\r\nPersonalets kompetanse;3,6\r\n"
                     "item:q1;2,9\r\n\r\n".encode("cp1252"))
    with ks.write() as s:
        set_reference(s, "KS", "Land 2025", read_csv(path))
    with ks.read() as s:
        (ref,) = list_references(s)
    assert ref.values == {("theme", "Tilgjengelighet"): 3.3,
                          ("theme", "Personalets kompetanse"): 3.6, ("item", "q1"): 2.9}
    assert ref.as_json()["items"] == {"q1": 2.9}


def test_replace_list_delete(ks):
    with ks.write() as s:
        set_reference(s, None, "Land", parse_pairs(["Tilgjengelighet=3.3", "Informasjon=3.1"]))
        set_reference(s, None, "Land", parse_pairs(["Informasjon=2.0"]))  # replaces all
        set_reference(s, None, "Bydel", parse_pairs(["q0=3"]))
    with ks.read() as s:
        refs = {r.name: r.values for r in list_references(s)}
    assert refs == {"Bydel": {("item", "q0"): 3.0}, "Land": {("theme", "Informasjon"): 2.0}}
    with ks.write() as s:
        assert delete_reference(s, None, "Land") == 1
    with ks.read() as s:
        assert [r.name for r in list_references(s)] == ["Bydel"]
        with pytest.raises(NotFound):
            survey_table(s, reference="Land")
    with ks.write() as s, pytest.raises(NotFound, match="Land"):
        delete_reference(s, None, "Land")


@pytest.mark.parametrize("pairs, message", [
    (["Tilgang=3.3"], "no theme or item called Tilgang"),
    (["Tilgjengelighet=4.5"], "outside the scale 1-4"),
    (["Tilgjengelighet=mye"], "mye is not a number"),
    (["Tilgjengelighet"], "expected NAME=MEAN"),
])
def test_bad_values_change_nothing(ks, pairs, message):
    with pytest.raises(InvalidInput, match=message):
        with ks.write() as s:
            set_reference(s, None, "Land", parse_pairs(["Informasjon=3.1"] + pairs))
    with ks.read() as s:
        assert list_references(s) == []  # not even the good pair before the bad one
