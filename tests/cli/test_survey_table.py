"""`sitat survey table` and `sitat survey reference` on a survey imported from a CSV file
with `sitat survey import`: the figures as text and JSON (checked by hand in
tests/core/survey/test_stats.py), "too few answers" by service, Word and PNG files, reference
sets from --set and --csv, and bad input refused with the project file byte-identical."""

from __future__ import annotations

import docx

from tests.conftest import file_digest
from tests.core.survey.test_stats import PEOPLE

MAPPING = """[survey]
name = "KS 2025"
scale = { min = 1, max = 4, labels = ["Helt uenig", "Litt uenig", "Litt enig", "Helt enig"] }
dont_know = ["Vet ikke"]
[[background]]
column = "Tjeneste"
attribute = "tjeneste"
[[item]]
key = "t1"
column = "Ventetiden var akseptabel"
theme = "Tilgjengelighet"
[[item]]
key = "t2"
column = "Jeg måtte vente for lenge"
theme = "Tilgjengelighet"
reverse = true
[[item]]
key = "i1"
column = "Jeg får god informasjon"
theme = "Informasjon"
"""


def _cell(v):
    return "Vet ikke" if v == "dk" else "" if v is None else str(v)


def _project(cli, tmp_path):
    proj = tmp_path / "p.sitat"
    assert cli("new", proj).code == 0
    (tmp_path / "map.toml").write_text(MAPPING, encoding="utf-8")
    lines = ["Tjeneste;Ventetiden var akseptabel;Jeg måtte vente for lenge;"
             "Jeg får god informasjon"]
    lines += [";".join([svc, *map(_cell, (t1, t2, i1))]) for svc, t1, t2, i1 in PEOPLE]
    (tmp_path / "svar.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = cli("survey", "import", proj, tmp_path / "svar.csv", "--map", tmp_path / "map.toml")
    assert done.code == 0, done.err
    return proj


def test_table_text_json_and_by_service(cli, tmp_path):
    proj = _project(cli, tmp_path)
    shown = cli("survey", "table", proj)
    assert shown.code == 0, shown.err
    assert "Theme\tn\tMean\tHelt uenig %\tLitt uenig %\tLitt enig %\tHelt enig %\t" \
           "Don't know %" in shown.out
    assert "Tilgjengelighet\t13\t2.8\t19\t14\t29\t38\t13" in shown.out
    data = cli("survey", "table", proj, "--items", "--json").json()
    t1 = data["rows"][0]
    assert (t1["key"], t1["total"]["n"], t1["total"]["counts"]) == ("t1", 12, [2, 2, 4, 4])
    assert t1["total"]["shown"]["mean"] == "2.8"
    by = cli("survey", "table", proj, "--by", "tjeneste", "--theme", "Tilgjengelighet")
    assert by.code == 0, by.err
    assert "  Bolig\ttoo few answers" in by.out and "  Rus\t5\t3.2\t0\t20\t40\t40\t17" in by.out
    data = cli("survey", "table", proj, "--by", "tjeneste", "--json").json()
    groups = {g["group"]: g for g in data["rows"][0]["groups"]}
    assert groups["Bolig"] == {"group": "Bolig", "suppressed": True}
    assert groups["Psykisk helse"] == {"group": "Psykisk helse", "suppressed": True}


def test_reference_sets_and_differences(cli, tmp_path):
    proj = _project(cli, tmp_path)
    made = cli("survey", "reference", proj, "Landsgjennomsnitt", "--set", "Tilgjengelighet=3,3",
               "--set", "t1=2.9", "--memo", "KS 2025")
    assert made.code == 0, made.err
    assert "Saved the reference set Landsgjennomsnitt: 2 values." in made.out
    csv = tmp_path / "bydel.csv"
    csv.write_text("tema,snitt\nInformasjon,3.0\n", encoding="utf-8")
    assert cli("survey", "reference", proj, "Bydelen", "--csv", csv).code == 0
    listed = cli("survey", "reference", proj)
    assert "Landsgjennomsnitt (KS 2025)" in listed.out
    assert "  theme\tTilgjengelighet\t3.3" in listed.out
    assert "  theme\tInformasjon\t3.0" in listed.out
    shown = cli("survey", "table", proj, "--reference", "Landsgjennomsnitt")
    assert "Tilgjengelighet\t13\t2.8\t19\t14\t29\t38\t13\t3.3\t-0.5" in shown.out
    assert cli("survey", "reference", proj, "Bydelen", "--delete").code == 0
    assert [r["name"] for r in cli("survey", "reference", proj, "--json").json()] == [
        "Landsgjennomsnitt"]


def test_word_and_png(cli, tmp_path):
    proj = _project(cli, tmp_path)
    out, png = tmp_path / "rapport.docx", tmp_path / "figur.png"
    done = cli("survey", "table", proj, "--by", "tjeneste", "--docx", out)
    assert done.code == 0, done.err
    d = docx.Document(str(out))
    assert len(d.tables) == 2 and len(d.inline_shapes) == 2
    assert cli("survey", "table", proj, "--items", "--png", png, "--dpi", "96").code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_input_changes_nothing(cli, tmp_path):
    proj = _project(cli, tmp_path)
    digest = file_digest(proj)
    for args, message in [
        (("reference", proj, "Land", "--set", "Tilgang=3"), "no theme or item called Tilgang"),
        (("reference", proj, "Land", "--set", "Informasjon=5"), "outside the scale"),
        (("reference", proj, "Land", "--delete"), "no reference called Land"),
        (("table", proj, "--survey", "Nope"), "no survey named Nope"),
        (("table", proj, "--by", "alder"), "no attribute called alder"),
        (("table", proj, "--reference", "Land"), "no reference called Land"),
    ]:
        r = cli("survey", *args)
        assert r.code == 1 and r.err.startswith("error: ") and message in r.err, (args, r.err)
    assert file_digest(proj) == digest


def test_the_smallest_group_shown_is_a_setting_of_the_survey(cli, tmp_path):
    proj = _project(cli, tmp_path)
    shown = cli("survey", "settings", proj, "--json").json()
    assert shown == {"survey": "KS 2025", "min_group": 5}

    def bolig():
        data = cli("survey", "table", proj, "--by", "tjeneste", "--json").json()
        return {g["group"]: g for g in data["rows"][0]["groups"]}["Bolig"]

    assert bolig() == {"group": "Bolig", "suppressed": True}
    changed = cli("survey", "settings", proj, "--min-group", "2")
    assert changed.code == 0, changed.err
    assert "at least 2 respondents (was 5)" in changed.out
    assert "n" in bolig() and not bolig().get("suppressed")  # now shown with its figures
    digest = file_digest(proj)
    for bad in ("0", "1001", "x"):
        r = cli("survey", "settings", proj, "--min-group", bad)
        assert r.code != 0 and r.err, bad
    assert file_digest(proj) == digest
