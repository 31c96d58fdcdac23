"""Many people at once: a window on a shared project shows a second person's documents, codes
and codings within 2 s (keeping the user's place), says when the server is gone and recovers,
refuses to undo what someone else changed since, and explains a code deleted under it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from app.core import codebook as cb
from app.core import workbench as wb
from app.core.documents import import_files
from app.core.project import Project
from tests.pg import find_bindir, pg_cluster, pg_url  # noqa: F401  (fixtures)

needs_pg = pytest.mark.skipif(find_bindir() is None, reason="PostgreSQL is not installed")

TEXT = ("Intervjuer: Hvordan ble du møtt?\nDeltaker: Jeg ble hørt, og hun hadde god tid til "
        "meg. Det var trygt å fortelle om alt.\n" * 30)


@pytest.fixture
def warnings(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, _title, text, *a, **k: shown.append(text))
    return shown


def _import(project: Project, folder, name: str) -> str:
    path = folder / f"{name}.txt"
    path.write_text(TEXT + name + "\n", encoding="utf-8")
    import_files(project, [path])
    with project.read() as s:
        return next(d.guid for d in wb_documents(s) if d.name == name)


def wb_documents(s):
    from app.models import Document

    return list(s.query(Document))


def _code(project: Project, name: str) -> str:
    with project.write() as s:
        return cb.create_code(s, name).guid


def _codings(project: Project) -> list[tuple[str, int, int, str]]:
    from app.models import Code, Coding

    with project.read() as s:
        return sorted(s.query(Code.name, Coding.start, Coding.end, Coding.memo)
                      .join(Code, Code.id == Coding.code_id).all())


@pytest.fixture
def shared(qtbot, pg_url, tmp_path, monkeypatch):  # noqa: F811
    """(window on a shared project, a second person's Project on it, the first document's guid,
    the code Tillit's guid)."""
    from app.views import settings
    from app.views.application import new_window, open_session

    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    settings.use_settings_dir(tmp_path / "settings")
    other = Project.open(pg_url)
    doc = _import(other, tmp_path, "intervju-01")
    code = _code(other, "Tillit")
    w = new_window()
    qtbot.addWidget(w)
    w.set_session(open_session(pg_url))
    w.session.set_coder_name("Ane")
    yield w, other, doc, code
    w.close()
    other.close()


@needs_pg
def test_someone_elses_document_code_and_coding_appear_within_two_seconds(shared, qtbot,
                                                                          tmp_path):
    w, other, doc, code = shared
    assert w.current_doc == doc
    w.transcript.resize(500, 300)
    w.transcript.select_cp(400, 420)
    w.transcript.verticalScrollBar().setValue(w.transcript.verticalScrollBar().maximum() // 2)
    scroll = w.transcript.verticalScrollBar().value()
    assert scroll > 0
    w.search.query.setText("trygt")
    assert w.search.run() and w.search.model.rowCount() > 0

    _import(other, tmp_path, "intervju-02")
    qtbot.waitUntil(lambda: "intervju-02" in [r.name for r in w.docs.model.rows], timeout=2000)

    new_code = _code(other, "Ventetid")
    qtbot.waitUntil(lambda: new_code in {n.guid for n in w.codes.model.nodes()}, timeout=2000)

    with other.write() as s:
        coder = wb.ensure_coder(s, "Bo")
        made = wb.apply_code(s, doc, code, coder.id, 40, 80)
    qtbot.waitUntil(lambda: made.guid in {c.guid for c in w.transcript.codings}, timeout=2000)
    tillit = next(n for n in w.codes.model.nodes() if n.guid == code)
    assert tillit.codings == 1
    row = w.docs.model.rows[w.docs.model.row_of(doc)]
    assert row.codings == 1
    # the user's place is kept: the same document, selection and scroll position
    assert w.current_doc == doc and w.docs.selected_guids() == [doc]
    assert w.transcript.selection_cp() == (400, 420)
    assert w.transcript.verticalScrollBar().value() == scroll
    assert "search again to update the results" in w.search.summary.text()
    assert w.search.model.rowCount() > 0  # the old results stay until the user searches

    with other.write() as s:  # renamed by someone else: the list follows, the text stays open
        wb.get_document_by_guid(s, doc).name = "intervju-01-anonym"
    qtbot.waitUntil(lambda: w.docs.model.rows[w.docs.model.row_of(doc)].name
                    == "intervju-01-anonym", timeout=2000)
    assert w.current_doc == doc and w.transcript.selection_cp() == (400, 420)


@needs_pg
def test_own_actions_do_not_reload_the_window(shared, qtbot, monkeypatch):
    w, other, doc, code = shared
    reloads = []
    monkeypatch.setattr(w.live, "refresh", lambda: reloads.append(1))
    w.transcript.select_cp(10, 30)
    assert w.coding_actions.apply_code(code)
    seen = w.session.project.revision()
    qtbot.waitUntil(lambda: w.live.seen == seen, timeout=3000)
    assert reloads == []
    with other.write() as s:
        cb.create_code(s, "Annet")
    qtbot.waitUntil(lambda: reloads == [1], timeout=2000)


@needs_pg
def test_undo_is_refused_when_someone_else_changed_the_coding(shared, qtbot, warnings):
    w, other, doc, code = shared
    w.transcript.select_cp(10, 30)
    assert w.coding_actions.apply_code(code)
    [(_name, start, end, _memo)] = _codings(other)
    with other.write() as s:
        from app.models import Coding

        s.query(Coding).one().memo = "Bo: viktig sitat"
    before = _codings(other)
    w._undo()
    assert warnings and "Someone else has changed the coding" in warnings[-1]
    assert _codings(other) == before == [("Tillit", 10, 30, "Bo: viktig sitat")]


@needs_pg
def test_undo_of_a_code_edit_is_refused_after_someone_else_renamed_it(shared, qtbot,
                                                                      warnings, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    w, other, doc, code = shared
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Tillit til hjelpen", True))
    w.code_actions.rename_code(code)
    with other.write() as s:
        cb.rename_code(s, wb.get_code_by_guid(s, code), "Tillit (Bo)")
    w._undo()
    assert len(warnings) == 1
    assert "Someone else has changed what" in warnings[0] and "Tillit (Bo)" in warnings[0]
    with other.read() as s:
        assert wb.get_code_by_guid(s, code).name == "Tillit (Bo)"


@needs_pg
def test_coding_with_a_code_someone_deleted_says_so_and_saves_nothing(shared, qtbot, warnings):
    from app.i18n import using_language

    w, other, doc, code = shared
    w.live.stop()  # the window has not yet seen the deletion
    w.live.session = None
    with other.write() as s:
        cb.delete_code(s, wb.get_code_by_guid(s, code))
    w.transcript.select_cp(10, 30)
    with using_language("nb"):
        assert not w.coding_actions.apply_code(code)
    assert warnings == ["Koden Tillit ble slettet av noen andre; kodingen din ble ikke lagret."]
    assert _codings(other) == []
    assert not w.session.undo_stack.canUndo()


@needs_pg
def test_a_definition_edited_by_two_people_keeps_the_first_and_names_both(shared, qtbot,
                                                                         warnings, monkeypatch):
    from app.views.code_actions import CodeActions

    w, other, doc, code = shared

    def dialog(_self, fields, _title):  # the user edits while the other saves theirs
        with other.write() as s:
            cb.update_code(s, wb.get_code_by_guid(s, code), description="Bo sin definisjon")
        return fields.__class__(**{**fields.__dict__, "description": "Ane sin definisjon"})

    monkeypatch.setattr(CodeActions, "_ask_code", dialog)
    w.code_actions.edit_code(code)
    assert len(warnings) == 1
    assert "Bo sin definisjon" in warnings[0] and "Ane sin definisjon" in warnings[0]
    with other.read() as s:
        assert wb.get_code_by_guid(s, code).description == "Bo sin definisjon"


def test_undo_is_refused_on_a_project_file_too(session, qtbot):
    """A project file: the window's own session changed behind the undo stack's back."""
    from app.views.commands.codes import CodebookCommand

    messages = []
    session.failed.connect(messages.append)
    with session.read() as s:
        code = cb.ordered_codes(s)[0]
        guid, name = code.guid, code.name
    assert session.execute(CodebookCommand(
        session, "Rename", lambda s: cb.rename_code(s, wb.get_code_by_guid(s, guid), "Nytt navn")))
    with session.project.write() as s:  # as another person would
        cb.update_code(s, wb.get_code_by_guid(s, guid), description="Endret av en annen")
    session.undo_stack.undo()
    assert messages and "Someone else has changed what" in messages[0]
    with session.read() as s:
        changed = wb.get_code_by_guid(s, guid)
        assert (changed.name, changed.description) == ("Nytt navn", "Endret av en annen")
    assert name != "Nytt navn"


def _connections(pg_cluster, url: str, allow: bool) -> None:  # noqa: F811
    """Let the project's database take connections again, or refuse them and end the ones it
    has (as when its server goes away)."""
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    with pg_cluster.admin() as con:
        con.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"true" if allow else "false"}')
        if not allow:
            con.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))


@needs_pg
def test_a_lost_connection_is_shown_the_window_stays_readable_and_it_recovers(
        shared, qtbot, warnings, pg_cluster, pg_url, tmp_path):  # noqa: F811
    from app.i18n import using_language

    w, other, doc, code = shared
    shown_text = w.transcript.toPlainText()
    rows = [r.name for r in w.docs.model.rows]
    other.close()  # its pooled connections would be ended with the others
    with using_language("nb"):
        _connections(pg_cluster, pg_url, allow=False)
        try:
            qtbot.waitUntil(lambda: w.session.offline, timeout=3000)
            assert not w.live.label.isHidden()
            assert w.live.label.text().startswith(
                "Frakoblet: får ikke kontakt med serveren til ")
            # still readable: the same document and list
            assert w.transcript.toPlainText() == shown_text
            assert [r.name for r in w.docs.model.rows] == rows
            # a change is refused, saying why, and nothing is done
            w.transcript.select_cp(10, 30)
            assert not w.coding_actions.apply_code(code)
            assert warnings and warnings[-1].startswith("Det delte prosjektet er frakoblet")
            assert not w.session.undo_stack.canUndo()
            w.resize(1400, 900)
            w.show()
            qtbot.wait(50)
            w.grab().save(str(tmp_path / "offline.png"))
            import os
            import shutil

            if os.environ.get("SITAT_SCREENSHOT_DIR"):  # to look at it by hand
                shutil.copy(tmp_path / "offline.png", os.environ["SITAT_SCREENSHOT_DIR"])
        finally:
            _connections(pg_cluster, pg_url, allow=True)
    second = Project.open(pg_url)  # meanwhile someone else coded (once the server is back)
    try:
        with second.write() as s:
            made = wb.apply_code(s, doc, code, wb.ensure_coder(s, "Bo").id, 40, 80)
        qtbot.waitUntil(lambda: not w.session.offline, timeout=10000)
        assert w.live.label.isHidden()
        qtbot.waitUntil(lambda: made.guid in {c.guid for c in w.transcript.codings},
                        timeout=2000)
        w.transcript.select_cp(100, 130)  # and writing works again
        assert w.coding_actions.apply_code(code)
        assert len(_codings(second)) == 2
    finally:
        second.close()


def test_redo_is_refused_when_someone_else_changed_it_since_the_undo(session, qtbot):
    from app.views.commands.codes import CodebookCommand

    messages = []
    session.failed.connect(messages.append)
    with session.read() as s:
        guid = cb.ordered_codes(s)[0].guid
    assert session.execute(CodebookCommand(
        session, "Rename", lambda s: cb.rename_code(s, wb.get_code_by_guid(s, guid), "Nytt navn")))
    session.undo_stack.undo()  # nobody else changed it: undone
    assert messages == []
    with session.read() as s:
        old = wb.get_code_by_guid(s, guid).name
    assert old != "Nytt navn"
    with session.project.write() as s:
        cb.create_code(s, "Lagt til av en annen")
    session.undo_stack.redo()
    assert messages and "was not redone" in messages[0] and "Lagt til av en annen" in messages[0]
    with session.read() as s:
        assert wb.get_code_by_guid(s, guid).name == old
        assert "Lagt til av en annen" in {c.name for c in cb.ordered_codes(s)}


@needs_pg
def test_the_server_stopped_and_started_again(qtbot, tmp_path, monkeypatch, warnings):
    """A cluster of its own, really stopped (fast shutdown) and started again."""
    from app.views import settings
    from app.views.application import new_window, open_session
    from tests.pg import Cluster

    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    settings.use_settings_dir(tmp_path / "settings")
    cluster = Cluster()
    try:
        url = cluster.url(cluster.create_database())
        with Project.create(url, "Stopp") as other:
            doc = _import(other, tmp_path, "intervju-01")
            code = _code(other, "Tillit")
        w = new_window()
        qtbot.addWidget(w)
        w.set_session(open_session(url))
        w.session.set_coder_name("Ane")
        data, root = str(cluster.data), str(cluster.root)
        cluster._run("pg_ctl", "-D", data, "-m", "fast", "-w", "-t", "30", "stop")
        qtbot.waitUntil(lambda: w.session.offline, timeout=3000)
        assert not w.live.label.isHidden() and "cannot reach the server" in w.live.label.text()
        w.transcript.select_cp(10, 30)
        assert not w.coding_actions.apply_code(code)
        assert warnings[-1].startswith("The shared project is offline")
        cluster._run("pg_ctl", "-D", data, "-l", str(cluster.root / "log"), "-w", "-t", "60",
                     "-o", f"-k {root} -c listen_addresses=''", "start")
        qtbot.waitUntil(lambda: not w.session.offline, timeout=10000)
        assert w.live.label.isHidden() and w.current_doc == doc
        assert w.coding_actions.apply_code(code)
        with Project.open(url) as second:
            assert _codings(second) == [("Tillit", 10, 30, "")]
        w.close()
    finally:
        cluster.stop()
