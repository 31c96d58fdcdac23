"""The bundled sample project: built from its reviewable sources, it has the size and shape the
foundation issue asks for, and the demo works without a display."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from app.core.check import check_project
from app.core.demo import run_demo
from app.core.project import Project
from app.core.sample import SAMPLE_DIR, build_sample
from app.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("sample") / "demo.sitat"
    build_sample(path).close()
    return path


@pytest.fixture
def sample(sample_file, copy_of):
    """Where the sample is on the test's backend (a copied file, or a published database)."""
    p = copy_of(sample_file)
    p.close()
    return p.path


def test_sample_size_and_shape(sample, cli):
    docs = cli("docs", sample, "--json").json()
    assert len(docs) >= 15
    with Project.open(sample, read_only=True) as p, p.read() as s:
        from app.models import Document

        words = {d.name: len(d.text.split()) for d in s.query(Document)}
    docs = [d for d in docs if "intervjutype" in d["attributes"]]  # not the survey's comments
    assert len(docs) == 16
    assert all(1500 <= words[d["document"]] <= 6000 for d in docs), words
    attrs = [d["attributes"] for d in docs]
    assert len({a["bydel"] for a in attrs}) >= 5
    assert len({a["tjeneste"] for a in attrs}) >= 6
    kinds = Counter(a["intervjutype"] for a in attrs)
    assert kinds["Fokusgruppe"] > kinds["Individuelt intervju"] > 0
    for d in docs:
        speakers = [sp for sp in d["speakers"] if sp.startswith("Deltaker")]
        if d["attributes"]["intervjutype"] == "Fokusgruppe":
            assert 4 <= len(speakers) <= 8, d["document"]
            assert len(speakers) == int(d["attributes"]["informanter"])


def test_two_coders_mostly_agree_but_not_always(sample, cli):
    rows = cli("codings", sample, "--json").json()
    by = {c: {(r["document"], r["code"], r["start"], r["end"]) for r in rows if r["coder"] == c}
          for c in ("Hanne", "Tor")}
    assert all(len(v) > 400 for v in by.values())
    same = by["Hanne"] & by["Tor"]
    assert 0.3 < len(same) / len(by["Hanne"]) < 0.9
    only_tor = by["Tor"] - by["Hanne"]
    overlapping = [t for t in only_tor if any(
        h[0] == t[0] and h[1] == t[1] and h[2] < t[3] and t[2] < h[3] for h in by["Hanne"])]
    assert overlapping, "some spans should overlap with other boundaries"
    for r in rows[:200]:
        assert r["text"].strip() and "\n\n" not in r["text"]


def test_codings_are_the_quoted_text(sample, cli):
    rows = cli("codings", sample, "--doc", "fg05-stovner-psykisk-helsearbeid", "--json").json()
    with open(SAMPLE_DIR / "codings" / "fg05-stovner-psykisk-helsearbeid.csv",
              encoding="utf-8", newline="") as fh:
        quotes = Counter((r["coder"], r["quote"]) for r in csv.DictReader(fh))
    assert Counter((r["coder"], r["text"]) for r in rows) == quotes
    with Project.open(sample, read_only=True) as p:
        assert check_project(p) == []


def test_missing_quote_names_file_and_line(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SAMPLE_DIR, src)
    f = src / "codings" / "ind06-stovner-legevakt.csv"
    lines = f.read_text(encoding="utf-8").splitlines()
    lines[2] = 'Hanne,Grunnleggende kjennetegn/Respekt,+,"Dette står ikke i teksten.",'
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "x.sitat"
    with pytest.raises(InvalidInput, match="ind06-stovner-legevakt.csv, line 3"):
        build_sample(out, src)
    assert not out.exists()


def test_demo_without_display_writes_summary(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["SITAT_LANG"] = "nb"
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "--demo"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Fant ingen skjerm" in r.stdout and "Kodinger fordelt på kodere" in r.stdout
    summary = (tmp_path / "sitat-demo" / "demo-sammendrag.txt").read_text(encoding="utf-8")
    assert "Hanne" in summary and "Tor" in summary
    import docx

    d = docx.Document(str(tmp_path / "sitat-demo" / "demo-sitater.docx"))
    heads = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert "Grunnleggende kjennetegn / Respekt" in heads and "bydel: Alna" in heads
    assert d.tables and d.tables[0].rows[1].cells[0].text.startswith("«")
    assert docx.Document(str(tmp_path / "sitat-demo" / "demo-display.docx")).tables
    assert "demo-sitater.docx" in r.stdout
    again = run_demo(tmp_path / "sitat-demo")  # second time: reuses the built project
    assert again.project == tmp_path / "sitat-demo" / "bsb-demo.sitat"
