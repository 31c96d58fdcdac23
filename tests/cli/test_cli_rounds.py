"""Rounds as records from the command line: `round close`, `round list --json` with closed_at,
`round report --json/--docx` showing a closed round's record whatever changes later,
`agreement --round` counting only the round's codings, and `codings --json` provenance."""

from __future__ import annotations

from pathlib import Path

import docx

from tests.conftest import TEAM_TEXT, file_digest, make_team_project

ROOT = Path(__file__).resolve().parents[2]
TEXT = TEAM_TEXT
# Spans of fg-a each coder codes with Respekt, per round (R2 re-codes R1's spans).
ROUNDS = {"R1": {"Hanne": [(13, 40), (45, 70)], "Tor": [(13, 40), (50, 80)]},
          "R2": {"Hanne": [(13, 40), (45, 70)], "Tor": [(13, 40), (45, 70)]}}


def _project(cli, tmp_path) -> Path:
    return make_team_project(tmp_path, "lag.sitat")


def _round(cli, proj: Path, tmp_path: Path, name: str, version: str) -> dict:
    """Create a round with blind copies, code in each copy, merge back; the round's JSON."""
    r = cli("round", "new", proj, name, "--documents", "fg-a,fg-b", "--coders", "Hanne,Tor",
            "--version", version, "--copies", tmp_path / name, "--json")
    assert r.code == 0, r.err
    copies = {Path(p).stem.split("-", 1)[1]: Path(p) for p in r.json()["copies"]}
    for coder, spans in ROUNDS[name].items():
        held = cli("codings", copies[coder], "--json").json()
        assert held == []  # a blind round copy: none of this coder's earlier codings
        for start, end in spans:
            done = cli("code", copies[coder], "--doc", "fg-a", "--start", start, "--end", end,
                       "--code", "Respekt", "--coder", coder)
            assert done.code == 0, done.err
    merged = cli("merge", proj, *copies.values(), "--json").json()
    assert merged["codings_added"] == 4 and merged["conflicts"] == []
    return r.json()


def test_a_closed_rounds_report_does_not_move_when_a_later_round_codes_the_same_text(
        cli, tmp_path):
    proj = _project(cli, tmp_path)
    assert cli("--as", "Lead", "codebook", "freeze", proj, "v1").code == 0
    _round(cli, proj, tmp_path, "R1", "v1")
    live = cli("agreement", proj, "--round", "R1", "--json").json()
    opened = cli("round", "report", proj, "R1", "--json").json()
    assert opened["status"] == "open" and opened["agreement"] == live
    assert "(open)" in cli("round", "report", proj, "R1").out

    closed = cli("--as", "Lead", "round", "close", proj, "R1", "--json")
    assert closed.code == 0, closed.err
    assert closed.json()["closed_by"] == "Lead" and closed.json()["closed_at"].endswith("Z")
    listed = cli("round", "list", proj, "--json").json()
    assert [(r["name"], r["closed_at"]) for r in listed] == [("R1", closed.json()["closed_at"])]
    record = cli("round", "report", proj, "R1", "--json").json()
    assert record["status"] == "closed" and record["agreement"] == live
    kappa = live["overall"]["kappa"]

    rows = cli("codings", proj, "--json").json()
    assert {(r["round"], r["codebook_version"]) for r in rows} == {("R1", "v1")}
    assert all(r["created_at"].endswith("Z") and len(r["created_at"]) == 20 for r in rows)

    # the codebook changes, then a second round re-codes the same spans on the same documents
    assert cli("codebook", "freeze", proj, "v2").code == 0
    _round(cli, proj, tmp_path, "R2", "v2")
    rows = cli("codings", proj, "--json").json()
    assert sorted(r["round"] for r in rows) == ["R1"] * 4 + ["R2"] * 4
    assert cli("round", "report", proj, "R1", "--json").json() == record
    assert cli("agreement", proj, "--round", "R1", "--json").json() == live
    r2 = cli("agreement", proj, "--round", "R2", "--json").json()
    assert r2["overall"]["kappa"] == 1.0 and kappa < 1.0  # R2 agrees fully, R1 did not

    out = tmp_path / "r1.docx"
    assert cli("round", "report", proj, "R1", "--docx", out).code == 0
    table = docx.Document(str(out)).tables[0]
    assert table.rows[-1].cells[2].text == f"{kappa:.2f}"  # English figures: too little text
    # to tell the project's language, so the user's (English here) applies


def test_round_close_refuses_twice_unknown_rounds_and_other_overlaps(cli, tmp_path):
    proj = _project(cli, tmp_path)
    assert cli("round", "new", proj, "R1", "--documents", "fg-a", "--coders", "Hanne").code == 0
    assert cli("round", "close", proj, "R1").code == 0
    before = file_digest(proj)
    again = cli("round", "close", proj, "R1")
    assert again.code == 1 and again.err.startswith("error: ") and "closed again" in again.err
    unknown = cli("round", "close", proj, "R2")
    assert unknown.code == 1 and "no round named R2" in unknown.err
    other = cli("round", "report", proj, "R1", "--overlap", "0.5", "--json")
    assert other.code == 1 and "record" in other.err
    assert file_digest(proj) == before
    text = cli("round", "list", proj).out
    assert text.startswith("R1\t") and "closed" in text
