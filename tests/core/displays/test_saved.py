"""Displays saved by name: stored, listed, reopened, replaced only when asked, deleted; the
typed DisplaySpec both faces use."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update

from app.core.displays.saved import (DisplaySpec, delete_display, load_display, save_display,
                                     saved_displays)
from app.errors import InvalidInput, NotFound
from app.models import SavedDisplay


def test_save_load_replace_delete(project):
    spec = DisplaySpec.from_json({"rows": "codes", "cols": "bydel", "cell": "count",
                                  "coders": ["Hanne"], "where": {"tjeneste": "NAV"},
                                  "ignored": 1})
    with project.write() as s:
        save_display(s, "Koder etter bydel", spec)
    with project.read() as s:
        loaded = load_display(s, "Koder etter bydel")
        assert loaded == spec
        assert loaded.as_json() == {"rows": "codes", "cols": "bydel", "cell": "count",
                                    "coders": ["Hanne"], "where": {"tjeneste": "NAV"}}
        with pytest.raises(NotFound, match="Did you mean"):
            load_display(s, "Koder etter bydl")
    with pytest.raises(InvalidInput, match="already"):
        with project.write() as s:
            save_display(s, "Koder etter bydel", DisplaySpec(rows="documents"))
    with project.write() as s:
        save_display(s, "Koder etter bydel", DisplaySpec(rows="documents", cols="coders"),
                     replace=True)
        save_display(s, "Annen", DisplaySpec(rows="codes", cols="tjeneste"))
    with project.read() as s:
        assert [n for n, _spec in saved_displays(s)] == ["Annen", "Koder etter bydel"]
        assert load_display(s, "Koder etter bydel").cols == "coders"
    with project.write() as s:
        delete_display(s, "Annen")
    with project.read() as s:
        assert [n for n, _spec in saved_displays(s)] == ["Koder etter bydel"]


def test_damaged_saved_display_is_a_message(project):
    with project.write() as s:
        save_display(s, "X", DisplaySpec())
        s.execute(update(SavedDisplay).values(spec="{not json"))
    with project.read() as s, pytest.raises(InvalidInput, match="damaged"):
        load_display(s, "X")


def test_merged_lays_loaded_filters_over_defaults():
    base = DisplaySpec(rows="codes", cols="bydel", coders=("Tor",), level=2)
    loaded = DisplaySpec.from_json(json.loads('{"rows": "documents", "cols": "coders", '
                                              '"cell": "share", "where": {"bydel": "Alna"}}'))
    m = base.merged(loaded)
    assert (m.rows, m.cols, m.cell, m.coders, m.where, m.level) == (
        "documents", "coders", "share", ("Tor",), {"bydel": "Alna"}, 2)


def test_filters_text_names_every_filter():
    spec = DisplaySpec(coders=("Hanne", "Tor"), where={"bydel": "Alna"}, round="Runde 1",
                       codes=("Respekt",), level=1)
    text = spec.filters_text()
    for part in ("bydel=Alna", "Hanne, Tor", "Runde 1", "Respekt", "1"):
        assert part in text
    # the scope is always named: passages unless the display says otherwise
    assert DisplaySpec().filters_text() == "scope: passages (united across coders)"
    assert DisplaySpec(scope="codings").filters_text().startswith("scope: every coding")


def test_scope_is_stored_and_old_displays_mean_passages(project):
    with project.write() as s:
        save_display(s, "Alle", DisplaySpec(scope="codings"))
        save_display(s, "Passasjer", DisplaySpec())
    with project.read() as s:
        assert load_display(s, "Alle").scope == "codings"
        assert load_display(s, "Passasjer").as_json() == {"rows": "codes", "cols": "documents",
                                                          "cell": "count"}
    old = DisplaySpec.from_json({"rows": "codes", "cols": "bydel", "cell": "count"})
    assert old.scope is None and old.analysis_scope().kind == "segments"
