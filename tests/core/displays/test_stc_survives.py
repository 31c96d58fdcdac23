"""Condensation (STC) survives codebook work: merging codes carries condensates, illustrative
quotes and syntheses along (issue #16: merging deleted them, 12 became 9); a split re-homes the
condensates whose meaning units all moved and names those that now rest on both codes;
`illustrate` and condensate edits refuse another code's codings."""

from __future__ import annotations


import pytest
from sqlalchemy import func, select

from app.core import codebook as cb
from app.core.coding import list_codings
from app.core.displays import condensation as stc
from app.errors import InvalidInput
from app.models import Condensate

TARGET = "Andre kjennetegn/Forutsigbarhet"
SOURCE = "Andre kjennetegn/Fleksibilitet"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from app.core.sample import build_sample

    path = tmp_path_factory.mktemp("stc") / "sample.sitat"
    build_sample(path).close()
    return path


@pytest.fixture
def project(sample, copy_of):
    """The sample, on the test's backend."""
    return copy_of(sample)


def _units(s, code, coder="Hanne"):
    return [r.guid for r in list_codings(s, coders=[coder], codes=[code],
                                         include_children=False)]


def _write_stc(p):
    """9 condensates on TARGET and 3 on SOURCE (12 in all), quotes and syntheses on both."""
    with p.write() as s:
        t, src = _units(s, TARGET), _units(s, SOURCE)
        for i in range(9):
            stc.add_condensate(s, TARGET, f"Jeg visste hva som skulle skje ({i}).", [t[i]])
        for i in range(3):
            stc.add_condensate(s, SOURCE, f"Jeg fikk det når det passet meg ({i}).",
                               src[2 * i:2 * i + 2])
        stc.set_illustrative(s, TARGET, t[0])
        stc.set_illustrative(s, SOURCE, src[0])
        stc.set_illustrative(s, SOURCE, src[1])
        stc.set_synthesis(s, TARGET, "Brukerne vil vite hva som skjer.")
        stc.set_synthesis(s, SOURCE, "Brukerne vil at tjenesten tilpasser seg dem.")
    return t, src


def test_merge_keeps_all_twelve_condensates(project):
    with project.read() as s:  # the sample's own STC work, on other codes
        sample = s.scalar(select(func.count()).select_from(Condensate))
    t, src = _write_stc(project)
    with project.read() as s:
        assert s.scalar(select(func.count()).select_from(Condensate)) == sample + 12
    with project.write() as s:
        done = cb.merge(s, cb.resolve_code(s, SOURCE), cb.resolve_code(s, TARGET))
    assert (done.stc.condensates, done.stc.illustrative, done.stc.synthesis) == (3, 2, True)
    with project.read() as s:
        assert s.scalar(select(func.count()).select_from(Condensate)) == sample + 12
        c = stc.condensation(s, TARGET)
    texts = [x.text for x in c.condensates]
    assert len(texts) == 12 and texts[:9] == [f"Jeg visste hva som skulle skje ({i})."
                                              for i in range(9)]
    assert texts[9:] == [f"Jeg fikk det når det passet meg ({i})." for i in range(3)]
    assert [sorted(x.units) for x in c.condensates[9:]] == [sorted(src[0:2]), sorted(src[2:4]),
                                                            sorted(src[4:6])]
    assert c.illustrative == [t[0], src[0], src[1]]
    assert c.synthesis == ("Brukerne vil vite hva som skjer.\n\n"
                           "From the merged code Andre kjennetegn/Fleksibilitet:\n"
                           "Brukerne vil at tjenesten tilpasser seg dem.")
    unit_guids = {g for u in c.units for g in u.guids}  # a unit is a passage: all its codings
    assert all(set(x.units) <= unit_guids for x in c.condensates)  # every unit still its own


def test_merge_moves_condensates_off_a_dropped_duplicate(project):
    """Hanne coded the same span with both codes: the source's coding is dropped as a
    duplicate, and the condensate and quote resting on it now rest on the target's coding."""
    with project.write() as s:
        row = list_codings(s, coders=["Hanne"], codes=[SOURCE], include_children=False)[0]
        from app.core.coding import code_text

        twin = code_text(s, row.document, TARGET, "Hanne", row.start, row.end).guid
        g = stc.add_condensate(s, SOURCE, "Jeg ble møtt der jeg var.", [row.guid])
        stc.set_illustrative(s, SOURCE, row.guid)
    with project.write() as s:
        done = cb.merge(s, cb.resolve_code(s, SOURCE), cb.resolve_code(s, TARGET))
    assert done.duplicates == 1
    with project.read() as s:
        c = stc.condensation(s, TARGET)
    assert [(x.guid, x.units) for x in c.condensates] == [(g, [twin])]
    assert c.illustrative == [twin]


def test_merge_names_a_parents_condensate_left_outside(project):
    with project.write() as s:
        child = _units(s, SOURCE)[0]
        g = stc.add_condensate(s, "Andre kjennetegn", "Jeg ble tatt på alvor.", [child])
        done = cb.merge(s, cb.resolve_code(s, SOURCE),
                        cb.resolve_code(s, "Grunnleggende kjennetegn/Respekt"))
    assert [(x.guid, x.code) for x in done.stc.stranded] == [(g, "Andre kjennetegn")]


def test_split_rehomes_condensates_whose_units_all_moved(project):
    with project.write() as s:
        u = _units(s, TARGET)
        moved = stc.add_condensate(s, TARGET, "Jeg visste når hun kom.", u[0:2])
        both = stc.add_condensate(s, TARGET, "Jeg visste det, men ikke alltid.", u[1:3])
        stays = stc.add_condensate(s, TARGET, "Jeg fikk beskjed i tide.", u[3:5])
        stc.set_illustrative(s, TARGET, u[0])
        stc.set_illustrative(s, TARGET, u[4])
    with project.write() as s:
        done = cb.split(s, cb.resolve_code(s, TARGET), "Faste avtaler", u[0:2])
    assert (done.stc.moved, done.stc.stayed, done.stc.illustrative) == (1, 2, 1)
    assert done.stc.both == ["Jeg visste det, men ikke alltid."]
    with project.read() as s:
        new = stc.condensation(s, "Andre kjennetegn/Faste avtaler")
        old = stc.condensation(s, TARGET)
    assert [(x.guid, sorted(x.units)) for x in new.condensates] == [(moved, sorted(u[0:2]))]
    assert new.illustrative == [u[0]]
    assert [x.guid for x in old.condensates] == [both, stays]
    assert old.illustrative == [u[4]]


def test_illustrate_refuses_another_codes_coding(project):
    with project.write() as s:
        other = _units(s, SOURCE)[0]
        own = _units(s, TARGET)[0]
        g = stc.add_condensate(s, TARGET, "Jeg visste hva som skulle skje.", [own])
    with pytest.raises(InvalidInput, match="Fleksibilitet"):
        with project.write() as s:
            stc.set_illustrative(s, TARGET, other)
    with pytest.raises(InvalidInput):
        with project.write() as s:
            stc.update_condensate(s, g, coding_guids=[other])
    with project.read() as s:
        c = stc.condensation(s, TARGET)
    assert c.illustrative == [] and c.condensates[0].units == [own]
    with project.write() as s:  # a child code's coding is the parent's own meaning unit
        parent = cb.resolve_code(s, "Andre kjennetegn")
        stc.set_illustrative(s, parent, own)
        assert stc.condensation(s, parent).illustrative == [own]
