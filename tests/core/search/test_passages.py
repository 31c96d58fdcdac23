"""Short speaker turns share index passages (a transcript of a million one-line turns must not
become a million index entries), yet every search answers as if each turn had been indexed on
its own: the same hits, exact code-point ranges, speakers, sentences, and AND/NOT/phrases
within one turn. A transcript of 100,000 one-line turns is searched within a time, memory and
index-size cap in a subprocess (the old index took 25 s and 53 MB for it here)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.core.search import passages as ps
from app.core.search.index import ProjectIndex
from app.core.search.service import search

ROOT = Path(__file__).resolve().parents[3]

TRANSCRIPT = (
    "Intervju 3, Alna 🙂\n\nI: Ja.\nD1: Nei, ikke sant.\nI: Ja nei.\nD1: Mm.\n"
    "I: Hva med fastlegen din, får du tid hos henne når du trenger det, eller må du vente "
    "lenge på en time? Fortell gjerne.\n"
    "D1: Ja, fastlegen er grei.\nI: Ikke sant?\nD2: Nei.\nD1: Trygg, ja.\n\n"
    "Notat: lyden var dårlig her.\n\nD2: Ærlig talt, ja.\nI: Sant.\nD1: Ja ja.\n")
QUERIES = ["ja", "nei", "sant", '"ja nei"', '"nei ja"', '"ikke sant"', "ja OG nei",
           "ja IKKE nei", "IKKE ja", "ja ELLER trygg", "fast*", "ærlig", "fastlegen~",
           '"ja ja"', "lyden", "(ja ELLER mm) IKKE nei", "tid OG ja"]
SPEAKERS = [None, "I", "D1", "D2"]


@pytest.fixture
def transcript(project, tmp_path):
    from app.core.documents import import_files

    src = tmp_path / "alna.txt"
    src.write_text(TRANSCRIPT * 3, encoding="utf-8")
    import_files(project, [src], attributes={"bydel": "Alna"})
    return project


def _answers(project, folder: Path) -> dict:
    ix = ProjectIndex(project, folder=folder)
    out = {}
    try:
        for query in QUERIES:
            for speaker in SPEAKERS:
                r = search(project, query, speaker=speaker, where={"bydel": "Alna"}, index=ix)
                out[query, speaker] = (r.units, [(h.document, h.start, h.end, h.text, h.speaker,
                                                  h.context) for h in r.hits])
        with ix.searcher() as searcher:
            entries = searcher.doc_count()
    finally:
        ix.close()
    return out, entries


def test_merged_passages_answer_as_turns_on_their_own(transcript, tmp_path, monkeypatch):
    merged, few = _answers(transcript, tmp_path / "merged")
    monkeypatch.setattr(ps, "SHORT", 0)  # every turn and paragraph its own index entry
    alone, many = _answers(transcript, tmp_path / "alone")
    assert few < many / 4  # the short turns do share passages
    for key in alone:
        assert merged[key] == alone[key], key
    units, hits = merged['"ja nei"', None]
    assert [h[3] for h in hits] == ["Ja nei"] * 3  # inside one turn; never across two
    assert merged['"nei ja"', None][1] == []  # "Nei." then "Ja" of the next turn
    assert merged["ja OG nei", None][0] == 3  # both words in one turn: only "Ja nei."
    assert {h[4] for h in merged["ja", "D1"][1]} == {"D1"}
    text = TRANSCRIPT * 3
    assert all(text[a:b] == t for _d, a, b, t, _s, _c in merged["ja", None][1])


def test_passages_keep_exact_ranges_and_blank_what_lies_between():
    text = "I: Ja.\nD1: Nei 🙂.\n\nfritt\n"
    turns = [(3, 6, "I"), (11, 17, "D1")]
    found = ps.units(text, turns)
    assert [text[u.start:u.end] for u in found] == ["Ja.", "Nei 🙂.", "fritt\n"]
    (p,) = ps.passages(found)
    assert p.merged and p.speakers() == "D1,I"
    body = p.body(text)
    assert len(body) == p.end - p.start and body.startswith("Ja.") and "D1" not in body
    assert [body[a:b] for a, b, _s in p.stored_parts()] == ["Ja.", "Nei 🙂.", "fritt\n"]
    long_turn = [ps.Unit(0, ps.SHORT, "I")] + [ps.Unit(ps.SHORT + i * 4, ps.SHORT + i * 4 + 2,
                                                       "D1") for i in range(ps.MAX_PARTS + 3)]
    groups = ps.passages(long_turn)
    assert [len(g.parts) for g in groups] == [1, ps.MAX_PARTS, 3]


CAPPED = """
import os, resource, sys, time
sys.path.insert(0, {root!r})
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
os.environ["SITAT_INDEX_DIR"] = {idx!r}
from app.core.project import Project
from app.core.search.service import search
t = time.perf_counter()
with Project.open({path!r}, read_only=True) as p:
    r = search(p, "ja", speaker="D1")
print(len(r.hits), round(time.perf_counter() - t, 1))
"""


def test_a_hundred_thousand_one_line_turns_are_searched_within_caps(tmp_path):
    """The first search (index build included) under a memory cap and a time limit, and the
    index stays small: merged passages, not one index entry per one-line turn."""
    from app.core.documents import import_files
    from app.core.project import Project

    words = ["ja", "nei", "mm", "ok", "greit", "hva", "sant"]
    lines = [("I: " if i % 2 == 0 else "D1: ") + words[i % 7] + ("" if i % 3 else " da")
             for i in range(100_000)]
    src = tmp_path / "lang.txt"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = tmp_path / "lang.sitat"
    with Project.create(path) as p:
        import_files(p, [src])
    idx = tmp_path / "idx"
    code = textwrap.dedent(CAPPED).format(root=str(ROOT), cap=1536 * 2**20, idx=str(idx),
                                          path=str(path))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=60, env={**os.environ, "SITAT_LANG": "en"})
    assert r.returncode == 0, r.stderr[-2000:]
    hits, seconds = r.stdout.split()
    size = sum(f.stat().st_size for f in idx.rglob("*") if f.is_file())
    print(f"  100,000 one-line turns: first search {seconds} s, index {size / 2**20:.1f} MB")
    assert int(hits) == sum(1 for i in range(100_000) if i % 14 == 7)  # D1 saying "ja"
    assert size < 8 * 2**20
    assert float(seconds) < 12
