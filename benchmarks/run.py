"""Run every benchmark against a synthetic corpus, each beside a baseline measured in the same run.

    python benchmarks/run.py [--size small|oslo|national] [--only NAME]... [--repeat N] [--json OUT]

Each benchmark runs in its own process (so its peak memory is its own), several times; the
table shows median and max seconds, the baseline's median, the ratio and the budget the
issues name (for the `oslo` size, and for `national` where issue #19 names one). A capability that does not exist yet is
listed with status "missing" instead of being left out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import corpus  # noqa: E402

# name -> (budget in seconds on the oslo size or None, what the budget is, issue)
BUDGETS = {
    "import": (None, "no budget; ratio to python-docx alone", "#2"),
    "reindex": (15.0, "full index build < 15 s", "#7"),
    "query": (0.05, "p95 < 50 ms (words, phrases, filters); within 1.3x of bare whoosh", "#7"),
    "apply_coding": (0.03, "< 30 ms", "#4"),
    "viewer_open": (0.3, "300k characters, 2,000 codings < 300 ms", "#4"),
    "viewer_scroll": (None, "smooth: one page scrolled and painted (frame time)", "#4"),
    "apply_coding_view": (0.03, "< 30 ms including the highlight update", "#4"),
    "switch_document": (None, "no budget; ratio to a plain QTextEdit", "#4"),
    "matrix": (0.3, "< 300 ms, within 2x of one SQL GROUP BY", "#6"),
    "agreement": (1.0, "2 coders x 30 codes over 5M characters < 1 s", "#5"),
    "merge": (5.0, "4 coder copies of an Oslo project < 5 s", "#5"),
    "export_docx": (10.0, "15,000 quotes < 10 s", "#6"),
    "bulk_code": (3.0, "sitat code --from: 10,000 codings < 3 s (whole command)", "#16"),
    "search_first_page": (0.05, "first page of hits (200) with total and per-document counts, "
                                "p95 < 50 ms on every query kind", "#19"),
    "open_window": (2.0, "open the project in the window: document list and code tree filled "
                         "< 2 s", "#19"),
    "import_indexed": (2.0, "import one 100k-character transcript into an indexed project: "
                            "searchable < 2 s", "#19"),
    "pg_apply": (0.05, "apply a coding on a local PostgreSQL: p95 < 50 ms", "#20"),
    "pg_open_window": (3.0, "open the window on the project over PostgreSQL < 3 s", "#20"),
    "pg_publish": (60.0, "sitat publish of the corpus < 60 s (whole command)", "#20"),
    "pg_load": (None, "20 coders x 500 codings and a lead's matrices at once: p50/p95, "
                      "nothing lost or doubled", "#20"),
    "survey_table": (0.3, "a survey table by service, 20,000 respondents x 26 items < 300 ms",
                     "#21"),
    "survey_import": (10.0, "import of 20,000 respondents x 30 columns < 10 s", "#21"),
}
# The national size (600 transcripts, 50 M characters, 200,000 codings; #19) has budgets of
# its own where the issue names one; the others are not judged at that size.
NATIONAL_BUDGETS = {
    "reindex": (90.0, "full index build < 90 s and <= 0.75x bare whoosh", "#19"),
    "query": (1.0, "full hit list < 1 s; peak memory < 400 MB", "#19"),
    "search_first_page": BUDGETS["search_first_page"],
    "open_window": BUDGETS["open_window"],
    "import_indexed": BUDGETS["import_indexed"],
    "apply_coding_view": (0.03, "< 30 ms: counts and highlights updated", "#19"),
    "merge": (5.0, "4 blind copies with 200k codings < 5 s", "#19"),
    "agreement": (1.0, "2 coders x 30 codes < 1 s", "#19"),
    "matrix": (0.3, "< 300 ms", "#19"),
}
NAMES = list(BUDGETS)


def budget(name: str, size: str) -> float | None:
    """The budget a benchmark is judged by at this size (None: not judged)."""
    if size == "national":
        return NATIONAL_BUDGETS.get(name, (None,))[0]
    return BUDGETS[name][0] if size in ("oslo", "oslo200k") else None


# -- the benchmarks (run in a child process) -------------------------------------------------
def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _fresh_copy(folder: Path, tmp: Path) -> Path:
    dst = tmp / "copy.sitat"
    for p in (dst, Path(f"{dst}-wal"), Path(f"{dst}-shm")):
        p.unlink(missing_ok=True)
    shutil.copyfile(folder / "project.sitat", dst)
    return dst


def bench_import(folder: Path, repeat: int, tmp: Path) -> dict:
    import docx

    from app.core.documents import add_prepared, prepare_files
    from app.core.project import Project

    files = sorted((folder / "docx").glob("*.docx"))
    times, base = [], []
    for i in range(repeat):
        path = tmp / f"import-{i}.sitat"

        def run():
            batch = prepare_files(files)
            with Project.create(path) as p, p.write() as s:
                add_prepared(s, batch)

        times.append(_timed(run))

        def baseline():
            for f in files:
                "\n".join(par.text for par in docx.Document(str(f)).paragraphs)

        base.append(_timed(baseline))
    return {"times": times, "baseline_name": "python-docx reads the same files",
            "baseline_times": base, "note": f"{len(files)} .docx files"}


def bench_apply_coding(folder: Path, repeat: int, tmp: Path) -> dict:
    import sqlite3

    from sqlalchemy import select

    from app.core.coding import code_text
    from app.core.project import Project
    from app.models import Document

    path = _fresh_copy(folder, tmp)
    rng = random.Random(3)
    times, base = [], []
    with Project.open(path) as p:
        with p.read() as s:
            docs = list(s.execute(select(Document.name, Document.length)).all())
        for _ in range(repeat * 4):
            name, length = rng.choice(docs)
            a = rng.randrange(0, length - 200)

            def run():
                with p.write() as s:
                    code_text(s, name, "Respekt", "Benk", a, a + rng.randint(20, 190))

            times.append(_timed(run))
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    for i in range(repeat * 4):
        def baseline():
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO coding (guid, document_id, code_id, coder_id, start, \"end\", "
                        "memo, created_at) VALUES (?, 1, 2, 1, ?, ?, '', '2026-01-01')",
                        (f"raw-{i}", i, i + 10))
            con.execute("COMMIT")

        base.append(_timed(baseline))
    con.close()
    return {"times": times, "baseline_name": "raw sqlite3 INSERT + COMMIT",
            "baseline_times": base}


def bench_viewer_open(folder: Path, repeat: int, tmp: Path) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QTextEdit

    from app.views.transcript import open_for_benchmark

    app = QApplication.instance() or QApplication([])
    text, turns, codings = corpus.big_transcript(300_000, 2_000)
    times, base = [], []
    for _ in range(repeat):
        holder = []

        def run():
            holder.append(open_for_benchmark(text, turns, codings))
            app.processEvents()
            holder[-1].viewport().repaint()

        times.append(_timed(run))
        holder[-1].close()
        holder[-1].deleteLater()
        app.processEvents()

        def baseline():
            w = QTextEdit()
            w.resize(1100, 800)
            w.setPlainText(text)
            w.show()
            app.processEvents()
            w.viewport().repaint()
            holder.append(w)

        base.append(_timed(baseline))
        holder[-1].close()
        holder[-1].deleteLater()
        app.processEvents()
    return {"times": times, "baseline_name": "plain QTextEdit with the same text",
            "baseline_times": base, "note": "300,000 characters, 2,000 codings"}


from benchmarks.displays import bench_matrix  # noqa: E402
from benchmarks.export import bench_export_docx  # noqa: E402
from benchmarks.gui import (  # noqa: E402
    bench_apply_coding_view,
    bench_open_window,
    bench_switch_document,
    bench_viewer_scroll,
)
from benchmarks.indexing import bench_import_indexed  # noqa: E402
from benchmarks.merge import bench_merge  # noqa: E402
from benchmarks.search import bench_query, bench_reindex, bench_search_first_page  # noqa: E402
from benchmarks.bulk_coding import bench_bulk_code  # noqa: E402
from benchmarks.team import bench_agreement  # noqa: E402
from benchmarks.pg_bench import bench_pg_apply, bench_pg_open_window, bench_pg_publish  # noqa
from benchmarks.pg_load import bench_pg_load  # noqa: E402
from benchmarks.survey import bench_survey_import  # noqa: E402
from benchmarks.survey_table import bench_survey_table  # noqa: E402

IMPLEMENTED = {"import": bench_import, "apply_coding": bench_apply_coding,
               "viewer_open": bench_viewer_open, "viewer_scroll": bench_viewer_scroll,
               "apply_coding_view": bench_apply_coding_view,
               "switch_document": bench_switch_document, "matrix": bench_matrix,
               "merge": bench_merge, "export_docx": bench_export_docx,
               "agreement": bench_agreement, "reindex": bench_reindex,
               "query": bench_query, "bulk_code": bench_bulk_code,
               "search_first_page": bench_search_first_page,
               "import_indexed": bench_import_indexed,
               "open_window": bench_open_window, "pg_apply": bench_pg_apply,
               "pg_open_window": bench_pg_open_window, "pg_publish": bench_pg_publish,
               "pg_load": bench_pg_load, "survey_table": bench_survey_table,
               "survey_import": bench_survey_import}


def child(name: str, size: str, repeat: int) -> dict:
    import resource

    folder = corpus.build(size)
    with tempfile.TemporaryDirectory(prefix="sitat-bench-") as tmp:
        raw = IMPLEMENTED[name](folder, repeat, Path(tmp))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {**raw, "peak_mb": round(peak, 1)}


# -- the runner ---------------------------------------------------------------------------------
def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}"}


def summarise(name: str, raw: dict, size: str = "oslo") -> dict:
    limit = budget(name, size)
    times = raw["times"]
    med = statistics.median(times)
    out = {"name": name, "median_s": round(med, 6), "max_s": round(max(times), 6),
           "baseline_name": raw.get("baseline_name"), "baseline_median_s": None, "ratio": None,
           "peak_mb": raw.get("peak_mb"), "budget_s": limit, "runs": len(times)}
    if raw.get("baseline_times"):
        b = statistics.median(raw["baseline_times"])
        out["baseline_median_s"] = round(b, 6)
        out["ratio"] = round(med / b, 2) if b > 0 else None
    if name in ("query", "search_first_page", "pg_apply", "pg_load"):
        out["p95_s"] = round(sorted(times)[int(0.95 * (len(times) - 1))], 6)
    if raw.get("note"):
        out["note"] = raw["note"]
    return out


def run_one(name: str, size: str, repeat: int) -> dict:
    if name not in IMPLEMENTED:
        return {"name": name, "status": "missing", "budget_s": budget(name, size),
                "note": f"capability not built yet ({BUDGETS[name][2]})"}
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    proc = subprocess.run([sys.executable, __file__, "--child", name, "--size", size,
                           "--repeat", str(repeat)], capture_output=True, text=True, env=env,
                          cwd=ROOT)
    if proc.returncode != 0:
        return {"name": name, "status": "failed", "budget_s": budget(name, size),
                "note": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    return summarise(name, json.loads(proc.stdout.strip().splitlines()[-1]), size)


def table(results: list[dict], size: str) -> str:
    head = f"{'benchmark':<18}{'median':>10}{'max':>10}{'baseline':>10}{'ratio':>7}{'peak MB':>9}" \
           f"{'budget':>9}  status"
    lines = [head, "-" * len(head)]
    for r in results:
        budget = f"{r['budget_s']:.3g} s" if r.get("budget_s") else "-"
        if r.get("status") in ("missing", "failed"):
            lines.append(f"{r['name']:<18}{'':>55}{budget:>9}  {r['status']}: {r.get('note', '')}")
            continue
        base = f"{r['baseline_median_s']:.4f}" if r["baseline_median_s"] is not None else "-"
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        verdict = "ok" if r.get("budget_s") else "ok (no budget at this size)"
        if r.get("budget_s"):
            judged = r.get("p95_s", r["median_s"]) \
                if r["name"] in ("search_first_page", "pg_apply") \
                else r["median_s"]
            verdict = "ok" if judged <= r["budget_s"] else "OVER BUDGET"
        lines.append(f"{r['name']:<18}{r['median_s']:>10.4f}{r['max_s']:>10.4f}{base:>10}"
                     f"{ratio:>7}{r['peak_mb']:>9.0f}{budget:>9}  {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=sorted(corpus.SIZES), default="oslo")
    ap.add_argument("--only", action="append", choices=NAMES, metavar="NAME",
                    help="run only this benchmark (repeatable): " + ", ".join(NAMES))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", type=Path, metavar="OUT")
    ap.add_argument("--child", choices=NAMES, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        print(json.dumps(child(a.child, a.size, a.repeat)))
        return 0
    t0 = time.perf_counter()
    corpus.build(a.size)
    print(f"corpus {a.size} ready in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    results = []
    for name in a.only or NAMES:
        results.append(run_one(name, a.size, a.repeat))
        print(f"  {name}: {results[-1].get('status', 'done')}", file=sys.stderr)
    print(table(results, a.size))
    if a.json:
        a.json.write_text(json.dumps({"size": a.size, "machine": machine(), "results": results},
                                     ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 1 if any(r.get("status") == "failed" for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
