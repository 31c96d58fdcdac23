"""Building a consensus from the command line only: disagreements with stable ids, settling one
by its id with every --take form, and `consensus` filling in the agreed part with a report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import TEAM_TEXT, file_digest, make_team_project

ROOT = Path(__file__).resolve().parents[2]
TEXT = TEAM_TEXT
RESPEKT = "Grunnleggende kjennetegn/Respekt"
INFO = "Andre kjennetegn/Informasjon"


@pytest.fixture
def proj(cli, tmp_path):
    """fg-a: Respekt 42-54 agreed (Hanne's memo, both +), Respekt 56-70 / 60-75 (other
    boundaries), Informasjon 86-100 Hanne only; fg-b: Respekt 86-100 Tor only."""
    path = make_team_project(tmp_path)
    for doc, code, coder, start, end, extra in [
            ("fg-a", RESPEKT, "Hanne", 42, 54, ["--memo", "hørt", "--valence", "+"]),
            ("fg-a", RESPEKT, "Tor", 42, 54, ["--valence", "+"]),
            ("fg-a", RESPEKT, "Hanne", 56, 70, []), ("fg-a", RESPEKT, "Tor", 60, 75, []),
            ("fg-a", INFO, "Hanne", 86, 100, []), ("fg-b", RESPEKT, "Tor", 86, 100, [])]:
        r = cli("code", path, "--doc", doc, "--code", code, "--coder", coder, "--start", start,
                "--end", end, *extra)
        assert r.code == 0, r.err
    return path


def _places(cli, proj, *args):
    r = cli("disagreements", proj, "--coders", "Hanne,Tor", *args, "--json")
    assert r.code == 0, r.err
    return r.json()


def _consensus(cli, proj, name="Konsensus"):
    r = cli("codings", proj, "--coder", name, "--json")
    assert r.code == 0, r.err
    return sorted((c["document"], c["start"], c["end"]) for c in r.json())


def test_disagreement_ids_are_stable(cli, proj, tmp_path):
    places = _places(cli, proj)
    assert [(p["document"], p["code"], p["start"], p["end"], p["kind"]) for p in places] == [
        ("fg-a", RESPEKT, 56, 75, "boundary"), ("fg-a", INFO, 86, 100, "a_only"),
        ("fg-b", RESPEKT, 86, 100, "b_only")]
    ids = [p["id"] for p in places]
    assert all(re.fullmatch(r"d[0-9a-f]{10}", i) for i in ids) and len(set(ids)) == 3
    assert [p["id"] for p in _places(cli, proj)] == ids
    assert [p["id"] for p in _places(cli, proj, "--code", RESPEKT)] == [ids[0], ids[2]]
    text = cli("disagreements", proj, "--coders", "Hanne,Tor")
    assert [line.split("\t")[0] for line in text.out.splitlines()] == ids
    assert "0 of 3 resolved" in text.err
    # unrelated work: another coder, another code, a new document, one decision taken
    assert cli("code", proj, "--doc", "fg-a", "--code", "Andre kjennetegn/Fleksibilitet",
               "--coder", "Eva", "--start", 0, "--end", 9).code == 0
    src = tmp_path / "fg-c.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert cli("import", proj, src).code == 0
    assert cli("resolve", proj, ids[1], "--take", "neither").code == 0
    again = _places(cli, proj)
    assert [p["id"] for p in again] == ids
    assert [p["decision"] for p in again] == [None, "neither", None]


def test_resolve_by_id_with_every_take(cli, proj):
    boundary = _places(cli, proj)[0]["id"]
    expected = {"a": [(56, 70)], "b": [(60, 75)], "both": [(56, 70), (60, 75)],
                "neither": [], "58-72": [(58, 72)], "Tor": [(60, 75)], "Hanne": [(56, 70)]}
    for take, spans in expected.items():
        r = cli("resolve", proj, boundary, "--take", take)
        assert r.code == 0, r.err
        assert _consensus(cli, proj) == [("fg-a", a, b) for a, b in spans], take
        decision = _places(cli, proj)[0]["decision"]
        assert decision == {"58-72": "edit", "Tor": "b", "Hanne": "a"}.get(take, take)
    assert "Konsensus takes Hanne's segments" in r.out
    r = cli("resolve", proj, boundary, "--take", "b", "--consensus", "Enighet")
    assert r.code == 0 and _consensus(cli, proj, "Enighet") == [("fg-a", 60, 75)]
    before = file_digest(proj)
    for args, message in [((boundary, "--take", "0-10"), "must overlap"),
                          ((boundary, "--take", "50-5000"), "is not inside"),
                          ((boundary, "--take", "maybe"), "Take one of: a, b, both, neither"),
                          ((boundary, "--take", "a", "--consensus", "Tor"), "someone other"),
                          (("d0123456789", "--take", "a"), "no disagreement with the id"),
                          (("42", "--take", "a"), "not a disagreement id")]:
        r = cli("resolve", proj, *args)
        assert r.code == 1 and r.err.startswith("error: ") and message in r.err, (args, r.err)
    assert file_digest(proj) == before


def test_consensus_fills_the_agreed_part_and_reports(cli, proj):
    ids = [p["id"] for p in _places(cli, proj)]
    r = cli("consensus", proj, "--coders", "Hanne,Tor", "--json")
    assert r.code == 0, r.err
    data = r.json()
    assert (data["agreed"], data["copied"], data["already_present"], data["settled"]) == (
        1, 1, 0, 0)
    assert [u["id"] for u in data["undecided"]] == ids
    assert data["undecided"][0]["spans"] == {"Hanne": [[56, 70]], "Tor": [[60, 75]]}
    assert data["valence_conflicts"] == []
    copied = cli("codings", proj, "--coder", "Konsensus", "--json").json()
    assert [(c["start"], c["end"], c["memo"], c["valence"]) for c in copied] == [
        (42, 54, "Hanne: hørt", "+")]
    assert cli("resolve", proj, ids[1], "--take", "a").code == 0
    again = cli("consensus", proj, "--coders", "Hanne,Tor", "--json").json()
    assert (again["copied"], again["already_present"], again["settled"]) == (0, 1, 1)
    assert [u["id"] for u in again["undecided"]] == [ids[0], ids[2]]
    assert _consensus(cli, proj) == [("fg-a", 42, 54), ("fg-a", 86, 100)]
    narrow = cli("consensus", proj, "--coders", "Hanne,Tor", "--code", RESPEKT,
                 "--document", "fg-a", "--json").json()
    assert [u["id"] for u in narrow["undecided"]] == [ids[0]]
    assert narrow["codes"] == [RESPEKT] and narrow["documents"] == ["fg-a"]
    text = cli("consensus", proj, "--coders", "Hanne,Tor")
    assert "agreed segments copied: 0, already there: 1; disagreements settled: 1, still " \
        "undecided: 2" in text.out
    assert ids[0] in text.out and ids[2] in text.out and ids[1] not in text.out


def test_three_coders_from_the_command_line(cli, proj):
    for doc, start, end in [("fg-a", 42, 54), ("fg-b", 86, 100)]:
        assert cli("code", proj, "--doc", doc, "--code", RESPEKT, "--coder", "Eva",
                   "--start", start, "--end", end).code == 0
    data = cli("consensus", proj, "--coders", "Tor,Hanne,Eva", "--consensus", "K3",
               "--json").json()
    assert data["coders"] == ["Eva", "Hanne", "Tor"] and data["copied"] == 1
    undecided = {(u["document"], u["start"]): u for u in data["undecided"]}
    fg_b = undecided[("fg-b", 86)]
    assert fg_b["kind"] == "partial" and fg_b["spans"]["Hanne"] == []
    listed = cli("disagreements", proj, "--coders", "Hanne,Eva,Tor", "--json").json()
    assert sorted(p["id"] for p in listed) == sorted(u["id"] for u in data["undecided"])
    r = cli("resolve", proj, fg_b["id"], "--take", "a", "--consensus", "K3")
    assert r.code == 1 and "Take one of: Eva, Hanne, Tor, both, neither" in r.err
    r = cli("resolve", proj, fg_b["id"], "--take", "Eva", "--consensus", "K3")
    assert r.code == 0, r.err
    assert _consensus(cli, proj, "K3") == [("fg-a", 42, 54), ("fg-b", 86, 100)]
    listed = cli("disagreements", proj, "--coders", "Hanne,Eva,Tor", "--json").json()
    assert [p["decision"] for p in listed if p["id"] == fg_b["id"]] == ["Eva"]
