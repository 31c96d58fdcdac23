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
instead of a pickle: one C call decodes a posting, or a whole block (numpy, columns.py).

Posting blocks are written (`block_layout`) with their ids (deltas) and weights as arrays, and
a `PackedCharacters` block's values as one bytes object with an array of occurrence counts
beside it instead of a bytes object per posting: unpickling a block is then three buffer
copies, and columns.py reads a term's postings as numpy arrays (`numpy.frombuffer`) without a
Python object per posting. whoosh's own reading splits such a block's values on demand.
National: a common word's postings ~8 -> ~2 ms (INDEX_VERSION 7)."""

from __future__ import annotations

import re
import sys
from array import array
from collections import defaultdict
from itertools import chain

from whoosh.fields import TEXT
from whoosh.formats import Characters

from app.core.search.norwegian import TOKEN_PATTERN, exact_analyzer, norwegian_analyzer

__all__ = ["PackedCharacters", "PassageText", "block_layout", "decode", "word_terms"]

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


def block_layout() -> None:
    """Write posting blocks as arrays (see the module's docstring) and read them back in
    whoosh (its `value()` per posting). Idempotent; applied when this module is imported,
    which every process opening or writing an index does (the schema names PassageText)."""
    from whoosh.codec import whoosh3

    from app.core.search.mapped import no_copies

    no_copies()  # and the index read from its mapping, not copied
    writer, matcher = whoosh3.W3PostingsWriter, whoosh3.W3LeafMatcher
    if getattr(writer, "sitat_layout", False):
        return
    mini_ids, mini_weights, mini_values = writer._mini_ids, writer._mini_weights, \
        writer._mini_values
    read_values = matcher._read_values

    def _mini_ids(self):
        if self._byteids:
            return mini_ids(self)
        ids = array(U32, self._ids)
        if len(ids) > 1:  # deltas, as whoosh writes them (whoosh3.delta_encode)
            ids[1:] = array(U32, map(int.__sub__, ids[1:], ids[:-1]))
        return ids

    def _mini_weights(self):
        got = mini_weights(self)
        return self._weights if type(got) is tuple else got

    def _mini_values(self):
        if type(self._format) is not PackedCharacters:
            return mini_values(self)
        values = self._values
        return (array(U32, [len(v) // 12 for v in values]), b"".join(values))

    def _read_values(self):
        if self._data is None:
            self._read_data()
        packed = self._data[2]
        if packed_block(packed):
            out, at = [], 0
            blob = packed[1]
            for n in packed[0]:
                out.append(blob[at:at + 12 * n])
                at += 12 * n
            self._values = out
        else:
            read_values(self)

    writer._mini_ids, writer._mini_weights, writer._mini_values = \
        _mini_ids, _mini_weights, _mini_values
    matcher._read_values = _read_values
    writer.sitat_layout = True


def packed_block(values) -> bool:
    """Whether a block's stored values are `block_layout`'s (counts array, joined bytes)."""
    return type(values) is tuple and len(values) == 2 and type(values[0]) is array


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


block_layout()


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
