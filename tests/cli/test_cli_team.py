"""Codebook versions, the code log, splitting codes and rounds from the command line."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import TEAM_TEXT, file_digest, make_team_project

ROOT = Path(__file__).resolve().parents[2]
TEXT = TEAM_TEXT


def _project(cli, tmp_path):
    return make_team_project(tmp_path, "lag.sitat")


def test_freeze_diff_and_log(cli, tmp_path):
    proj = _project(cli, tmp_path)
    assert cli("--as", "Lead", "codebook", "freeze", proj, "v1").code == 0
    r = cli("codebook", "freeze", proj, "v1")
    assert r.code == 1 and "already" in r.err
    from app.core import codebook as cb
    from app.core.codelog import acting_as
    from app.core.project import Project

    with acting_as("Lead"), Project.open(proj) as p, p.write() as s:
        cb.rename_code(s, cb.resolve_code(s, "Respekt"), "Respekt og verdighet")
        cb.move_code(s, cb.resolve_code(s, "Ansvarsfrihet"),
                     cb.resolve_code(s, "Grunnleggende kjennetegn"))
        cb.update_code(s, cb.resolve_code(s, "Informasjon"), description="Ny tekst.")
        cb.create_code(s, "Trygghet", cb.resolve_code(s, "Andre kjennetegn"))
        cb.delete_code(s, cb.resolve_code(s, "Sosial kontakt"))
    d = cli("codebook", "diff", proj, "v1", "--json").json()
    assert d["renamed"] == [{"old": "Grunnleggende kjennetegn/Respekt",
                             "new": "Grunnleggende kjennetegn/Respekt og verdighet",
                             "guid": d["renamed"][0]["guid"]}]
    assert [x["new"] for x in d["moved"]] == ["Grunnleggende kjennetegn/Ansvarsfrihet"]
    assert [(x["path"], x["field"]) for x in d["changed"]] == [
        ("Andre kjennetegn/Informasjon", "description")]
    assert [x["path"] for x in d["added"]] == ["Andre kjennetegn/Trygghet"]
    assert [x["path"] for x in d["removed"]] == ["Andre kjennetegn/Sosial kontakt"]
    assert cli("codebook", "freeze", proj, "v2").code == 0
    assert cli("codebook", "diff", proj, "v2", "current", "--json").json()["added"] == []
    text = cli("--lang", "nb", "codebook", "diff", proj, "v1", "v2").out
    assert "Respekt og verdighet" in text
    log = cli("codebook", "log", proj, "--json").json()
    ops = [(e["operation"], e["actor"]) for e in log]
    assert [op for op, _actor in ops[:12]] == ["import"] * 12  # 2 groups + 10 codes
    tail = [(e["operation"], e["actor"], e["path"]) for e in log[-5:]]
    assert tail == [
        ("rename", "Lead", "Grunnleggende kjennetegn/Respekt og verdighet"),
        ("move", "Lead", "Grunnleggende kjennetegn/Ansvarsfrihet"),
        ("definition", "Lead", "Andre kjennetegn/Informasjon"),
        ("create", "Lead", "Andre kjennetegn/Trygghet"),
        ("delete", "Lead", "Andre kjennetegn/Sosial kontakt"),
    ]
    assert cli("codebook", "versions", proj, "--json").json()[0]["created_by"] == "Lead"
    r = cli("codebook", "diff", proj, "v9")
    assert r.code == 1 and "v1" in r.err  # did you mean


def test_split_moves_chosen_codings(cli, tmp_path):
    proj = _project(cli, tmp_path)
    for start, end in ((13, 20), (40, 60)):
        assert cli("code", proj, "--doc", "fg-a", "--start", start, "--end", end,
                   "--code", "Respekt", "--coder", "Hanne").code == 0
    rows = cli("codings", proj, "--json").json()
    r = cli("codebook", "split", proj, "--code", "Respekt", "--into", "Bli hørt",
            "--codings", rows[1]["guid"])
    assert r.code == 0, r.err
    codes = {(x["code"], x["start"]) for x in cli("codings", proj, "--json").json()}
    assert codes == {("Grunnleggende kjennetegn/Respekt", 13),
                     ("Grunnleggende kjennetegn/Bli hørt", 40)}
    before = file_digest(proj)
    r = cli("codebook", "split", proj, "--code", "Informasjon", "--into", "X",
            "--codings", rows[0]["guid"])
    assert r.code == 1 and "do not belong" in r.err and file_digest(proj) == before


def test_rounds(cli, tmp_path):
    proj = _project(cli, tmp_path)
    assert cli("codebook", "freeze", proj, "v1").code == 0
    r = cli("round", "new", proj, "Runde 1", "--documents", "fg-a,fg-b",
            "--coders", "Hanne,Tor", "--version", "v1", "--json")
    assert r.code == 0, r.err
    assert r.json()["coders"] == ["Hanne", "Tor"] and r.json()["codebook_version"] == "v1"
    rows = cli("round", "list", proj, "--json").json()
    assert [(x["name"], x["documents"]) for x in rows] == [("Runde 1", ["fg-a", "fg-b"])]
    before = file_digest(proj)
    for args, needle in ((("Runde 1",), "already"), (("Runde 2", "--version", "v7"), "v1"),
                         (("Runde 3", "--documents", "nei"), "no document")):
        base = ["round", "new", proj, args[0], "--coders", "Hanne"]
        if "--documents" not in args:
            base += ["--documents", "fg-a"]
        r = cli(*base, *args[1:])
        assert r.code == 1 and needle in r.err, (args, r.err)
    assert file_digest(proj) == before


def test_condensation_from_the_command_line(cli, tmp_path):
    proj = _project(cli, tmp_path)
    for start, end in ((13, 40), (45, 70)):
        assert cli("code", proj, "--doc", "fg-a", "--start", start, "--end", end,
                   "--code", "Respekt", "--coder", "Hanne").code == 0
    units = [r["guid"] for r in cli("codings", proj, "--json").json()]
    r = cli("condense", proj, "--code", "Respekt", "--text", "Jeg ble hørt.",
            "--codings", ",".join(units))
    assert r.code == 0, r.err
    assert cli("illustrate", proj, "--code", "Respekt", "--coding", units[1]).code == 0
    assert cli("synthesis", proj, "--code", "Respekt", "--text", "Å bli hørt.").code == 0
    data = cli("condensation", proj, "--code", "Respekt", "--json").json()
    assert data["synthesis"] == "Å bli hørt." and data["illustrative"] == [units[1]]
    assert [c["text"] for c in data["condensates"]] == ["Jeg ble hørt."]
    assert [u["text"] for u in data["units"]] == [TEXT[13:40], TEXT[45:70]]
    before = file_digest(proj)
    r = cli("condense", proj, "--code", "Informasjon", "--text", "X", "--codings", units[0])
    assert r.code == 1 and file_digest(proj) == before


def test_copies_merge_agreement_and_round_report_end_to_end(cli, tmp_path):
    """A round as a research lead runs it: blind copies, independent coding, merge back,
    agreement on the round, and the round's Word report."""
    import docx

    proj = _project(cli, tmp_path)
    assert cli("codebook", "freeze", proj, "v1").code == 0
    r = cli("round", "new", proj, "R1", "--documents", "fg-a,fg-b", "--coders", "Hanne,Tor",
            "--version", "v1", "--copies", tmp_path / "kopier", "--json")
    assert r.code == 0, r.err
    copies = {Path(p).stem: Path(p) for p in r.json()["copies"]}
    assert set(copies) == {"R1-Hanne", "R1-Tor"}
    spans = {"Hanne": [(13, 40), (45, 70)], "Tor": [(13, 40), (50, 80)]}
    for coder, items in spans.items():
        for start, end in items:
            assert cli("code", copies[f"R1-{coder}"], "--doc", "fg-a", "--start", start,
                       "--end", end, "--code", "Respekt", "--coder", coder).code == 0
    before = file_digest(proj)
    dry = cli("merge", proj, *copies.values(), "--dry-run", "--json").json()
    assert dry["codings_added"] == 4 and dry["dry_run"] and file_digest(proj) == before
    merged = cli("merge", proj, *copies.values(), "--json").json()
    assert merged["codings_added"] == 4 and merged["conflicts"] == []
    assert Path(merged["backup"]).exists()
    again = cli("merge", proj, *copies.values(), "--json").json()
    assert again["codings_added"] == 0 and again["codings_duplicate"] == 4
    data = cli("agreement", proj, "--round", "R1", "--json").json()
    assert data["coders"] == ["Hanne", "Tor"]
    respekt = next(c for c in data["codes"] if c["code"].endswith("Respekt"))
    assert (respekt["a"], respekt["b"], respekt["c"]) == (27 + 20, 5, 10)
    assert respekt["segments_matched"] == 2  # [13,40) on both sides
    out = tmp_path / "runde.docx"
    assert cli("round", "report", proj, "R1", "--docx", out).code == 0
    d = docx.Document(str(out))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "R1" in text and "v1" in text and "fg-a" in text and "Hanne, Tor" in text
    rows = [[c.text for c in row.cells] for row in d.tables[0].rows]
    assert rows[0][0] == "Code" and rows[-1][0] == "Overall"
    assert any(r[0].endswith("Respekt") for r in rows)
    dis = cli("disagreements", proj, "--code", "Respekt", "--coders", "Hanne,Tor", "--json")
    assert [(x["start"], x["end"], x["kind"]) for x in dis.json()] == [(45, 80, "boundary")]


def test_search_and_code_hits_from_the_command_line(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    proj = _project(cli, tmp_path)
    rows = cli("search", proj, "forklare", "--json").json()
    assert [r["document"] for r in rows] == ["fg-a", "fg-b"]
    for r in rows:
        assert r["text"] == "forklare" and TEXT[r["start"]:r["end"]] == "forklare"
        assert r["speaker"] == "Deltaker 2" and "forklare alt på nytt" in r["context"]
    r = cli("search", proj, "forklare", "--code-as", "Forutsigbarhet", "--coder", "Tor",
            "--spread", "turn", "--json")
    assert r.code == 0 and r.json() == {"hits": 2, "codings_made": 2}
    coded = cli("codings", proj, "--coder", "Tor", "--json").json()
    # a turn runs to the next label: here to the end of the file, the document's name line
    assert [c["text"] for c in coded] == ["Jeg måtte forklare alt på nytt.\nfg-a",
                                          "Jeg måtte forklare alt på nytt.\nfg-b"]
    assert cli("search", proj, "forklare", "--in-code", "Forutsigbarhet", "--json").json()
    assert cli("search", proj, "forklare", "--uncoded", "--json").json() == []
    r = cli("search", proj, '"ikke lukket')
    assert r.code == 1 and r.err.startswith("error: ")
    r = cli("reindex", proj)
    assert r.code == 0 and "rebuilt" in r.out
