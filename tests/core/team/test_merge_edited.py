"""Merging a copy whose transcript text was edited (codings re-anchored or listed as conflicts),
and idempotence: merging the same copy twice is the same as merging it once."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.core.coding import NewCoding, add_codings_bulk, code_text
from app.core.project import Project
from app.core.team.copies import coder_copy
from app.core.team.merge import merge_projects
from app.models import Code, Coder, Document
from tests.core.team.team_fixtures import (FG_A, build_lead, codings, doc_text, fill_lead,
                                           set_text, span)

INSERTED = "Æ, ø og å – 🙂 sa hun først. "


@pytest.fixture
def lead(new_project):
    """The lead's project, on the test's backend (coder copies are files)."""
    return fill_lead(new_project("BSB Oslo", "lead"))


def test_codings_on_edited_text_land_on_the_same_words(lead, tmp_path):
    copy_path = tmp_path / "ingrid.sitat"
    coder_copy(lead, "Ingrid", copy_path, blind=True)  # a new coder: no codings yet
    # The coder's transcript differs from the lead's: a sentence with æøå and an emoji inserted
    # before coded spans, one inserted inside a coded span, a sentence deleted before others
    # and one deleted inside a coded span.
    edited = (FG_A.replace("Deltaker 1: ", "Deltaker 1: " + INSERTED)
              .replace("Jeg måtte forklare alt på nytt. ", "")
              .replace("trygt for", "trygt (pause 😅) for")
              .replace(" Da slapp", " Hm. Da slapp"))
    set_text(lead, "fg-a", FG_A.replace(" Det var godt", " Ja. Det var godt"))  # lead's edit
    lead_text = doc_text(lead, "fg-a")
    with Project.open(copy_path) as copy:
        set_text(copy, "fg-a", edited)
    kept = ["Jeg ble hørt, og hun hadde tid til meg.",  # after the inserted sentence
            "Brevet kom først etter fem uker.",         # after the deleted sentence
            "bivirkningene",
            "Hvordan var det første møtet med tjenesten? 🙂"]
    lost = {"Det føltes trygt (pause 😅) for første gang.": "changed",  # inserted inside
            "sa hun først.": "deleted",                                  # only in the copy
            "hun hadde tid til meg. Det var godt": "changed"}            # lead inserted inside
    with Project.open(copy_path) as copy, copy.write() as s:
        for words in kept + list(lost):
            code_text(s, "fg-a", "Trygghet", "Ingrid", *span(edited, words), memo=words[:5])
    report = merge_projects(lead, [copy_path]).as_json()
    assert (report["documents_edited"], report["codings_added"], report["codings_reanchored"],
            report["codings_unplaced"]) == (1, len(kept), len(kept), len(lost))
    assert doc_text(lead, "fg-a") == lead_text  # the target's text is kept
    placed = {(c[3], c[4]): c for c in codings(lead) if c[2] == "Ingrid"}
    assert sorted(placed) == sorted(span(lead_text, w) for w in kept)
    assert {c[5] for c in placed.values()} == set(kept)
    conflicts = {c["text"]: c for c in report["conflicts"]}
    assert {t: c["reason"] for t, c in conflicts.items()} == lost
    for words, c in conflicts.items():
        assert c["kind"] == "coding" and c["document"] == "fg-a" and c["coder"] == "Ingrid"
        assert (c["start"], c["end"]) == span(edited, words) and words in c["message"]
    again = merge_projects(lead, [copy_path]).as_json()
    assert (again["codings_added"], again["codings_duplicate"]) == (0, len(kept))
    assert len(again["conflicts"]) == len(lost)  # still reported, never silently dropped


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("templates")
    with build_lead(folder / "lead.sitat") as p:
        coder_copy(p, "Ingrid", folder / "copy.sitat", blind=True)
        with p.read() as s:
            codes = [c for c, ok in s.execute(select(Code.id, Code.codable)) if ok]
    return folder, codes


EXAMPLES = itertools.count()
_coding = st.tuples(st.sampled_from(["fg-a", "fg-b"]), st.integers(0, 3),
                    st.integers(0, 150), st.integers(1, 40), st.sampled_from(["", "memo", "æ"]),
                    st.sampled_from([None, 1, -1]), st.sampled_from(["Ingrid", "Hanne"]))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_coding, max_size=25))
def test_merging_twice_is_merging_once(templates, copy_of, rows):
    folder, codes = templates
    with tempfile.TemporaryDirectory() as tmp:
        copy_path = Path(tmp) / "copy.sitat"
        shutil.copyfile(folder / "copy.sitat", copy_path)
        lead = copy_of(folder / "lead.sitat", f"lead{next(EXAMPLES)}")  # on the test's backend
        with Project.open(copy_path) as copy, copy.write() as s:
            docs = dict(s.execute(select(Document.name, Document.id)).all())
            lengths = dict(s.execute(select(Document.name, Document.length)).all())
            coders = dict(s.execute(select(Coder.name, Coder.id)).all())
            add_codings_bulk(s, [NewCoding(docs[d], codes[c % len(codes)], coders[who],
                                           min(a, lengths[d] - 1),
                                           min(a + n, lengths[d]), memo, valence)
                                 for d, c, a, n, memo, valence, who in rows])
        with lead:
            first = merge_projects(lead, [copy_path]).as_json()
            once = codings(lead)
            second = merge_projects(lead, [copy_path]).as_json()
            assert codings(lead) == once
            assert second["codings_added"] == 0 and second["codes_added"] == 0
            assert second["documents_added"] == second["coders_added"] == 0
            assert second["codings_duplicate"] == first["codings_added"] + first[
                "codings_duplicate"]
