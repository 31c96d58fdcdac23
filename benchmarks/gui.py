"""Benchmarks of the workbench window (offscreen): coding through the GUI including the highlight
update, switching documents, and scrolling a 300,000-character transcript."""

from __future__ import annotations

import os
import random
import shutil
import time
from pathlib import Path


def _app():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _window(folder: Path, tmp: Path):
    from app.views import settings
    from app.views.application import open_session
    from app.views.main_window import MainWindow

    settings.use_settings_dir(tmp / "settings")
    path = tmp / "gui.sitat"
    shutil.copyfile(folder / "project.sitat", path)
    w = MainWindow()
    session = open_session(path)
    session.set_coder_name("Benk")
    w.set_session(session)
    w.resize(1400, 900)
    w.show()
    _app().processEvents()
    return w


def _paint(app, widget) -> None:
    app.processEvents()
    widget.viewport().repaint()


def bench_apply_coding_view(folder: Path, repeat: int, tmp: Path) -> dict:
    """Select a span and code it from the window: command, transaction, highlight repaint."""
    from PySide6.QtWidgets import QTextEdit

    app = _app()
    w = _window(folder, tmp)
    code = next(n.guid for n in w.codes.model.nodes() if n.codable)
    rng = random.Random(5)
    times = []
    for _ in range(repeat * 4):
        a = rng.randrange(0, len(w.transcript.text) - 300)
        w.transcript.select_cp(a, a + rng.randint(30, 250), reveal=True)
        app.processEvents()
        t0 = time.perf_counter()
        w.coding_actions.apply_code(code)
        _paint(app, w.transcript)
        times.append(time.perf_counter() - t0)
    # baseline: the plain widget repainting after a selection change, no data work
    plain = QTextEdit()
    plain.setPlainText(w.transcript.text)
    plain.resize(900, 800)
    plain.show()
    base = []
    for _ in range(repeat * 4):
        cur = plain.textCursor()
        a = rng.randrange(0, len(w.transcript.text) - 300)
        t0 = time.perf_counter()
        cur.setPosition(a)
        cur.setPosition(a + 100, cur.MoveMode.KeepAnchor)
        plain.setTextCursor(cur)
        _paint(app, plain)
        base.append(time.perf_counter() - t0)
    w.close()
    return {"times": times, "baseline_name": "plain QTextEdit selection repaint",
            "baseline_times": base, "note": "apply_code from the window, highlight repainted"}


def bench_switch_document(folder: Path, repeat: int, tmp: Path) -> dict:
    from PySide6.QtWidgets import QTextEdit

    app = _app()
    w = _window(folder, tmp)
    rows = w.docs.model.rows
    times, base = [], []
    plain = QTextEdit()
    plain.resize(900, 800)
    plain.show()
    texts = []
    with w.session.read() as s:
        from app.core import workbench as wb

        for r in rows[: repeat + 1]:
            texts.append(wb.load_document(s, r.guid).text)
    for i in range(repeat):
        guid = rows[(i + 1) % len(rows)].guid
        t0 = time.perf_counter()
        w.docs.select(guid)
        _paint(app, w.transcript)
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        plain.setPlainText(texts[(i + 1) % len(texts)])
        _paint(app, plain)
        base.append(time.perf_counter() - t0)
    codings = len(w.transcript.shown_codings())
    w.close()
    return {"times": times, "baseline_name": "plain QTextEdit setPlainText of the same text",
            "baseline_times": base,
            "note": f"~{len(texts[0]):,} characters, {codings} codings shown (last)"}


def bench_viewer_scroll(folder: Path, repeat: int, tmp: Path) -> dict:
    """Median time to scroll one page and repaint, through the whole 300k transcript."""
    from PySide6.QtWidgets import QTextEdit

    from app.views.transcript import open_for_benchmark
    from benchmarks import corpus

    app = _app()
    text, turns, codings = corpus.big_transcript(300_000, 2_000)
    view = open_for_benchmark(text, turns, codings)
    plain = QTextEdit()
    plain.resize(1100, 800)
    plain.setPlainText(text)
    plain.show()
    app.processEvents()

    def pages(widget) -> list[float]:
        bar = widget.verticalScrollBar()
        out = []
        steps = max(1, bar.maximum() // max(1, bar.pageStep()))
        stride = max(1, steps // (repeat * 10))
        for k in range(0, steps, stride):
            t0 = time.perf_counter()
            bar.setValue(k * bar.pageStep())
            _paint(app, widget)
            out.append(time.perf_counter() - t0)
        return out

    times, base = pages(view), pages(plain)
    view.close()
    plain.close()
    return {"times": times, "baseline_name": "plain QTextEdit scrolling a page",
            "baseline_times": base, "note": "one page scrolled and painted, 2,000 codings"}
