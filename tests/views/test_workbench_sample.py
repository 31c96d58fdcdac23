"""The workbench on the sample project, driven through the real widgets offscreen: quick keys,
undo/redo shortcuts, merge, coder filters, retrieval jumps, attribute filter, dropped files,
snapping, code definitions and the language switch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from sqlalchemy import select

from app.core import codebook as cb
from app.models import Coding, Document
from app.views.session import FILTER_CHOSEN, FILTER_MINE


@pytest.fixture
def win(qtbot, tmp_path, built):
    from app.views import settings
    from app.views.application import new_window, open_session

    settings.use_settings_dir(tmp_path / "settings")
    path = tmp_path / "demo.sitat"
    shutil.copyfile(built, path)
    w = new_window()
    qtbot.addWidget(w)
    session = open_session(path)
    session.set_coder_name("Hanne")
    w.set_session(session)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def _open(w, name):
    guid = next(r.guid for r in w.docs.model.rows if r.name == name)
    w.docs.select(guid)
    assert w.current_doc == guid
    return guid


def _code(w, name):
    with w.session.read() as s:
        return cb.resolve_code(s, name).guid


def _select_qt(w, start_cp, end_cp):
    """Select as a mouse would: in the widget's own (UTF-16) positions."""
    cur = w.transcript.textCursor()
    cur.setPosition(w.transcript.offsets.to_qt(start_cp))
    cur.setPosition(w.transcript.offsets.to_qt(end_cp), QTextCursor.KeepAnchor)
    w.transcript.setTextCursor(cur)


def test_quick_key_codes_selection_after_emoji_and_undo_redo_keys(qtbot, win):
    _open(win, "fg05-stovner-psykisk-helsearbeid")
    text = win.transcript.text
    emoji = text.index("🙂")
    target = "Jeg gråt litt, faktisk."
    start = text.index(target, emoji)  # after the emoji: UTF-16 and code points differ here
    assert win.transcript.offsets.to_qt(start) == start + 1
    _select_qt(win, start, start + len(target))
    assert win.transcript.selected_text() == target
    win.code_actions.toggle_pin(_code(win, "Respekt"))
    win.transcript.setFocus()
    qtbot.keyClick(win.transcript, Qt.Key_1)
    with win.session.read() as s:
        doc = s.scalar(select(Document).where(Document.guid == win.current_doc))
        mine = [c for c in s.scalars(select(Coding).where(Coding.document_id == doc.id,
                                                            Coding.start == start,
                                                            Coding.end == start + len(target)))]
        assert [doc.text[c.start:c.end] for c in mine] == [target]
    n = len(win.transcript.shown_codings())
    qtbot.keyClick(win.transcript, Qt.Key_Z, Qt.ControlModifier)
    assert len(win.transcript.shown_codings()) == n - 1
    qtbot.keyClick(win.transcript, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert len(win.transcript.shown_codings()) == n


def test_click_on_code_codes_selection_once(qtbot, win):
    _open(win, "ind06-stovner-legevakt")
    text = win.transcript.text
    start = text.index("Fjorten!")
    win.transcript.select_cp(start, start + 8)
    tree = win.codes.tree
    index = win.codes.proxy.mapFromSource(win.codes.model.index_of(_code(win, "Fleksibilitet")))
    rect = tree.visualRect(index)
    before = len(win.transcript.shown_codings())
    qtbot.mouseClick(tree.viewport(), Qt.LeftButton, pos=rect.center())
    assert len(win.transcript.shown_codings()) == before + 1
    assert win.transcript.selection_cp()[1] == win.transcript.selection_cp()[0]
    qtbot.mouseClick(tree.viewport(), Qt.LeftButton, pos=rect.center())  # nothing selected now
    assert len(win.transcript.shown_codings()) == before + 1
    assert win.retrieval.model.rows and all(r.code == "Fleksibilitet"
                                            for r in win.retrieval.model.rows)


def test_merge_two_codes_and_undo(win):
    source, target = _code(win, "Ansvarsfrihet"), _code(win, "Utviklingsmuligheter")
    nodes = {n.name: n for n in win.codes.model.nodes()}
    total = nodes["Ansvarsfrihet"].codings + nodes["Utviklingsmuligheter"].codings
    assert win.code_actions.merge_into(source, target)
    nodes = {n.name: n for n in win.codes.model.nodes()}
    assert "Ansvarsfrihet" not in nodes
    assert nodes["Utviklingsmuligheter"].codings <= total  # exact duplicates collapse
    assert nodes["Utviklingsmuligheter"].codings >= total - 10
    win.act_undo.trigger()
    nodes = {n.name: n for n in win.codes.model.nodes()}
    assert nodes["Ansvarsfrihet"].codings + nodes["Utviklingsmuligheter"].codings == total


def test_filter_by_coder_and_compare_in_coder_colours(win):
    _open(win, "fg07-grunerlokka-bolig")
    everyone = win.transcript.shown_codings()
    assert {c.coder_name for c in everyone} == {"Hanne", "Tor"}
    win.filter_combo.setCurrentIndex(win.filter_combo.findData(FILTER_MINE))
    win.coder_bar.apply_choice()
    assert {c.coder_name for c in win.transcript.shown_codings()} == {"Hanne"}
    respekt = next(n for n in win.codes.model.nodes() if n.name == "Respekt")
    with win.session.read() as s:
        from app.models import Coder

        hanne = s.scalar(select(Coder.id).where(Coder.name == "Hanne"))
        code_id = cb.resolve_code(s, "Respekt").id
        own = len(list(s.scalars(select(Coding.id).where(Coding.coder_id == hanne,
                                                         Coding.code_id == code_id))))
    assert respekt.codings == own  # the tree's counts follow the filter
    tor = next(c.id for c in win.session.coders() if c.name == "Tor")
    win.session.set_filter(FILTER_CHOSEN, {tor})
    assert {c.coder_name for c in win.transcript.shown_codings()} == {"Tor"}
    ids = {c.id for c in win.session.coders()}
    win.session.set_filter(FILTER_CHOSEN, ids)
    assert win.session.comparing() and win._colour_by().__name__ == "coder_colour"
    assert len(win.transcript.shown_codings()) == len(everyone)


def test_retrieval_lists_segments_and_jumps(qtbot, win):
    _open(win, "fg01-gamle-oslo-psykisk-helsearbeid")
    guid = _code(win, "Samhandling")
    win.codes.select(guid)
    rows = win.retrieval.model.rows
    assert rows and len({r.document for r in rows}) > 5
    assert all(r.quote and r.attributes.get("bydel") for r in rows)
    far = next(r for r in rows if r.document == "ind13-alna-nav")
    win.jump_to(far)
    assert win.docs.model.rows[win.docs.model.row_of(win.current_doc)].name == "ind13-alna-nav"
    assert win.transcript.selected_text() == far.quote


def test_attribute_filter_and_inline_edit(win):
    win.docs.filter_by("bydel", "Alna")
    shown = [win.docs.proxy.index(r, 0).data() for r in range(win.docs.proxy.rowCount())]
    interviews = [n for n in shown if not n.startswith("Brukerundersøkelse 2025")]
    assert interviews == ["fg12-alna-psykisk-helsearbeid", "fg14-alna-dps", "ind13-alna-nav"]
    assert len(shown) - len(interviews) == 10  # the survey's comments from Alna
    win.docs.filter_by(None)
    assert win.docs.proxy.rowCount() == 16 + 47  # + the survey's comments


def test_dropped_files_are_imported(qtbot, win, tmp_path):
    f = tmp_path / "ny-samtale.txt"
    f.write_text("Intervjuer: Hei.\nInformant: Hei på deg, det går bra 🙂\n", encoding="utf-8")
    win.docs.filesDropped.emit([f])
    qtbot.waitUntil(lambda: any(r.name == "ny-samtale" for r in win.docs.model.rows),
                    timeout=10000)
    win.act_undo.trigger()
    assert not any(r.name == "ny-samtale" for r in win.docs.model.rows)


def test_snap_to_words_and_turn(win):
    _open(win, "ind06-stovner-legevakt")
    text = win.transcript.text
    start = text.index("nummer fjorten")
    win.transcript.select_cp(start + 2, start + 10)  # "mmer fjo"
    win.coding_actions.snap_words()
    assert win.transcript.selected_text() == "nummer fjorten"
    win.coding_actions.snap_turn()
    a, b = win.transcript.selection_cp()
    turn = next(t for t in win.transcript.turns if t.start <= start < t.end)
    assert (a, b) == (turn.start, turn.end)


def test_edit_code_definition_and_colour_undo(win):
    guid = _code(win, "Informasjon")
    win.code_actions.code_edit("edit", lambda s: cb.update_code(
        s, cb.resolve_code(s, "Informasjon"), colour="#123456", description="Ny definisjon."))
    node = next(n for n in win.codes.model.nodes() if n.guid == guid)
    assert node.colour == "#123456" and node.description == "Ny definisjon."
    win.act_undo.trigger()
    node = next(n for n in win.codes.model.nodes() if n.guid == guid)
    assert node.colour != "#123456"


def test_language_switch_keeps_project_and_undo(qtbot, win):
    from app.i18n import set_language
    from app.views.application import replace_window

    win.code_actions.toggle_pin(_code(win, "Respekt"))
    _open(win, "ind06-stovner-legevakt")
    win.transcript.select_cp(100, 140)
    win.coding_actions.quick_key(1)
    new = replace_window(win, "nb")
    qtbot.addWidget(new)
    try:
        assert new.menuBar().actions()[0].text() == "&Fil"
        assert new.session is not None and new.session.undo_stack.canUndo()
        assert win.session is None
    finally:
        set_language("en")
        new.close()


def test_dropped_bad_file_says_why_and_changes_nothing(qtbot, win, tmp_path, monkeypatch):
    messages = []
    monkeypatch.setattr(win, "show_error", messages.append)
    win.session.failed.disconnect()
    win.session.failed.connect(messages.append)
    good, bad = tmp_path / "god.txt", tmp_path / "tom.txt"
    good.write_text("Intervjuer: Hei.\n", encoding="utf-8")
    bad.write_bytes(b"")
    runner = win.coding_actions.import_files([good, bad])
    with qtbot.waitSignal(runner.failed, timeout=10000):
        pass
    assert messages and "empty" in messages[0]
    assert len(win.docs.model.rows) == 16 + 47 and not win.session.undo_stack.canUndo()


def test_transcripts_come_before_the_surveys_comments_in_the_list(win):
    shown = [win.docs.proxy.index(r, 0).data() for r in range(win.docs.proxy.rowCount())]
    comments = [n.startswith("Brukerundersøkelse 2025") for n in shown]
    assert comments == sorted(comments) and comments[0] is False and comments[-1] is True
    assert shown[:16] == sorted(shown[:16], key=str.casefold)
