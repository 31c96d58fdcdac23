"""Fixtures of the window tests: the sample project, built once per test session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The bundled sample project (copy it before changing it)."""
    from app.core.demo import ensure_sample

    return ensure_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture
def sample_window(qtbot, tmp_path, built, monkeypatch):
    """A main window on a fresh copy of the sample project, with its own settings and search
    index folders. Closed after the test."""
    import shutil

    from app.views import settings
    from app.views.application import new_window, open_session

    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    settings.use_settings_dir(tmp_path / "settings")
    path = tmp_path / "s.sitat"
    shutil.copyfile(built, path)
    w = new_window()
    qtbot.addWidget(w)
    w.set_session(open_session(path))
    yield w
    w.close()


@pytest.fixture
def session(qtbot, tmp_path, built):
    """A session (no window) on a fresh copy of the sample project, coding as "Lead"."""
    import shutil

    from app.views import settings
    from app.views.application import open_session

    settings.use_settings_dir(tmp_path / "settings")
    path = tmp_path / "demo.sitat"
    shutil.copyfile(built, path)
    s = open_session(path)
    s.set_coder_name("Lead")
    yield s
    s.close()
