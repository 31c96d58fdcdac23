"""The displays window and the quote export dialog choose an analysis scope: passages united
across coders by default (Hanne's and Tor's shared spans count once), every coding, or the
consensus; the window says which scope it shows, a saved display keeps it, and a cell's
quotes are listed once per passage with their coders and source."""

from __future__ import annotations


def test_scope_combo_changes_what_is_counted_and_is_saved(qtbot, session, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from app.views.display_view import DisplayDialog

    dlg = DisplayDialog(session)
    qtbot.addWidget(dlg)
    assert dlg.scope.currentData() == "segments"
    assert [dlg.scope.itemData(i) for i in range(dlg.scope.count())] == [
        "segments", "consensus", "codings"]
    dlg.rows.setCurrentIndex(dlg.rows.findData("codes"))
    dlg.cols.setCurrentIndex(dlg.cols.findData("coders"))
    assert dlg.build()
    passages = dlg.model.m
    assert dlg.scope_note.text().startswith("Scope: Passages: overlapping codings")
    assert "counts once in each of their columns" in dlg.scope_note.text()
    dlg.scope.setCurrentIndex(dlg.scope.findData("codings"))
    assert dlg.build()
    codings = dlg.model.m
    assert dlg.scope_note.text().startswith("Scope: Every coding")
    # the sample's 264 spans coded alike by Hanne and Tor count once as passages
    assert codings.total == 1127 and passages.total <= 1127 - 264  # 42 in comments
    assert passages.cols == codings.cols == ["Hanne", "Tor"]
    assert sum(passages.col_totals) > passages.total  # shared passages in both columns

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Alle kodinger", True))
    dlg.save()
    dlg.scope.setCurrentIndex(dlg.scope.findData("segments"))
    dlg.saved.setCurrentText("Alle kodinger")
    dlg.open_saved()
    assert dlg.scope.currentData() == "codings" and dlg.model.m.total == 1127


def test_a_cells_quotes_are_listed_once_per_passage_with_coders(qtbot, session):
    from app.views.display_view import DisplayDialog

    dlg = DisplayDialog(session)
    qtbot.addWidget(dlg)
    dlg.rows.setCurrentIndex(dlg.rows.findData("codes"))
    dlg.cols.setCurrentIndex(dlg.cols.findData("bydel"))
    assert dlg.build() and dlg.quotes is None  # quotes are read at the first click
    m = dlg.model.m
    row = next(i for i, r in enumerate(m.rows) if r.endswith("Respekt"))
    col = next(j for j, line in enumerate(zip(*m.cells)) if line[row])
    dlg.cell_clicked(dlg.model.index(row, col))
    labels = [dlg.list.item(i).text() for i in range(dlg.list.count())]
    assert len(labels) == m.cells[row][col] == len(set(labels))
    assert any("coded by Hanne, Tor" in x for x in labels)
    assert all("¶ " in x and ("round" in x) for x in labels)


def test_quote_export_dialog_offers_the_scope(qtbot, session, tmp_path):
    import docx

    from app.views.export_dialogs import QuotesDialog, export_quotes

    dlg = QuotesDialog(session, ["Grunnleggende kjennetegn/Respekt"], None, ["bydel"],
                       ["Hanne", "Tor"])
    qtbot.addWidget(dlg)
    assert dlg.options()["scope"] == "segments"
    dlg.scope.setCurrentIndex(dlg.scope.findData("codings"))
    options = dlg.options()
    assert options["scope"] == "codings"
    every = docx.Document(str(export_quotes(session, tmp_path / "alle.docx", options)))
    dlg.scope.setCurrentIndex(dlg.scope.findData("segments"))
    once = docx.Document(str(export_quotes(session, tmp_path / "en.docx", dlg.options())))

    def rows(d):
        return sum(len(t.rows) - 1 for t in d.tables)

    assert rows(once) < rows(every)
    assert any(p.text.startswith("Scope: Every coding") for p in every.paragraphs)
