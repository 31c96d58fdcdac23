"""Systematic text condensation: meaning units, condensates linked to them, illustrative
quotes, synthesis, validation and exact undo."""

from __future__ import annotations

import pytest

from app.core import codebook as cb
from app.core.displays import condensation as stc
from app.errors import InvalidInput, NotFound
from app.models import Coder, Coding, Document

TEXT = "Intervjuer: Ja? 🙂\nDeltaker 1: Hun så på meg. Hun hadde tid. Det var godt.\n"


@pytest.fixture
def guids(project):
    with project.write() as s:
        top = cb.create_code(s, "Respekt")
        child = cb.create_code(s, "Bli sett", top)
        other = cb.create_code(s, "Annet")
        doc = Document(name="fg", text=TEXT, length=len(TEXT), sha256="x")
        coder = Coder(name="Hanne")
        s.add_all([doc, coder])
        s.flush()
        out = []
        for code, quote in ((top, "Hun så på meg."), (child, "Hun hadde tid."),
                            (other, "Det var godt.")):
            start = TEXT.index(quote)
            c = Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=start,
                       end=start + len(quote))
            s.add(c)
            s.flush()
            out.append(c.guid)
    return out


def test_condensates_units_quotes_and_synthesis(project, guids):
    with project.write() as s:
        units = stc.meaning_units(s, "Respekt")
        assert [u.text for u in units] == ["Hun så på meg.", "Hun hadde tid."]
        g = stc.add_condensate(s, "Respekt", "Jeg ble sett og fikk tid.", guids[:2])
        stc.set_illustrative(s, "Respekt", guids[0])
        stc.set_synthesis(s, "Respekt", "Brukerne beskriver det å bli sett som grunnleggende.")
    with project.read() as s:
        c = stc.condensation(s, "Respekt")
    assert c.code == "Respekt" and c.synthesis.startswith("Brukerne")
    assert [(x.guid, x.text, sorted(x.units)) for x in c.condensates] == [
        (g, "Jeg ble sett og fikk tid.", sorted(guids[:2]))]
    assert c.illustrative == [guids[0]]
    with project.write() as s:
        stc.update_condensate(s, g, text="Jeg ble sett.", coding_guids=[guids[0]])
        stc.set_illustrative(s, "Respekt", guids[0], on=False)
    with project.read() as s:
        c = stc.condensation(s, "Respekt")
    assert c.condensates[0].text == "Jeg ble sett." and c.condensates[0].units == [guids[0]]
    assert c.illustrative == []


def test_validation(project, guids):
    for call, err in (
        (lambda s: stc.add_condensate(s, "Respekt", "  ", guids[:1]), InvalidInput),
        (lambda s: stc.add_condensate(s, "Respekt", "Tekst", [guids[2]]), InvalidInput),
        (lambda s: stc.add_condensate(s, "Respekt", "Tekst", ["nope"]), NotFound),
        (lambda s: stc.update_condensate(s, "nope", text="x"), NotFound),
    ):
        with pytest.raises(err):
            with project.write() as s:
                call(s)


def test_capture_restore_is_exact_undo(project, guids):
    with project.write() as s:
        stc.add_condensate(s, "Respekt", "Første.", guids[:1])
        stc.set_synthesis(s, "Respekt", "Før.")
    with project.write() as s:
        before = stc.capture(s, "Respekt")
        stc.add_condensate(s, "Respekt", "Andre.", guids[1:2])
        stc.set_illustrative(s, "Respekt", guids[1])
        stc.set_synthesis(s, "Respekt", "Etter.")
    with project.write() as s:
        stc.restore(s, "Respekt", before)
    with project.read() as s:
        c = stc.condensation(s, "Respekt")
    assert [x.text for x in c.condensates] == ["Første."] and c.synthesis == "Før."
    assert c.illustrative == [] and c.condensates[0].units == [guids[0]]
