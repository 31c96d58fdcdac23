"""normalize: BOM, line ends, NFC, control characters, empty text; idempotent (hypothesis)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.importing.normalize import normalize
from app.errors import ImportFailed


def test_line_ends_bom_and_nfc() -> None:
    raw = "\ufeffIntervjuer: Hei\r\nInformant: bla\u030abær\rslutt\u2028ny\u2029x"
    assert normalize(raw) == "Intervjuer: Hei\nInformant: blåbær\nslutt\nny\nx"


def test_text_is_otherwise_kept_as_written() -> None:
    raw = "  Innrykk\t tab  \n\n\nTo  mellomrom   \n"
    assert normalize(raw) == raw


def test_word_line_and_page_breaks_and_dos_eof() -> None:
    assert normalize("a\x0bb\x0cc\x85d\x1a") == "a\nb\nc\nd"


@pytest.mark.parametrize("raw,line", [("ok\nok\x07\n", 2), ("\x00", 1), ("a\n\nb\x1bc", 3)])
def test_control_characters_are_refused_with_line(raw: str, line: int) -> None:
    with pytest.raises(ImportFailed, match=f"control character .* on line {line}"):
        normalize(raw)


@pytest.mark.parametrize("raw", ["", " ", "\ufeff", "\r\n\t \u2028", "\u00a0\n"])
def test_empty_or_blank_text_is_refused(raw: str) -> None:
    with pytest.raises(ImportFailed, match="contains no text"):
        normalize(raw)


def _accepted(raw: str) -> str | None:
    try:
        return normalize(raw)
    except ImportFailed:
        return None


text_like = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("abc æøåÆØÅ\t\n\r\u2028\u2029\ufeff\u030a\u0301🙂\x0b\x0c")),
        st.characters(),
    ),
    max_size=60,
)


@given(text_like)
def test_normalize_is_idempotent_and_leaves_no_cr(raw: str) -> None:
    out = _accepted(raw)
    if out is None:
        return
    assert normalize(out) == out
    assert "\r" not in out and "\u2028" not in out and "\u2029" not in out
    assert unicodedata.is_normalized("NFC", out)
    assert not out.startswith("\ufeff")
    assert out.strip()


@pytest.mark.parametrize("raw", ["\u200b", "\u200b\u200c\u200d\u2060", "\ufeff\u200b\n\ufeff",
                                 " \u200b\t\n\u2060 \u00a0", "\u00ad\u200e\u200f"])
def test_text_of_only_invisible_characters_is_refused(raw: str) -> None:
    with pytest.raises(ImportFailed, match="only invisible characters"):
        normalize(raw)


def test_invisible_characters_inside_real_text_are_kept() -> None:
    assert normalize("Hei\u200b på\u2060 deg") == "Hei\u200b på\u2060 deg"
