"""The search panel with a large result: the first page of hits and the totals show at once,
further pages are fetched as the list scrolls (rows all of one height), each row is a
concordance line with the hit at the same place, the count per document is summed, the last
hit jumps like the first, and "Code all hits" codes the hits not fetched yet too."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt


def test_thousands_of_hits_show_their_first_page_and_fetch_more_on_scroll(qtbot, sample_window):
    from app.core.search.service import search
    from app.core.search.stream import PAGE_SIZE

    w = sample_window
    w.resize(1300, 900)
    w.show()
    w.team_actions.focus_search()
    panel = w.search
    panel.query.setText("og")
    assert panel.run()  # the first search builds the index
    panel.query.setText("ikke ELLER og")
    t0 = time.perf_counter()
    assert panel.run()
    qtbot.wait(1)
    shown = time.perf_counter() - t0
    print(f"{panel.result.total} hits, first page shown in {shown * 1000:.0f} ms")
    full = search(w.session.project, "ikke ELLER og", index=w.session.search_index()).hits
    total = panel.result.total
    assert total == len(full) > 2000
    assert panel.model.rowCount() == PAGE_SIZE  # the first page only, the totals at once
    assert shown < 5
    per_doc = panel.result.per_document()
    assert per_doc == search(w.session.project, "ikke ELLER og",
                             index=w.session.search_index()).per_document()
    assert sum(per_doc.values()) == total and len(per_doc) == 16 + 28  # + 28 comments
    assert f"{total:,} hits" in panel.summary.text() and "more" in panel.summary.text()
    assert all(f"{d}: {n}" in panel.summary.toolTip() for d, n in per_doc.items())
    heights = {panel.list.visualRect(panel.model.index(i, 0)).height() for i in range(5)}
    assert len(heights) == 1 and heights.pop() > 20  # two lines, one height for all
    assert not panel.list.grab().isNull()
    for _ in range(3):  # scrolling to the end fetches the next page
        before = panel.model.rowCount()
        panel.list.scrollToBottom()
        qtbot.waitUntil(lambda: panel.model.rowCount() > before, timeout=3000)
    assert panel.model.rowCount() > 3 * PAGE_SIZE
    while panel.model.canFetchMore():
        panel.model.fetchMore()
    hits = panel.model.hits
    assert panel.model.rowCount() == total and not panel.model.canFetchMore()
    assert [(h.document, h.start, h.end) for h in hits] == \
        [(h.document, h.start, h.end) for h in full]
    rows = [panel.model.index(i, 0) for i in (0, total // 2, total - 1)]
    for index in rows:
        h = hits[index.row()]
        left, hit, right = index.data(panel.model.KwicRole)
        assert hit == " ".join(h.text.split())
        assert h.document in index.data(panel.model.PlaceRole)
        assert index.data(Qt.UserRole) == (h.document, h.start, h.end)
    panel.list.scrollToBottom()
    panel._chosen(rows[-1])
    assert w.transcript.selected_text() == hits[total - 1].text
    stream = panel.result
    panel.query.setText("kontaktperson")
    assert panel.run()  # a new search closes the previous one
    assert stream.closed and stream.next_page() == [] and panel.result is not stream


def test_code_all_hits_codes_the_rows_not_yet_fetched(sample_window):
    from sqlalchemy import func, select

    from app.core.search.stream import PAGE_SIZE
    from app.models import Coding

    w = sample_window
    session = w.session
    session.set_coder_name("Hanne")
    panel = w.search
    panel.query.setText("og")
    assert panel.run() and panel.result.total > PAGE_SIZE
    assert panel.model.rowCount() == PAGE_SIZE

    def count():
        with session.read() as s:
            return s.scalar(select(func.count(Coding.id)))

    before = count()
    assert panel.code_all_hits("Andre kjennetegn/Forutsigbarhet")
    made = count() - before
    assert made == panel.result.total  # every hit, the unfetched ones too, one coding each
    assert session.undo_stack.count() >= 1
    session.undo_stack.undo()  # one step undoes them all
    assert count() == before
    session.undo_stack.redo()
    assert count() == before + made


def test_a_failed_search_clears_the_list(sample_window):
    w = sample_window
    w.search.query.setText("kontaktperson")
    assert w.search.run() and w.search.model.rowCount() > 0
    w.search.query.setText("(kontaktperson")
    assert not w.search.run()
    assert w.search.model.rowCount() == 0 and "brackets" in w.search.summary.text()
    assert w.search.result is None


def test_stopping_the_index_build_leaves_a_message_and_the_next_search_works(
        sample_window, monkeypatch):
    from app.views import search_panel

    w = sample_window
    seen = []
    real = search_panel.IndexProgress.__call__

    def cancel_at_once(self, share):
        real(self, share)
        seen.append(self.dialog)
        self.dialog.cancel()
        return real(self, share)

    monkeypatch.setattr(search_panel.IndexProgress, "__call__", cancel_at_once)
    w.search.query.setText("kontaktperson")
    assert not w.search.run()
    assert seen and "stopped" in w.search.summary.text() and w.search.model.rowCount() == 0
    monkeypatch.setattr(search_panel.IndexProgress, "__call__", real)
    assert w.search.run() and w.search.model.rowCount() > 0


def test_speaker_and_coder_filters(sample_window):
    from app.core.search.service import search

    w = sample_window
    panel = w.search
    labels = [panel.speaker.itemData(i) for i in range(1, panel.speaker.count())]
    assert "Moderator" in labels and labels[0] is not None
    coders = [panel.coder.itemData(i) for i in range(1, panel.coder.count())]
    assert set(coders) >= {"Hanne", "Tor"}
    panel.query.setText("ikke")
    assert panel.run()
    everything = len(panel.result.hits)
    panel.speaker.setCurrentIndex(panel.speaker.findData("Moderator"))
    assert panel.run()
    moderator = panel.result.hits
    assert 0 < len(moderator) < everything and {h.speaker for h in moderator} == {"Moderator"}
    panel.speaker.setCurrentIndex(0)
    panel.coder.setCurrentIndex(panel.coder.findData("Tor"))
    assert panel.run()
    by_tor = [(h.document, h.start) for h in panel.result.hits]
    expected = search(w.session.project, "ikke", coders=["Tor"],
                      index=w.session.search_index()).hits
    assert 0 < len(by_tor) < everything and by_tor == [(h.document, h.start) for h in expected]
    panel.scope.setCurrentIndex(panel.scope.findText("only uncoded text"))
    assert panel.run()
    not_by_tor = len(panel.result.hits)
    assert len(by_tor) + not_by_tor <= everything and not_by_tor > 0
    w.session.codebookChanged.emit()  # the lists are refilled, the choices kept
    assert panel.coder.currentData() == "Tor"


def test_inside_compounds_and_did_you_mean(sample_window):
    from app.core.search import lexicon

    if not lexicon.available():
        return
    panel = sample_window.search
    panel.query.setText("tjeneste")
    assert panel.run()
    plain = {h.text.lower() for h in panel.result.hits}
    assert plain and all(t.startswith("tjenest") for t in plain)
    panel.compounds.setChecked(True)
    assert panel.run()
    inside = {h.text.lower() for h in panel.result.hits}
    assert plain < inside and any(t.endswith(("tjenesten", "tjenester", "tjenestene"))
                                  and not t.startswith("tjenest") for t in inside)
    panel.compounds.setChecked(False)
    assert panel.suggestion.isHidden()
    panel.query.setText("kontaktpeson")
    assert panel.run() and panel.model.rowCount() == 0
    assert not panel.suggestion.isHidden()
    assert "kontaktperson" in panel.suggestion.text()
    panel.use_suggestion("kontaktpeson|kontaktperson")  # what clicking the word does
    assert panel.query.text() == "kontaktperson" and panel.model.rowCount() > 0
    assert panel.suggestion.isHidden()
