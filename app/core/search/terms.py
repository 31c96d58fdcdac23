"""Fast index-time analysis of a passage's text fields: the same terms, positions and
characters whoosh's TEXT field gets from the analysers in norwegian.py, but with each distinct
word form analysed once per process (a transcript repeats its words thousands of times) and
one tokenization shared by a passage's two text fields (the lemma field and the exact one).

Profiling a build (cProfile, oslo corpus) showed the token pipeline - a generator per filter,
a Token object written per token and term, a dictionary of lists per field - taking about a
third of the time; this path keeps only the per-word lookups and the encoding whoosh needs.
The terms of a word come from running the field's own analyser on the word alone, so they
are the analyser's by construction (a word is one token: the tokenizer matches it whole).

The text fields' postings are written in `PackedCharacters`, whoosh's Characters format with
each posting's value as raw little-endian 32-bit numbers (position, start, end of every occurrence)
instead of a pickle: one C call decodes a posting, or a whole block (numpy, columns.py)."""

from __future__ import annotations

import re
import sys
from array import array
from collections import defaultdict
from itertools import chain

from whoosh.fields import TEXT
from whoosh.formats import Characters

from app.core.search.norwegian import TOKEN_PATTERN, exact_analyzer, norwegian_analyzer

__all__ = ["PackedCharacters", "PassageText", "decode", "word_terms"]

U32 = "I" if array("I").itemsize == 4 else "L"  # array's typecode of 32-bit unsigned numbers
_SWAP = sys.byteorder == "big"  # postings are little-endian everywhere

_WORD = re.compile(TOKEN_PATTERN)
_last: tuple = (None, None)  # (text, its words): one passage, analysed for two fields
_terms: dict[str, dict[str, tuple[bytes, ...] | None]] = {}  # kind -> word -> its terms


class PassageText(TEXT):
    """A TEXT field (positions and characters) of one kind of analysis: "nb" or "nn"
    (lemmas and compound parts) or "exact" (the lowercased word form)."""

    def __init__(self, kind: str) -> None:
        analyzer = exact_analyzer() if kind == "exact" else norwegian_analyzer(kind)
        super().__init__(analyzer=analyzer, phrase=True, chars=True)
        self.format = PackedCharacters(field_boost=self.format.field_boost)
        self.kind = kind

    def index(self, value, **kwargs):
        if kwargs or not isinstance(value, str):
            return super().index(value, **kwargs)
        got = _postings(value, self.kind, self.analyzer, self.format.field_boost)
        return super().index(value) if got is None else got


class PackedCharacters(Characters):
    """whoosh's Characters format (frequency, positions, characters) with a posting's value
    the raw little-endian unsigned 32-bit numbers position, start, end of each occurrence in
    turn (12 bytes an occurrence, no header: the frequency is the length / 12)."""

    def encode(self, poslist) -> bytes:
        return encode(poslist)

    def decode_characters(self, valuestring) -> list[tuple[int, int, int]]:
        return decode(valuestring)

    def decode_positions(self, valuestring) -> list[int]:
        return [p for p, _a, _b in decode(valuestring)]

    def decode_frequency(self, valuestring) -> int:
        return len(valuestring) // 12


def encode(poslist) -> bytes:
    """A `PackedCharacters` posting of [(position, start, end), ...]."""
    a = array(U32, chain.from_iterable(poslist))
    if _SWAP:
        a.byteswap()
    return a.tobytes()


def decode(value: bytes) -> list[tuple[int, int, int]]:
    """[(position, start, end), ...] of a `PackedCharacters` posting."""
    a = array(U32)
    a.frombytes(value)
    if _SWAP:
        a.byteswap()
    it = iter(a)
    return list(zip(it, it, it))


def word_terms(word: str, kind: str, analyzer) -> tuple[bytes, ...] | None:
    """The terms (UTF-8) the analyser gives `word` standing alone, all at its one position;
    None when the analyser makes more than one token of it (then the slow path is taken)."""
    cache = _terms.setdefault(kind, {})
    try:
        return cache[word]
    except KeyError:
        pass
    out: list[bytes] | None = []
    for t in analyzer(word, positions=True, chars=True, mode="index"):
        if t.stopped:
            continue
        if t.pos != 0 or t.startchar != 0 or t.endchar != len(word):
            out = None
            break
        out.append(t.text.encode("utf-8"))
    got = cache[word] = None if out is None else tuple(out)
    if len(cache) > 500_000:  # a pathological corpus of unique words: start afresh
        cache.clear()
    return got


def _words(text: str) -> list[tuple[str, int, int]]:
    global _last
    last = _last
    if last[0] is text:
        return last[1]
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    _last = (text, words)
    return words


def _postings(text: str, kind: str, analyzer, boost: float):
    """(term, frequency, weight, encoded positions and characters) per distinct term, as
    `PackedCharacters` writes them; None if a word needs the slow path."""
    seen: dict[bytes, list] = defaultdict(list)
    cache = _terms.get(kind) or {}
    for pos, (word, start, end) in enumerate(_words(text)):
        terms = cache.get(word)
        if terms is None:
            terms = word_terms(word, kind, analyzer)
            if terms is None:
                return None
            cache = _terms[kind]
        if terms:
            item = (pos, start, end)
            for term in terms:
                seen[term].append(item)
    out = []
    for term, poslist in seen.items():
        n = len(poslist)
        out.append((term, n, float(n) * boost, encode(poslist)))
    return out
