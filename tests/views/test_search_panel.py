"""The search panel with a large result: thousands of hits fill the list at once (rows are made
only when shown, all of one height), each row is a concordance line with the hit at the same
place, the count per document is summed, and the last hit jumps like the first."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt


def test_thousands_of_hits_show_at_once_and_jump(qtbot, sample_window):
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
    print(f"{len(panel.result.hits)} hits shown in {shown * 1000:.0f} ms")
    hits = panel.result.hits
    assert len(hits) > 2000 and panel.model.rowCount() == len(hits)
    assert shown < 5  # generous: a list that measured every row would take far longer
    per_doc = panel.result.per_document()
    assert sum(per_doc.values()) == len(hits) and len(per_doc) == 16
    assert f"{len(hits):,} hits" in panel.summary.text() and "more" in panel.summary.text()
    assert all(f"{d}: {n}" in panel.summary.toolTip() for d, n in per_doc.items())
    rows = [panel.model.index(i, 0) for i in (0, len(hits) // 2, len(hits) - 1)]
    for index in rows:
        h = hits[index.row()]
        left, hit, right = index.data(panel.model.KwicRole)
        assert hit == " ".join(h.text.split())
        assert h.document in index.data(panel.model.PlaceRole)
        assert index.data(Qt.UserRole) == (h.document, h.start, h.end)
    heights = {panel.list.visualRect(panel.model.index(i, 0)).height() for i in range(5)}
    assert len(heights) == 1 and heights.pop() > 20  # two lines, one height for all
    assert not panel.list.grab().isNull()
    panel.list.scrollToBottom()
    panel._chosen(rows[-1])
    assert w.transcript.selected_text() == hits[len(hits) - 1].text


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
