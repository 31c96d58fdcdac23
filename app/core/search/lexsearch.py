"""A query run through the lexicon: each passage in its own written standard (bokmål
passages with the bokmål lexicon, nynorsk ones with the nynorsk lexicon), inside compounds
when asked, and "did you mean" suggestions for query words found nowhere in the project.

A nynorsk document (its `målform` attribute, see index.malform) is indexed in the field
`content_nn`; every passage carries `malform` nb or nn. When the project has nynorsk
passages the query is parsed twice, once per standard, and each is matched only within the
passages of its standard - so AND, OR, NOT and phrases mean the same in both."""

from __future__ import annotations

import re

from app.core.search.query import parse

MAX_SUGGESTIONS = 3
_OPERATORS = frozenset("AND OR NOT ANDNOT ANDMAYBE OG ELLER IKKE".split())
_PATTERN = re.compile(r"[*?~]")


def has_nynorsk(reader) -> bool:
    return reader.doc_frequency("malform", "nn") > 0


def run(match, searcher, query: str, exact: bool, compounds: bool, filter_terms: list[tuple],
        parts=None) -> tuple[set[int], dict]:
    """(matched units, hit ranges per unit) for `query` on every passage in its own
    standard, through `match(searcher, q, filter_terms, parts)` (service.match)."""
    schema = searcher.schema
    if exact or not has_nynorsk(searcher.reader()):
        return match(searcher, parse(query, schema, exact, compounds), filter_terms, parts)
    matched: set[int] = set()
    spans = None  # a dict of ranges, or (columns.match) a list of columns
    for field, form in (("content", "nb"), ("content_nn", "nn")):
        q = parse(query, schema, False, compounds, field)
        got, ranges = match(searcher, q, [*filter_terms, ("malform", form)], parts)
        matched.update(got)  # a set, or columns.Keys
        if spans is None:
            spans = ranges
        elif isinstance(spans, list):
            spans = spans + ranges
        else:
            spans.update(ranges)
    return matched, spans


def query_words(query: str) -> list[str]:
    """The plain words of a query, as typed and lowercased: no operators, no prefix*,
    wild?cards or fuzzy~ terms."""
    from app.core.search.norwegian import TOKEN_PATTERN

    words = []
    for chunk in re.split(r'[\s()"]+', query):
        if not chunk or chunk in _OPERATORS or _PATTERN.search(chunk):
            continue
        words += [w.lower() for w in re.findall(TOKEN_PATTERN, chunk)]
    return list(dict.fromkeys(words))


def found(reader, word: str) -> bool:
    """`word` occurs in the project: as written, or through one of its lemmas (bokmål or
    nynorsk)."""
    from app.core.search.norwegian import analyse

    if reader.doc_frequency("exact", word):
        return True
    standards = (("content", "nb"), ("content_nn", "nn")) if has_nynorsk(reader) \
        else (("content", "nb"),)  # the nynorsk lexicon is only loaded when needed
    for field, lang in standards:
        if any(reader.doc_frequency(field, x) for x in analyse(word, lang)[0]):
            return True
    return False


def suggestions(searcher, query: str) -> dict[str, list[str]]:
    """query word -> up to three words of the project close to it in spelling (one, then two
    edits; the more frequent first), for each query word found nowhere in the project:
    "kontaktpeson" -> ["kontaktperson"]."""
    reader = searcher.reader()
    out: dict[str, list[str]] = {}
    for word in query_words(query):
        if len(word) < 3 or not word.isalpha() or found(reader, word):
            continue
        got: list[str] = []
        for dist in (1, 2):
            near = [w for w in reader.terms_within("exact", word, dist, prefix=1)
                    if w != word and w not in got and w.isalpha()]
            near.sort(key=lambda w: (-reader.doc_frequency("exact", w), w))
            got += near[: MAX_SUGGESTIONS - len(got)]
            if len(got) >= MAX_SUGGESTIONS:
                break
        if got:
            out[word] = got
    return out
