"""Errors nothing caught in the window (app.views.error_hook): a lost server while merely
reading puts a shared project offline with the status bar notice (not a traceback), a Sitat
error is shown in the user's words, and anything else is shown with the reassurance that the
project is safe."""

from __future__ import annotations

import psycopg
import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from app.errors import InvalidInput
from app.views import error_hook


@pytest.fixture
def shown(monkeypatch):
    seen: list[tuple[str, str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _p, title, text, *a, **k: seen.append(("warning", title, text)))
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda _p, title, text, *a, **k: seen.append(("critical", title, text)))
    return seen


@pytest.fixture
def window(sample_window, monkeypatch):
    app = QApplication.instance()
    before = app.property("sitat_window")
    app.setProperty("sitat_window", sample_window)
    yield sample_window
    app.setProperty("sitat_window", before)


def test_a_lost_server_while_reading_puts_a_shared_project_offline(window, shown, monkeypatch):
    monkeypatch.setattr(window.session.project, "shared", True)
    window.live.follow(window.session)  # as for a shared project
    lost = psycopg.OperationalError("server closed the connection unexpectedly")
    assert error_hook.handle(type(lost), lost, None) is True
    assert window.session.offline
    assert shown == []  # the status bar says it, no dialog
    assert window.live.label.isVisibleTo(window)


def test_a_sitat_error_is_shown_in_the_users_words(window, shown):
    exc = InvalidInput("Koden finnes ikke lenger.")
    assert error_hook.handle(type(exc), exc, None) is True
    assert shown == [("warning", "Sitat", "Koden finnes ikke lenger.")]
    assert not window.session.offline


def test_an_unexpected_error_is_shown_and_still_reported(window, shown):
    exc = ZeroDivisionError("division by zero")
    assert error_hook.handle(type(exc), exc, None) is False  # the default report runs too
    kind, _title, text = shown[0]
    assert kind == "critical" and "ZeroDivisionError: division by zero" in text
