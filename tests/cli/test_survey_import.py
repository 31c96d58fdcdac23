"""`sitat survey import/list/delete`: the preview changes nothing and lists every problem, a bad
file exits 1 with every problem by row and column and leaves the project file byte-identical,
`--map ks` uses the bundled mapping, comment documents can be searched and exported like
transcripts, and delete removes them again."""

from __future__ import annotations

from tests.conftest import file_digest
from tests.core.survey.import_files import HEADINGS, ROWS, write_csv, write_mapping, write_xlsx

SURVEY = "Brukerundersøkelse 2025"


def _project(cli, tmp_path):
    proj = tmp_path / "p.sitat"
    assert cli("new", proj).code == 0
    return proj


def test_preview_then_import_list_and_delete(cli, tmp_path):
    proj = _project(cli, tmp_path)
    path, mapping = write_xlsx(tmp_path / "svar.xlsx"), write_mapping(tmp_path)
    digest = file_digest(proj)
    shown = cli("survey", "import", proj, path, "--map", mapping, "--preview")
    assert shown.code == 0, shown.err
    assert "Respondents: 4; answers: 8; don't know: 2; blank: 2; comments: 2" in shown.out
    assert "Jeg må vente for lenge\tstatement\tTilgjengelighet\treverse-scored" in shown.out
    assert "No problems: the survey can be imported." in shown.out
    assert file_digest(proj) == digest
    as_json = cli("survey", "import", proj, path, "--map", mapping, "--preview", "--json").json()
    assert as_json["ok"] and as_json["respondents"] == 4 and as_json["first_rows"][0]["row"] == 2

    done = cli("survey", "import", proj, path, "--map", mapping, "--json")
    assert done.code == 0, done.err
    assert done.json()["documents"] == [f"{SURVEY} – svar 0001", f"{SURVEY} – svar 0003"]
    listed = cli("survey", "list", proj, "--json").json()
    assert [(x["survey"], x["respondents"], x["items"], x["comments"], x["file"])
            for x in listed] == [(SURVEY, 4, 3, 2, "svar.xlsx")]
    docs = {d["document"]: d["attributes"] for d in cli("docs", proj, "--json").json()}
    assert docs[f"{SURVEY} – svar 0003"] == {"tjeneste": "Aktivitetshus",
                                            "bydel": "Grünerløkka"}

    hits = cli("search", proj, "ventetiden", "--json")  # found like a transcript's words
    assert hits.code == 0, hits.err
    assert f"{SURVEY} – svar 0003" in hits.out

    gone = cli("survey", "delete", proj, SURVEY)
    assert gone.code == 0, gone.err
    assert "with its respondents (4) and comment documents (2)" in gone.out
    assert cli("survey", "list", proj, "--json").json() == []
    assert cli("docs", proj, "--json").json() == []


def test_bad_cells_exit_1_with_every_problem_and_the_file_unchanged(cli, tmp_path):
    proj = _project(cli, tmp_path)
    rows = [list(r) for r in ROWS]
    rows[1][3], rows[3][5] = 5, "mye"
    path, mapping = write_csv(tmp_path / "svar.csv", rows=rows), write_mapping(tmp_path)
    digest = file_digest(proj)
    shown = cli("survey", "import", proj, path, "--map", mapping, "--preview")
    assert shown.code == 1
    assert f"row 3, column «{HEADINGS[3]}»: 5 is not on the scale 1–4." in shown.out
    assert f"row 5, column «{HEADINGS[5]}»: «mye» is not an answer on the scale" in shown.out
    result = cli("survey", "import", proj, path, "--map", mapping)
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[0] == f"row 3, column «{HEADINGS[3]}»: 5 is not on the scale 1–4."
    assert lines[1].startswith(f"row 5, column «{HEADINGS[5]}»: «mye»")
    assert lines[-1].startswith("error: Nothing was imported from svar.csv; problems to fix "
                                "first: 2.")
    assert file_digest(proj) == digest
    as_json = cli("survey", "import", proj, path, "--map", mapping, "--json")
    assert as_json.code == 1
    assert [(p["row"], p["column"]) for p in as_json.json()["problems"]] == [
        (3, HEADINGS[3]), (5, HEADINGS[5])]


def test_bundled_ks_mapping_and_errors(cli, tmp_path):
    proj = _project(cli, tmp_path)
    path = write_xlsx(tmp_path / "svar.xlsx")
    result = cli("survey", "import", proj, path, "--map", "ks")
    assert result.code == 1  # not a KS export: its columns are unknown, the statements missing
    assert ("row 1, column «Jeg må vente for lenge»: this column is not in the mapping"
            in result.err)
    assert ("column «Alt i alt, jeg er fornøyd med tjenesten jeg mottar»: the file has no such "
            "column") in result.err
    assert cli("survey", "import", proj, path, "--map", "nei").err.startswith(
        "error: There is no survey mapping file nei; the bundled ones are:")
    assert cli("survey", "delete", proj, "Finnes ikke").code == 1
    assert cli("survey", "list", proj, "--json").json() == []
