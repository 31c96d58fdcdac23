"""The postings engine (app.core.search.engine) gives exactly the passages and hit ranges that
whoosh's own matcher gives, on the bundled sample project, for every kind of query the search
box produces - and it is the path actually taken for them."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.search import engine
from app.core.search.index import ProjectIndex
from app.core.search.query import _keep_outer, parse
from app.core.search.service import _filter_terms, match, search, whoosh_match


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory):
    import os

    from app.core.sample import build_sample

    folder = tmp_path_factory.mktemp("engine")
    old = os.environ.get("SITAT_INDEX_DIR")
    os.environ["SITAT_INDEX_DIR"] = str(folder / "idx")
    project = build_sample(folder / "sample.sitat")
    ix = ProjectIndex(project)
    ix.ensure()
    yield project, ix
    ix.close()
    project.close()
    if old is None:
        os.environ.pop("SITAT_INDEX_DIR", None)
    else:
        os.environ["SITAT_INDEX_DIR"] = old


WORDS = ["kontaktperson", "bruker", "respekt", "trygg", "ikke", "fastlegen", "hjelp", "NAV",
         "tjeneste", "møte", "får", "far", "vente", "ansatte", "lytte", "ingenting"]
QUERIES = [
    *WORDS,
    '"ikke sant"', '"fast person"', '"hver gang"', '"tatt på alvor"', '"ta kontakt"',
    "kontakt*", "bruk*", "tjenest*", "t?enesten", "respektet~", "kontaktpreson~2",
    "trygg OG hjelp", "trygg AND hjelp", "trygg ELLER respekt", "trygg OR respekt",
    "bruker IKKE NAV", "bruker NOT NAV", "IKKE bruker", "(trygg ELLER respekt) OG ikke",
    '"ikke sant" ELLER kontaktperson', 'kontakt* OG "ikke sant"', "bruker ANDNOT NAV",
    "bruker ANDMAYBE NAV", "trygg hjelp", "ordetfinnesikke", '"ordetfinnesikke sant"',
]


def _reference(searcher, q) -> set[int]:
    """Matched passages by set algebra over whoosh's matches of each leaf. (whoosh's own
    AND NOT matcher sometimes lets through a passage that has the excluded word.)"""
    from whoosh import query as Q

    if isinstance(q, Q.And):
        out = set(searcher.reader().all_doc_ids())
        for sub in q.subqueries:
            out &= _reference(searcher, sub)
        return out
    if isinstance(q, Q.Or):
        return set().union(*(_reference(searcher, sub) for sub in q.subqueries))
    if isinstance(q, Q.Not):
        return set(searcher.reader().all_doc_ids()) - _reference(searcher, q.query)
    if isinstance(q, Q.AndNot):
        return _reference(searcher, q.a) - _reference(searcher, q.b)
    if isinstance(q, Q.AndMaybe):
        return _reference(searcher, q.a)
    return set(searcher.search(q, limit=None, scored=False).docs())


def _negated(q) -> bool:
    from whoosh import query as Q

    return isinstance(q, Q.Not | Q.AndNot) or any(_negated(c) for c in q.children())


def _same(project, ix, query: str, where=None, exact: bool = False,
          nested: bool = False) -> int:
    """The engine finds the passages whoosh finds, with the hit ranges the query's leaves mark
    in them. With `nested` (an AND inside an OR) the engine may mark less: whoosh's leaves
    would mark a word of an AND that did not match in that passage."""
    from app.core.search.query import _leaves, hit_spans

    searcher = ix.current()
    with project.read() as s:
        terms = _filter_terms(s, where, None)
    q = parse(query, searcher.schema, exact)
    reader = searcher.reader()
    restrict = engine.filter_docs(reader, terms) if terms else None
    fast = engine.match(reader, q, restrict)
    assert fast is not None, f"{query!r} fell back to whoosh's matcher"
    expected = _reference(searcher, q)
    if restrict is not None:
        expected &= restrict
    assert fast[0] == expected, query
    if not _negated(q):
        assert fast[0] == whoosh_match(searcher, q, terms)[0], query
    norm = {d: _keep_outer(set(v)) for d, v in fast[1].items() if v}
    wide = {d: set(v) for d, v in hit_spans(searcher, sorted(fast[0]),
                                              list(_leaves(q))).items() if v}
    if nested:
        assert all(set(v) <= wide[d] for d, v in fast[1].items()), query
        assert all(d in norm for d in fast[0] if d in wide), query
    else:
        assert norm == {d: _keep_outer(v) for d, v in wide.items()}, query
    return len(fast[0])


@pytest.mark.parametrize("query", QUERIES)
def test_engine_matches_whoosh(sample_index, query):
    project, ix = sample_index
    _same(project, ix, query)
    _same(project, ix, query, exact=True)


def test_most_queries_find_something(sample_index):
    project, ix = sample_index
    found = [q for q in QUERIES if _same(project, ix, q)]
    assert len(found) >= len(QUERIES) - 3  # a test that found nothing would prove nothing


@pytest.mark.parametrize("where", [{"bydel": "Alna"}, {"tjeneste": "NAV"},
                                   {"intervjutype": "Fokusgruppe", "bydel": "Gamle Oslo"}])
def test_engine_with_filters(sample_index, where):
    project, ix = sample_index
    for query in ("bruker", '"ikke sant"', "kontakt*", "trygg ELLER respekt", "IKKE NAV"):
        _same(project, ix, query, where=where)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.recursive(st.sampled_from(WORDS + ["kontakt*", '"ikke sant"', "trygg~"]),
                    lambda inner: st.one_of(
                        st.tuples(inner, st.sampled_from([" OG ", " ELLER ", " ", " IKKE "]),
                                  inner).map(lambda t: f"({''.join(t)})")),
                    max_leaves=5))
def test_random_boolean_queries(sample_index, query):
    project, ix = sample_index
    _same(project, ix, query, nested=True)


def test_a_word_of_an_and_that_did_not_match_is_not_marked(sample_index):
    project, ix = sample_index
    hits = search(project, "kontaktperson ELLER (bruker OG respekt)", index=ix).hits
    by_passage: dict = {}
    for h in hits:
        by_passage.setdefault((h.document, h._unit), []).append(h.text.lower())
    alone = [w for w in by_passage.values() if not any(x.startswith("respekt") for x in w)]
    assert alone and all(x.startswith("kontaktperson") for w in alone for x in w)


def test_search_falls_back_for_what_the_engine_does_not_know(sample_index, monkeypatch):
    project, ix = sample_index
    query = "trygg ELLER respekt ELLER respektere"  # the noun and the verb are two lemmas
    expected = [(h.document, h.start, h.end) for h in search(project, query, index=ix).hits]
    monkeypatch.setattr(engine, "match", lambda *a, **k: None)
    got = [(h.document, h.start, h.end) for h in search(project, query, index=ix).hits]
    assert got == expected and len(got) >= 10


def test_match_uses_the_filter(sample_index):
    project, ix = sample_index
    searcher = ix.current()
    with project.read() as s:
        terms = _filter_terms(s, {"bydel": "Alna"}, None)
    q = parse("bruker", searcher.schema)
    everywhere, _ = match(searcher, q, [])
    in_alna, _ = match(searcher, q, terms)
    assert in_alna and in_alna < everywhere
