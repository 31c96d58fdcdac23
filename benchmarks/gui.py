"""Benchmarks of the workbench window (offscreen): coding through the GUI including the highlight
update, switching documents, and scrolling a 300,000-character transcript."""

from __future__ import annotations

import os
import random
import shutil
import statistics
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
    # the same with that code's coded segments listed below the transcript (they follow too)
    w.codes.select(code)
    w.show_retrieval(code)
    listed, segments = [], len(w.retrieval.model.rows)
    for _ in range(repeat * 2):
        a = rng.randrange(0, len(w.transcript.text) - 300)
        w.transcript.select_cp(a, a + rng.randint(30, 250), reveal=True)
        app.processEvents()
        t0 = time.perf_counter()
        w.coding_actions.apply_code(code)
        _paint(app, w.transcript)
        w.retrieval.table.viewport().repaint()
        listed.append(time.perf_counter() - t0)
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
            "baseline_times": base,
            "note": f"apply_code from the window, counts and highlight repainted; with the "
                    f"code's {segments:,} segments listed {statistics.median(listed) * 1000:.0f} "
                    f"ms (max {max(listed) * 1000:.0f})"}


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


def _plain_open(path: Path) -> tuple:
    """The baseline of open_window: one SQL query of the same document rows (with attribute
    values and coding counts) into a QStandardItemModel shown in a QTableView, and the codes
    with their counts from one GROUP BY into a QStandardItemModel tree."""
    import sqlite3

    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView, QTreeView

    con = sqlite3.connect(path)
    names = [n for (n,) in con.execute("SELECT name FROM attribute_definition ORDER BY sort_order, id")]
    rows = con.execute(
        "SELECT d.name, d.length, (SELECT count(*) FROM coding c WHERE c.document_id = d.id), "
        "(SELECT group_concat(a.name || char(31) || v.value, char(30)) FROM attribute_value v "
        " JOIN attribute_definition a ON a.id = v.attribute_id WHERE v.document_id = d.id) "
        "FROM document d ORDER BY d.name").fetchall()
    docs = QStandardItemModel(len(rows), 3 + len(names))
    for i, (name, length, n, packed) in enumerate(rows):
        values = dict(p.split("\x1f", 1) for p in packed.split("\x1e")) if packed else {}
        for j, v in enumerate([name, str(length), str(n)] + [values.get(a, "") for a in names]):
            docs.setItem(i, j, QStandardItem(v))
    counts = dict(con.execute("SELECT code_id, count(*) FROM coding GROUP BY code_id"))
    tree = QStandardItemModel()
    items = {}
    for cid, name, parent in con.execute("SELECT id, name, parent_id FROM code "
                                         "ORDER BY parent_id IS NOT NULL, sort_order, id"):
        row = [QStandardItem(name), QStandardItem(str(counts.get(cid, 0)))]
        items[cid] = row[0]
        (items.get(parent) or tree.invisibleRootItem()).appendRow(row)
    con.close()
    table, view = QTableView(), QTreeView()
    table.setModel(docs)
    view.setModel(tree)
    for w in (table, view):
        w.resize(500, 800)
        w.show()
    view.expandAll()
    return table, view


def open_window_timed(app, target):
    """Open `target` (a project file or a shared project's URL) in a new main window until
    the document list and the code tree are filled and painted: (seconds, window, session)."""
    from app.views.application import open_session
    from app.views.main_window import MainWindow

    w = MainWindow()
    w.resize(1400, 900)
    w.show()
    app.processEvents()
    t0 = time.perf_counter()
    session = open_session(target)
    session.set_coder_name("Benk")
    w.set_session(session)
    _paint(app, w.docs.table)
    w.codes.tree.viewport().repaint()
    return time.perf_counter() - t0, w, session


def bench_open_window(folder: Path, repeat: int, tmp: Path) -> dict:
    """Open the project in the main window (offscreen) until the document list (every row,
    with attributes) and the code tree with its counts are filled and painted, and the first
    transcript is shown. Also times switching the coder filter (all -> one coder -> all)."""
    from app.views import settings
    from app.views.session import FILTER_ALL, FILTER_CHOSEN

    app = _app()
    settings.use_settings_dir(tmp / "settings")
    path = tmp / "gui.sitat"
    shutil.copyfile(folder / "project.sitat", path)
    times, base, switch, listed = [], [], [], []
    for _ in range(repeat):
        seconds, w, session = open_window_timed(app, path)
        times.append(seconds)
        rows, codes = len(w.docs.model.rows), len(w.codes.model.nodes())
        coder = session.coders()[0].id

        def switch_coders(out: list) -> None:
            for mode, chosen in ((FILTER_CHOSEN, {coder}), (FILTER_ALL, None)):
                t0 = time.perf_counter()
                session.set_filter(mode, chosen)
                _paint(app, w.codes.tree)
                w.docs.table.viewport().repaint()
                w.transcript.viewport().repaint()
                w.retrieval.table.viewport().repaint()
                out.append(time.perf_counter() - t0)

        switch_coders(switch)
        # again with the coded segments of a code of median size listed below the transcript
        leaves = sorted((n.codings, n.guid) for n in w.codes.model.nodes()
                        if n.codable and not any(c.parent_guid == n.guid
                                                 for c in w.codes.model.nodes()))
        code = leaves[len(leaves) // 2][1]
        w.codes.select(code)
        w.show_retrieval(code)
        segments = len(w.retrieval.model.rows)
        switch_coders(listed)
        w.close()
        w.deleteLater()
        app.processEvents()
        t0 = time.perf_counter()
        table, view = _plain_open(path)
        app.processEvents()
        table.viewport().repaint()
        view.viewport().repaint()
        base.append(time.perf_counter() - t0)
        table.close()
        view.close()
    import statistics

    return {"times": times, "baseline_name": "QStandardItemModels from one SQL query each",
            "baseline_times": base,
            "note": f"{rows} documents, {codes} codes; coder filter switch median "
                    f"{statistics.median(switch) * 1000:.0f} ms (max {max(switch) * 1000:.0f}), "
                    f"with {segments:,} coded segments listed "
                    f"{statistics.median(listed) * 1000:.0f} ms (max "
                    f"{max(listed) * 1000:.0f}); budget 200 ms"}
