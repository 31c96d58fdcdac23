"""Provenance on every coding: the round and codebook version it was made under, and its creation
time kept through coder copies, merges and a REFI-QDA round trip; code operations made in a
coder copy reach the lead's codebook log with their own who and when, once."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, update

from app.core import codebook as cb
from app.core.codelog import acting_as, events
from app.core.coding import NewCoding, add_codings_bulk, code_text, list_codings
from app.core.project import Project
from app.core.refi.qdpx_export import export_qdpx
from app.core.refi.qdpx_import import import_qdpx
from app.core.team.copies import coder_copy
from app.core.team.merge import merge_projects
from app.core.team.round_records import close_round
from app.core.team.rounds import create_round, round_info
from app.core.team.versions import freeze
from app.errors import InvalidInput
from app.models import Coder, Coding, Document, Round
from tests.core.team.team_fixtures import FG_A, FG_B, fill_lead, span

WHEN = datetime(2024, 3, 1, 9, 15, 30)


@pytest.fixture
def lead(new_project):
    """The lead's project, on the test's backend (coder copies are files)."""
    return fill_lead(new_project("BSB Oslo", "lead"))


def _rows(p: Project, **filters) -> list[dict]:
    with p.read() as s:
        return [r.as_json() for r in list_codings(s, **filters)]


def _provenance(p: Project, coder: str) -> list[tuple]:
    return sorted((r["document"], r["text"], r["round"], r["codebook_version"])
                  for r in _rows(p, coders=[coder]))


def test_a_coding_gets_the_latest_open_round_and_its_version(lead):
    with lead.write() as s:
        freeze(s, "v1")
        create_round(s, "R1", ["fg-a"], ["Hanne", "Tor"], "v1")
        freeze(s, "v2")
        code_text(s, "fg-a", "Trygghet", "Hanne", *span(FG_A, "Det føltes trygt"))
        code_text(s, "fg-b", "Trygghet", "Hanne", *span(FG_B, "Ærlig talt"))
        code_text(s, "fg-a", "Trygghet", "Ingrid", *span(FG_A, "Det føltes trygt"))
    assert _provenance(lead, "Hanne") == [
        ("fg-a", "Det føltes trygt", "R1", "v1"),  # the round's version, not the newest
        ("fg-a", "Jeg ble hørt", None, None),  # made before any version or round
        ("fg-b", "Ærlig talt", None, "v2")]  # no round: the newest frozen version
    assert _provenance(lead, "Ingrid") == [("fg-a", "Det føltes trygt", None, "v2")]

    with lead.write() as s:  # a later round without a version: the newest version
        create_round(s, "R2", ["fg-a", "fg-b"], ["Hanne"])
        code_text(s, "fg-a", "Informasjon", "Hanne", *span(FG_A, "hun hadde tid"))
        close_round(s, "R2")  # a closed round takes no new codings: R1 is the open one
        code_text(s, "fg-a", "Informasjon", "Hanne", *span(FG_A, "Ingen sa noe"))
        code_text(s, "fg-b", "Informasjon", "Hanne", *span(FG_B, "slitsomt"))
    got = {r[1]: r[2:] for r in _provenance(lead, "Hanne")}
    assert got["hun hadde tid"] == ("R2", "v2")
    assert got["Ingen sa noe"] == ("R1", "v1")
    assert got["slitsomt"] == (None, "v2")


def test_bulk_codings_get_their_round_and_json_names_every_field(lead):
    with lead.write() as s:
        freeze(s, "v1")
        create_round(s, "R1", ["fg-b"], ["Tor"], "v1")
        doc = s.scalar(select(Document.id).where(Document.name == "fg-b"))
        tor = s.scalar(select(Coder.id).where(Coder.name == "Tor"))
        code = cb.resolve_code(s, "Trygghet").id
        a, b = span(FG_B, "Det er slitsomt")
        assert add_codings_bulk(s, [NewCoding(doc, code, tor, a, b),
                                    NewCoding(doc, code, tor, a, b)]) == 1
    row = _rows(lead, documents=["fg-b"])[0]
    assert (row["text"], row["round"], row["codebook_version"]) == (
        "Det er slitsomt", "R1", "v1")
    assert datetime.strptime(row["created_at"], "%Y-%m-%dT%H:%M:%SZ")  # ISO 8601 UTC, seconds


def test_the_same_span_may_be_coded_again_in_a_later_round_only(lead):
    words = span(FG_A, "Det var godt å bli sett.")
    with lead.write() as s:
        create_round(s, "R1", ["fg-a"], ["Hanne"])
        code_text(s, "fg-a", "Respekt", "Hanne", *words)
    with lead.write() as s, pytest.raises(InvalidInput, match="already coded"):
        code_text(s, "fg-a", "Respekt", "Hanne", *words)
    with lead.write() as s:
        close_round(s, "R1")
        create_round(s, "R2", ["fg-a"], ["Hanne"])
        code_text(s, "fg-a", "Respekt", "Hanne", *words)
    again = [r["round"] for r in _rows(lead, coders=["Hanne"]) if r["text"] == FG_A[slice(*words)]]
    assert sorted(again) == ["R1", "R2"]


def test_created_at_round_and_version_survive_a_copy_and_a_merge(lead, tmp_path):
    with lead.write() as s:
        freeze(s, "v1")
        create_round(s, "R1", ["fg-a"], ["Hanne"], "v1")
        s.execute(update(Coding).values(created_at=WHEN))
    with lead.read() as s:
        info = round_info(s, "R1")
    out = tmp_path / "hanne.sitat"
    coder_copy(lead, "Hanne", out, ["fg-a"], blind=True, round_=info)
    copy = Project.open(out)
    with copy.write() as s:
        code_text(s, "fg-a", "Trygghet", "Hanne", *span(FG_A, "Det føltes trygt"))
        s.execute(update(Coding).where(Coding.code_id == cb.resolve_code(s, "Trygghet").id)
                  .values(created_at=datetime(2024, 3, 2, 10, 0, 0)))
    copy.close()
    assert coder_copy(lead, "Hanne", tmp_path / "x.sitat").codings == 2  # plain copy keeps all
    with Project.open(tmp_path / "x.sitat", read_only=True) as plain, plain.read() as s:
        assert set(s.scalars(select(Coding.created_at))) == {WHEN}
    merge_projects(lead, [out])
    rows = {r["text"]: r for r in _rows(lead, coders=["Hanne"])}
    assert rows["Det føltes trygt"]["created_at"] == "2024-03-02T10:00:00Z"
    assert (rows["Det føltes trygt"]["round"], rows["Det føltes trygt"]["codebook_version"]) \
        == ("R1", "v1")
    assert rows["Jeg ble hørt"]["created_at"] == "2024-03-01T09:15:30Z"


def test_merge_maps_rounds_by_guid_then_name_else_none_and_says_so(lead, tmp_path):
    with lead.write() as s:
        create_round(s, "R1", ["fg-a"], ["Tor"])
        create_round(s, "R2", ["fg-b"], ["Tor"])
    out = tmp_path / "tor.sitat"
    coder_copy(lead, "Tor", out, blind=True)
    copy = Project.open(out)
    with copy.write() as s:
        code_text(s, "fg-a", "Trygghet", "Tor", *span(FG_A, "Det føltes trygt"))
        code_text(s, "fg-b", "Trygghet", "Tor", *span(FG_B, "Ærlig talt"))
        # R1 was recreated in the copy (other guid, same name); R2 only exists there renamed
        s.execute(update(Round).where(Round.name == "R1").values(guid="r1-other-guid"))
        s.execute(update(Round).where(Round.name == "R2").values(name="R2b", guid="r2b"))
    copy.close()
    report = merge_projects(lead, [out])
    rows = {r["text"]: r["round"] for r in _rows(lead, coders=["Tor"])}
    assert rows["Det føltes trygt"] == "R1" and rows["Ærlig talt"] is None
    assert [(c["kind"], c["round"]) for c in report.conflicts] == [("round", "R2b")]
    assert "R2b" in report.conflicts[0]["message"]


def test_merge_keeps_the_same_span_from_two_rounds_apart(lead, tmp_path):
    words = span(FG_A, "Jeg ble hørt")  # Hanne's coding in the lead has no round
    with lead.write() as s:
        create_round(s, "R1", ["fg-a"], ["Hanne"])
        info = round_info(s, "R1")
    out = tmp_path / "hanne.sitat"
    coder_copy(lead, "Hanne", out, ["fg-a"], blind=True, round_=info)
    copy = Project.open(out)
    with copy.write() as s:
        assert s.scalar(select(Coding.id)) is None  # not the coder's codings outside R1
        code_text(s, "fg-a", "Respekt", "Hanne", *words)
    copy.close()
    report = merge_projects(lead, [out])
    assert (report.codings_added, report.codings_duplicate) == (1, 0)
    again = sorted((r["round"] or "-") for r in _rows(lead, coders=["Hanne"]))
    assert again == ["-", "R1"]
    assert merge_projects(lead, [out]).codings_duplicate == 1  # and only once


def test_created_at_and_guid_survive_a_refi_round_trip(lead, tmp_path):
    with lead.write() as s:
        s.execute(update(Coding).where(Coding.coder_id == s.scalar(
            select(Coder.id).where(Coder.name == "Tor"))).values(created_at=WHEN))
    before = {(r["coder"], r["text"]): (r["guid"], r["created_at"]) for r in _rows(lead)}
    export_qdpx(lead, tmp_path / "ut.qdpx")
    import_qdpx(tmp_path / "ut.qdpx", tmp_path / "inn.sitat")
    with Project.open(tmp_path / "inn.sitat", read_only=True) as back:
        after = {(r["coder"], r["text"]): (r["guid"], r["created_at"]) for r in _rows(back)}
    assert after == before
    assert after[("Tor", "Brevet kom først etter fem uker.")][1] == "2024-03-01T09:15:30Z"


def test_code_operations_in_a_copy_reach_the_log_with_their_own_who_and_when(lead, tmp_path):
    out = tmp_path / "tor.sitat"
    coder_copy(lead, "Tor", out, blind=True)
    with Project.open(out) as copy:
        with acting_as("Tor"), copy.write() as s:
            cb.create_code(s, "Ventetid", cb.resolve_code(s, "Kjennetegn"))
            cb.update_code(s, cb.resolve_code(s, "Trygghet"), description="Å føle seg trygg.")
            cb.create_code(s, "Uten logg", None, log_as=None)  # nothing says who made it
        with copy.read() as s:
            tor_events = [(e.at, e.operation, e.path) for e in events(s) if e.actor == "Tor"]
    assert [op for _at, op, _p in tor_events] == ["create", "definition"]
    with lead.read() as s:
        earlier = len(events(s))
    with acting_as("Lead"):
        first = merge_projects(lead, [out])
    assert first.code_events_added == 2
    with lead.read() as s:
        log = events(s)
    new = [(e.at, e.actor, e.operation, e.path, e.details) for e in log[earlier:]]
    # Tor's own time and name, not the lead's "import"; one line for what the merge itself
    # brought without a log entry of its own
    assert [(at, op, path) for at, who, op, path, _d in new if who == "Tor"] == tor_events
    assert [x[1:] for x in new if x[1] != "Tor"] == [
        ("Lead", "import", "Uten logg", {"merged_from": "tor.sitat"})]
    with acting_as("Lead"):
        second = merge_projects(lead, [out])
    assert second.code_events_added == 0
    with lead.read() as s:
        assert len(events(s)) == len(log)  # merged twice, logged once


def test_undoing_a_removal_puts_the_coding_back_with_its_round_and_version(lead):
    from app.core import codetree, workbench

    with lead.write() as s:
        freeze(s, "v1")
        create_round(s, "R1", ["fg-a"], ["Tor"], "v1")
        guid = code_text(s, "fg-a", "Trygghet", "Tor", *span(FG_A, "Det føltes trygt")).guid
    before = _provenance(lead, "Tor")
    with lead.write() as s:  # the window's undo of "remove coding"
        workbench.restore_coding(s, workbench.delete_coding(s, guid))
    assert _provenance(lead, "Tor") == before
    with lead.write() as s:  # and of "delete code" (a checkpoint of the code tree)
        cp = codetree.checkpoint(s, [cb.resolve_code(s, "Trygghet").guid])
        cb.delete_code(s, cb.resolve_code(s, "Trygghet"))
    with lead.write() as s:
        codetree.restore(s, cp)
    assert _provenance(lead, "Tor") == before
    assert ("fg-a", "Det føltes trygt", "R1", "v1") in before
