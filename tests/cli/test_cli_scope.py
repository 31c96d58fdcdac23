"""`--scope segments|consensus|codings` beside `--coder` on matrix, export quotes, export
report, condensation, summary and search: a span two coders coded alike is one passage by
default and two codings with --scope codings, the consensus scope is the consensus coder's,
every output names its scope, and an unknown scope is a usage error."""

from __future__ import annotations

import csv

import docx
import pytest

TEXT = ("Intervjuer: Hvordan ble du møtt?\n"
        "Informant: Jeg ble møtt med respekt. De hørte på meg hver gang.\n"
        "Informant: Men ingen ringte tilbake etter krisen.\n")


def at(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


def ok(r):
    assert r.code == 0, r.err
    return r


@pytest.fixture
def proj(cli, tmp_path):
    """Hanne and Tor coded 'Jeg ble møtt med respekt.' alike; Tor also 'De hørte på meg'
    (overlapping Hanne's longer 'De hørte på meg hver gang.'); Konsensus one passage."""
    path = tmp_path / "p.sitat"
    ok(cli("new", path))
    src = tmp_path / "ind1-alna.txt"
    src.write_text(TEXT, encoding="utf-8")
    ok(cli("import", path, src))
    ok(cli("attr", path, "ind1-alna", "bydel=Alna"))
    ok(cli("codebook", "add", path, "Respekt"))
    for coder, quote in (("Hanne", "Jeg ble møtt med respekt."),
                         ("Tor", "Jeg ble møtt med respekt."),
                         ("Hanne", "De hørte på meg hver gang."),
                         ("Tor", "De hørte på meg"),
                         ("Konsensus", "Jeg ble møtt med respekt.")):
        a, b = at(quote)
        ok(cli("code", path, "--doc", "ind1-alna", "--start", a, "--end", b, "--code", "Respekt",
               "--coder", coder))
    return path


def test_matrix_scope(cli, proj):
    passages = ok(cli("matrix", proj, "--cols", "bydel", "--coder", "Hanne", "--coder", "Tor",
                      "--json")).json()
    codings = ok(cli("matrix", proj, "--cols", "bydel", "--coder", "Hanne", "--coder", "Tor",
                     "--scope", "codings", "--json")).json()
    consensus = ok(cli("matrix", proj, "--cols", "bydel", "--scope", "consensus",
                       "--json")).json()
    assert passages["total"] == 2 and codings["total"] == 4 and consensus["total"] == 1
    assert passages["scope"] == {
        "kind": "segments", "coders": ["Hanne", "Tor"], "description": (
            "Passages: overlapping codings of one code by different coders count once; "
            "coders: Hanne, Tor.")}
    assert consensus["scope"]["coders"] == ["Konsensus"]
    text = ok(cli("matrix", proj, "--cols", "bydel"))
    assert "Scope: Passages" in text.err and text.out.splitlines()[-1] == "Total\t2\t2"
    by_coder = ok(cli("matrix", proj, "--cols", "coders"))
    assert "counts once in each of their columns; the totals count it once" in by_coder.err
    assert by_coder.out.splitlines()[-1] == "Total\t2\t1\t2\t2"  # Hanne, Konsensus, Tor


def test_export_quotes_scope(cli, proj, tmp_path):
    ok(cli("export", "quotes", proj, "--csv", tmp_path / "p.csv", "--docx", tmp_path / "p.docx",
           "--coder", "Hanne", "--coder", "Tor"))
    ok(cli("export", "quotes", proj, "--csv", tmp_path / "c.csv", "--coder", "Hanne",
           "--coder", "Tor", "--scope", "codings"))
    with (tmp_path / "p.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    with (tmp_path / "c.csv").open(encoding="utf-8-sig", newline="") as fh:
        every = list(csv.reader(fh))
    assert rows[0][0].startswith("# Scope: Passages") and every[0][0].startswith(
        "# Scope: Every coding")
    body = [dict(zip(rows[1], r)) for r in rows[2:]]
    assert [(r["Quote"], r["Coder"]) for r in body] == [
        ("Jeg ble møtt med respekt.", "Hanne, Tor"), ("De hørte på meg hver gang.", "Hanne, Tor")]
    assert all(len(r["Guid"].split()) == 2 for r in body)
    assert len(every) - 2 == 4
    d = docx.Document(str(tmp_path / "p.docx"))
    sources = [c.paragraphs[1].text for t in d.tables for c in t.columns[0].cells[1:]]
    a, b = at("Jeg ble møtt med respekt.")
    assert sources[0] == (f"ind1-alna · Informant · coded by Hanne, Tor · no round · "
                          f"no codebook version · ¶ 2, {a}\u2013{b}")


def test_condensation_summary_search_and_report_scope(cli, proj, tmp_path):
    units = ok(cli("condensation", proj, "--code", "Respekt", "--json")).json()
    every = ok(cli("condensation", proj, "--code", "Respekt", "--scope", "codings",
                   "--json")).json()
    assert len(units["units"]) == 2 and len(every["units"]) == 5
    assert units["units"][0]["coders"] == ["Hanne", "Konsensus", "Tor"]
    assert units["scope"]["kind"] == "segments"

    summary = ok(cli("summary", proj, "--json")).json()
    (respekt,) = [c for c in summary["codes"] if c["path"] == "Respekt"]
    assert respekt["passages"] == 2 and respekt["by_coder"] == {"Hanne": 2, "Tor": 2,
                                                                 "Konsensus": 1}
    assert ok(cli("summary", proj, "--scope", "consensus", "--json")).json()["codes"][0][
        "passages"] == 1

    hits = ok(cli("search", proj, "ringte", "--uncoded", "--json")).json()
    assert len(hits) == 1
    inside = ok(cli("search", proj, "hørte", "--in-code", "Respekt", "--scope", "consensus",
                    "--json")).json()
    assert inside == []  # the consensus coder did not code 'De hørte på meg'

    ok(cli("synthesis", proj, "--code", "Respekt", "--text", "Å bli hørt."))  # to report
    ok(cli("export", "report", proj, "--docx", tmp_path / "r.docx", "--scope", "codings"))
    d = docx.Document(str(tmp_path / "r.docx"))
    assert d.paragraphs[1].text.startswith("Scope: Every coding")


def test_unknown_scope_is_a_usage_error(cli, proj):
    r = cli("matrix", proj, "--scope", "everything")
    assert r.code == 2 and "invalid choice: everything" in r.err
    r = cli("matrix", proj, "--scope", "consensus", "--coder", "Kari")
    assert r.code == 1 and r.err.startswith("error: There is no coder named Kari")
