"""detect_turns: labels, continuation lines, headers, offsets in code points; invariants (hypothesis)."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from app.core.importing.speakers import detect_turns


def speech(text: str) -> list[tuple[str, str]]:
    return [(t.speaker, text[t.start:t.end]) for t in detect_turns(text)]


def test_roles_header_and_continuation_paragraphs() -> None:
    text = (
        "Intervju 4 🙂 – Tøyen, 3. mars\n"
        "Merk: lydfilen er støyete\n"
        "\n"
        "Intervjuer: Hvordan var det å begynne på skolen?  \n"
        "Informant:   Det var skummelt.\n"
        "Jeg kjente ingen der.\n"
        "\n"
        "Men det gikk seg til. 🙂\n"
        "\n"
        "Intervjuer: Takk skal du ha.\n"
    )
    assert speech(text) == [
        ("Intervjuer", "Hvordan var det å begynne på skolen?"),
        ("Informant", "Det var skummelt.\nJeg kjente ingen der.\n\nMen det gikk seg til. 🙂"),
        ("Intervjuer", "Takk skal du ha."),
    ]


def test_offsets_are_code_points_after_emoji_and_norwegian_letters() -> None:
    text = "🙂🙂 æøå ÆØÅ 🙂\nD1: Første 🙂 svar\nD2: Andre svar"
    turns = detect_turns(text)
    assert [(t.speaker, t.start, t.end) for t in turns] == [
        ("D1", 17, 30), ("D2", 35, 45)
    ]  # 13 code points before "D1: " (the emoji count one each, not two as in UTF-16)
    assert text[turns[0].start:turns[0].end] == "Første 🙂 svar"


def test_numbered_roles_codes_and_abbreviations() -> None:
    text = (
        "Moderator: Velkommen.\nDeltaker 3: Takk.\nd12: Hei.\nP3: Ja.\nI: Spørsmål?\n"
        "IP: Svar.\nKvinne 2: Jo.\nMann 1: Nei.\nmedmoderator: Notat.\nB1: Ok."
    )
    assert [s for s, _ in speech(text)] == [
        "Moderator", "Deltaker 3", "d12", "P3", "I", "IP", "Kvinne 2", "Mann 1", "medmoderator",
        "B1",
    ]


def test_names_count_only_when_used_twice() -> None:
    text = (
        "Tid: 10:30\nSted: Bergen\nMerk: Tid: to ganger\n"
        "Kari Nordmann: Jeg bor i Bergen.\n"
        "Ola: Og jeg i Oslo.\n"
        "Kari Nordmann: Jaså.\n"
        "Ola: Ja.\n"
        "Per: Bare én gang.\n"
    )
    assert speech(text) == [
        ("Kari Nordmann", "Jeg bor i Bergen."),
        ("Ola", "Og jeg i Oslo."),
        ("Kari Nordmann", "Jaså."),
        ("Ola", "Ja.\nPer: Bare én gang."),
    ]


def test_not_labels() -> None:
    text = (
        "Hun sa: nei.\nHun sa: ja.\nog så sa han: ja\nKl. 10:30: start\nhttps://example.org\n"
        "En veldig lang etikett som ikke er noe navn: nei\nMerk: a\nMerk: b\n"
        "Vilhelmine Kristiansen-Aasheim: for lang\nVilhelmine Kristiansen-Aasheim: x\n"
        "Kari:uten mellomrom\nKari:uten mellomrom\n"
    )
    assert detect_turns(text) == []


def test_any_capitalised_word_used_twice_is_a_speaker() -> None:
    assert speech("Se: her\nSe: der\n") == [("Se", "her"), ("Se", "der")]


def test_label_alone_on_its_line_and_empty_turns() -> None:
    text = "Intervjuer:\nHva tenker du?\nInformant:\n\nIntervjuer: Ok."
    assert speech(text) == [("Intervjuer", "Hva tenker du?"), ("Intervjuer", "Ok.")]


def test_time_stamps_around_the_label() -> None:
    text = "[00:01:02] Intervjuer: Hei.\n00:01:05 Informant: Hallo.\nIntervjuer (00:01:09): Ja."
    assert speech(text) == [("Intervjuer", "Hei."), ("Informant", "Hallo."), ("Intervjuer", "Ja.")]


def test_no_speakers_gives_empty_list() -> None:
    assert detect_turns("Bare en vanlig tekst.\nMed to linjer.") == []


def test_fast_on_a_long_transcript() -> None:
    block = "Intervjuer: Hva skjedde så?\nInformant: " + "Jeg gikk hjem og tenkte på det. " * 8 + "\n"
    text = (block * 1000)[:300_000]
    started = time.perf_counter()
    turns = detect_turns(text)
    assert time.perf_counter() - started < 0.5  # budget is ~50 ms; generous for slow CI
    assert len(turns) >= 1000


line = st.one_of(
    st.sampled_from(["Intervjuer: hei", "D1:", "Kari: ja ", "Kari:  ", "  ", "", "Merk: x",
                     "I:\t🙂", "tekst æøå", "Deltaker 2: å\u00a0", "Ola Nordmann: ok"]),
    st.text(alphabet="IDK1 :æ\t\u00a0🙂a", max_size=12),
)


@given(st.lists(line, max_size=25))
def test_turn_invariants(lines: list[str]) -> None:
    text = "\n".join(lines)
    turns = detect_turns(text)
    previous_end = 0
    for t in turns:
        assert 0 <= previous_end <= t.start < t.end <= len(text)
        piece = text[t.start:t.end]
        assert not piece[0].isspace() and not piece[-1].isspace()
        assert t.speaker.strip() == t.speaker and t.speaker
        previous_end = t.end
