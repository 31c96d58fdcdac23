"""Re-anchoring codings onto edited text: unchanged words keep their codings, changed words
become conflicts, nothing is ever placed on other words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.team.reanchor import BOUNDARY, CHANGED, DELETED, EXACT, MOVED, align, reanchor

OLD = ("Moderator: Hvordan var det? 🙂\n"
       "Deltaker 1: Jeg ble hørt, og hun hadde tid til meg. Det var godt å bli sett.\n"
       "Deltaker 2: Jeg måtte forklare alt på nytt. Brevet kom først etter fem uker.\n")


def _at(text: str, words: str) -> tuple[int, int]:
    i = text.index(words)
    return i, i + len(words)


def test_insertions_and_deletions_around_and_inside_spans():
    new = (OLD.replace("Deltaker 1: ", "Deltaker 1: Æ, ø og å – 🙏 først en ny setning. ")
           .replace("hun hadde tid", "hun hadde god tid")
           .replace(" Brevet kom først etter fem uker.", ""))
    spans = {w: _at(OLD, w) for w in ("Jeg ble hørt", "hun hadde tid til meg",
                                      "Det var godt å bli sett.", "Brevet kom først",
                                      "Jeg måtte forklare alt på nytt.", "Hvordan var det? 🙂")}
    got = dict(zip(spans, reanchor(OLD, new, list(spans.values()))))
    for words in ("Jeg ble hørt", "Det var godt å bli sett.", "Jeg måtte forklare alt på nytt.",
                  "Hvordan var det? 🙂"):
        a = got[words]
        assert a.how == EXACT and (a.start, a.end) == _at(new, words), words
    assert (got["hun hadde tid til meg"].how, got["hun hadde tid til meg"].reason) == (
        "conflict", CHANGED)
    assert got["Brevet kom først"].reason == DELETED


def test_a_span_whose_word_grew_is_not_cut_out_of_it():
    new = OLD.replace("hørt,", "hørte,")
    [a] = reanchor(OLD, new, [_at(OLD, "Jeg ble hørt")])
    assert (a.how, a.reason) == ("conflict", BOUNDARY)
    new = OLD.replace("Jeg ble", "Nå: Jeg ble")
    [a] = reanchor(OLD, new, [_at(OLD, "Jeg ble hørt")])
    assert a.how == EXACT and new[a.start:a.end] == "Jeg ble hørt"


def test_a_passage_moved_elsewhere_is_found_again():
    line = "Deltaker 2: Jeg måtte forklare alt på nytt. Brevet kom først etter fem uker.\n"
    new = line + OLD.replace(line, "")
    [a] = reanchor(OLD, new, [_at(OLD, "Jeg måtte forklare alt på nytt.")])
    assert a.how == MOVED and (a.start, a.end) == _at(new, "Jeg måtte forklare alt på nytt.")


def test_long_transcripts_align_in_blocks_of_unchanged_text():
    text = "".join(f"Deltaker {i % 7}: Setning nummer {i} om tjenesten, æøå 🙂.\n"
                   for i in range(3000))
    new = text.replace("nummer 1500 ", "nummer 1500 (ny) ").replace("Deltaker 3: Setning nummer "
                                                                  "10 ", "")
    blocks = align(text, new)
    assert all(text[a:a + n] == new[b:b + n] for a, b, n in blocks)
    assert sum(n for _a, _b, n in blocks) > len(text) - 100


_WORDS = ["jeg", "ble", "hørt", "æøå", "🙂", "tid", "og", "hun", "NAV", "ikke", "så"]


@st.composite
def _edited(draw):
    words = draw(st.lists(st.sampled_from(_WORDS), min_size=5, max_size=80))
    breaks = draw(st.lists(st.booleans(), min_size=len(words), max_size=len(words)))
    old = "".join(w + ("\n" if b else " ") for w, b in zip(words, breaks))
    new = old
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, len(new)))
        if draw(st.booleans()):
            piece = draw(st.sampled_from(["ny ", "æ", "🙏 ", "\n", "Deltaker: "]))
            new = new[:i] + piece + new[i:]
        else:
            new = new[:i] + new[i + draw(st.integers(1, 6)):]
    spans = draw(st.lists(st.tuples(st.integers(0, len(old) - 1), st.integers(1, 30)),
                          max_size=20))
    return old, new, [(s, min(len(old), s + n)) for s, n in spans]


@settings(max_examples=300, deadline=None)
@given(_edited())
def test_placed_codings_cover_the_same_text(case):
    old, new, spans = case
    for (s, e), a in zip(spans, reanchor(old, new, spans)):
        if a.placed:
            assert new[a.start:a.end] == old[s:e]
        else:
            assert a.reason in (DELETED, CHANGED, BOUNDARY)
        if old == new:
            assert (a.how, a.start, a.end) == (EXACT, s, e)
