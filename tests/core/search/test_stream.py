"""Paged search (search/stream.py): over random queries, filters and page sizes the pages give
the same hits, in the same order and with the same ranges, as the full list, and the same
totals; the first page decodes only its own passages; a closed stream holds nothing (its own
index closed, no thread left); "code all hits" from a stream equals coding the full list."""

from __future__ import annotations

import random
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.project import Project
from app.core.search.index import ProjectIndex
from app.core.search.service import search
from app.core.search.stream import open_search

WORDS = ["bruker", "brukerne", "trygg", "trygge", "hjelp", "hjelpe", "NAV", "kontaktperson",
         "ikke", "sant", "og", "fastlegen", "tjenesten", "hjemmetjenesten", "far", "får"]
SPEAKERS = ["Moderator", "Deltaker 1", "Deltaker 2"]


def _text(rng: random.Random) -> tuple[str, list[tuple[int, int, str]]]:
    """A transcript of turns, long and short (short ones share an index passage)."""
    out, turns, pos = [], [], 0
    for _ in range(rng.randint(8, 30)):
        who = rng.choice(SPEAKERS)
        n = rng.choice([2, 3, 5, 30])  # words: short turns are merged in the index
        said = " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."
        line = f"{who}: {said}\n"
        turns.append((pos + len(who) + 2, pos + len(line) - 1, who))
        out.append(line)
        pos += len(line)
    return "".join(out), turns


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from app.core import attributes as attrs
    from app.core import codebook as cb
    from app.core.coding import NewCoding, add_codings_bulk, get_or_create_coder
    from app.models import Document, SpeakerTurn

    folder = tmp_path_factory.mktemp("stream")
    rng = random.Random(19)
    p = Project.create(folder / "p.sitat")
    with p.write() as s:
        code = cb.create_code(s, "Trygghet")
        coders = [get_or_create_coder(s, name) for name in ("Hanne", "Tor")]
        rows = []
        for i in range(7):
            text, turns = _text(rng)
            doc = Document(name=f"doc-{i:02d}", text=text, length=len(text), sha256=f"s{i}")
            s.add(doc)
            s.flush()
            attrs.set_values(s, doc, {"bydel": rng.choice(["Alna", "Stovner"])})
            for a, b, who in turns:
                s.add(SpeakerTurn(document_id=doc.id, start=a, end=b, speaker=who))
            for _ in range(6):
                a = rng.randrange(0, len(text) - 40)
                rows.append(NewCoding(doc.id, code.id, rng.choice(coders).id, a,
                                      a + rng.randint(5, 40)))
        add_codings_bulk(s, rows)
    index = ProjectIndex(p, folder=folder / "idx")
    yield p, index
    index.close()
    p.close()


def _rows(hits) -> list[tuple]:
    return [(h.document, h.start, h.end, h.speaker, h.text, h.context) for h in hits]


queries = st.one_of(
    st.sampled_from(WORDS),
    st.builds(lambda a, b: f'"{a} {b}"', st.sampled_from(WORDS), st.sampled_from(WORDS)),
    st.builds(lambda a, op, b: f"{a} {op} {b}", st.sampled_from(WORDS),
              st.sampled_from(["OG", "ELLER", "IKKE", "OR"]), st.sampled_from(WORDS)),
    st.builds(lambda a: a[:3] + "*", st.sampled_from(WORDS)),
    # phrases of three words, repeated words ("ikke ikke": hits that overlap are joined)
    st.builds(lambda a, b, c: f'"{a} {b} {c}"', st.sampled_from(WORDS), st.sampled_from(WORDS),
              st.sampled_from(WORDS)),
    st.builds(lambda a: f'"{a} {a}"', st.sampled_from(WORDS)),
    # nested: an OR under an AND (a passage counts only the ranges of what matched it there)
    st.builds(lambda a, b, c, op: f"({a} ELLER {b}) {op} {c}", st.sampled_from(WORDS),
              st.sampled_from(WORDS), st.sampled_from(WORDS),
              st.sampled_from(["OG", "IKKE", "OG IKKE", "ELLER"])),
    st.builds(lambda a, b, c: f'"{a} {b}" ELLER {c}*', st.sampled_from(WORDS),
              st.sampled_from(WORDS), st.sampled_from(WORDS)),
)
filters = st.sampled_from([{}, {"where": {"bydel": "Alna"}}, {"speaker": "Deltaker 1"},
                           {"coders": ["Hanne"]}, {"codes": ["Trygghet"]}, {"uncoded": True},
                           {"coders": ["Tor"], "uncoded": True}, {"exact": True},
                           {"compounds": True}, {"scope": "codings", "coders": ["Tor"]}])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries, how=filters, size=st.integers(min_value=1, max_value=60))
def test_pages_give_the_full_list_in_order(corpus, query, how, size):
    p, index = corpus
    full = search(p, query, index=index, **how)
    with open_search(p, query, index=index, page_size=size, **how) as stream:
        assert stream.total == len(full.hits)
        assert stream.per_document() == full.per_document()
        assert stream.units == full.units and stream.suggestions == full.suggestions
        pages = []
        while page := stream.next_page():
            assert len(page) <= size
            pages.append(page)
        assert all(len(x) == size for x in pages[:-1])  # only the last page is short
        assert _rows(h for x in pages for h in x) == _rows(full.hits)
        assert _rows(stream.iter_hits()) == _rows(full.hits)  # again from the start
        assert stream.exhausted and stream.next_page() == []


def test_the_first_page_decodes_only_its_own_passages(corpus, monkeypatch):
    from app.core.search import engine

    p, index = corpus
    full = search(p, "og", index=index)
    decoded = []
    real = engine._decode_characters
    monkeypatch.setattr(engine, "_decode_characters", lambda v: decoded.append(v) or real(v))
    with open_search(p, "og", index=index, page_size=5) as stream:
        first = stream.next_page()
        assert stream.total == len(full.hits) > 40
        assert _rows(first) == _rows(full.hits[:5])
        # counted from the postings' heads: decoded are the five hits' passages and the merged
        # passages (split into their turns), never every passage with a hit
        merged = len(index.parts().merged)
        assert len(decoded) <= 5 + merged < full.units


def test_closing_a_stream_leaves_nothing_open(corpus, monkeypatch, tmp_path):
    p, _index = corpus
    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    threads = threading.active_count()
    stream = open_search(p, "og", page_size=3)  # the stream opens (and owns) the index
    own = stream._index
    assert own._ix is not None and stream.total > 3
    walk = stream.pages()
    assert len(next(walk)) == 3
    stream.next_page()
    stream.close()
    assert stream.closed and own._ix is None and own._searcher is None
    assert stream.next_page() == [] and list(walk) == [] and list(stream.iter_hits()) == []
    assert threading.active_count() == threads
    with open_search(p, "og", page_size=3) as other:  # a `with` closes it too
        other.next_page()
    assert other.closed and other._index._ix is None
    with pytest.raises(Exception):  # noqa: B017 - a typing mistake: nothing is left open
        open_search(p, '"og', page_size=3)
    assert threading.active_count() == threads


def test_coding_every_hit_of_a_stream_equals_coding_the_full_list(corpus, tmp_path):
    import shutil

    from sqlalchemy import select

    from app.core.search import service
    from app.models import Coding

    p, index = corpus
    copies = []
    for name in ("a", "b"):
        shutil.copyfile(p.path, tmp_path / f"{name}.sitat")
        copies.append(Project.open(tmp_path / f"{name}.sitat"))
    a, b = copies
    ia, ib = ProjectIndex(a, folder=tmp_path / "ia"), ProjectIndex(b, folder=tmp_path / "ib")
    hits = search(a, "og ELLER ikke", index=ia).hits
    with a.write() as s:
        made_a = service.code_hits(s, hits, "Trygghet", "Lise", "sentence")
    old = service.CODE_BATCH
    service.CODE_BATCH = 7  # several batches, cut between documents
    try:
        with open_search(b, "og ELLER ikke", index=ib, page_size=11) as stream, \
                b.write() as s:
            made_b = service.code_hits(s, stream, "Trygghet", "Lise", "sentence")
    finally:
        service.CODE_BATCH = old
    spans = []
    for proj in copies:
        with proj.read() as s:
            spans.append(sorted(s.execute(select(Coding.document_id, Coding.start, Coding.end)
                                          .where(Coding.coder.has(name="Lise"))).all()))
    assert made_a == made_b == len(spans[0]) > 0 and spans[0] == spans[1]
    for x in (ia, ib):
        x.close()
    for proj in copies:
        proj.close()


def test_an_index_of_several_segments_with_deletions_counts_the_same(corpus, tmp_path):
    """After a document changes, the index holds a second segment and deleted passages: the
    columns read through them (whoosh's multi-segment and filtering matchers) give the same
    pages and counts as the full list."""
    import shutil

    from sqlalchemy import select

    from app.models import Document

    p, _index = corpus
    shutil.copyfile(p.path, tmp_path / "c.sitat")
    with Project.open(tmp_path / "c.sitat") as c:
        index = ProjectIndex(c, folder=tmp_path / "idx")
        index.ensure()
        with c.write() as s:
            doc = s.scalar(select(Document).where(Document.name == "doc-03"))
            from app.core import attributes as attrs

            attrs.set_values(s, doc, {"bydel": "Stovner" if doc.id % 2 else "Alna"})
            doc.sha256 = "changed"
        assert index.ensure() == "updated"
        reader = index.current().reader()
        assert len(list(reader.leaf_readers())) > 1 and reader.has_deletions()
        for query in ("og", "kontaktperson ELLER trygg", '"ikke sant"', "hje*", "og OG ikke"):
            full = search(c, query, index=index)
            with open_search(c, query, index=index, page_size=7) as stream:
                assert stream.total == len(full.hits) > 0
                assert stream.per_document() == full.per_document()
                assert _rows(stream.iter_hits()) == _rows(full.hits)
        # filters read their passages a block at a time, through segments and deletions
        from app.core.search.engine import _all_ids
        from app.core.search.index import attr_field

        values = [v.decode() for v in reader.lexicon(attr_field("bydel"))]
        assert len(values) > 1
        for value in values:
            ids = _all_ids(reader.postings(attr_field("bydel"), value))
            assert ids == list(reader.postings(attr_field("bydel"), value).all_ids())
            for query in ("og", "kontaktperson ELLER trygg"):
                full = search(c, query, index=index, where={"bydel": value})
                with open_search(c, query, index=index, where={"bydel": value}) as stream:
                    assert stream.total == len(full.hits)
                    assert stream.per_document() == full.per_document()
                    assert _rows(stream.iter_hits()) == _rows(full.hits)
        index.close()


def test_postings_decoded_together_equal_each_decoded_alone():
    from app.core.search import engine, postings
    from app.core.search.norwegian import exact_analyzer
    from app.core.search.terms import PackedCharacters, _postings

    values = [v for *_x, v in _postings("ikke sant ikke sant hjelp ikke", "exact",
                                        exact_analyzer(), 1.0)]
    big = [(0, 5, 9), (3, 20, 24), (70000, 900000, 900004), (2**32 - 2, 2**32 - 9, 2**32 - 1)]
    values.append(PackedCharacters().encode(big))
    counts, flat = postings._triples(values)
    assert counts.tolist() == [len(engine._decode_characters(v)) for v in values]
    assert [tuple(t) for t in flat.tolist()] == [
        t for v in values for t in engine._decode_characters(v)]
    assert engine._decode_characters(values[-1]) == big
    assert engine._decode_characters(values[0]) == [(0, 0, 4), (2, 10, 14), (5, 26, 30)]
    assert PackedCharacters().decode_frequency(values[-1]) == 4
    assert PackedCharacters().decode_positions(values[-1]) == [p for p, _a, _b in big]

def test_text_postings_are_raw_numbers_in_uncompressed_blocks_whoosh_reads(corpus):
    from whoosh import query as Q

    from app.core.search.terms import PackedCharacters

    p, index = corpus
    index.ensure()
    with index.searcher() as searcher:
        reader = searcher.reader()
        assert type(reader.schema["exact"].format) is PackedCharacters
        m = reader.postings("exact", "og")
        postings = 0
        while m.is_active():
            if getattr(m, "_data", None) is None and hasattr(m, "_read_data"):
                m._read_data()
            assert not getattr(m, "_compression", False)  # zlib left out (build.py)
            postings += 1
            value = m.value()
            assert len(value) == 12 * m.weight()  # (position, start, end) of each "og"
            m.next()
        assert postings > 20
        # whoosh's own phrase matcher (positions) and characters read through the format
        got = {hit.docnum for hit in searcher.search(Q.Phrase("exact", ["trygg", "hjelp"]),
                                                     limit=None)}
        first = dict(reader.postings("exact", "trygg").items_as("characters"))
        second = dict(reader.postings("exact", "hjelp").items_as("characters"))
        want = {d for d in first.keys() & second.keys()
                if {x + 1 for x, _a, _b in first[d]} & {x for x, _a, _b in second[d]}}
        assert got == want and got
        assert all(b - a == len("trygg") for d in first for _p, a, b in first[d])
    full = search(p, '"trygg hjelp"', index=index)
    with open_search(p, '"trygg hjelp"', index=index) as stream:
        assert stream.total == len(full.hits)


@pytest.mark.parametrize("how", [{"where": {"bydel": "Alna"}},
                                 {"where": {"bydel": "Stovner"}, "speaker": "Deltaker 1"}])
@pytest.mark.parametrize("query", ["IKKE trygg", "hjelp", "trygg ELLER NAV", "NAV OG IKKE bruker"])
def test_a_filter_keeps_every_turn_of_its_merged_passages_also_under_not(corpus, how, query):
    p, index = corpus
    index.ensure()
    assert index.parts().merged  # the corpus has merged passages (short turns)
    full = search(p, query, index=index, **how)
    assert full.units  # passages matched (a NOT alone matches passages without ranges)
    with open_search(p, query, index=index, **how) as stream:
        assert stream.units == full.units
        assert stream.total == len(full.hits)
        assert stream.per_document() == full.per_document()
        assert _rows(stream.iter_hits()) == _rows(full.hits)


def test_a_filter_skips_posting_blocks_without_its_passages_and_counts_the_same(
        corpus, tmp_path, monkeypatch):
    """Blocks of four postings (so that a term has many): a filter of fewer than half the
    passages reads fewer of a word's blocks than the unfiltered search; filters give the full
    list's hits and counts."""
    from whoosh.codec import whoosh3

    import app.core.search.build  # noqa: F401 - its codec settings first, then these
    from app.core.search.index import attr_field

    p, _index = corpus
    monkeypatch.setattr(whoosh3.W3Codec.__init__, "__defaults__", (4, 0, 1))
    index = ProjectIndex(p, folder=tmp_path / "idx")
    index.rebuild(workers=1)
    reads: list[bool] = []
    real = whoosh3.W3LeafMatcher._read_data
    TEXT = ("content", "content_nn", "exact")  # noqa: N806
    monkeypatch.setattr(whoosh3.W3LeafMatcher, "_read_data",  # a text field's blocks
                        lambda m: reads.append(m.term()[0] in TEXT) or real(m))

    def blocks_read(query: str, **how) -> int:
        reads.clear()
        with open_search(p, query, index=index, **how) as stream:
            stream.next_page()
        return sum(reads)

    assert blocks_read("og") >= 8
    reader = index.current().reader()
    few = min(("Alna", "Stovner"), key=lambda v: reader.doc_frequency(attr_field("bydel"), v))
    assert 2 * reader.doc_frequency(attr_field("bydel"), few) < reader.doc_count_all()
    assert blocks_read("og", where={"bydel": few}) < blocks_read("og")
    for value in ("Alna", "Stovner"):
        for query in ("og", "hjelp ELLER trygg", '"trygg hjelp"', "NAV OG IKKE bruker"):
            for how in ({"where": {"bydel": value}},
                        {"where": {"bydel": value}, "speaker": "Deltaker 1"}):
                full = search(p, query, index=index, **how)
                with open_search(p, query, index=index, page_size=7, **how) as stream:
                    assert stream.total == len(full.hits)
                    assert stream.per_document() == full.per_document()
                    assert _rows(stream.iter_hits()) == _rows(full.hits)
    index.close()
