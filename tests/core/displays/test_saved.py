"""Displays saved by name: stored, listed, reopened, replaced only when asked, deleted."""

from __future__ import annotations

import pytest

from app.core.displays.saved import delete_display, load_display, save_display, saved_displays
from app.errors import InvalidInput, NotFound


def test_save_load_replace_delete(project):
    spec = {"rows": "codes", "cols": "bydel", "cell": "count", "coders": ["Hanne"],
            "where": {"tjeneste": "NAV"}, "ignored": 1}
    with project.write() as s:
        save_display(s, "Koder etter bydel", spec)
    with project.read() as s:
        assert load_display(s, "Koder etter bydel") == {
            "rows": "codes", "cols": "bydel", "cell": "count", "coders": ["Hanne"],
            "where": {"tjeneste": "NAV"}}
        with pytest.raises(NotFound, match="Did you mean"):
            load_display(s, "Koder etter bydl")
    with pytest.raises(InvalidInput, match="already"):
        with project.write() as s:
            save_display(s, "Koder etter bydel", {"rows": "documents"})
    with project.write() as s:
        save_display(s, "Koder etter bydel", {"rows": "documents", "cols": "coders"},
                     replace=True)
        save_display(s, "Annen", {"rows": "codes", "cols": "tjeneste"})
    with project.read() as s:
        assert [n for n, _spec in saved_displays(s)] == ["Annen", "Koder etter bydel"]
    with project.write() as s:
        delete_display(s, "Annen")
    with project.read() as s:
        assert [n for n, _spec in saved_displays(s)] == ["Koder etter bydel"]
