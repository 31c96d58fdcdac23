"""Merge results pinned row by row on a small hand-checked case: two coder files with exact
duplicates, a moved boundary (the coding keeps its guid in the copy), the same span by two
coders, a renamed code, a round and a codebook version the lead lacks, a closed round, group
code and out-of-range codings, a guid already taken and a creation time stored without
microseconds. The expected rows were worked out by hand from the rules in merge.py's docstring,
so the set-based SQL path is checked against them, not against itself."""

from __future__ import annotations

import sqlite3

import pytest

from app.core.project import Project
from app.core.team.merge import merge_projects
from app.core.team.round_records import close_round
from app.core.team.rounds import create_round
from app.core.team.versions import freeze
from tests.core.team.team_fixtures import FG_A, FG_B, build_lead, span

# coder files written row by row with sqlite3, merged into a lead file
pytestmark = pytest.mark.sqlite_only

G1 = "00000000-0000-4000-8000-00000000000a"  # the lead's two codings get these guids
G2 = "00000000-0000-4000-8000-00000000000b"
COLUMNS = ('guid, document_id, code_id, coder_id, start, "end", memo, valence, created_at, '
           'round_id, codebook_version_id')


def _copy(lead_path, out):
    src, dst = sqlite3.connect(lead_path), sqlite3.connect(out)
    src.backup(dst)
    src.close()
    return dst


def _ids(con) -> dict:
    one = lambda sql, *a: con.execute(sql, a).fetchone()[0]  # noqa: E731
    return {"fg-a": one("SELECT id FROM document WHERE name = 'fg-a'"),
            "fg-b": one("SELECT id FROM document WHERE name = 'fg-b'"),
            **{n: one("SELECT id FROM code WHERE name = ?", n)
               for n in ("Kjennetegn", "Respekt", "Informasjon", "Trygghet")},
            **{n: one("SELECT id FROM coder WHERE name = ?", n) for n in ("Hanne", "Tor")},
            **{n: one("SELECT id FROM round WHERE name = ?", n) for n in ("R1", "R2")},
            "v1": one("SELECT id FROM codebook_version WHERE name = 'v1'")}


def _add(con, guid, doc, code, coder, start, end, memo="", valence=None,
         created="2024-03-01 09:15:30.000000", round_=None, version=None):
    con.execute(f"INSERT INTO coding ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (guid, doc, code, coder, start, end, memo, valence, created, round_, version))


@pytest.fixture
def case(tmp_path):
    lead = build_lead(tmp_path / "lead.sitat")
    with lead.write() as s:
        freeze(s, "v1")
        create_round(s, "R1", ["fg-a", "fg-b"], ["Hanne", "Tor"], "v1")
        create_round(s, "R2", ["fg-a"], ["Hanne"], "v1")
    with lead.write() as s:
        close_round(s, "R2")
    lead.close()
    con = sqlite3.connect(tmp_path / "lead.sitat")
    ids = _ids(con)
    con.execute("UPDATE coding SET guid = ? WHERE code_id = ?", (G1, ids["Respekt"]))
    con.execute("UPDATE coding SET guid = ?, memo = 'Tor sin' WHERE code_id = ?",
                (G2, ids["Informasjon"]))
    con.commit()
    con.close()

    a = _copy(tmp_path / "lead.sitat", tmp_path / "hanne.sitat")
    a.execute("UPDATE code SET name = 'Trygghet og ro' WHERE id = ?", (ids["Trygghet"],))
    a.execute("INSERT INTO code_event (at, actor, operation, code_guid, path, details, guid) "
              "SELECT '2024-03-01 10:00:00.000000', 'Hanne', 'rename', guid, 'Trygghet og ro',"
              " '{\"old\": \"Trygghet\"}', 'ev-a' FROM code WHERE id = ?", (ids["Trygghet"],))
    a.execute("INSERT INTO round (guid, name, created_at, memo, position) "
              "VALUES ('r9', 'R9', '2024-01-01 00:00:00.000000', '', 9)")
    a.execute("INSERT INTO codebook_version (name, created_at, created_by, memo, snapshot) "
              "VALUES ('v9', '2024-01-01 00:00:00.000000', 'Hanne', '', '{}')")
    r9 = a.execute("SELECT id FROM round WHERE name = 'R9'").fetchone()[0]
    v9 = a.execute("SELECT id FROM codebook_version WHERE name = 'v9'").fetchone()[0]
    a.execute('UPDATE coding SET "end" = ? WHERE guid = ?',  # a moved boundary
              (span(FG_A, "Jeg ble hørt, og hun")[1], G1))
    a.execute("UPDATE coding SET memo = 'annen mening', valence = 1 WHERE guid = ?", (G2,))
    trygt = span(FG_A, "Det føltes trygt")
    _add(a, "a1", ids["fg-a"], ids["Trygghet"], ids["Hanne"], *trygt,
         created="2024-03-01 09:15:30", round_=ids["R1"], version=ids["v1"])
    _add(a, "a2", ids["fg-a"], ids["Trygghet"], ids["Tor"], *trygt, valence=-1,
         round_=ids["R1"], version=ids["v1"])
    _add(a, "a8", ids["fg-a"], ids["Trygghet"], ids["Hanne"], *span(FG_A, "Da slapp jeg"),
         round_=ids["R2"])
    erlig = span(FG_B, "Ærlig talt")
    _add(a, "a4", ids["fg-b"], ids["Informasjon"], ids["Hanne"], *erlig, round_=r9,
         version=v9)
    _add(a, "a5", ids["fg-b"], ids["Informasjon"], ids["Hanne"], *erlig, memo="notat")
    _add(a, "a6", ids["fg-b"], ids["Kjennetegn"], ids["Hanne"], *span(FG_B, "jeg visste"))
    _add(a, "a7", ids["fg-b"], ids["Respekt"], ids["Hanne"], len(FG_B) - 2, len(FG_B) + 5)
    a.commit()
    a.close()

    b = _copy(tmp_path / "lead.sitat", tmp_path / "tor.sitat")
    _add(b, "b1", ids["fg-a"], ids["Trygghet"], ids["Hanne"], *trygt, memo="fra B",
         round_=ids["R1"], version=ids["v1"])
    _add(b, "a2", ids["fg-b"], ids["Respekt"], ids["Tor"], *span(FG_B, "slitsomt"))
    b.commit()
    b.close()
    return tmp_path, ids


def _rows(path) -> list[tuple]:
    con = sqlite3.connect(path)
    rows = con.execute(
        'SELECT c.id, c.guid, d.name, k.name, p.name, substr(d.text, c.start + 1, '
        'c."end" - c.start), c.memo, c.valence, c.created_at, r.name, v.name FROM coding c '
        "JOIN document d ON d.id = c.document_id JOIN code k ON k.id = c.code_id "
        "JOIN coder p ON p.id = c.coder_id LEFT JOIN round r ON r.id = c.round_id "
        "LEFT JOIN codebook_version v ON v.id = c.codebook_version_id ORDER BY c.id").fetchall()
    con.close()
    return rows


def test_two_coder_files_merge_to_the_hand_checked_rows(case):
    folder, _ids_ = case
    with Project.open(folder / "lead.sitat") as lead:
        report = merge_projects(lead, [folder / "hanne.sitat", folder / "tor.sitat"])
    rows = _rows(folder / "lead.sitat")
    new = {r[0]: r[1] for r in rows if r[1] not in (G1, G2, "a1", "a2", "a4", "a8")}
    assert len(set(new.values())) == 2 and all(len(g) == 36 for g in new.values())
    t = "2024-03-01 09:15:30.000000"
    assert [r[:1] + (new.get(r[0], r[1]),) + r[2:] for r in rows] == [
        (1, G1, "fg-a", "Respekt", "Hanne", "Jeg ble hørt", "", None,
         rows[0][8], None, None),
        # Tor's memo is kept (a conflict), his valence was empty here and is taken
        (2, G2, "fg-a", "Informasjon", "Tor", "Brevet kom først etter fem uker.", "Tor sin", 1,
         rows[1][8], None, None),
        # Hanne's file, in (document, start) order; the moved coding gets a new guid
        (3, new[3], "fg-a", "Respekt", "Hanne", "Jeg ble hørt, og hun", "", None,
         rows[0][8], None, None),
        (4, "a1", "fg-a", "Trygghet", "Hanne", "Det føltes trygt", "fra B", None, t, "R1",
         "v1"),  # time normalised; memo from Tor's file (a duplicate there)
        (5, "a2", "fg-a", "Trygghet", "Tor", "Det føltes trygt", "", -1, t, "R1", "v1"),
        (6, "a8", "fg-a", "Trygghet", "Hanne", "Da slapp jeg", "", None, t, "R2", None),
        # R9 and v9 are not here: no round, no version; a5 (same span, no round) is its
        # duplicate and lends its memo
        (7, "a4", "fg-b", "Informasjon", "Hanne", "Ærlig talt", "notat", None, t, None, None),
        # Tor's file: a2's guid is taken by now
        (8, new[8], "fg-b", "Respekt", "Tor", "slitsomt", "", None, t, None, None),
    ]
    data = report.as_json()
    assert [(c["codings_added"], c["codings_duplicate"], c["codings_unplaced"],
             c["memos_added"], c["code_events_added"]) for c in data["per_source"]] == [
        (5, 2, 2, 1, 1), (1, 3, 0, 1, 0)]
    assert [(c["kind"], c["source"], c.get("reason") or c.get("round") or c.get("version")
             or c.get("code")) for c in data["conflicts"]] == [
        ("memo", "hanne.sitat", "Kjennetegn/Informasjon"),
        ("round", "hanne.sitat", "R9"),
        ("codebook_version", "hanne.sitat", "v9"),
        ("coding", "hanne.sitat", "group_code"),
        ("coding", "hanne.sitat", "outside"),
        ("closed_round", "hanne.sitat", "R2"),
    ]
    assert "(1)" in data["conflicts"][-1]["message"]
    con = sqlite3.connect(folder / "lead.sitat")
    assert con.execute("SELECT actor, operation, path, at FROM code_event WHERE guid = 'ev-a'"
                       ).fetchall() == [("Hanne", "rename", "Trygghet og ro",
                                         "2024-03-01 10:00:00.000000")]
    assert con.execute("SELECT name FROM code ORDER BY id").fetchall()[-1] == ("Trygghet",)
    con.close()


def test_merging_the_same_files_again_adds_nothing_and_changes_no_row(case):
    folder, _ids_ = case
    sources = [folder / "hanne.sitat", folder / "tor.sitat"]
    with Project.open(folder / "lead.sitat") as lead:
        merge_projects(lead, sources)
        before = _rows(folder / "lead.sitat")
        again = merge_projects(lead, sources).as_json()
    assert _rows(folder / "lead.sitat") == before
    assert (again["codings_added"], again["codings_duplicate"], again["memos_added"]) == (
        0, 7 + 4, 0)
