"""Building the index with several processes gives the same index as one process: the same
postings (passage, position, characters) for every term of every text field, the same stored
passages and the same hits; the fast per-word analysis gives exactly what whoosh's own
analysis with the same analyser gives; and documents imported into an indexed project are
added to the index (status 'updated'), not rebuilt."""

from __future__ import annotations

import pytest

from app.core.search import storage
from app.core.search.index import ProjectIndex
from app.core.search.service import search

DOCS = {
    "bydel-a.txt": "Intervjuer: Hva tenker brukerne om hjemmetjenesten?\n"
                   "Deltaker 1: Brukerne trenger en fast kontaktperson i NAV-kontoret.\n"
                   "Deltaker 2: Ja.\nDeltaker 1: Nei.\nDeltaker 2: Kanskje 🙂 det.\n"
                   "Deltaker 1: Psykiatritjenesten får for lite tid, og vi får ikke svar.\n",
    "bydel-b.txt": "Intervjuer: Korleis opplevde du tenesta?\n"
                   "Deltakar: Eg fekk hjelp av kontaktpersonen, men ventelista var lang.\n"
                   "Deltakar: Café-besøket var fint; Per's mor og e\u0301n venn kom.\n",
    "bydel-c.txt": "Første avsnitt om ventelister og brukere.\n\nAndre avsnitt: "
                   + " ".join(f"ord{i} bruker tjenesten" for i in range(300)) + "\n",
    "bydel-d.txt": "\n".join(f"Deltaker {i % 3}: kort svar {i} om hjelp."
                             for i in range(120)) + "\n",
}


@pytest.fixture
def proj(project, tmp_path, monkeypatch):
    from app.core.attributes import set_values
    from app.core.documents import import_files

    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(storage, "_process_key", None)
    paths = []
    for name, text in DOCS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    import_files(project, paths)
    with project.write() as s:
        from app.models import Document
        from sqlalchemy import select

        doc = s.scalar(select(Document).where(Document.name == "bydel-b"))
        set_values(s, doc, {"målform": "nynorsk"})
    return project


def _postings(folder) -> dict:
    """field -> term -> sorted (passage key, position, start, end)"""
    from whoosh import index

    ix = index.open_dir(str(folder))
    out: dict = {}
    with ix.searcher() as s:
        r = s.reader()
        units = {d: f["unit"] for d, f in r.iter_docs()}
        for field in ("content", "content_nn", "exact", "speaker", "doc", "attr_*"):
            if field not in r.schema and field != "attr_*":
                continue
            for fname, term in r.all_terms():
                if fname != field and not (field == "attr_*" and fname.startswith("attr_")):
                    continue
                m = r.postings(fname, term)
                rows = []
                while m.is_active():
                    unit = units[m.id()]
                    if fname in ("content", "content_nn", "exact"):
                        rows += [(unit, *pos_chars) for pos_chars in
                                 m.value_as("characters")]
                    else:
                        rows.append((unit,))
                    m.next()
                out.setdefault(fname, {})[term] = sorted(rows)
        stored = sorted((f["unit"], f["start"], f["end"], f["speaker"], str(f.get("parts")))
                        for _d, f in r.iter_docs())
    ix.close()
    return {"postings": out, "stored": stored}


def test_several_processes_build_the_same_index_as_one(proj, tmp_path):
    one = ProjectIndex(proj, folder=tmp_path / "one")
    two = ProjectIndex(proj, folder=tmp_path / "two")
    assert one.rebuild(workers=1) == two.rebuild(workers=2) > 0
    one.close()
    two.close()
    a, b = _postings(tmp_path / "one"), _postings(tmp_path / "two")
    from whoosh import index

    assert len(index.open_dir(str(tmp_path / "two")).reader().leaf_readers()) == 2
    assert a["stored"] == b["stored"]
    assert set(a["postings"]) == set(b["postings"]) >= {"content", "content_nn", "exact"}
    for field in a["postings"]:
        assert a["postings"][field] == b["postings"][field], field
    # lemmas, compound parts and the nynorsk field are among what was compared
    assert b"bruker" in b["postings"]["content"] and b"~tjeneste" in b["postings"]["content"]
    assert b"kontaktperson" in b["postings"]["content_nn"]
    # and a user finds the same passages in both
    for query in ("bruker", '"fast kontaktperson"', "hjelp", "tjeneste*", "venn"):
        hits = [[(h.document, h.start, h.end) for h in
                 search(proj, query, index=ix).hits] for ix in (ProjectIndex(proj, folder=f)
                                                                 for f in (tmp_path / "one",
                                                                           tmp_path / "two"))]
        assert hits[0] == hits[1] and hits[0], query


def test_a_segment_a_worker_wrote_is_signed_too(proj, tmp_path):
    from whoosh import index

    ix = ProjectIndex(proj, folder=tmp_path / "two")
    ix.rebuild(workers=2)
    ix.close()
    toc = index.open_dir(str(tmp_path / "two"))
    worker_segment = toc._segments()[1].segment_id()  # the parent's comes first
    toc.close()
    seg = next((tmp_path / "two").glob(f"*{worker_segment}*.seg"))
    data = bytearray(seg.read_bytes())
    data[len(data) // 2] ^= 0xFF
    seg.write_bytes(bytes(data))
    again = ProjectIndex(proj, folder=tmp_path / "two")
    assert again.ensure() == "rebuilt"  # changed behind Sitat's back: never loaded
    assert len(search(proj, "kontaktperson", index=again).hits) == 2
    again.close()


def test_a_build_that_outgrows_its_memory_share_writes_more_segments(proj, tmp_path,
                                                                      monkeypatch):
    from whoosh import index

    from app.core.search import build

    one = ProjectIndex(proj, folder=tmp_path / "one")
    one.rebuild(workers=1)
    one.close()
    monkeypatch.setattr(build, "SEGMENT_MB", 1 / 1024)  # a new segment after ~1 kB
    many = ProjectIndex(proj, folder=tmp_path / "many")
    many.rebuild(workers=1)
    many.close()
    assert len(index.open_dir(str(tmp_path / "many")).reader().leaf_readers()) > 2
    assert _postings(tmp_path / "one") == _postings(tmp_path / "many")


def test_a_stopped_build_leaves_no_process_and_is_built_again(proj, tmp_path):
    import multiprocessing

    from app.errors import Cancelled

    ix = ProjectIndex(proj)
    with pytest.raises(Cancelled):
        ix.rebuild(progress=lambda share: False, workers=2)
    assert multiprocessing.active_children() == []
    assert not ix.exists()
    assert ix.ensure() == "rebuilt"
    assert len(search(proj, "kontaktperson", index=ix).hits) == 2
    ix.close()


def test_fast_analysis_equals_whoosh_analysis():
    from whoosh.fields import TEXT

    from app.core.search.terms import PackedCharacters, PassageText

    texts = [DOCS["bydel-a.txt"], DOCS["bydel-b.txt"], "NAV-en og NAV's x-y-z 2025 covid-19 "
             "Brukerne BRUKERNE brukerne\u0301 \u00e5 a\u030a ", ""]
    for kind in ("nb", "nn", "exact"):
        fast = PassageText(kind)
        slow = TEXT(analyzer=fast.analyzer, phrase=True, chars=True)
        slow.format = PackedCharacters()  # whoosh's token pipeline, Sitat's posting encoding
        for text in texts:
            assert sorted(fast.index(text)) == sorted(slow.index(text)), (kind, text)


def test_imported_documents_are_added_not_rebuilt(proj, tmp_path):
    from app.core.documents import import_files

    ix = ProjectIndex(proj)
    assert ix.ensure() == "rebuilt"
    before = {p.name for p in ix.folder.iterdir() if p.suffix == ".seg"}
    new = tmp_path / "ny.txt"
    new.write_text("Intervjuer: Og kvalitetsløftet?\nDeltaker: Kvalitetsløftet kom sent.\n",
                   encoding="utf-8")
    import_files(proj, [new])
    assert ix.ensure() == "updated"
    r = search(proj, "kvalitetsløftet", index=ix)
    assert r.index_status == "fresh" and len(r.hits) == 2
    after = {p.name for p in ix.folder.iterdir() if p.suffix == ".seg"}
    assert before < after  # the earlier segments are still there: nothing was rebuilt
    ix.close()
