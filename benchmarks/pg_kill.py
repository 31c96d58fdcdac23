"""A client that dies or hangs inside an open write of a shared project (#20): the victim opens
a write, codes a passage (flushed, so the row is in the server's transaction) and never
commits. `kill_victim` kills it with SIGKILL and measures how soon the server ends its session
(and frees the project row it locked); `frozen_client` stops it with SIGSTOP instead and times
another coder's action, which waits until the server ends the idle transaction."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time

HOLD_SECONDS = 1.0  # how long the victim holds its open write before it is killed


def targets(p) -> tuple[list[tuple[str, int]], list[str]]:
    """(document guid, length) of every document and the guids of the codable leaf codes."""
    from sqlalchemy import select

    from app.models import Code, Document

    with p.read() as s:
        docs = [(g, n) for g, n in s.execute(select(Document.guid, Document.length)) if n > 400]
        rows = s.execute(select(Code.id, Code.guid, Code.parent_id, Code.codable)).all()
    parents = {r.parent_id for r in rows}
    return sorted(docs), sorted(r.guid for r in rows if r.codable and r.id not in parents)


def victim_process(url: str, out) -> None:
    """Opens a write, codes a passage (flushed: the row is in the server's transaction), tells
    the parent, and sleeps until it is killed - it never commits."""
    from sqlalchemy import text

    from app.core import workbench as wb
    from app.core.project import Project

    p = Project.open(url)
    docs, codes = targets(p)
    with p.write() as s:
        coder_id = wb.ensure_coder(s, "Avbrutt").id
    with p.write() as s:
        guid = wb.apply_code(s, docs[0][0], codes[0], coder_id, 10, 60).guid
        s.flush()
        pid = s.execute(text("SELECT pg_backend_pid()")).scalar()
        out.put({"guid": guid, "backend": pid, "coder_id": coder_id})
        time.sleep(3600)


def kill_victim(ctx, url: str, admin) -> dict:
    """Start the victim, let it hold its open write for HOLD_SECONDS, SIGKILL it, and measure
    how long the server takes to end its backend (and so free the project row's lock)."""
    out = ctx.Queue()
    proc = ctx.Process(target=victim_process, args=(url, out), daemon=True)
    proc.start()
    info = out.get(timeout=120)
    time.sleep(HOLD_SECONDS)
    killed = time.perf_counter()
    os.kill(proc.pid, signal.SIGKILL)
    freed = None
    while time.perf_counter() - killed < 60:
        gone = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s",
                             (info["backend"],)).fetchone()[0] == 0
        if gone:
            freed = time.perf_counter() - killed
            break
        time.sleep(0.002)
    proc.join(10)
    return {**info, "freed_s": freed, "exitcode": proc.exitcode}


def frozen_client(url: str, admin) -> dict:
    """A client stopped (SIGSTOP: hung, asleep or cut off, its connection still open) inside
    an open write: how long another coder's action waits before it is saved. The server ends
    the stopped client's transaction after connect.IDLE_IN_TRANSACTION_MS, which frees the
    project row's lock; the stopped client's coding is not saved."""
    from app.core import workbench as wb
    from app.core.project import Project

    ctx = mp.get_context("fork")
    out = ctx.Queue()
    proc = ctx.Process(target=victim_process, args=(url, out), daemon=True)
    proc.start()
    info = out.get(timeout=120)
    os.kill(proc.pid, signal.SIGSTOP)
    try:
        with Project.open(url) as p:
            docs, codes = targets(p)
            t0 = time.perf_counter()
            with p.write() as s:
                coder_id = wb.ensure_coder(s, "Ventende").id
                guid = wb.apply_code(s, docs[-1][0], codes[-1], coder_id, 5, 50).guid
            waited = time.perf_counter() - t0
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(10)
    saved, left = admin.execute("SELECT (SELECT count(*) FROM coding WHERE guid = %s), "
                                "(SELECT count(*) FROM coding WHERE guid = %s)",
                                (guid, info["guid"])).fetchone()
    return {"waited_s": waited, "saved": saved, "stopped_left": left}
