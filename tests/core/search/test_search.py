"""Search on a project: exact ranges after emoji and æøå, inflections found together, phrases,
operators (also OG/ELLER/IKKE), prefix and fuzzy terms on the written words, filters by
attribute, speaker, code and coder; the index follows imports, deletions and damage."""

from __future__ import annotations

import pytest

from app.core import codebook as cb
from app.core.search.index import ProjectIndex
from app.core.search.service import code_hits, search
from app.errors import InvalidInput
from app.models import Coder, Coding, Document, SpeakerTurn

A = ("Fokusgruppe 🙂\n\nModerator: Hva tenker brukerne om tjenesten?\n"
     "Deltaker 1: Jeg følte meg trygg. Brukere som meg trenger en fast kontaktperson, ikke sant.\n"
     "Deltaker 2: Far sa det samme. Jeg får ikke tid hos fastlegen.\n")
B = "Intervjuer: Og NAV?\nInformant: Bruker du NAV? Jeg synes tjenestene var trygge. 👍\n"


@pytest.fixture
def proj(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    from app.core import attributes as attrs

    with project.write() as s:
        for name, text, bydel in (("fg-alna", A, "Alna"), ("ind-stovner", B, "Stovner")):
            doc = Document(name=name, text=text, length=len(text), sha256=name)
            s.add(doc)
            s.flush()
            attrs.set_values(s, doc, {"bydel": bydel})
            pos = 0
            for line in text.splitlines(keepends=True):
                label, sep, _rest = line.partition(": ")
                if sep and " " not in label.strip(" 0123456789") or label.startswith("Deltaker"):
                    if sep:
                        s.add(SpeakerTurn(document_id=doc.id, start=pos + len(label) + 2,
                                          end=pos + len(line.rstrip("\n")), speaker=label))
                pos += len(line)
    return project


def _texts(result):
    return [h.text for h in result.hits]


def test_inflections_ranges_and_context(proj):
    r = search(proj, "bruker")
    assert _texts(r) == ["brukerne", "Brukere", "Bruker"]
    for h in r.hits:
        text = A if h.document == "fg-alna" else B
        assert text[h.start:h.end] == h.text  # code points: the emoji before does not shift
        assert h.text in h.context
    assert r.hits[1].speaker == "Deltaker 1"
    assert r.hits[1].context == "Brukere som meg trenger en fast kontaktperson, ikke sant."
    assert _texts(search(proj, "trygg")) == ["trygg", "trygge"]
    assert _texts(search(proj, "tjeneste")) == ["tjenesten", "tjenestene"]


def test_aeoa_stay_distinct_and_exact_mode(proj):
    assert _texts(search(proj, "far")) == ["Far"]
    assert _texts(search(proj, "får")) == ["får"]
    assert _texts(search(proj, "bruker", exact=True)) == ["Bruker"]


def test_phrases_operators_prefix_fuzzy(proj):
    assert _texts(search(proj, '"ikke sant"')) == ["ikke sant"]
    assert {h.document for h in search(proj, "NAV OR fastlegen").hits} == {"fg-alna",
                                                                            "ind-stovner"}
    assert _texts(search(proj, "trygg IKKE NAV")) == ["trygg"]
    # AND holds within one speaker turn: only the informant's turn has both words
    assert _texts(search(proj, "trygg OG NAV")) == ["NAV", "trygge"]
    assert _texts(search(proj, "kontakt*")) == ["kontaktperson"]
    assert _texts(search(proj, "brukere*")) == ["Brukere"]  # the words as written
    assert _texts(search(proj, "bruker*")) == ["brukerne", "Brukere", "Bruker"]
    assert _texts(search(proj, "br?kere")) == ["Brukere"]
    assert _texts(search(proj, "fastlegn~")) == ["fastlegen"]


def test_filters(proj):
    assert {h.document for h in search(proj, "bruker", where={"bydel": "Stovner"}).hits} == {
        "ind-stovner"}
    assert _texts(search(proj, "jeg", speaker="Deltaker 2")) == ["Jeg"]
    with proj.write() as s:
        code = cb.create_code(s, "Trygghet")
        coder = Coder(name="Hanne")
        s.add(coder)
        s.flush()
        doc = s.query(Document).filter_by(name="fg-alna").one()
        start = A.index("Jeg følte")
        s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=start,
                     end=A.index("ikke sant") + 9))
    assert _texts(search(proj, "bruker", codes=["Trygghet"])) == ["Brukere"]
    assert _texts(search(proj, "bruker", coders=["Hanne"])) == ["Brukere"]
    assert _texts(search(proj, "bruker", uncoded=True)) == ["brukerne", "Bruker"]


@pytest.mark.parametrize("query", ['"ikke sant', "(trygg OR NAV", "trygg)", "   "])
def test_bad_queries_get_a_message(proj, query):
    with pytest.raises(InvalidInput):
        search(proj, query)


def test_code_all_hits_with_spread(proj):
    with proj.write() as s:
        cb.create_code(s, "Brukere")
    hits = search(proj, "bruker").hits
    with proj.write() as s:
        assert code_hits(s, hits, "Brukere", "Hanne", "sentence") == 3
    with proj.write() as s:
        assert code_hits(s, hits, "Brukere", "Hanne", "sentence") == 0  # duplicates skipped
        assert code_hits(s, hits[1:2], "Brukere", "Hanne", "turn") == 1
    with proj.read() as s:
        spans = sorted((c.start, c.end) for c in s.query(Coding))
    texts = [A[a:b] if b <= len(A) else "" for a, b in spans]
    assert "Brukere som meg trenger en fast kontaktperson, ikke sant." in texts
    assert "Hva tenker brukerne om tjenesten?" in texts
    assert A[A.index("Jeg følte"):A.index("ikke sant.") + 10] in texts  # the whole turn


def test_index_follows_changes_and_survives_damage(proj, tmp_path):
    ix = ProjectIndex(proj)
    assert ix.ensure() == "rebuilt"
    assert ix.ensure() == "fresh"
    with proj.write() as s:
        s.delete(s.query(Document).filter_by(name="ind-stovner").one())
    assert ix.ensure() == "updated"
    with ix.searcher() as searcher:
        assert len({r["doc"] for r in searcher.documents()}) == 1
    assert {h.document for h in search(proj, "bruker", index=ix).hits} == {"fg-alna"}
    ix.close()
    for f in ix.folder.glob("*.seg"):  # damage the index behind Sitat's back
        f.write_bytes(b"garbage")
    for f in ix.folder.glob("_MAIN_*.toc"):
        f.write_bytes(b"\x00\x01")
    r = search(proj, "bruker")
    assert r.index_status == "rebuilt" and _texts(r) == ["brukerne", "Brukere"]


def test_unwritable_index_folder_falls_back(proj, tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / proj.id).write_text("a file where the folder should be")
    monkeypatch.setenv("SITAT_INDEX_DIR", str(locked))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a plain message for the user, no Python warning
        r = search(proj, "bruker")
    assert "cannot be used (it is not a folder)" in r.warning and len(r.hits) == 3


def test_an_open_index_whose_folder_is_deleted_is_rebuilt(proj):
    import shutil

    ix = ProjectIndex(proj)
    assert len(search(proj, "bruker", index=ix).hits) == 3
    shutil.rmtree(ix.folder)  # e.g. the user cleared the cache while the window was open
    r = search(proj, "bruker", index=ix)
    assert r.index_status == "rebuilt" and _texts(r) == ["brukerne", "Brukere", "Bruker"]
    for f in ix.folder.glob("*.seg"):  # and damaged without a change to the project
        f.write_bytes(b"garbage")
    ix.close()
    assert _texts(search(proj, "bruker", index=ix)) == ["brukerne", "Brukere", "Bruker"]
    ix.close()


def test_an_open_index_follows_another_window(proj):
    """Two indexes on one project (two windows): what one writes, the other sees."""
    first, second = ProjectIndex(proj), ProjectIndex(proj)
    assert len(search(proj, "bruker", index=first).hits) == 3
    assert len(search(proj, "bruker", index=second).hits) == 3
    with proj.write() as s:
        s.delete(s.query(Document).filter_by(name="ind-stovner").one())
    assert search(proj, "bruker", index=first).index_status == "updated"
    r = search(proj, "bruker", index=second)
    assert r.index_status == "fresh" and {h.document for h in r.hits} == {"fg-alna"}
    first.close()
    second.close()


def test_damage_found_while_reading_postings_rebuilds_and_answers(proj, monkeypatch):
    import zlib

    from app.core.search import engine

    ix = ProjectIndex(proj)
    assert len(search(proj, "bruker", index=ix).hits) == 3
    real = engine._items
    calls = []

    def broken(m):
        calls.append(1)
        if len(calls) == 1:
            raise zlib.error("Error -3 while decompressing data")
        return real(m)

    monkeypatch.setattr(engine, "_items", broken)
    r = search(proj, "bruker", index=ix)
    assert r.index_status == "rebuilt" and _texts(r) == ["brukerne", "Brukere", "Bruker"]
    ix.close()


def test_index_build_reports_progress_and_can_be_stopped(proj):
    from app.errors import Cancelled

    shares: list[float] = []
    ix = ProjectIndex(proj)
    with pytest.raises(Cancelled):
        search(proj, "bruker", index=ix, progress=lambda share: shares.append(share) or False)
    assert shares == [pytest.approx(0.3)]  # stopped after the first of two documents
    shares.clear()
    r = search(proj, "bruker", index=ix, progress=lambda share: shares.append(share) or True)
    assert r.index_status == "rebuilt" and len(r.hits) == 3  # the next search builds it whole
    assert shares == sorted(shares) and shares[-1] == 1.0 and len(shares) == 3
    shares.clear()
    search(proj, "bruker", index=ix, progress=lambda share: shares.append(share) or True)
    assert shares == []  # nothing to build
    with pytest.raises(InvalidInput):  # a typing mistake is caught before any index work
        search(proj, '"bruker', index=ProjectIndex(proj), progress=lambda share: 1 / 0)
    ix.close()
