"""Load test of a shared project (#20): many coders on one local PostgreSQL server at once.

    python benchmarks/pg_load.py [--size oslo] [--clients 20] [--passages 500] [--pause-ms 20]

A throwaway cluster (tests/pg.py) gets the corpus project published to it. Then `clients`
coders, each a process of its own with its own Project.open(url), code `passages` passages
each through the window's own core calls (workbench.apply_code in one Project.write(), as
ApplyCodingCommand does; every tenth action removes one of the coder's own codings, as
RemoveCodingCommand does), with random pauses, while a lead process builds the codes x bydel
matrix and the agreement of two coders in a loop. Halfway, one more client opens a write,
inserts a coding and is killed with SIGKILL before it commits.

Afterwards the database is checked in SQL: every coding a client saw committed is there
exactly once, nothing else was added, every committed removal is gone, the killed client's
coding is not there, and the project revision rose by exactly the number of committed actions.
Errors are counted by kind (what a user would have seen). The killed (and a hung) client:
benchmarks/pg_kill.py.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.pg_kill import kill_victim, targets  # noqa: E402


# -- what the processes do ------------------------------------------------------------------
def _error_kind(exc: BaseException) -> str:
    """What kind of failure reached the user: the error class, and the SQLSTATE under it."""
    cause = exc
    while cause.__cause__ is not None and getattr(cause, "sqlstate", None) is None:
        cause = cause.__cause__
        cause = getattr(cause, "orig", None) or cause
    state = getattr(cause, "sqlstate", None)
    return type(exc).__name__ + (f" ({state})" if state else "")


def coder_process(url: str, index: int, passages: int, pause: float, seed: int, start,
                  out) -> None:
    """One simulated coder: apply (and now and then remove) codings, each its own action."""
    from app.core import workbench as wb
    from app.core.project import Project

    result = {"index": index, "apply": [], "remove": [], "applied": [], "removed": [],
              "held": [], "errors": {}, "writes": 0}
    try:
        rng = random.Random(seed)
        p = Project.open(url)
        docs, codes = targets(p)
        with p.write() as s:
            coder_id = wb.ensure_coder(s, f"Last {index:02d}").id
        result["writes"] += 1
        result["coder_id"] = coder_id
        start.wait()
        errors: Counter = Counter()
        for i in range(passages):
            time.sleep(rng.uniform(0, pause))
            removing = i % 10 == 9 and len(result["applied"]) > len(result["removed"])
            if removing:
                gone = set(result["removed"])
                guid = rng.choice([g for g in result["applied"] if g not in gone])
            else:
                doc, length = rng.choice(docs)
                a = rng.randrange(0, length - 320)
                span = (doc, rng.choice(codes), a, a + rng.randint(20, 300))
            t0 = time.perf_counter()
            try:
                with p.write() as s:
                    t_in = time.perf_counter()  # the project row is locked from here on
                    if removing:
                        wb.delete_coding(s, guid)
                    else:
                        guid = wb.apply_code(s, span[0], span[1], coder_id, span[2],
                                             span[3]).guid
                        wb.shown_coding(s, guid)  # what the window reads back to show it
            except Exception as exc:  # noqa: BLE001 - counted: this is what a user sees
                errors[_error_kind(exc)] += 1
                continue
            done = time.perf_counter()
            result["remove" if removing else "apply"].append(done - t0)
            result["held"].append(done - t_in)
            result["removed" if removing else "applied"].append(guid)
            result["writes"] += 1
        result["errors"] = dict(errors)
        p.close()
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, never lost
        result["crashed"] = f"{type(exc).__name__}: {exc}"
    out.put(result)


def lead_process(url: str, coders: list[str], stop, out) -> None:
    """The lead: the codes x bydel matrix and two coders' agreement, again and again."""
    from app.core.displays.matrix import build_matrix
    from app.core.project import Project
    from app.core.team.agreement import agreement

    from benchmarks.team import leaf_codes

    result: dict = {"matrix": [], "agreement": [], "errors": {}}
    errors: Counter = Counter()
    try:
        p = Project.open(url, read_only=True)
        with p.read() as s:
            paths = leaf_codes(s)
        while not stop.is_set():
            for name, fn in (("matrix", lambda s: build_matrix(s, "codes", "bydel", "count")),
                             ("agreement", lambda s: agreement(s, coders, paths))):
                t0 = time.perf_counter()
                try:
                    with p.read() as s:
                        fn(s)
                except Exception as exc:  # noqa: BLE001 - counted
                    errors[_error_kind(exc)] += 1
                    continue
                result[name].append(time.perf_counter() - t0)
        p.close()
    except BaseException as exc:  # noqa: BLE001
        result["crashed"] = f"{type(exc).__name__}: {exc}"
    result["errors"] = dict(errors)
    out.put(result)


# -- the run --------------------------------------------------------------------------------
def _percentile(xs: list[float], q: float) -> float | None:
    return sorted(xs)[max(0, math.ceil(q * len(xs)) - 1)] if xs else None


def _stats(xs: list[float]) -> dict:
    return {"n": len(xs), "p50_ms": round(statistics.median(xs) * 1000, 1) if xs else None,
            "p95_ms": round(_percentile(xs, 0.95) * 1000, 1) if xs else None,
            "max_ms": round(max(xs) * 1000, 1) if xs else None}


def _verify(admin, clients: list[dict], victim: dict | None, before: dict) -> dict:
    """Check the database against what the clients saw committed."""
    problems = []
    for c in clients:
        rows = admin.execute("SELECT guid FROM coding WHERE coder_id = %s",
                             (c["coder_id"],)).fetchall()
        found = Counter(r[0] for r in rows)
        expected = set(c["applied"]) - set(c["removed"])
        doubled = [g for g, n in found.items() if n > 1]
        lost = expected - set(found)
        extra = set(found) - expected
        if doubled or lost or extra:
            problems.append(f"client {c['index']}: {len(lost)} lost, {len(extra)} extra, "
                            f"{len(doubled)} doubled")
    after = _totals(admin)
    committed_codings = sum(len(c["applied"]) - len(c["removed"]) for c in clients)
    if after["codings"] != before["codings"] + committed_codings:
        problems.append(f"{after['codings']} codings, expected "
                        f"{before['codings'] + committed_codings}")
    dup = admin.execute("SELECT count(*) FROM (SELECT guid FROM coding GROUP BY guid "
                        "HAVING count(*) > 1) d").fetchone()[0]
    if dup:
        problems.append(f"{dup} guids stored twice")
    writes = sum(c["writes"] for c in clients) + (1 if victim else 0)  # victim's coder row
    if after["revision"] != before["revision"] + writes:
        problems.append(f"revision rose by {after['revision'] - before['revision']}, "
                        f"{writes} actions committed")
    if victim is not None:
        left = admin.execute("SELECT count(*) FROM coding WHERE guid = %s OR coder_id = %s",
                             (victim["guid"], victim["coder_id"])).fetchone()[0]
        if left:
            problems.append(f"the killed client's transaction left {left} codings")
    return {"problems": problems, "codings_before": before["codings"],
            "codings_after": after["codings"], "actions_committed": writes}


def _totals(admin) -> dict:
    codings, revision = admin.execute(
        "SELECT (SELECT count(*) FROM coding), (SELECT revision FROM project)").fetchone()
    return {"codings": codings, "revision": revision}


def _open_source(source: Path):
    """The project file read-only; one written by an older Sitat is upgraded in a copy (the
    corpus cache is never changed)."""
    import shutil

    from app.core.project import Project
    from app.errors import ProjectError

    try:
        return Project.open(source, read_only=True)
    except ProjectError:
        copy = Path(tempfile.mkdtemp(prefix="sitat-load-")) / "upgraded.sitat"
        shutil.copyfile(source, copy)
        Project.open(copy).close()
        return Project.open(copy, read_only=True)


def run_load(source: Path, clients: int = 20, passages: int = 500, pause: float = 0.02,
             kill: bool = True, lead_coders: tuple[str, str] = ("Hanne", "Tor"),
             seed: int = 11, durable: bool = True) -> dict:
    """The whole load test on a copy of the project file `source`; returns the figures and
    `problems` (empty when nothing was lost, doubled or left behind)."""
    import psycopg

    from app.core.server.publish import publish_project

    from tests.pg import SUPERUSER, Cluster

    ctx = mp.get_context("fork")  # the children inherit the imports, not a connection
    cluster = Cluster()
    try:
        if durable:  # as a real server: fsync and synchronous commit on
            from benchmarks.pg_bench import durable as restart_durable

            restart_durable(cluster)
        db = cluster.create_database()
        url = cluster.url(db)
        t0 = time.perf_counter()
        with _open_source(source) as p:
            publish_project(p, url)
        published = time.perf_counter() - t0
        admin = psycopg.connect(host=str(cluster.root), user=SUPERUSER, dbname=db,
                                autocommit=True)
        before = _totals(admin)
        out, start, stop = ctx.Queue(), ctx.Event(), ctx.Event()
        procs = [ctx.Process(target=coder_process,
                             args=(url, i, passages, pause, seed + i, start, out))
                 for i in range(clients)]
        lead = ctx.Process(target=lead_process, args=(url, list(lead_coders), stop, out))
        for proc in procs + [lead]:
            proc.start()
        # every coder has connected and made its coder row before the clock starts
        while admin.execute("SELECT count(*) FROM coder WHERE name LIKE 'Last %%'"
                            ).fetchone()[0] < clients:
            time.sleep(0.05)
        before = _totals(admin)
        before["revision"] -= clients  # the coder rows' actions are counted per client
        t_start = time.perf_counter()
        start.set()
        victim = None
        if kill:
            time.sleep(min(5.0, passages * pause / 4 + 0.2))  # mid-run
            victim = kill_victim(ctx, url, admin)
        results = []
        for _ in procs:
            results.append(out.get(timeout=1800))
        elapsed = time.perf_counter() - t_start
        stop.set()
        lead_result = out.get(timeout=600)
        for proc in procs + [lead]:
            proc.join(30)
        crashed = [r["crashed"] for r in results + [lead_result] if "crashed" in r]
        if crashed:
            raise RuntimeError("a client crashed: " + crashed[0])
        check = _verify(admin, results, victim, before)
        admin.close()
    finally:
        cluster.stop()
    applies = [t for r in results for t in r["apply"]]
    removes = [t for r in results for t in r["remove"]]
    errors: Counter = Counter()
    for r in results + [lead_result]:
        errors.update(r["errors"])
    return {"clients": clients, "passages": passages, "pause_ms": pause * 1000,
            "publish_s": round(published, 2), "elapsed_s": round(elapsed, 2),
            "actions_per_s": round((len(applies) + len(removes)) / elapsed, 1),
            "apply": _stats(applies), "remove": _stats(removes),
            "lock_held": _stats([t for r in results for t in r["held"]]),
            "matrix": _stats(lead_result["matrix"]),
            "agreement": _stats(lead_result["agreement"]),
            "errors": dict(errors), "killed": victim, **check,
            "times": applies}


def bench_pg_load(folder: Path, repeat: int, tmp: Path) -> dict:
    """run.py's entry: one load test (20 x 500 on the oslo size; fewer on the small one);
    times are the applies, the baseline one coder applying alone on a .sitat copy."""
    from benchmarks.pg_bench import file_apply_times

    small = "small" in folder.name
    r = run_load(folder / "project.sitat", clients=4 if small else 20,
                 passages=40 if small else 500)
    if r["problems"]:
        raise RuntimeError("; ".join(r["problems"]))
    base = file_apply_times(folder, tmp, 200 if not small else 40)
    note = (f"{r['clients']} coders x {r['passages']}, {r['actions_per_s']} actions/s over "
            f"{r['elapsed_s']} s; apply p50 {r['apply']['p50_ms']} / p95 {r['apply']['p95_ms']}"
            f" ms (of which holding the project lock p50 {r['lock_held']['p50_ms']} ms), "
            f"remove p95 {r['remove']['p95_ms']} ms, matrix p50 {r['matrix']['p50_ms']} "
            f"ms, agreement p50 {r['agreement']['p50_ms']} ms; errors {r['errors'] or 'none'};"
            f" killed client's lock freed after "
            f"{(r['killed'] or {}).get('freed_s', 0) * 1000:.0f} ms; nothing lost or doubled")
    return {"times": r["times"], "baseline_name": "one coder alone on a .sitat file",
            "baseline_times": base, "note": note}


def main(argv: list[str] | None = None) -> int:
    from benchmarks import corpus

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=sorted(corpus.SIZES), default="oslo")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--passages", type=int, default=500)
    ap.add_argument("--pause-ms", type=float, default=20)
    ap.add_argument("--no-kill", action="store_true")
    a = ap.parse_args(argv)
    folder = corpus.build(a.size)
    with tempfile.TemporaryDirectory(prefix="sitat-bench-"):
        r = run_load(folder / "project.sitat", a.clients, a.passages, a.pause_ms / 1000,
                     kill=not a.no_kill)
    r.pop("times")
    print(json.dumps(r, ensure_ascii=False, indent=2))
    return 1 if r["problems"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
