"""Fast index-time analysis of a passage's text fields: the same terms, positions and
characters whoosh's TEXT field gets from the analysers in norwegian.py, but with each distinct
word form analysed once per process (a transcript repeats its words thousands of times) and
one tokenization shared by a passage's two text fields (the lemma field and the exact one).

Profiling a build (cProfile, oslo corpus) showed the token pipeline - a generator per filter,
a Token object written per token and term, a dictionary of lists per field - taking about a
third of the time; this path keeps only the per-word lookups and the encoding whoosh needs.
The terms of a word come from running the field's own analyser on the word alone, so they
are the analyser's by construction (a word is one token: the tokenizer matches it whole)."""

from __future__ import annotations

import re
from collections import defaultdict
from pickle import dumps

from whoosh.fields import TEXT
from whoosh.system import pack_uint

from app.core.search.norwegian import TOKEN_PATTERN, exact_analyzer, norwegian_analyzer

__all__ = ["PassageText", "word_terms"]

_WORD = re.compile(TOKEN_PATTERN)
_last: tuple = (None, None)  # (text, its words): one passage, analysed for two fields
_terms: dict[str, dict[str, tuple[bytes, ...] | None]] = {}  # kind -> word -> its terms


class PassageText(TEXT):
    """A TEXT field (positions and characters) of one kind of analysis: "nb" or "nn"
    (lemmas and compound parts) or "exact" (the lowercased word form)."""

    def __init__(self, kind: str) -> None:
        analyzer = exact_analyzer() if kind == "exact" else norwegian_analyzer(kind)
        super().__init__(analyzer=analyzer, phrase=True, chars=True)
        self.kind = kind

    def index(self, value, **kwargs):
        if kwargs or not isinstance(value, str):
            return super().index(value, **kwargs)
        got = _postings(value, self.kind, self.analyzer, self.format.field_boost)
        return super().index(value) if got is None else got


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
    whoosh's Characters format writes them; None if a word needs the slow path."""
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
        deltas = []
        posbase = charbase = 0
        for pos, start, end in poslist:
            deltas.append((pos - posbase, start - charbase, end - start))
            posbase, charbase = pos, end
        n = len(poslist)
        out.append((term, n, float(n) * boost, pack_uint(n) + dumps(deltas, 2)))
    return out
