"""The whole codebook from the command line (issue #16, item 5): add, rename, move, merge,
delete and define codes, each in the code log; `codebook export --version` writes the frozen
codes; `codebook diff` shows old -> new and names merges and splits. Also condensates edited
and deleted from the command line, and `illustrate` refusing another code's coding (item 7)."""

from __future__ import annotations

from pathlib import Path

from app.core.refi.qdc import parse_qdc
from tests.conftest import TEAM_TEXT, file_digest, make_team_project

ROOT = Path(__file__).resolve().parents[2]
TEXT = TEAM_TEXT
INFO = "Andre kjennetegn/Informasjon"


def _project(cli, tmp_path):
    return make_team_project(tmp_path, "kb.sitat")


def _code(cli, proj, code, start, end, coder="Hanne", doc="fg-a"):
    r = cli("code", proj, "--doc", doc, "--start", start, "--end", end, "--code", code,
            "--coder", coder, "--json")
    assert r.code == 0, r.err
    return r.json()["guid"]


def _paths(cli, proj):
    return {r["path"]: r for r in cli("codes", proj, "--json").json()}


def _specs(path):
    out = {}

    def walk(specs, prefix):
        for x in specs:
            out[prefix + x.name] = x
            walk(x.children, prefix + x.name + "/")

    walk(parse_qdc(Path(path).read_bytes()), "")
    return out


def _refused(cli, proj, *args, says=""):
    before = file_digest(proj)
    r = cli(*args)
    assert r.code == 1 and r.err.startswith("error: ") and says in r.err, (r.out, r.err)
    assert file_digest(proj) == before
    return r


def test_add_rename_move_define_delete_each_logged(cli, tmp_path):
    proj = _project(cli, tmp_path)
    r = cli("--as", "Lead", "codebook", "add", proj, "Andre kjennetegn/Trygghet", "--colour",
            "#12ab56", "--definition", "Å føle seg trygg.", "--include", "Når brukeren sier "
            "at hun er trygg.", "--exclude", "Ikke fysisk sikkerhet.", "--example",
            "«Jeg var aldri redd.»")
    assert r.code == 0, r.err
    assert _paths(cli, proj)["Andre kjennetegn/Trygghet"]["color"] == "#12AB56"
    assert cli("--as", "Lead", "codebook", "add", proj, "Tema", "--not-codable").code == 0
    assert cli("--as", "Lead", "codebook", "add", proj, "Tema/Under").code == 0
    assert _paths(cli, proj)["Tema"]["codable"] is False
    _refused(cli, proj, "codebook", "add", proj, "Finnes ikke/Ny", says="Finnes ikke")
    _refused(cli, proj, "codebook", "add", proj, "Andre kjennetegn/Trygghet", says="already")

    assert cli("--as", "Lead", "codebook", "rename", proj, "Andre kjennetegn/Trygghet",
               "Trygghet og ro").code == 0
    r = cli("--as", "Lead", "codebook", "move", proj, "Trygghet og ro", "Grunnleggende "
            "kjennetegn")
    assert r.code == 0 and "Grunnleggende kjennetegn/Trygghet og ro" in r.out
    assert cli("--as", "Lead", "codebook", "move", proj, "Trygghet og ro", "--top").code == 0
    _refused(cli, proj, "codebook", "move", proj, "Tema", "Tema/Under", says="inside itself")
    _refused(cli, proj, "codebook", "move", proj, "Tema", says="--top")
    assert cli("--as", "Lead", "codebook", "define", proj, "Trygghet og ro", "--definition",
               "Å være trygg og i ro.", "--example", "«Jeg sov godt.»").code == 0
    _refused(cli, proj, "codebook", "define", proj, "Trygghet og ro", says="--definition")
    out = tmp_path / "now.qdc"
    assert cli("codebook", "export", proj, out).code == 0
    spec = _specs(out)["Trygghet og ro"]
    assert (spec.description, spec.inclusion, spec.exclusion, spec.example, spec.colour) == (
        "Å være trygg og i ro.", "Når brukeren sier at hun er trygg.",
        "Ikke fysisk sikkerhet.", "«Jeg sov godt.»", "#12AB56")

    _code(cli, proj, "Tema/Under", 13, 20)
    _code(cli, proj, "Tema/Under", 40, 60, coder="Tor")
    r = _refused(cli, proj, "codebook", "delete", proj, "Tema", says="--force")
    assert "1 child code, 2 codings" in r.err
    assert cli("--as", "Lead", "codebook", "delete", proj, "Tema", "--force").code == 0
    assert cli("--as", "Lead", "codebook", "delete", proj, "Trygghet og ro").code == 0
    paths = _paths(cli, proj)
    assert not any(p.startswith(("Tema", "Trygghet")) for p in paths)
    assert cli("codings", proj, "--json").json() == []

    log = [(e["operation"], e["actor"], e["path"])
           for e in cli("codebook", "log", proj, "--json").json() if e["actor"] == "Lead"]
    assert log == [
        ("create", "Lead", "Andre kjennetegn/Trygghet"),
        ("create", "Lead", "Tema"),
        ("create", "Lead", "Tema/Under"),
        ("rename", "Lead", "Andre kjennetegn/Trygghet og ro"),
        ("move", "Lead", "Grunnleggende kjennetegn/Trygghet og ro"),
        ("move", "Lead", "Trygghet og ro"),
        ("definition", "Lead", "Trygghet og ro"),
        ("delete", "Lead", "Tema"),
        ("delete", "Lead", "Trygghet og ro"),
    ]


def test_merge_codings_and_condensates_follow(cli, tmp_path):
    proj = _project(cli, tmp_path)
    a = _code(cli, proj, "Respekt", 13, 20)
    b = _code(cli, proj, "Respekt", 40, 60, doc="fg-b")
    _code(cli, proj, "Informasjon", 40, 60, coder="Tor")
    r = cli("condense", proj, "--code", "Respekt", "--text", "Jeg ble hørt.", "--codings",
            f"{a},{b}")
    assert r.code == 0
    assert cli("synthesis", proj, "--code", "Respekt", "--text", "Å bli hørt.").code == 0
    _refused(cli, proj, "codebook", "merge", proj, "Respekt", "Grunnleggende kjennetegn",
             says="only groups")
    r = cli("--as", "Lead", "codebook", "merge", proj, "Respekt", "Informasjon")
    assert r.code == 0, r.err
    assert "2 codings moved" in r.out and "1 condensate," in r.out
    rows = cli("codings", proj, "--json").json()
    assert sorted((x["code"], x["coder"], x["start"]) for x in rows) == [
        (INFO, "Hanne", 13), (INFO, "Hanne", 40), (INFO, "Tor", 40)]
    assert "Grunnleggende kjennetegn/Respekt" not in _paths(cli, proj)
    c = cli("condensation", proj, "--code", "Informasjon", "--json").json()
    assert [(x["text"], sorted(x["units"])) for x in c["condensates"]] == [
        ("Jeg ble hørt.", sorted([a, b]))]
    assert c["synthesis"].endswith("Grunnleggende kjennetegn/Respekt:\nÅ bli hørt.")
    log = cli("codebook", "log", proj, "--json").json()[-1]
    assert (log["operation"], log["actor"], log["details"]["into_path"]) == ("merge", "Lead",
                                                                          INFO)


def test_diff_shows_old_to_new_and_names_merges_and_splits(cli, tmp_path):
    proj = _project(cli, tmp_path)
    old_info = _paths(cli, proj)[INFO]["description"]
    _code(cli, proj, "Samhandling", 13, 20)
    moving = _code(cli, proj, "Samhandling", 40, 60)
    _code(cli, proj, "Sosial kontakt", 61, 80)
    assert cli("codebook", "freeze", proj, "v1").code == 0
    for args in (("rename", proj, "Respekt", "Respekt og verdighet"),
                 ("move", proj, "Ansvarsfrihet", "Grunnleggende kjennetegn"),
                 ("define", proj, "Informasjon", "--definition", "Ny tekst."),
                 ("split", proj, "--code", "Samhandling", "--into", "Samarbeid", "--codings",
                  moving),
                 ("merge", proj, "Sosial kontakt", "Samhandling"),
                 ("add", proj, "Andre kjennetegn/Trygghet"),
                 ("delete", proj, "Utviklingsmuligheter")):
        r = cli("codebook", *args)
        assert r.code == 0, (args, r.err)
    assert cli("codebook", "freeze", proj, "v2").code == 0
    d = cli("codebook", "diff", proj, "v1", "v2", "--json").json()
    assert [(x["from"], x["into"]) for x in d["merged"]] == [
        ("Andre kjennetegn/Sosial kontakt", "Andre kjennetegn/Samhandling")]
    assert [(x["from"], x["into"]) for x in d["split"]] == [
        ("Andre kjennetegn/Samhandling", "Andre kjennetegn/Samarbeid")]
    assert [x["path"] for x in d["added"]] == ["Andre kjennetegn/Trygghet"]
    assert [x["path"] for x in d["removed"]] == ["Andre kjennetegn/Utviklingsmuligheter"]
    text = cli("codebook", "diff", proj, "v1", "v2").out.splitlines()
    assert "> merged: Andre kjennetegn/Sosial kontakt -> into Andre kjennetegn/Samhandling" \
        in text
    assert "< split: Andre kjennetegn/Samarbeid split off from Andre kjennetegn/Samhandling" \
        in text
    assert ("~ renamed: Grunnleggende kjennetegn/Respekt -> Grunnleggende kjennetegn/Respekt "
            "og verdighet") in text
    assert ("~ moved: Andre kjennetegn/Ansvarsfrihet -> Grunnleggende kjennetegn/Ansvarsfrihet"
            in text)
    definition = f"~ definition of {INFO}: «{' '.join(old_info.split())}» -> «Ny tekst.»"
    assert definition in text
    assert cli("codebook", "diff", proj, "v1", "--json").json()["merged"] == d["merged"]
    back = cli("codebook", "diff", proj, "v2", "v1", "--json").json()  # no log backwards
    assert back["merged"] == [] and back["split"] == []
    assert "Andre kjennetegn/Sosial kontakt" in [x["path"] for x in back["added"]]
    nb = cli("--lang", "nb", "codebook", "diff", proj, "v1", "v2").out
    assert "Andre kjennetegn/Samarbeid" in nb and "merged" not in nb


def test_export_version_writes_the_frozen_codes(cli, tmp_path):
    proj = _project(cli, tmp_path)
    guids = {p: r["guid"] for p, r in _paths(cli, proj).items()}
    assert cli("codebook", "freeze", proj, "v1").code == 0
    assert cli("codebook", "rename", proj, "Respekt", "Verdighet").code == 0
    assert cli("codebook", "define", proj, "Informasjon", "--definition", "Ny.").code == 0
    assert cli("codebook", "add", proj, "Ny kode").code == 0
    v1, now = tmp_path / "v1.qdc", tmp_path / "now.qdc"
    r = cli("codebook", "export", proj, v1, "--version", "v1")
    assert r.code == 0 and "v1" in r.out
    assert cli("codebook", "export", proj, now).code == 0
    frozen, current = _specs(v1), _specs(now)
    assert set(frozen) == set(guids)
    assert {p: s.guid for p, s in frozen.items()} == guids
    assert frozen[INFO].description.startswith("Tilstrekkelig og tilpasset informasjon")
    assert current[INFO].description == "Ny."
    assert "Grunnleggende kjennetegn/Verdighet" in current and "Ny kode" in current
    missing = tmp_path / "v9.qdc"
    r = cli("codebook", "export", proj, missing, "--version", "v9")
    assert r.code == 1 and "v1" in r.err and not missing.exists()


def test_condensate_edit_delete_and_illustrate_refusal(cli, tmp_path):
    proj = _project(cli, tmp_path)
    a = _code(cli, proj, "Respekt", 13, 20)
    b = _code(cli, proj, "Respekt", 40, 60)
    other = _code(cli, proj, "Informasjon", 61, 80)
    assert cli("condense", proj, "--code", "Respekt", "--text", "Jeg ble hørt.", "--codings",
               a).code == 0
    guid = cli("condensation", proj, "--code", "Respekt", "--json").json()["condensates"][0][
        "guid"]
    assert cli("condensate", "edit", proj, guid, "--text", "Jeg ble hørt og sett.",
               "--codings", f"{a},{b}").code == 0
    c = cli("condensation", proj, "--code", "Respekt", "--json").json()["condensates"]
    assert [(x["guid"], x["text"], sorted(x["units"])) for x in c] == [
        (guid, "Jeg ble hørt og sett.", sorted([a, b]))]
    _refused(cli, proj, "condensate", "edit", proj, guid, "--codings", other,
             says="Respekt")
    _refused(cli, proj, "condensate", "edit", proj, guid, says="--text")
    _refused(cli, proj, "illustrate", proj, "--code", "Respekt", "--coding", other,
             says="Informasjon")
    assert cli("illustrate", proj, "--code", "Respekt", "--coding", a).code == 0
    assert cli("condensate", "delete", proj, guid).code == 0
    c = cli("condensation", proj, "--code", "Respekt", "--json").json()
    assert c["condensates"] == [] and c["illustrative"] == [a]
    _refused(cli, proj, "condensate", "delete", proj, guid, says="no longer exists")


def test_split_says_what_became_of_condensates(cli, tmp_path):
    proj = _project(cli, tmp_path)
    a = _code(cli, proj, "Respekt", 13, 20)
    b = _code(cli, proj, "Respekt", 40, 60)
    for text, units in (("Jeg ble hørt.", a), ("Jeg ble hørt, og det hjalp.", f"{a},{b}")):
        assert cli("condense", proj, "--code", "Respekt", "--text", text, "--codings",
                   units).code == 0
    r = cli("codebook", "split", proj, "--code", "Respekt", "--into", "Bli hørt", "--codings",
            a)
    assert r.code == 0, r.err
    assert "1 moved with all their meaning units" in r.out and "1 stayed" in r.out
    assert "«Jeg ble hørt, og det hjalp.» stayed on Grunnleggende kjennetegn/Respekt" in r.out
    moved = cli("condensation", proj, "--code", "Bli hørt", "--json").json()["condensates"]
    assert [x["text"] for x in moved] == ["Jeg ble hørt."]
