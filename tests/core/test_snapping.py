"""Snapping a selection to whole words and whole speaker turns."""

from __future__ import annotations

from app.core.snapping import snap_to_turns, snap_to_words

TEXT = "Deltaker 1: Vi fikk ikke hjelp på kveldstid, så jeg ringte legevakta."


def test_partial_words_grow_to_whole_words():
    a = TEXT.index("ikke") + 2
    b = TEXT.index("kveldstid") + 3
    s, e = snap_to_words(TEXT, a, b)
    assert TEXT[s:e] == "ikke hjelp på kveldstid"


def test_surrounding_spaces_are_trimmed():
    a = TEXT.index(" så")
    s, e = snap_to_words(TEXT, a, a + 4)
    assert TEXT[s:e] == "så"


def test_emoji_and_norwegian_letters_are_single_positions():
    text = "😀 blåbær-syltetøy!"
    s, e = snap_to_words(text, 4, 6)
    assert text[s:e] == "blåbær-syltetøy"


def test_snap_to_turns():
    turns = [(12, 40), (52, 90), (100, 120)]
    assert snap_to_turns(turns, 20, 60) == (12, 90)
    assert snap_to_turns(turns, 95, 97) == (95, 97)
    assert snap_to_turns(turns, 30, 30) == (12, 40)
