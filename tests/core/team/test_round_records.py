"""Rounds as records: a closed round's figures, codebook and coders stay as they were closed,
whatever happens later (codebook changes, new codings, a later round on the same documents);
a round's blind copies carry its frozen codebook and none of the coder's other-round codings;
closing is one transaction, whole or absent even when the process is killed."""

from __future__ import annotations

import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest
from sqlalchemy import select, update

from app.core import codebook as cb
from app.core.check import check_project
from app.core.codelog import acting_as
from app.core.coding import code_text, get_coding, list_codings, remove_coding
from app.core.project import Project
from app.core.team.agreement import agreement
from app.core.team.copies import coder_copy
from app.core.team.merge import merge_projects
from app.core.team.round_records import close_round, round_record
from app.core.team.round_report import write_round_docx
from app.core.team.rounds import create_round, round_copies, round_info, rounds
from app.core.team.versions import freeze, snapshot
from app.errors import InvalidInput, NotFound
from app.models import Code, Coder, Coding, Document, Round
from tests.conftest import project_digest
from tests.core.team.team_fixtures import FG_A, FG_B, fill_lead, span

ROOT = Path(__file__).resolve().parents[3]
# What each coder codes with Respekt in fg-a, per round (R2 re-codes some R1 spans).
R1 = {"Hanne": ["Jeg ble hørt, og hun hadde tid til meg.", "Det var godt å bli sett."],
      "Tor": ["Jeg ble hørt", "Det føltes trygt for første gang."]}
R2 = {"Hanne": ["Jeg ble hørt", "Det føltes trygt for første gang."],
      "Tor": ["Jeg ble hørt", "Det føltes trygt for første gang.", "Det var godt å bli sett."]}


def _run_round(lead: Project, name: str, version: str, spans: dict, folder: Path,
               code: str = "Respekt") -> list[Path]:
    """A round as a lead runs it: blind copies, each coder codes in their copy, merge back."""
    with lead.write() as s:
        info = create_round(s, name, ["fg-a", "fg-b"], list(spans), version)
    copies = round_copies(lead, info, folder)
    for path, coder in zip(copies, info.coders):
        with Project.open(path) as copy, copy.write() as s:
            for words in spans[coder]:
                code_text(s, "fg-a", code, coder, *span(FG_A, words))
    merge_projects(lead, copies)
    return copies


@pytest.fixture
def study(new_project, tmp_path):
    """The lead's project on the test's backend, with round R1 run (copies are files)."""
    lead = fill_lead(new_project("BSB Oslo", "lead"))
    with lead.write() as s:
        freeze(s, "v1")
    _run_round(lead, "R1", "v1", R1, tmp_path / "r1")
    return lead, tmp_path


def _kappa(data: dict) -> float:
    return data["overall"]["kappa"]


def test_a_closed_round_keeps_its_figures_whatever_comes_later(study):
    lead, tmp = study
    with lead.read() as s:
        live = agreement(s, ["Hanne", "Tor"], None, ["fg-a", "fg-b"], round_name="R1").as_json()
    with acting_as("Lead"), lead.write() as s:
        info = close_round(s, "R1")
    assert info.closed and info.closed_by == "Lead"
    with lead.read() as s:
        record = round_record(s, "R1")
    assert record["status"] == "closed" and record["closed_by"] == "Lead"
    assert record["agreement"] == live and _kappa(live) is not None
    assert record["codings"] == {"Hanne": 2, "Tor": 2}
    assert record["codebook"]["version"] == "v1"
    assert [c["path"] for c in record["codebook"]["codes"]] == [
        "Kjennetegn", "Kjennetegn/Respekt", "Kjennetegn/Informasjon", "Trygghet"]
    frozen = json.dumps(record, sort_keys=True)

    # the codebook changes, an R1 coding is removed, new codings no longer get R1
    with lead.write() as s:
        cb.rename_code(s, cb.resolve_code(s, "Respekt"), "Respekt og verdighet")
        cb.create_code(s, "Ventetid", None)
        freeze(s, "v2")
        first = next(c for c in list_codings(s, coders=["Tor"]) if c.text == "Jeg ble hørt"
                     and c.round == "R1")
        remove_coding(s, get_coding(s, first.guid))
        made = code_text(s, "fg-a", "Ventetid", "Hanne", *span(FG_A, "Jeg måtte forklare"))
        assert made.round_id is None
    # and a later round on the same documents, re-coding the same spans
    _run_round(lead, "R2", "v2", R2, tmp / "r2", "Respekt og verdighet")
    with lead.read() as s:
        again = round_record(s, "R1")
        r2 = agreement(s, ["Hanne", "Tor"], None, ["fg-a", "fg-b"], round_name="R2")
        r1_codings = [c for c in list_codings(s) if c.round == "R1"]
    assert json.dumps(again, sort_keys=True) == frozen
    assert len(r1_codings) == 3  # Tor's removed one is gone; R2's codings are not R1's
    respekt = next(c for c in r2.as_json()["codes"] if c["code"].endswith("verdighet"))
    assert respekt["segments_matched"] == 4 and respekt["segments_unmatched"] == 1

    out = tmp / "r1.docx"
    with lead.read() as s:
        write_round_docx(s, "R1", out)
    d = docx.Document(str(out))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "Closed" in text and "(open)" not in text and "Ventetid" not in text
    rows = [[c.text for c in row.cells] for row in d.tables[0].rows]
    assert rows[1][0] == "Kjennetegn / Respekt"  # the code as it was named when closed
    kappa = f"{_kappa(record['agreement']):.2f}"  # English figures
    assert rows[-1][0] == "Overall" and rows[-1][2] == kappa


def test_closing_twice_or_an_unknown_round_is_refused_and_changes_nothing(study):
    lead, _tmp = study
    with lead.write() as s:
        close_round(s, "R1")
    before = project_digest(lead.path)
    with pytest.raises(InvalidInput, match="cannot be closed again"):
        with lead.write() as s:
            close_round(s, "R1")
    with pytest.raises(NotFound, match="no round named R9"):
        with lead.write() as s:
            close_round(s, "R9")
    with pytest.raises(InvalidInput, match="record"):  # other figures of a closed round
        with lead.read() as s:
            round_record(s, "R1", 0.5)
    assert project_digest(lead.path) == before
    with lead.read() as s:
        assert [r.as_json()["closed_at"] is not None for r in rounds(s)] == [True]


def test_an_open_round_reports_live_figures_and_says_so(study):
    lead, tmp = study
    with lead.read() as s:
        before = round_record(s, "R1")
        write_round_docx(s, "R1", tmp / "open.docx")
    assert before["status"] == "open" and before["closed_at"] is None
    assert docx.Document(str(tmp / "open.docx")).paragraphs[0].text == \
        "Coding round: R1 (open)"
    with lead.write() as s:  # an R1 coding more changes an open round's figures
        code_text(s, "fg-b", "Respekt", "Hanne", *span(FG_B, "Ærlig talt"))
    with lead.read() as s:
        assert round_record(s, "R1")["agreement"] != before["agreement"]


def test_a_later_rounds_blind_copy_has_its_frozen_codebook_and_no_earlier_codings(study):
    lead, tmp = study
    with lead.write() as s:
        close_round(s, "R1")
        freeze(s, "v2")
        v2 = snapshot(s)
        # the codebook moves on after v2: renamed, redefined, added and deleted codes
        cb.rename_code(s, cb.resolve_code(s, "Respekt"), "Respekt og verdighet")
        cb.update_code(s, cb.resolve_code(s, "Informasjon"), description="Endret.")
        cb.create_code(s, "Ventetid", None)
        cb.delete_code(s, cb.resolve_code(s, "Trygghet"))
        info = create_round(s, "R2", ["fg-a"], ["Hanne", "Tor"], "v2")
    report = coder_copy(lead, "Hanne", tmp / "r2-hanne.sitat", ["fg-a"], blind=True,
                        round_=info)
    assert (report.round, report.codings, report.codes_changed) == ("R2", 0, 4)
    with Project.open(tmp / "r2-hanne.sitat") as copy:
        with copy.read() as s:
            assert snapshot(s) == v2  # names, paths, definitions, colours, guids, order
            assert s.scalar(select(Coding.id)) is None  # none of Hanne's R1 codings
            assert round_info(s, "R2").coders == ("Hanne", "Tor")
        with copy.write() as s:  # re-coding an R1 span is accepted, and is an R2 coding
            code_text(s, "fg-a", "Respekt", "Hanne", *span(FG_A, "Det var godt å bli sett."))
        with copy.read() as s:
            assert [(c.round, c.codebook_version) for c in list_codings(s)] == [("R2", "v2")]
    with lead.read() as s:  # the lead's codebook is not touched by making the copy
        assert s.scalar(select(Code.id).where(Code.name == "Ventetid")) is not None


def test_a_late_copy_merged_into_a_closed_round_is_said_and_leaves_the_record(study):
    lead, tmp = study
    with lead.read() as s:
        info = round_info(s, "R1")
    late = tmp / "late-hanne.sitat"
    coder_copy(lead, "Hanne", late, ["fg-a"], blind=True, round_=info)
    with Project.open(late) as copy, copy.write() as s:
        code_text(s, "fg-a", "Respekt", "Hanne", *span(FG_A, "Ingen sa noe om bivirkningene."))
    with lead.write() as s:
        close_round(s, "R1")
    with lead.read() as s:
        record = round_record(s, "R1")
    report = merge_projects(lead, [late])
    assert report.codings_added == 1
    assert [(c["kind"], c["round"]) for c in report.conflicts] == [("closed_round", "R1")]
    assert "were added to it (1)" in report.conflicts[0]["message"]
    with lead.read() as s:
        assert round_record(s, "R1") == record


# -- a killed `round close` ------------------------------------------------------------------
CHILD = """
import sys
sys.path.insert(0, {root!r})
from app.core.project import Project
from app.core.team.round_records import close_round
print("ready", flush=True)
sys.stdin.readline()
with Project.open(sys.argv[1]) as p, p.write() as s:
    close_round(s, "Runde 1")
print("done", flush=True)
"""
KILLS = 20


def _state(path: Path) -> tuple:
    con = sqlite3.connect(path)
    try:
        closed_at, record = con.execute(
            "SELECT closed_at, record FROM round WHERE name = 'Runde 1'").fetchone()
        return closed_at, record
    finally:
        con.close()


@pytest.fixture(scope="module")
def big_round(tmp_path_factory):
    """The sample project with one open round over all its documents, its first two coders
    and all their codings."""
    from app.core.sample import build_sample

    template = tmp_path_factory.mktemp("close") / "template.sitat"
    p = build_sample(template)
    with p.write() as s:
        docs = list(s.scalars(select(Document.name)))
        coders = list(s.scalars(select(Coder.name).join(Coding, Coding.coder_id == Coder.id)
                                .distinct().order_by(Coder.name)))[:2]
        create_round(s, "Runde 1", docs, coders)
        s.execute(update(Coding).values(round_id=s.scalar(select(Round.id))))
    p.close()
    return template


def _child(project: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT)), str(project)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


@pytest.mark.slow
@pytest.mark.sqlite_only  # kills a process writing the .sitat file
def test_a_killed_round_close_leaves_the_round_closed_with_its_record_or_open(big_round,
                                                                             tmp_path):
    full = tmp_path / "full.sitat"
    shutil.copyfile(big_round, full)
    t0 = time.perf_counter()
    child = _child(full)
    assert child.stdout.readline().strip() == "ready"
    out, _err = child.communicate("go\n", timeout=120)
    duration = time.perf_counter() - t0
    assert "done" in out
    closed_at, record = _state(full)
    assert closed_at and json.loads(record)["agreement"]["overall"]["kappa"] is not None
    rng = random.Random("round-close")
    outcomes = {"open": 0, "closed": 0}
    for k in range(KILLS):
        project = tmp_path / f"kill-{k}.sitat"
        shutil.copyfile(big_round, project)
        child = _child(project)
        assert child.stdout.readline().strip() == "ready"
        child.stdin.write("go\n")
        child.stdin.flush()
        time.sleep(rng.uniform(0, duration * 0.9))
        child.send_signal(signal.SIGKILL)
        child.wait()
        closed_at, record = _state(project)
        if closed_at is None:
            assert record is None
            outcomes["open"] += 1
        else:
            assert json.loads(record)["agreement"] == json.loads(_state(full)[1])["agreement"]
            outcomes["closed"] += 1
        with Project.open(project) as p:
            assert check_project(p) == []
        for leftover in tmp_path.glob(f"kill-{k}.sitat*"):
            leftover.unlink()
    print(f"round close: {KILLS} kills, outcomes {outcomes}")
