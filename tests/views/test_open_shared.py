"""File > Open shared project: the dialog's address and password open a project on a
PostgreSQL server in the window; the password is kept nowhere; a failure keeps the old project."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.pg import Cluster, find_bindir, pg_cluster  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(find_bindir() is None, reason="PostgreSQL is not installed")

SECRET = "hemmelig-Passord-7731"


def _answer_dialog(monkeypatch, url: str, password: str) -> None:
    from app.views.shared_dialog import SharedProjectDialog

    def exec_(dialog):
        assert dialog.password_edit.echoMode() == dialog.password_edit.EchoMode.Password
        dialog.url_edit.setText(url)
        dialog.password_edit.setText(password)
        return SharedProjectDialog.Accepted

    monkeypatch.setattr(SharedProjectDialog, "exec", exec_)


@pytest.fixture
def warnings(monkeypatch):
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, title, text, *a, **k: shown.append((title, text)))
    return shown


@pytest.fixture
def published(pg_cluster, built):  # noqa: F811
    """The sample project published into a database of its own; its URL."""
    from app.core.project import Project
    from app.core.server.publish import publish_project

    name = pg_cluster.create_database()
    url = pg_cluster.url(name)
    with Project.open(built, read_only=True) as project:
        publish_project(project, url)
    yield url, name
    pg_cluster.drop_database(name)


def test_the_dialog_opens_a_shared_project_and_keeps_no_password(
        sample_window, published, monkeypatch, warnings, tmp_path):
    from app.views import settings

    url, name = published
    w = sample_window
    file_docs = [r.guid for r in w.docs.model.rows]
    _answer_dialog(monkeypatch, url, SECRET)
    w.project_actions.open_shared_project()
    assert warnings == []
    assert w.session.project.shared and w.session.path.name == name
    assert [r.guid for r in w.docs.model.rows] == file_docs and file_docs
    assert name in w.windowTitle() and SECRET not in w.windowTitle()
    assert unquote(settings.recent_projects()[0]) == url
    assert all(SECRET not in entry for entry in settings.recent_projects())
    ini = (tmp_path / "settings" / "sitat.ini").read_text(encoding="utf-8")
    assert name in ini
    assert SECRET not in ini
    w.project_actions.fill_recent_menu()
    labels = [a.text() for a in w.recent_menu.actions()]
    assert labels[0].startswith(name) and all(SECRET not in t for t in labels)
    w.recent_menu.actions()[1].trigger()  # the sample file again
    assert w.session.path.suffix == ".sitat"
    w.recent_menu.actions()[0].trigger()  # the shared one, from the recent list
    assert warnings == [] and w.session.path.name == name


def test_a_password_in_the_address_is_not_remembered(sample_window, published, monkeypatch,
                                                    warnings, tmp_path):
    from app.views import settings

    url, name = published
    with_password = url.replace("sitat_test@", f"sitat_test:{SECRET}@")
    _answer_dialog(monkeypatch, with_password, "")
    sample_window.project_actions.open_shared_project()
    assert warnings == [] and sample_window.session.path.name == name
    assert SECRET not in (tmp_path / "settings" / "sitat.ini").read_text(encoding="utf-8")
    assert SECRET not in str(sample_window.session.path)


@pytest.mark.parametrize("address", ["postgresql://sitat_test@/ingen_slik_database?host={root}",
                                     "postgresql://sitat_test@/postgres?host={root}",
                                     "http://server/prosjekt"])
def test_a_failed_connection_says_why_and_keeps_the_open_project(
        sample_window, pg_cluster, monkeypatch, warnings, tmp_path, address):  # noqa: F811
    from app.i18n import using_language
    from app.views import settings

    w = sample_window
    before = w.session
    with using_language("nb"):
        _answer_dialog(monkeypatch, address.format(root=pg_cluster.root), SECRET)
        w.project_actions.open_shared_project()
    assert w.session is before and w.session.path.suffix == ".sitat"
    assert before.project.summary().documents > 0  # still open and readable
    assert len(warnings) == 1
    title, text = warnings[0]
    assert title == "Kan ikke åpne delt prosjekt"
    assert SECRET not in text
    assert all(SECRET not in e and "ingen_slik" not in e for e in settings.recent_projects())
    ini = (tmp_path / "settings" / "sitat.ini").read_text(encoding="utf-8")
    assert SECRET not in ini


def test_a_member_works_as_the_coder_the_server_links_them_to(
        sample_window, published, monkeypatch, warnings):
    from app.core.project import Project
    from app.core.server.members import grant, init_server

    url, name = published
    with Project.open(url) as p:
        init_server(p)
        grant(p, f"{name}_kari", "coder", "Kari Nordmann")
    _answer_dialog(monkeypatch, url.replace("sitat_test@", f"{name}_kari@"), "")
    sample_window.project_actions.open_shared_project()
    assert warnings == []
    assert sample_window.session.coder_name == "Kari Nordmann"
