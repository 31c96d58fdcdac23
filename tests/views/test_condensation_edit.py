"""Condensates edited and deleted in the condensation dialog, each undoable (issue #16, item 7);
an edit keeps the units the dialog does not list (after a split, on the sibling code); a code
merge in the window carries the condensation along and gives it back on undo."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.core import codebook as cb
from app.core.displays import condensation as stc

CODE = "Andre kjennetegn/Forutsigbarhet"


def _state(session, code=CODE):
    with session.read() as s:
        c = stc.condensation(s, code)
    return [(x.guid, x.text, sorted(x.units)) for x in c.condensates], c.illustrative, c.synthesis


def _tick(dlg, rows):
    from app.views.condensation_dialog import COL_USE

    for i in range(dlg.units.rowCount()):
        dlg.units.item(i, COL_USE).setCheckState(Qt.Checked if i in rows else Qt.Unchecked)
    return sorted(dlg.units.item(i, COL_USE).data(Qt.UserRole) for i in rows)


def test_edit_and_delete_a_condensate_with_undo(qtbot, session):
    from app.views.condensation_dialog import CondensationDialog

    with session.read() as s:
        guid = cb.resolve_code(s, CODE).guid
    dlg = CondensationDialog(session, guid)
    qtbot.addWidget(dlg)
    first = _tick(dlg, [0, 1])
    dlg.text.setPlainText("Jeg visste hvem som kom.")
    dlg.new_condensate()
    second = _tick(dlg, [2])
    dlg.text.setPlainText("Jeg fikk beskjed i tide.")
    dlg.new_condensate()
    made, _ill, _syn = _state(session)
    assert [(t, u) for _g, t, u in made] == [("Jeg visste hvem som kom.", first),
                                             ("Jeg fikk beskjed i tide.", second)]

    dlg.condensates.setCurrentRow(0)  # choosing it ticks its units and shows its text
    assert dlg.text.toPlainText() == "Jeg visste hvem som kom." and sorted(dlg.ticked()) == first
    dlg.text.setPlainText("Jeg visste alltid hvem som kom.")
    edited_units = _tick(dlg, [0, 1, 3])
    dlg.save_condensate()
    after_edit = _state(session)[0]
    assert after_edit[0] == (made[0][0], "Jeg visste alltid hvem som kom.", edited_units)
    assert dlg.condensates.item(0).text().startswith("«Jeg visste alltid hvem som kom.»")
    session.undo_stack.undo()
    assert _state(session)[0] == made
    assert dlg.condensates.item(0).text().startswith("«Jeg visste hvem som kom.»")
    session.undo_stack.redo()
    assert _state(session)[0] == after_edit

    dlg.condensates.setCurrentRow(1)
    dlg.delete_condensate()
    assert _state(session)[0] == after_edit[:1] and dlg.condensates.count() == 1
    session.undo_stack.undo()
    assert _state(session)[0] == after_edit and dlg.condensates.count() == 2


def test_window_merge_carries_condensation_and_undo_gives_it_back(qtbot, session):
    from app.core import codetree
    from app.views.commands.codes import CodebookCommand

    source = "Andre kjennetegn/Fleksibilitet"
    with session.project.write() as s:
        units = [u.guid for u in stc.meaning_units(s, source)[:3]]
        stc.add_condensate(s, source, "Jeg fikk tid når jeg trengte det.", units[:2])
        stc.set_illustrative(s, source, units[2])
        stc.set_synthesis(s, source, "Tjenesten tilpasser seg.")
        stc.set_synthesis(s, CODE, "Faste avtaler.")
        source_guid = cb.resolve_code(s, source).guid
        target_guid = cb.resolve_code(s, CODE).guid
    before_source, before_target = _state(session, source), _state(session)

    def merge(s):
        return cb.merge_codes(s, cb.resolve_code(s, source_guid), cb.resolve_code(s, target_guid))

    assert session.execute(CodebookCommand(
        session, "merge", merge, lambda s: codetree.subtree_guids(s, source_guid) | {target_guid}))
    merged = _state(session)
    assert merged[0] == before_source[0] and merged[1] == [units[2]]
    assert merged[2].startswith("Faste avtaler.\n\nFrom the merged code " + source)
    session.undo_stack.undo()
    assert _state(session, source) == before_source and _state(session) == before_target
    session.undo_stack.redo()
    assert _state(session) == merged


def test_editing_keeps_units_the_dialog_does_not_list(qtbot, session):
    from app.views.condensation_dialog import CondensationDialog

    with session.project.write() as s:
        units = [u.guid for u in stc.meaning_units(s, CODE)[:2]]
        g = stc.add_condensate(s, CODE, "Jeg visste det, men ikke alltid.", units)
        done = cb.split(s, cb.resolve_code(s, CODE), "Faste avtaler", units[1:])
        assert done.stc.both == ["Jeg visste det, men ikke alltid."]
        guid = cb.resolve_code(s, CODE).guid
    dlg = CondensationDialog(session, guid)
    qtbot.addWidget(dlg)
    assert "1 of them not listed here" in dlg.condensates.item(0).text()
    dlg.condensates.setCurrentRow(0)
    assert dlg.ticked() == units[:1]
    dlg.text.setPlainText("Jeg visste det som regel.")
    dlg.save_condensate()
    assert _state(session)[0] == [(g, "Jeg visste det som regel.", sorted(units))]
