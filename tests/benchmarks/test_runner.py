"""The benchmark runner keeps working: the small corpus is deterministic and sound, and one run
of every benchmark at that size produces the JSON the issues rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks import corpus

ROOT = Path(__file__).resolve().parents[2]


def test_corpus_is_deterministic_and_realistic():
    a, b = corpus.documents("small"), corpus.documents("small")
    assert [d.text for d in a] == [d.text for d in b]
    text = "".join(d.text for d in a)
    assert any(ch in text for ch in "æøå") and any(e in text for e in corpus._EMOJI)
    assert any(t[1] - t[0] > 2000 for d in a for t in d.turns)  # long speaker turns
    for d in a:
        for s, e in d.sentences[:50]:
            assert d.text[s:e].strip() == d.text[s:e] and d.text[e - 1] in ".?!🙂👍😅🙏"
    rows = corpus.codings(a, 2, 300, 40)
    mine = {(r[0], r[1], r[3], r[4]) for r in rows if r[2] == 0}
    theirs = {(r[0], r[1], r[3], r[4]) for r in rows if r[2] == 1}
    exact = len(mine & theirs) / len(mine)
    overlapping = sum(any(o[0] == m[0] and o[1] == m[1] and o[2] < m[3] and m[2] < o[3]
                          for o in theirs) for m in mine) / len(mine)
    assert 0.3 < exact < overlapping < 0.9  # coders mostly agree, with other boundaries too


def test_small_run_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    env = {"SITAT_CORPUS_DIR": str(tmp_path / "corpora"), "QT_QPA_PLATFORM": "offscreen",
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    r = subprocess.run([sys.executable, "benchmarks/run.py", "--size", "small", "--repeat", "1",
                        "--json", str(out)], cwd=ROOT, capture_output=True, text=True, env=env,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["size"] == "small" and data["machine"]["cpus"]
    by_name = {x["name"]: x for x in data["results"]}
    assert list(by_name)[:9] == ["import", "reindex", "query", "apply_coding", "viewer_open",
                                 "viewer_scroll", "apply_coding_view", "switch_document",
                                 "matrix"]
    implemented = ("import", "apply_coding", "viewer_open", "viewer_scroll",
                   "apply_coding_view", "switch_document", "matrix", "merge", "export_docx",
                   "agreement", "reindex", "query", "bulk_code", "search_first_page",
                   "open_window", "import_indexed", "pg_apply", "pg_open_window", "pg_publish",
                   "pg_load", "survey_import", "survey_table")
    for name in implemented:
        x = by_name[name]
        assert x["median_s"] > 0 and x["baseline_median_s"] > 0 and x["peak_mb"] > 10
        assert abs(x["ratio"] - x["median_s"] / x["baseline_median_s"]) < 0.05 * x["ratio"] + 0.01
    assert all(by_name[n].get("status") == "missing" for n in by_name if n not in implemented)
    assert {"agreement", "merge", "export_docx"} <= set(by_name)
