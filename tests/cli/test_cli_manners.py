"""What a first-time user of `sitat` notices: every command says what it wrote or did, a typo
gets the nearest command, `--version`, filters that forgive case, figures in the language of
the output, a summary that summarises, agreement tables that say whose figures they are, and
no -wal/-shm left beside a closed project."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from app import __version__
from tests.conftest import run_cli as cli

TEXT = ("Intervjuer: Hvordan ble du møtt?\n"
        "Kari: Jeg ble møtt med respekt, og de hørte på meg hver gang jeg var der.\n"
        "Intervjuer: Og informasjonen?\n"
        "Kari: Brevene forsto jeg ikke, men hun forklarte dem for meg.\n")


def ok(r):
    assert r.code == 0, r.err
    return r


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The sample project (Norwegian transcripts, two coders, STC work), built once."""
    from app.core.demo import ensure_sample

    return ensure_sample(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def sample(demo, tmp_path) -> Path:
    copy = tmp_path / "demo.sitat"
    shutil.copyfile(demo, copy)
    return copy


@pytest.fixture
def small(tmp_path) -> Path:
    """One transcript 'ind1' (bydel Alna as free text), a code Respekt coded by Hanne and Tor
    and Informasjon coded by Hanne."""
    proj = tmp_path / "p.sitat"
    ok(cli("new", proj))
    src = tmp_path / "ind1.txt"
    src.write_text(TEXT, encoding="utf-8")
    ok(cli("import", proj, src))
    ok(cli("attr", proj, "ind1", "bydel=Alna"))
    for code in ("Respekt", "Informasjon"):
        ok(cli("codebook", "add", proj, code))
    for coder, code, quote in (("Hanne", "Respekt", "Jeg ble møtt med respekt"),
                               ("Tor", "Respekt", "Jeg ble møtt med respekt"),
                               ("Hanne", "Informasjon", "Brevene forsto jeg ikke")):
        start = TEXT.index(quote)
        ok(cli("code", proj, "--doc", "ind1", "--start", start, "--end", start + len(quote),
               "--code", code, "--coder", coder))
    return proj


# -- saying what was done ------------------------------------------------------------------------
def test_matrix_docx_says_what_it_wrote_instead_of_printing_the_table(small, tmp_path):
    out = tmp_path / "m.docx"
    r = ok(cli("matrix", small, "--cols", "bydel", "--docx", out))
    assert r.out.strip() == f"Written: {out}" and out.exists()
    r = ok(cli("matrix", small, "--cols", "bydel", "--csv", tmp_path / "m.csv", "--docx", out,
               "--save", "Etter bydel"))
    assert r.out.splitlines() == ["Display Etter bydel saved in the project.",
                                  f"Written: {tmp_path / 'm.csv'}", f"Written: {out}"]


def test_rename_doc_and_illustrate_say_what_they_did(small):
    r = ok(cli("rename-doc", small, "ind1", "intervju-1"))
    assert r.out.strip() == "Renamed ind1 to intervju-1."
    guid = ok(cli("codings", small, "--code", "Respekt", "--coder", "Hanne", "--json")).json()[0][
        "guid"]
    r = ok(cli("illustrate", small, "--code", "Respekt", "--coding", guid))
    assert r.out.strip() == f"The coding {guid} is now an illustrative quote of Respekt."
    r = ok(cli("illustrate", small, "--code", "Respekt", "--coding", guid, "--off"))
    assert r.out.strip() == f"The coding {guid} is no longer an illustrative quote of Respekt."


def test_agreement_docx_writes_the_file_without_printing_the_table(small, tmp_path):
    out = tmp_path / "enighet.docx"
    r = ok(cli("agreement", small, "--coders", "Hanne,Tor", "--docx", out))
    assert r.out.strip() == f"Written: {out}" and out.exists()
    r = ok(cli("agreement", small, "--coders", "Hanne,Tor", "--docx", out, "--json"))
    assert r.json()["coders"] == ["Hanne", "Tor"] and r.err.strip() == f"Written: {out}"


def test_a_report_with_nothing_to_report_is_refused(small, tmp_path):
    out = tmp_path / "rapport.docx"
    r = cli("export", "report", small, "--docx", out)
    assert r.code == 1 and "nothing to report" in r.err and not out.exists()
    ok(cli("synthesis", small, "--code", "Respekt", "--text", "Å bli hørt."))
    r = ok(cli("export", "report", small, "--docx", out))
    assert r.out.strip() == f"Written: {out}"


# -- the command line itself --------------------------------------------------------------------
def test_version():
    r = cli("--version")
    assert r.code == 0 and r.out.strip() == f"sitat {__version__}"


def test_a_mistyped_command_gets_the_nearest_not_the_whole_list():
    r = cli("serach", "x.sitat", "hjelp")
    assert r.code == 2 and "invalid choice: serach (did you mean search?)" in r.err
    assert "condensation" not in r.err and "pseudonyms" not in r.err  # not all 31 commands
    r = cli("codebook", "exprot")
    assert r.code == 2 and "did you mean export?" in r.err
    r = cli("zzzz")
    assert r.code == 2 and "see sitat --help" in r.err


def test_where_finds_a_text_value_whatever_its_case(small):
    hits = ok(cli("search", small, "respekt", "--where", "bydel=alna", "--json")).json()
    assert [h["document"] for h in hits] == ["ind1"]
    rows = ok(cli("matrix", small, "--cols", "bydel", "--where", "bydel=ALNA", "--json")).json()
    assert rows["total"] == 2  # Respekt (one passage of two coders) and Informasjon
    for command in (("search", small, "respekt"), ("matrix", small, "--cols", "bydel")):
        r = cli(*command, "--where", "bydel=Alnaa")
        assert r.code == 1 and "No document has the value Alnaa for bydel" in r.err
        assert "Did you mean: Alna?" in r.err


# -- figures and words ---------------------------------------------------------------------------
def test_figures_follow_the_output_language(sample):
    en = ok(cli("--lang", "en", "agreement", sample, "--coders", "Hanne,Tor")).out
    nb = ok(cli("--lang", "nb", "agreement", sample, "--coders", "Hanne,Tor")).out
    overall_en = next(line for line in en.splitlines() if line.startswith("Overall"))
    overall_nb = next(line for line in nb.splitlines() if line.startswith("Samlet"))
    assert re.search(r"\d\d\.\d %\s+0\.\d\d\s+0\.\d\d", overall_en), overall_en
    assert re.search(r"\d\d,\d %\s+0,\d\d\s+0,\d\d", overall_nb), overall_nb


def test_agreement_says_whose_figures_and_how_segments_match(small):
    ok(cli("code", small, "--doc", "ind1", "--start", 0, "--end", 11, "--code", "Respekt",
           "--coder", "Siri"))
    text = ok(cli("agreement", small, "--coders", "Hanne,Tor,Siri")).out
    assert ("Per cent agreement, κ (Cohen's kappa) and segments compare the first two coders "
            "(Hanne–Tor); α (Krippendorff's alpha) covers all 3 coders.") in text
    assert ("Matched: segments of Hanne–Tor with a segment of the other coder overlapping it by "
            "at least 0.9 (intersection over union)") in text
    head = next(line for line in text.splitlines() if line.startswith("Code "))
    assert head.split() == ["Code", "Agreement", "Hanne–Tor", "κ", "Hanne–Tor", "α", "all",
                            "Matched", "Unmatched"]


def test_counts_take_the_right_number(small):
    r = ok(cli("--lang", "nb", "condensation", small, "--code", "Informasjon"))
    assert r.out.splitlines()[1] == "1 meningsbærende enhet"  # not "1 meningsbærende enheter"
    r = ok(cli("--lang", "nb", "docs", small))
    assert r.err.strip() == "1 dokument"
    r = ok(cli("--lang", "nb", "codings", small, "--coder", "Hanne"))
    assert r.err.strip() == "2 kodinger"


def test_the_summary_speaks_the_projects_language_and_summarises(sample):
    text = ok(cli("summary", sample)).out  # the user's language is English in the tests
    assert "Dokumenter etter bydel:" in text and "Documents by" not in text
    assert re.search(r"^dato: 2025-\d\d-\d\d til 2025-\d\d-\d\d \(16 dokumenter\)\.$", text,
                     re.M), text
    assert re.search(r"^informanter: 1 til 8 \(16 dokumenter\)\.$", text, re.M), text
    assert "Alna" in text and not re.search(r"^  2025-", text, re.M)  # no date one by one
    english = ok(cli("--lang", "en", "summary", sample)).out
    assert "Documents by bydel:" in english
    assert re.search(r"^informanter: 1 to 8 \(16 documents\)\.$", english, re.M)


def test_word_files_follow_the_projects_language_unless_told(sample, tmp_path):
    import docx

    ok(cli("export", "quotes", sample, "--docx", tmp_path / "nb.docx", "--code", "Respekt"))
    ok(cli("--lang", "en", "export", "quotes", sample, "--docx", tmp_path / "en.docx",
           "--code", "Respekt"))
    head_nb = [c.text for c in docx.Document(str(tmp_path / "nb.docx")).tables[0].rows[0].cells]
    head_en = [c.text for c in docx.Document(str(tmp_path / "en.docx")).tables[0].rows[0].cells]
    assert head_nb == ["Sitat", "Kilde", "Kodet av"] and head_en == ["Quote", "Source", "Coder"]


def test_the_sample_carries_stc_work(sample, tmp_path):
    import docx

    out = tmp_path / "rapport.docx"
    ok(cli("export", "report", sample, "--docx", out))
    d = docx.Document(str(out))
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == ["Grunnleggende kjennetegn / Respekt",
                            "Andre kjennetegn / Informasjon", "Andre kjennetegn / Samhandling"]
    styles = {p.style.name for p in d.paragraphs}
    assert "Quote" in styles
    text = "\n".join(p.text for p in d.paragraphs)
    assert "Kondensater" in text and "Illustrerende sitater" in text


# -- the project file ----------------------------------------------------------------------------
def test_closing_leaves_no_wal_or_shm_and_the_file_alone_holds_everything(small, tmp_path):
    from app.core.project import Project

    p = Project.open(small)
    with p.write() as s:
        from app.core.codebook import create_code

        create_code(s, "Trygghet")
    stray = p.engine.connect()  # a connection a window or a forgotten session still holds
    stray.exec_driver_sql("SELECT 1")
    reader = sqlite3.connect(small)  # another program reading the file
    reader.execute("SELECT COUNT(*) FROM code").fetchone()
    p.close()
    copy = tmp_path / "copy.sitat"
    shutil.copyfile(small, copy)  # the .sitat file alone, as a user copies it
    names = [row[0] for row in sqlite3.connect(copy).execute("SELECT name FROM code")]
    assert "Trygghet" in names
    reader.close()
    assert not Path(f"{small}-wal").exists() and not Path(f"{small}-shm").exists()
    ok(cli("codebook", "add", small, "Ro"))
    assert sorted(x.name for x in small.parent.iterdir() if x.name.startswith(small.name)) == [
        small.name]


def test_written_files_follow_the_umask(small, tmp_path):
    import os

    old = os.umask(0o027)
    try:
        ok(cli("coder-copy", small, "--coder", "Hanne", "--out", tmp_path / "hanne.sitat"))
        ok(cli("agreement", small, "--coders", "Hanne,Tor", "--docx", tmp_path / "e.docx",
               "--csv", tmp_path / "e.csv"))
        ok(cli("round", "new", small, "R1", "--documents", "ind1", "--coders", "Hanne,Tor"))
        ok(cli("round", "report", small, "R1", "--docx", tmp_path / "r1.docx"))
    finally:
        os.umask(old)
    for name in ("hanne.sitat", "e.docx", "e.csv", "r1.docx"):
        assert ((tmp_path / name).stat().st_mode & 0o777) == 0o640, name
