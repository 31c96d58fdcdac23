"""Code point <-> UTF-16 conversion: emoji before a span must not shift it, æøå are one unit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.views.offsets import OffsetMap


def utf16_prefix(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def test_plain_text_is_identity():
    m = OffsetMap("blåbærsyltetøy")
    assert m.identity and m.to_qt(5) == 5 and m.from_qt(5) == 5


def test_emoji_before_span_shifts_qt_positions_only():
    text = "Hei 😀 på deg, 👍🏽 og ærlig talt"
    m = OffsetMap(text)
    start = text.index("ærlig")
    qt = m.to_qt(start)
    assert qt == utf16_prefix(text, start) == start + 3  # three astral characters before it
    assert m.from_qt(qt) == start
    assert m.from_qt_range(*m.to_qt_range(start, start + 5)) == (start, start + 5)


def test_position_inside_surrogate_pair():
    text = "a😀b"
    m = OffsetMap(text)
    assert m.to_qt(1) == 1 and m.to_qt(2) == 3
    assert m.from_qt(2) == 1  # middle of the pair -> its start
    assert m.from_qt_range(0, 2) == (0, 2)  # an end inside the pair takes the whole emoji


@given(st.text(alphabet=st.sampled_from("aæøå 😀\U0001F44D\n"), max_size=60), st.data())
def test_roundtrip(text, data):
    m = OffsetMap(text)
    cp = data.draw(st.integers(0, len(text)))
    assert m.to_qt(cp) == utf16_prefix(text, cp)
    assert m.from_qt(m.to_qt(cp)) == cp
    assert m.qt_length == utf16_prefix(text, len(text))
