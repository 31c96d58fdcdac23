"""Snap a selected range to whole words or to whole speaker turns (code points, half-open)."""

from __future__ import annotations

from typing import Sequence

# Characters that belong to a word besides letters and digits (Norwegian compounds, elisions).
_JOINERS = "-'’_"


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch in _JOINERS


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow [start, end) to whole words and trim white space and stray punctuation at the edges."""
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    while start < end and not _is_word(text[start]) and not _is_edge_punct(text[start]):
        start += 1
    while end > start and not _is_word(text[end - 1]) and not _is_edge_punct(text[end - 1]):
        end -= 1
    if start >= end:
        return start, start
    while start > 0 and _is_word(text[start - 1]) and _is_word(text[start]):
        start -= 1
    while end < len(text) and _is_word(text[end]) and _is_word(text[end - 1]):
        end += 1
    return start, end


def _is_edge_punct(ch: str) -> bool:
    # Quotation marks and sentence punctuation are kept when selected; spaces are not.
    return ch in "«»\"“”.,!?:;()…"


def snap_to_turns(
    turns: Sequence[tuple[int, int]], start: int, end: int
) -> tuple[int, int]:
    """Grow [start, end) to cover every speaker turn (start, end) it touches; unchanged if none."""
    lo, hi = start, end
    touched = False
    for t_start, t_end in turns:
        if t_end <= start and not (start == end == t_end):
            continue
        if t_start >= end and not (start == end == t_start):
            if t_start > end:
                break
            continue
        lo, hi = min(lo, t_start), max(hi, t_end)
        touched = True
    return (lo, hi) if touched else (start, end)
