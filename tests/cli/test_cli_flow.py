"""The `sitat` command end to end: import, attributes, codebook, coding, listing, check."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import file_digest

ROOT = Path(__file__).resolve().parents[2]
CODEBOOK = ROOT / "app" / "data" / "codebooks" / "ti-kjennetegn.qdc"

TRANSCRIPT = (
    "Fokusgruppe, bydel Alna\n\n"
    "Moderator: Hva tenker dere om møtet med tjenesten? 🙂\n"
    "Deltaker 1: Jeg følte meg sett og hørt, ærlig talt.\n"
    "Det var første gang på år.\n"
    "Deltaker 2: Nei, jeg måtte forklare alt på nytt hver gang.\n"
    "Moderator: Takk.\n"
)


def make_project(cli, tmp_path: Path) -> tuple[Path, Path]:
    proj = tmp_path / "alna.sitat"
    assert cli("new", proj, "--title", "Alna").code == 0
    src = tmp_path / "fg-alna.txt"
    src.write_text(TRANSCRIPT, encoding="utf-8")
    assert cli("codebook", "import", proj, CODEBOOK).code == 0
    return proj, src


def test_full_flow(cli, tmp_path):
    proj, src = make_project(cli, tmp_path)
    r = cli("import", proj, src, "--attr", "bydel=Alna", "--attr", "tjeneste=DPS", "--json")
    assert r.code == 0, r.err
    assert r.json() == [{"document": "fg-alna", "chars": len(TRANSCRIPT), "speakers": 3,
                         "turns": 4}]

    docs = cli("docs", proj, "--json").json()
    assert docs[0]["document"] == "fg-alna"
    assert docs[0]["attributes"] == {"bydel": "Alna", "tjeneste": "DPS"}

    assert cli("attribute", proj, "informanter", "--type", "number").code == 0
    assert cli("attr", proj, "fg-alna", "informanter=6", "bydel=Alna").code == 0
    assert cli("docs", proj, "--json").json()[0]["attributes"]["informanter"] == "6"

    codes = cli("codes", proj, "--json").json()
    paths = [c["path"] for c in codes]
    assert "Grunnleggende kjennetegn/Respekt" in paths
    assert all({"path", "guid", "color", "description"} <= set(c) for c in codes)

    quote = "Jeg følte meg sett og hørt, ærlig talt."
    start = TRANSCRIPT.index(quote)  # code points: the emoji before it counts as one
    r = cli("code", proj, "--doc", "fg-alna", "--start", start, "--end", start + len(quote),
            "--code", "Grunnleggende kjennetegn/Respekt", "--coder", "Hanne", "--memo", "klar")
    assert r.code == 0, r.err
    second = "jeg måtte forklare alt på nytt hver gang"
    s2 = TRANSCRIPT.index(second)
    r = cli("code", proj, "--doc", "fg-alna", "--start", s2, "--end", s2 + len(second),
            "--code", "Forutsigbarhet", "--coder", "Tor", "--valence", "-")
    assert r.code == 0, r.err

    rows = cli("codings", proj, "--json").json()
    assert [(x["text"], x["coder"], x["code"]) for x in rows] == [
        (quote, "Hanne", "Grunnleggende kjennetegn/Respekt"),
        (second, "Tor", "Andre kjennetegn/Forutsigbarhet"),
    ]
    assert rows[0]["memo"] == "klar" and rows[1]["valence"] == "-"
    assert [x["coder"] for x in cli("codings", proj, "--coder", "Tor", "--json").json()] == ["Tor"]
    by_parent = cli("codings", proj, "--code", "Grunnleggende kjennetegn", "--json").json()
    assert [x["text"] for x in by_parent] == [quote]

    r = cli("check", proj)
    assert r.code == 0 and "sound" in r.out

    exported = tmp_path / "ut.qdc"
    assert cli("codebook", "export", proj, exported).code == 0
    assert b"urn:QDA-XML:codebook:1.0" in exported.read_bytes()


def test_import_refuses_same_text_twice(cli, tmp_path):
    proj, src = make_project(cli, tmp_path)
    assert cli("import", proj, src).code == 0
    copy = tmp_path / "kopi.txt"
    copy.write_bytes(src.read_bytes())
    before = file_digest(proj)
    r = cli("import", proj, copy)
    assert r.code == 1 and "same text" in r.err
    assert file_digest(proj) == before
    assert cli("import", proj, copy, "--allow-duplicate").code == 0
    assert len(cli("docs", proj, "--json").json()) == 2


def test_attributes_csv_for_many_documents(cli, tmp_path):
    proj, src = make_project(cli, tmp_path)
    other = tmp_path / "ind-stovner.txt"
    other.write_text("Intervjuer: Hei.\nInformant: Hei, hei.\n", encoding="utf-8")
    table = tmp_path / "attr.csv"
    table.write_text("document,bydel,dato\nfg-alna,Alna,14.03.2025\nind-stovner,Stovner,2025-03-20\n",
                     encoding="utf-8")
    assert cli("attribute", proj, "dato", "--type", "date").code == 0
    r = cli("import", proj, src, other, "--attributes-csv", table)
    assert r.code == 0, r.err
    docs = {d["document"]: d["attributes"] for d in cli("docs", proj, "--json").json()}
    assert docs == {"fg-alna": {"bydel": "Alna", "dato": "2025-03-14"},
                    "ind-stovner": {"bydel": "Stovner", "dato": "2025-03-20"}}
    table.write_text("document,bydel\nfinnes-ikke,Alna\n", encoding="utf-8")
    before = file_digest(proj)
    r = cli("attr", proj, "--csv", table)
    assert r.code == 1 and "finnes-ikke" in r.err
    assert file_digest(proj) == before


def test_choice_attribute_validates(cli, tmp_path):
    proj, src = make_project(cli, tmp_path)
    assert cli("import", proj, src).code == 0
    assert cli("attribute", proj, "intervjutype", "--type", "choice",
               "--choices", "Fokusgruppe,Individuelt intervju").code == 0
    assert cli("attr", proj, "fg-alna", "intervjutype=fokusgruppe").code == 0
    assert cli("docs", proj, "--json").json()[0]["attributes"]["intervjutype"] == "Fokusgruppe"
    r = cli("attr", proj, "fg-alna", "intervjutype=Telefon")
    assert r.code == 1 and "allowed" in r.err


def test_norwegian_messages(cli, tmp_path):
    r = cli("--lang", "nb", "docs", tmp_path / "mangler.sitat")
    assert r.code == 1
    assert r.err.startswith("error: ")
    assert "finnes ikke" in r.err


def test_usage_error_exits_2(cli, tmp_path):
    assert cli("code", tmp_path / "p.sitat", "--doc", "x").code == 2
    assert cli("no-such-command").code == 2
