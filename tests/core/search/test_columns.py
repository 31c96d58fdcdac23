"""Posting blocks as arrays (terms.block_layout) and the numpy columns of a paged search
(search/columns.py): phrases matched only in the passages holding all their words, filters read
as sorted arrays of passages (one attribute or several), through many small blocks, several
segments and deleted passages, give the same totals, counts per document and hits as the full
list (service.search) on text with æøå and emoji (offsets in code points)."""

from __future__ import annotations

import pytest

from app.core.project import Project
from app.core.search.index import ProjectIndex
from app.core.search.service import search
from app.core.search.stream import open_search

LINES = [
    "Jeg får 😀 hjelp hver eneste gang, hver eneste gang jeg ringer fastlegen på Ålesund.",
    "Æsj, hver gang er det ny 👍🏽 saksbehandler. Eneste gang det gikk bra var på Øvre Årdal.",
    "Ha ha ha, sa hun. Blåbær og bringebær 🫐 hver eneste dag; trygg hjelp, trygg hjelp.",
    "Nei. Ja. Hver. Eneste gang? 🙂 Kontaktpersonen min på NAV er trygg.",
    "Hjelp, sa jeg - 🧓🏻 hver eneste gang - og da fikk jeg hjelp på Grünerløkka.",
]
SPEAKERS = ["Intervjuer", "Informant", "Pårørende"]


def _document(i: int) -> tuple[str, list[tuple[int, int, str]]]:
    """A transcript of turns of varying length (the short ones share an index passage)."""
    out, turns, pos = [], [], 0
    for k in range(12):
        who = SPEAKERS[(i + k) % 3]
        said = LINES[(i * 7 + k) % len(LINES)] if k % 3 else LINES[(i + k) % len(LINES)][:14]
        line = f"{who}: {said}\n"
        turns.append((pos + len(who) + 2, pos + len(line) - 1, who))
        out.append(line)
        pos += len(line)
    return "".join(out), turns


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    from whoosh.codec import whoosh3

    import app.core.search.build  # noqa: F401 - its codec settings first, then small blocks
    from app.core import attributes as attrs
    from app.models import Document, SpeakerTurn

    folder = tmp_path_factory.mktemp("columns")
    p = Project.create(folder / "p.sitat")
    with p.write() as s:
        for i in range(9):
            text, turns = _document(i)
            doc = Document(name=f"intervju-{i}-æøå", text=text, length=len(text), sha256=f"s{i}")
            s.add(doc)
            s.flush()
            attrs.set_values(s, doc, {
                "bydel": ["Søndre Nordstrand", "Alna", "Grünerløkka"][i % 3],
                "intervjutype": "Fokusgruppe" if i % 4 else "Individuelt"})
            for a, b, who in turns:
                s.add(SpeakerTurn(document_id=doc.id, start=a, end=b, speaker=who))
    index = ProjectIndex(p, folder=folder / "idx")
    defaults = whoosh3.W3Codec.__init__.__defaults__
    whoosh3.W3Codec.__init__.__defaults__ = (4, 0, 1)  # blocks of four postings: many blocks
    try:
        index.rebuild(workers=1)
        with p.write() as s:  # a second segment, and deleted passages in the first
            doc = s.get(Document, 2)
            attrs.set_values(s, doc, {"bydel": "Alna"})
            doc.sha256 = "changed"
        assert index.ensure() == "updated"
    finally:
        whoosh3.W3Codec.__init__.__defaults__ = defaults
    reader = index.current().reader()
    assert len(list(reader.leaf_readers())) > 1 and reader.has_deletions()
    yield p, index
    index.close()
    p.close()


def _rows(hits) -> list[tuple]:
    return [(h.document, h.start, h.end, h.speaker, h.text) for h in hits]


def _same(p, index, query: str, **how) -> int:
    full = search(p, query, index=index, **how)
    with open_search(p, query, index=index, page_size=7, **how) as stream:
        assert stream.total == len(full.hits)
        assert stream.per_document() == full.per_document()
        assert stream.units == full.units
        assert _rows(stream.iter_hits()) == _rows(full.hits)
    return len(full.hits)


@pytest.mark.parametrize("query", ['"hver eneste gang"', '"eneste gang"', '"ha ha"',
                                   '"trygg hjelp"', '"hver eneste dag"', '"får hjelp"',
                                   '"gang hver"', '"hver eneste gang" ELLER hjelp',
                                   '"hver eneste gang" OG IKKE blåbær'])
@pytest.mark.parametrize("how", [{}, {"where": {"bydel": "Alna"}}, {"speaker": "Informant"},
                                 {"where": {"bydel": "Alna", "intervjutype": "Fokusgruppe"}},
                                 {"exact": True}])
def test_phrases_count_as_the_full_list(project, query, how):
    p, index = project
    _same(p, index, query, **how)


def test_a_phrase_counts_only_where_its_words_stand_together(project):
    """All three words stand in passages without the phrase ("hver gang ... Eneste gang"):
    those passages are read, and none of their words is a hit (punctuation between the words
    does not part them: "Hver. Eneste gang" is a hit, as in the full list)."""
    import re

    p, index = project
    n = _same(p, index, '"hver eneste gang"', exact=True)
    assert n > 0
    with open_search(p, '"hver eneste gang"', index=index, exact=True) as stream:
        texts = {re.sub(r"\W+", " ", h.text).lower() for h in stream.iter_hits()}
    assert texts == {"hver eneste gang"}
    assert search(p, "hver OG eneste OG gang", index=index, exact=True).units > \
        search(p, '"hver eneste gang"', index=index, exact=True).units


@pytest.mark.parametrize("where", [{"bydel": "Alna"}, {"bydel": "Grünerløkka"},
                                   {"bydel": "Søndre Nordstrand"},
                                   {"intervjutype": "Fokusgruppe"},
                                   {"bydel": "Alna", "intervjutype": "Fokusgruppe"},
                                   {"bydel": "Alna", "intervjutype": "Individuelt"}])
@pytest.mark.parametrize("query", ["hjelp", "trygg OG hjelp", "hjelp ELLER blåbær", "IKKE trygg",
                                   "brin*", "får"])
def test_filters_read_as_arrays_count_as_the_full_list(project, where, query):
    p, index = project
    _same(p, index, query, where=where)


def test_a_filter_of_two_attributes_keeps_the_passages_of_both(project):
    from app.core.search.postings import filter_array
    from app.core.search.index import attr_field

    _p, index = project
    reader = index.current().reader()
    terms = [(attr_field("bydel"), "Alna"), (attr_field("intervjutype"), "Fokusgruppe")]
    got = filter_array(reader, terms).tolist()
    want = set(reader.postings(*terms[0]).all_ids()) & set(reader.postings(*terms[1]).all_ids())
    assert got == sorted(want) and got
    assert filter_array(reader, [(attr_field("bydel"), "Ingen slik")]).tolist() == []


def test_blocks_are_arrays_and_read_the_same_through_whoosh_and_columns(project):
    """A text block's values are one bytes object with the occurrence counts beside it; whoosh
    reads each posting's (position, start, end) from it as before, and a column read over
    many blocks, segments and deleted passages holds the same postings."""
    from array import array

    from app.core.search import columns, engine
    from app.core.search.terms import decode, packed_block

    _p, index = project
    reader = index.current().reader()
    for word in ("hver", "hjelp", "ålesund", "gang"):
        m = reader.postings("exact", word)
        seg = m.matchers[0] if hasattr(m, "matchers") else m
        seg = getattr(seg, "child", seg)
        if seg._data is None:
            seg._read_data()
        ids, _weights, values = seg._data
        assert type(ids) is array and packed_block(values)
        want = {d: decode(v) for d, v in engine._items(reader.postings("exact", word))}
        col = columns._Eval(reader, None, index.parts()).read("exact", word)
        got = {int(d): col.occurrences(i) for i, d in enumerate(col.ids.tolist())}
        assert {d: [tuple(t) for t in v] for d, v in got.items()} == want
        assert len(want) > 4  # more than one block


def test_a_mapped_index_is_read_in_place_and_gives_what_plain_files_give(project):
    """The files inside a memory-mapped segment are read from the mapping, not copied onto the
    heap; postings, block heads and stored fields read so equal those of the same index opened
    without memory mapping (plain file reads, whoosh's own code)."""
    from whoosh.filedb.filestore import FileStorage

    from app.core.search import engine
    from app.core.search.mapped import ViewFile

    _p, index = project
    mapped = index.current().reader()
    plain = FileStorage(str(index.folder), supports_mmap=False).open_index().reader()
    for leaf in mapped.leaf_readers():
        postfile = leaf[0]._terms._postfile
        assert type(postfile.file) is ViewFile and isinstance(postfile._buf, memoryview)
    for field, word in (("exact", "hver"), ("exact", "ålesund"), ("content", "hjelp"),
                        ("exact", "får"), ("doc", None)):
        words = [word] if word else [t.decode() for t in plain.lexicon(field)]
        for w in words:
            got = list(engine._items(mapped.postings(field, w)))
            want = list(engine._items(plain.postings(field, w)))
            assert got == want
            if word:
                assert len(got) > 4  # several blocks of four
    assert [mapped.stored_fields(d) for d in range(mapped.doc_count_all())] == \
        [plain.stored_fields(d) for d in range(plain.doc_count_all())]
    plain.close()


def test_a_view_file_reads_as_bytes_io():
    import io
    import pickle
    import random

    from app.core.search.mapped import ViewFile

    data = ("Blåbær 😀 og ærlig talt\nøvre linje\n" * 40).encode() + pickle.dumps(("æ", 7))
    rng = random.Random(7)
    mine, theirs = ViewFile(memoryview(data)), io.BytesIO(data)
    for _ in range(400):
        op = rng.choice(["read", "readline", "seek", "into"])
        if op == "read":
            n = rng.choice([-1, 0, 1, 5, 300])
            assert mine.read(n) == theirs.read(n)
        elif op == "readline":
            n = rng.choice([-1, 3, 50])
            assert mine.readline(n) == theirs.readline(n)
        elif op == "seek":
            pos, whence = rng.randrange(len(data) + 10), rng.choice([0, 1, 2])
            pos = pos if whence == 0 else -rng.randrange(20) if whence == 2 else rng.randrange(5)
            assert mine.seek(pos, whence) == theirs.seek(pos, whence)
        else:
            a, b = bytearray(9), bytearray(9)
            assert mine.readinto(a) == theirs.readinto(b) and a == b
        assert mine.tell() == theirs.tell()
    end = len(data) - len(pickle.dumps(("æ", 7)))
    mine.seek(end)
    assert pickle.load(mine) == ("æ", 7)


@pytest.mark.parametrize("speaker", [None, "Informant"])
def test_merged_passages_split_into_turns_over_arrays_as_range_by_range(project, speaker):
    """A term's occurrences in merged passages go to the turns they lie in (relative to them,
    dropped when they reach past their turn) over arrays as `Parts.split` puts them one
    range at a time."""
    from app.core.search import columns, engine

    _p, index = project
    reader = index.current().reader()
    parts = index.parts()
    assert parts.merged
    restrict = engine.filter_docs(reader, [("speaker", speaker)], parts) if speaker else None
    seen = 0
    for term in sorted({t.decode() for t in reader.lexicon("exact")}):
        ev = columns._Eval(reader, None, parts)
        col = ev.read("exact", term)
        inside = col.select(columns.member(col.ids, columns._merged(parts)))
        if not len(inside.ids):
            continue
        turns = columns._turns(inside, parts, restrict)
        got = {int(k): turns.ranges(i) for i, k in enumerate(turns.ids.tolist())}
        spans = {d: inside.ranges(i) for i, d in enumerate(inside.ids.tolist())}
        assert got == engine.to_keys(spans, parts, restrict)
        assert turns.counts.tolist() == [len(v) for v in got.values()]
        seen += len(got)
    assert seen > 20


def test_array_set_operations_equal_python_sets():
    """member, union and repeated over passage numbers (a table) and turn keys (sorting) give
    what Python's sets give."""
    import random

    import numpy as np

    from app.core.search.passages import SLOTS, SUB
    from app.core.search.postings import member, repeated, union

    rng = random.Random(19)
    for _ in range(60):
        arrays = []
        for _k in range(rng.randint(1, 4)):
            keys = {rng.randrange(3000) for _i in range(rng.randint(0, 300))}
            if rng.random() < 0.5:  # turns of merged passages
                keys |= {SUB + rng.randrange(3000) * SLOTS + rng.randrange(5)
                         for _i in range(rng.randint(1, 50))}
            arrays.append(np.array(sorted(keys), np.int64))
        sets = [set(a.tolist()) for a in arrays]
        assert union(arrays).tolist() == sorted(set().union(*sets))
        assert repeated(arrays).tolist() == sorted(
            k for k in set().union(*sets) if sum(k in s for s in sets) > 1)
        for keys in (arrays[-1], sets[-1]):
            assert member(arrays[0], keys).tolist() == [k in sets[-1] for k in arrays[0].tolist()]
