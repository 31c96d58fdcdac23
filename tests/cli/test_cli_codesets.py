"""`sitat codeset add|remove|list`: code sets from the command line, and code sets through
.qdc and .qdpx files (REFI-QDA Sets)."""

from __future__ import annotations

import zipfile

from tests.conftest import file_digest, make_team_project


def _sets(cli, proj) -> dict[str, dict]:
    r = cli("codeset", "list", proj, "--json")
    assert r.code == 0, r.err
    return {x["name"]: x for x in r.json()}


def test_add_list_remove(cli, tmp_path):
    proj = str(make_team_project(tmp_path))
    paths = [r["path"] for r in cli("codes", proj, "--json").json() if r["codable"]]
    a, b = paths[:2]
    r = cli("--lang", "en", "codeset", "add", proj, "Relasjoner", "--codes", a,
            "--description", "Om å bli sett")
    assert r.code == 0 and "created with 1 code." in r.out
    r = cli("--lang", "en", "codeset", "add", proj, "Relasjoner", "--codes", f"{a},{b}")
    assert r.code == 0 and "1 code added, 2 in the set" in r.out
    found = _sets(cli, proj)["Relasjoner"]
    assert (found["description"], found["codes"]) == ("Om å bli sett", [a, b])
    assert len(found["guid"]) == 36
    r = cli("codeset", "list", proj)
    assert r.out.splitlines()[:3] == ["Relasjoner\t2\tOm å bli sett", f"  {a}", f"  {b}"]
    r = cli("--lang", "en", "codeset", "remove", proj, "Relasjoner", "--codes", a)
    assert r.code == 0 and "1 code taken out, 1 left" in r.out
    assert _sets(cli, proj)["Relasjoner"]["codes"] == [b]
    r = cli("--lang", "en", "codeset", "remove", proj, "Relasjoner")
    assert r.code == 0 and "deleted" in r.out
    assert _sets(cli, proj) == {}
    assert b in [x["path"] for x in cli("codes", proj, "--json").json()]


def test_bad_input_leaves_the_project_unchanged(cli, tmp_path):
    proj = str(make_team_project(tmp_path))
    code = [r["path"] for r in cli("codes", proj, "--json").json()][0]
    assert cli("codeset", "add", proj, "Sett", "--codes", code).code == 0
    before = file_digest(proj)
    for args, says in [(("add", proj, "Sett", "--codes", f"{code},Finnes ikke"), "no code"),
                       (("add", proj, " "), "needs a name"),
                       (("remove", proj, "Set"), "no code set Set. Did you mean: Sett"),
                       (("remove", proj, "Sett", "--codes", "Finnes ikke"), "no code")]:
        r = cli("--lang", "en", "codeset", *args)
        assert r.code == 1 and r.err.startswith("error: ") and says in r.err, (args, r.err)
        assert file_digest(proj) == before
    assert _sets(cli, proj)["Sett"]["codes"] == [code]


def test_code_sets_travel_in_qdc_and_qdpx_files(cli, tmp_path):
    proj = str(make_team_project(tmp_path))
    codes = [r["path"] for r in cli("codes", proj, "--json").json()][:3]
    assert cli("codeset", "add", proj, "Møter", "--codes", ",".join(codes),
               "--description", "Alt om møter").code == 0
    want = _sets(cli, proj)["Møter"]
    # .qdpx: a new project from the export has the same set, guid and all.
    assert cli("refi", "export", proj, str(tmp_path / "p.qdpx")).code == 0
    with zipfile.ZipFile(tmp_path / "p.qdpx") as zf:
        assert "<Sets>" in zf.read("project.qde").decode("utf-8")
    r = cli("refi", "import", str(tmp_path / "p.qdpx"), str(tmp_path / "back.sitat"), "--json")
    assert r.code == 0 and r.json()["code_sets"] == 1
    assert _sets(cli, str(tmp_path / "back.sitat")) == {"Møter": want}
    # .qdc: a codebook file carries the set into a new, empty project.
    assert cli("codebook", "export", proj, str(tmp_path / "kb.qdc")).code == 0
    new = str(tmp_path / "ny.sitat")
    assert cli("new", new).code == 0
    assert cli("codebook", "import", new, str(tmp_path / "kb.qdc")).code == 0
    got = _sets(cli, new)["Møter"]
    assert (got["codes"], got["description"], got["guid"]) == (
        want["codes"], want["description"], want["guid"])


def test_codeset_filters_in_matrix_search_and_quote_exports(cli, tmp_path):
    from app.core.demo import ensure_sample

    proj = str(tmp_path / "s.sitat")
    (tmp_path / "s.sitat").write_bytes(ensure_sample(tmp_path / "sample").read_bytes())
    paths = [r["path"] for r in cli("codes", proj, "--json").json() if r["codings"]]
    a, b = paths[0], paths[2]
    assert cli("codeset", "add", proj, "To", "--codes", f"{a},{b}").code == 0
    by_code = ["--code", a, "--code", b]
    r1 = cli("matrix", proj, "--rows", "codes", "--cols", "documents", "--codeset", "To",
             "--json")
    r2 = cli("matrix", proj, "--rows", "codes", "--cols", "documents", *by_code, "--json")
    assert r1.code == 0 and r1.json()["cells"] == r2.json()["cells"]
    assert {row for row in r1.json()["rows"]} <= {a, b} and r1.json()["total"] > 0
    r1 = cli("search", proj, "hjelp", "--in-codeset", "To", "--json")
    r2 = cli("search", proj, "hjelp", "--in-code", a, "--in-code", b, "--json")
    assert r1.code == 0 and r1.json() == r2.json()
    everywhere = cli("search", proj, "hjelp", "--json").json()
    assert 0 < len(r1.json()) < len(everywhere)
    assert cli("export", "quotes", proj, "--codeset", "To", "--csv",
               str(tmp_path / "a.csv")).code == 0
    assert cli("export", "quotes", proj, *by_code, "--csv", str(tmp_path / "b.csv")).code == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    # An unknown or empty set is refused, not read as "every code".
    assert cli("codeset", "add", proj, "Tomt").code == 0
    for args in (("matrix", proj, "--codeset", "Tomt"), ("search", proj, "x", "--in-codeset",
                                                           "Tomt"),
                 ("export", "quotes", proj, "--codeset", "Ukjent", "--csv",
                  str(tmp_path / "c.csv"))):
        r = cli("--lang", "en", *args)
        assert r.code == 1 and ("holds no codes" in r.err or "no code set" in r.err), r.err
    assert not (tmp_path / "c.csv").exists()


def test_a_display_saved_with_a_code_set_follows_the_set(cli, tmp_path):
    """`matrix --codeset S --save D` keeps the set's name: `--load D` shows the set as it is
    when loaded (a code added to the set since appears), and its filter line names the set."""
    from app.core.demo import ensure_sample

    proj = str(tmp_path / "s.sitat")
    (tmp_path / "s.sitat").write_bytes(ensure_sample(tmp_path / "sample").read_bytes())
    paths = [r["path"] for r in cli("codes", proj, "--json").json() if r["codings"]]
    a, b = paths[0], paths[2]
    assert cli("codeset", "add", proj, "To", "--codes", a).code == 0
    r = cli("matrix", proj, "--rows", "codes", "--cols", "documents", "--codeset", "To",
            "--save", "Etter sett", "--json")
    assert r.code == 0 and r.json()["rows"] == [a]
    assert cli("codeset", "add", proj, "To", "--codes", b).code == 0
    r = cli("matrix", proj, "--load", "Etter sett", "--json")
    assert r.code == 0 and set(r.json()["rows"]) == {a, b}
    r = cli("--lang", "en", "matrix", proj, "--load", "Etter sett", "--docx",
            str(tmp_path / "d.docx"))
    assert r.code == 0
    import docx

    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "d.docx")).paragraphs)
    assert "code set: To" in text
    # The set removed: loading the display says so instead of showing every code.
    assert cli("codeset", "remove", proj, "To").code == 0
    r = cli("--lang", "en", "matrix", proj, "--load", "Etter sett")
    assert r.code == 1 and "no code set" in r.err.lower(), r.err
