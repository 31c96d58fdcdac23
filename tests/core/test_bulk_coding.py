"""Bulk codings (issue #16, item 6): `sitat code P --from FILE.csv|FILE.json` reads CSV as
Excel and LibreOffice save it and JSON as `codings --json` writes it, adds every row or none,
reports every bad row with its number and reason, skips and counts codings already there, and
gives each coding its round and codebook version. A process killed at any moment while it
codes leaves all rows or none (and a project that passes `check`)."""

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

import pytest

from app.core.bulk_coding import BulkCodingError, bulk_code, read_rows
from app.core.check import check_project
from app.core.project import Project
from tests.conftest import TEAM_TEXT, make_team_project, project_digest

ROOT = Path(__file__).resolve().parents[2]
TEXT = TEAM_TEXT
RESPEKT = "Grunnleggende kjennetegn/Respekt"


def _project(new_location, tmp_path):
    return make_team_project(tmp_path, location=new_location("bulk"))


def _codings(cli, proj):
    return sorted((r["document"], r["code"].rsplit("/", 1)[-1], r["coder"], r["start"], r["end"],
                   r["memo"], r["valence"]) for r in cli("codings", proj, "--json").json())


def test_excel_csv_all_rows_coded(new_location, cli, tmp_path):
    proj = _project(new_location, tmp_path)
    rows = [  # as Excel in Norway saves it: sep= line, ';', cp1252, CRLF, doubled quotes
        "sep=;",
        "Dokument;Kode;Koder;Start;Slutt;Notat;Valens",
        'fg-a;Respekt;Hanne;13;20;"Hun sa ""hørt"";\r\nto linjer";+',
        "fg-a;Andre kjennetegn/Informasjon;Tor;40;60;;-",
        "fg-b;Respekt;Åse;13;20;;",
        ";;;;;;",  # an empty row Excel leaves is no row
    ]
    path = tmp_path / "kodinger.csv"
    path.write_bytes("\r\n".join(rows).encode("cp1252") + b"\r\n")
    r = cli("code", proj, "--from", path, "--json")
    assert r.code == 0, r.err
    assert r.json() == {"rows": 3, "added": 3, "already_present": 0, "repeated": 0,
                        "coders_created": ["Hanne", "Tor", "Åse"]}
    assert _codings(cli, proj) == [
        ("fg-a", "Informasjon", "Tor", 40, 60, "", "-"),
        ("fg-a", "Respekt", "Hanne", 13, 20, 'Hun sa "hørt";\nto linjer', "+"),
        ("fg-b", "Respekt", "Åse", 13, 20, "", ""),
    ]


def test_json_round_trip_counts_codings_already_there(new_location, cli, tmp_path):
    proj = _project(new_location, tmp_path)
    for start, end in ((13, 20), (40, 60)):
        assert cli("code", proj, "--doc", "fg-a", "--start", start, "--end", end, "--code",
                   "Respekt", "--coder", "Hanne").code == 0
    listed = cli("codings", proj, "--json").json()
    again = tmp_path / "again.json"
    again.write_text(json.dumps(listed + [{**listed[0], "coder": "Tor"},
                                          {**listed[0], "coder": "Tor"}]), encoding="utf-8")
    r = cli("code", proj, "--from", again)
    assert r.code == 0, r.err
    assert "1 coding added" in r.out and "already there: 2" in r.out
    assert "repeating an earlier row (skipped): 1" in r.out
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"codings": [{"document": "fg-b", "code": RESPEKT,
                                                "coder": "Tor", "start": 13, "end": 20,
                                                "valence": 1}]}), encoding="utf-8")
    assert cli("code", proj, "--from", wrapped).code == 0
    assert ("fg-b", "Respekt", "Tor", 13, 20, "", "+") in _codings(cli, proj)
    assert len(_codings(cli, proj)) == 4


def test_every_bad_row_reported_and_nothing_coded(new_location, cli, tmp_path):
    proj = _project(new_location, tmp_path)
    good = {"document": "fg-a", "code": "Respekt", "coder": "Ny", "start": 13, "end": 20}
    items = [good,
             {**good, "document": "fg-c"},                 # 2: no such document
             {**good, "code": "Grunnleggende kjennetegn"},  # 3: a group code
             {**good, "start": "tretten"},                  # 4: not a number
             {**good, "end": 10_000},                       # 5: outside the document
             {**good, "start": 10, "end": 11},              # 6: only white space
             {**good, "valence": "kanskje"},                # 7: no valence
             {k: v for k, v in good.items() if k != "coder"},  # 8: no coder
             "fg-a;Respekt",                                # 9: not an object
             {**good, "code": "Respet", "start": 20, "end": 13}]  # 10: two problems
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    before = project_digest(proj)
    r = cli("code", proj, "--from", path)
    assert r.code == 1 and project_digest(proj) == before
    lines = r.err.strip().splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == [f"row {n}" for n in range(2, 11)]
    assert "fg-c" in lines[0] and "only groups" in lines[1] and "tretten" in lines[2]
    assert "10000" in lines[3] and "white space" in lines[4] and "Valence" in lines[5]
    assert "no coder" in lines[6] and "not an object" in lines[7]
    assert "Respet" in lines[8] and "20-13" in lines[8]
    assert lines[-1] == "error: 9 of the 10 rows cannot be coded, so nothing was coded."
    assert cli("codings", proj, "--json").json() == []
    r = cli("code", proj, "--from", path, "--json")
    assert r.code == 1 and [b["row"] for b in r.json()["bad_rows"]] == list(range(2, 11))
    no_columns = tmp_path / "cols.csv"
    no_columns.write_text("document,code,coder,start\nfg-a,Respekt,Hanne,13\n")
    r = cli("code", proj, "--from", no_columns)
    assert r.code == 1 and "end" in r.err and project_digest(proj) == before
    r = cli("code", proj, "--from", no_columns, "--doc", "fg-a")  # usage errors
    assert r.code == 2 and "leave out --doc" in r.err
    r = cli("code", proj, "--doc", "fg-a")
    assert r.code == 2 and "--start" in r.err and "--from" in r.err


def test_rounds_and_versions_follow_the_provenance_rule(new_location, cli, tmp_path):
    proj = _project(new_location, tmp_path)
    assert cli("code", proj, "--doc", "fg-b", "--start", 13, "--end", 20, "--code", "Respekt",
               "--coder", "Hanne").code == 0
    assert cli("codebook", "freeze", proj, "v1").code == 0
    assert cli("round", "new", proj, "R1", "--documents", "fg-a", "--coders", "Hanne",
               "--version", "v1").code == 0
    assert cli("codebook", "freeze", proj, "v2").code == 0
    path = tmp_path / "k.csv"
    path.write_text("document,code,coder,start,end\nfg-a,Respekt,Hanne,40,60\n"
                    "fg-b,Respekt,Hanne,40,60\nfg-a,Respekt,Tor,40,60\n", encoding="utf-8")
    assert cli("code", proj, "--from", path).code == 0
    got = {(r["document"], r["coder"], r["start"]): (r["round"], r["codebook_version"])
           for r in cli("codings", proj, "--json").json()}
    assert got[("fg-a", "Hanne", 40)] == ("R1", "v1")  # in the round: its version
    assert got[("fg-b", "Hanne", 40)] == (None, "v2")  # not in a round: the newest version
    assert got[("fg-a", "Tor", 40)] == (None, "v2")


def test_core_raises_with_every_bad_row(project, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("document;code;coder;start;end\nnope;nope;A;1;2\nnope;nope;A;1;x\n",
                    encoding="utf-8")
    with pytest.raises(BulkCodingError) as err:
        with project.write() as s:
            bulk_code(s, read_rows(path))
    assert [b.row for b in err.value.bad] == [2, 3]


# -- killed while coding ------------------------------------------------------------------------
KILLS = 14
CHILD = """
import sys
sys.path.insert(0, {root!r})
from app.cli import main
print("ready", flush=True)
sys.stdin.readline()
code = main(["code", sys.argv[1], "--from", sys.argv[2]])
print("done", code, flush=True)
"""


def _counts(path: Path) -> tuple[int, int]:
    con = sqlite3.connect(path)
    try:
        return (con.execute("SELECT COUNT(*) FROM coding").fetchone()[0],
                con.execute("SELECT COUNT(*) FROM coder").fetchone()[0])
    finally:
        con.close()


@pytest.fixture(scope="module")
def kill_setup(tmp_path_factory):
    from app.core.sample import build_sample

    base = tmp_path_factory.mktemp("bulk-kill")
    template = base / "template.sitat"
    build_sample(template).close()
    with Project.open(template, read_only=True) as p, p.read() as s:
        from app.core.coding import list_codings

        rows = list_codings(s)
    path = base / "codings.csv"
    with open(path, "w", encoding="utf-8") as fh:  # every passage again, by a new coder
        fh.write("document;code;coder;start;end;memo;valence\n")
        for r in rows * 3:
            fh.write(f"{r.document};{r.code};Krasj;{r.start};{r.end};;\n")
    return template, path


def _run(template: Path, csv_path: Path, project: Path, delay: float | None) -> None:
    for p in project.parent.glob(project.name + "*"):
        p.unlink()
    shutil.copyfile(template, project)
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT)), str(project),
                              str(csv_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    child.stdin.write("go\n")
    child.stdin.flush()
    if delay is None:
        out, err = child.communicate(timeout=120)
        assert "done 0" in out, err
        return
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.communicate()


@pytest.mark.slow
@pytest.mark.sqlite_only  # kills a process writing the .sitat file
def test_killed_bulk_coding_leaves_all_rows_or_none(kill_setup, tmp_path):
    template, csv_path = kill_setup
    before = _counts(template)
    project = tmp_path / "k.sitat"
    t0 = time.perf_counter()
    _run(template, csv_path, project, None)
    duration = time.perf_counter() - t0
    after = _counts(project)
    assert after[0] > before[0] and after[1] == before[1] + 1
    rng = random.Random("bulk-kill")
    outcomes = {"before": 0, "after": 0}
    for _ in range(KILLS):
        _run(template, csv_path, project, rng.uniform(0, duration * 0.95))
        counts = _counts(project)
        assert counts in (before, after), (counts, before, after)
        outcomes["after" if counts == after else "before"] += 1
        with Project.open(project) as p:
            assert check_project(p) == []
    print(f"code --from: {KILLS} kills, outcomes {outcomes}")
