"""Benchmark of the Word quote-table export: 15,000 quotes from the oslo corpus (budget < 10 s).

    python benchmarks/export.py [--size oslo] [--repeat 3]

`bench_export_docx(folder, repeat, tmp)` follows the pattern of the functions in run.py (it
returns times and a baseline measured in the same run): the export of the first 15,000 quotes
of coders Hanne and Tor, grouped by bydel, against python-docx writing a plain one-column
table of the same 15,000 texts with no styling.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUOTES = 15_000
CODERS = ["Hanne", "Tor"]


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench_export_docx(folder: Path, repeat: int, tmp: Path) -> dict:
    import docx

    from app.core.export.quotes import quote_rows, write_quotes_docx
    from app.core.project import Project

    path = tmp / "export.sitat"
    shutil.copyfile(folder / "project.sitat", path)
    Project.open(path).close()  # a corpus built by an older Sitat is upgraded once here
    times, base = [], []
    with Project.open(path, read_only=True) as p:
        with p.read() as s:
            texts = [r.text for r in quote_rows(s, coders=CODERS)[:QUOTES]]
        for i in range(repeat):
            out = tmp / f"quotes-{i}.docx"

            def run():
                with p.read() as s:
                    write_quotes_docx(s, out, coders=CODERS, group_by="bydel", limit=QUOTES)

            times.append(_timed(run))
            size = out.stat().st_size
            out.unlink()

            def baseline():
                d = docx.Document()
                table = d.add_table(rows=0, cols=1)
                for text in texts:
                    table.add_row().cells[0].text = text
                d.save(str(tmp / "plain.docx"))

            base.append(_timed(baseline))
    return {"times": times, "baseline_name": "python-docx plain table, same texts",
            "baseline_times": base,
            "note": f"{len(texts):,} quotes, grouped by bydel, {size / 1e6:.1f} MB .docx"}


def main(argv: list[str] | None = None) -> int:
    from benchmarks import corpus
    from benchmarks.run import summarise

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=sorted(corpus.SIZES), default="oslo")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    folder = corpus.build(a.size)
    with tempfile.TemporaryDirectory(prefix="sitat-bench-") as tmp:
        raw = bench_export_docx(folder, a.repeat, Path(tmp))
    import resource

    raw["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result = summarise("export_docx", raw)
    result["median_baseline_s"] = round(statistics.median(raw["baseline_times"]), 3)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
