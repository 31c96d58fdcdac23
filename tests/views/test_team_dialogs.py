"""Team dialogs offscreen on the sample project: disagreement review with undo, codebook
versions and log."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Coder, Coding, Document


def _consensus(session):
    with session.read() as s:
        kid = s.scalar(select(Coder.id).where(Coder.name == "Konsensus"))
        return [] if kid is None else list(s.execute(
            select(Coding.start, Coding.end).where(Coding.coder_id == kid)).all())


def test_review_steps_through_disagreements_with_undo(qtbot, session):
    from app.views.review_dialog import ReviewDialog

    dlg = ReviewDialog(session, ["Grunnleggende kjennetegn/Respekt"], ["Hanne", "Tor"])
    qtbot.addWidget(dlg)
    total = len(dlg.items)
    assert total > 10 and dlg.progress.text() == f"0 of {total} resolved"
    first = dlg.items[0]
    assert "Respekt" in dlg.where.text()
    with session.read() as s:  # whole lines around the disagreement, from the project
        text = s.get(Document, first.document_id).text
    shown = dlg.text.toPlainText()
    assert text[dlg.base:dlg.base + len(shown)] == shown
    assert (dlg.base == 0 or text[dlg.base - 1] == "\n") and text[first.start:first.end] in shown
    dlg.decide("a")
    assert dlg.index == 1 and dlg.progress.text() == f"1 of {total} resolved"
    assert sorted(_consensus(session)) == sorted(first.a_spans)
    dlg.decide("neither")
    assert dlg.progress.text() == f"2 of {total} resolved"
    # edit: the lead's own selection inside the excerpt
    d = dlg.items[dlg.index]
    from PySide6.QtGui import QTextCursor

    cur = dlg.text.textCursor()
    cur.setPosition(dlg.offsets.to_qt(d.start - dlg.base))
    cur.setPosition(dlg.offsets.to_qt(d.start - dlg.base + 12), QTextCursor.KeepAnchor)
    dlg.text.setTextCursor(cur)
    dlg.decide("edit")
    assert (d.start, d.start + 12) in _consensus(session)
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert dlg.progress.text() == f"1 of {total} resolved"
    assert sorted(_consensus(session)) == sorted(first.a_spans)
    session.undo_stack.undo()
    assert _consensus(session) == [] and dlg.progress.text() == f"0 of {total} resolved"


def _spans(session, coder, code_id):
    with session.read() as s:
        kid = s.scalar(select(Coder.id).where(Coder.name == coder))
        return set(s.execute(select(Coding.document_id, Coding.start, Coding.end)
                             .where(Coding.coder_id == kid, Coding.code_id == code_id)).all())


def test_review_fills_in_agreed_segments_as_one_undoable_step(qtbot, session):
    from app.core.codebook import resolve_code
    from app.views.review_dialog import ReviewDialog

    path = "Grunnleggende kjennetegn/Respekt"
    dlg = ReviewDialog(session, [path], ["Hanne", "Tor"])
    qtbot.addWidget(dlg)
    first = dlg.items[0]
    assert first.id in dlg.where.text() and first.id.startswith("d")
    with session.read() as s:
        code_id = resolve_code(s, path).id
    both = _spans(session, "Hanne", code_id) & _spans(session, "Tor", code_id)
    agreed = {x for x in both if not any(d.document_id == x[0] and x[1] < d.end
                                         and d.start < x[2] for d in dlg.items)}
    assert len(agreed) > 5 and dlg.report.isHidden()
    dlg.fill_btn.click()
    assert _spans(session, "Konsensus", code_id) == agreed
    report = dlg.report.toPlainText()
    assert not dlg.report.isHidden()
    assert report.startswith(f"Agreed segments copied: {len(agreed)}, already there: 0; "
                             f"disagreements settled: 0, still undecided: {len(dlg.items)}")
    assert first.id in report and dlg.items[1].id in report
    dlg.decide("b")  # a decision after the fill, then both undone in turn
    assert _spans(session, "Konsensus", code_id) == agreed | {
        (first.document_id, a, b) for a, b in first.b_spans}
    dlg.fill_btn.click()  # again: nothing more to copy
    assert dlg.report.toPlainText().startswith(
        f"Agreed segments copied: 0, already there: {len(agreed)}; disagreements settled: 1,")
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert _spans(session, "Konsensus", code_id) == agreed
    session.undo_stack.undo()
    assert _consensus(session) == []
    session.undo_stack.redo()
    assert _spans(session, "Konsensus", code_id) == agreed
    session.undo_stack.undo()
    dlg.every_code.setChecked(True)  # every code: the 264 spans both coded alike
    dlg.fill_btn.click()
    assert len(_consensus(session)) == 264


def test_versions_dialog_freezes_and_compares(qtbot, session, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from app.core import codebook as cb
    from app.views.team_dialogs import VersionsDialog

    dlg = VersionsDialog(session)
    qtbot.addWidget(dlg)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("v1", True))
    dlg.freeze()
    with session.project.write() as s:
        cb.rename_code(s, cb.resolve_code(s, "Respekt"), "Respekt og verdighet")
    dlg.reload()
    dlg.old.setCurrentIndex(dlg.old.findData("v1"))
    dlg.new.setCurrentIndex(dlg.new.findData("current"))
    assert "Respekt og verdighet" in dlg.diff.toPlainText()
    top = [dlg.log.item(0, c).text() for c in range(4)]
    assert top[1:] == ["Lead", "renamed", "Grunnleggende kjennetegn/Respekt og verdighet"]


def test_condensation_dialog_condensates_stars_synthesis_and_undo(qtbot, session):
    from PySide6.QtCore import Qt

    from app.core import codebook as cb
    from app.core.displays import condensation as stc
    from app.views.condensation_dialog import COL_STAR, COL_USE, CondensationDialog

    with session.read() as s:
        guid = cb.resolve_code(s, "Forutsigbarhet").guid
    dlg = CondensationDialog(session, guid)
    qtbot.addWidget(dlg)
    n = dlg.units.rowCount()
    assert n > 50 and "Forutsigbarhet" in dlg.windowTitle()
    for row in (0, 3):
        dlg.units.item(row, COL_USE).setCheckState(Qt.Checked)
    dlg.text.setPlainText("Jeg vil slippe å fortelle alt på nytt hver gang.")
    dlg.new_condensate()
    dlg.units.item(5, COL_STAR).setCheckState(Qt.Checked)
    dlg.synthesis.setPlainText("Brukerne vil ha faste kontaktpersoner.")
    dlg.save_synthesis()
    with session.read() as s:
        c = stc.condensation(s, "Forutsigbarhet")
    assert [x.text for x in c.condensates] == ["Jeg vil slippe å fortelle alt på nytt hver gang."]
    assert sorted(c.condensates[0].units) == sorted(
        [dlg.units.item(r, COL_USE).data(Qt.UserRole) for r in (0, 3)])
    assert c.illustrative == [dlg.units.item(5, COL_USE).data(Qt.UserRole)]
    assert c.synthesis == "Brukerne vil ha faste kontaktpersoner."
    for _ in range(3):
        session.undo_stack.undo()
    with session.read() as s:
        c = stc.condensation(s, "Forutsigbarhet")
    assert c.condensates == [] and c.illustrative == [] and c.synthesis == ""
    assert dlg.condensates.count() == 0


def test_display_dialog_builds_shades_lists_quotes_and_saves(qtbot, session, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QInputDialog

    from app.views.display_view import DisplayDialog

    dlg = DisplayDialog(session)
    qtbot.addWidget(dlg)
    dlg.rows.setCurrentIndex(dlg.rows.findData("codes"))
    dlg.cols.setCurrentIndex(dlg.cols.findData("bydel"))
    dlg.cell.setCurrentIndex(dlg.cell.findData("count"))
    assert dlg.build()
    m = dlg.model.m
    assert "Alna" in m.cols and any("Respekt" in r for r in m.rows)
    row = next(i for i, r in enumerate(m.rows) if r.endswith("Respekt"))
    col = m.cols.index("Alna")
    assert dlg.model.index(row, col).data() == str(m.cells[row][col])
    assert dlg.model.index(row, col).data(Qt.BackgroundRole) is not None
    assert dlg.model.index(len(m.rows), len(m.cols)).data() == str(m.total)
    seen = []
    dlg.quoteActivated.connect(lambda *a: seen.append(a))
    dlg.cell_clicked(dlg.model.index(row, col))
    assert dlg.list.count() == m.cells[row][col]
    dlg._quote_chosen(dlg.list.item(0))
    name, start, end = seen[0]
    assert name.startswith(("fg12", "fg14", "ind13", "Brukerundersøkelse 2025")) and end > start
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Respekt etter bydel", True))
    dlg.save()
    dlg.cols.setCurrentIndex(dlg.cols.findData("coders"))
    dlg.saved.setCurrentText("Respekt etter bydel")
    dlg.open_saved()
    assert dlg.cols.currentData() == "bydel" and dlg.model.m.cols == m.cols


def test_exports_from_the_window(qtbot, session, tmp_path):
    import docx

    from app.views.display_view import DisplayDialog
    from app.views.export_dialogs import export_quotes

    out = export_quotes(session, tmp_path / "q.docx",
                        {"codes": ["Grunnleggende kjennetegn/Respekt"], "group_by": "bydel",
                         "coders": ["Hanne"], "anonymise": False})
    d = docx.Document(str(out))
    heads = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert heads[0].endswith("Respekt") and "bydel: Alna" in heads
    dlg = DisplayDialog(session)
    qtbot.addWidget(dlg)
    assert dlg.build()
    for name in ("m.docx", "m.csv", "m.xlsx"):
        assert dlg.export_to(tmp_path / name) and (tmp_path / name).stat().st_size > 0
    table = docx.Document(str(tmp_path / "m.docx")).tables[0]
    assert table.rows[-1].cells[-1].text.replace("\u00a0", "") == str(dlg.model.m.total)


def test_search_panel_kwic_jump_and_code_all_undoable(sample_window):
    w = sample_window
    session = w.session
    session.set_coder_name("Hanne")
    w.team_actions.focus_search()
    assert w.lower_tabs.currentWidget() is w.search
    w.search.query.setText('"fast kontaktperson" ELLER kontaktpersonen')
    assert w.search.run()
    hits = w.search.result.hits
    model = w.search.model
    assert hits and model.rowCount() == len(hits)
    first = model.index(0, 0)
    left, hit, right = first.data(model.KwicRole)
    assert hit == hits[0].text and (left + hit + right) == " ".join(hits[0].context.split())
    assert hits[0].document in first.data(model.PlaceRole)
    w.search._chosen(first)
    assert w.transcript.selected_text() == hits[0].text
    before = len(_codings_of(w, "Hanne"))
    w.codes.select(next(n.guid for n in w.codes.model.nodes() if n.name == "Forutsigbarhet"))
    w.search.spread.setCurrentIndex(w.search.spread.findData("sentence"))
    w.coding_actions.code_all_hits()
    made = len(_codings_of(w, "Hanne")) - before
    assert 0 < made <= len(hits)
    session.undo_stack.undo()
    assert len(_codings_of(w, "Hanne")) == before
    w.search.query.setText('"ikke lukket')
    assert not w.search.run() and "quotation mark" in w.search.summary.text()


def _codings_of(w, coder):
    with w.session.read() as s:
        kid = s.scalar(select(Coder.id).where(Coder.name == coder))
        return list(s.scalars(select(Coding.id).where(Coding.coder_id == kid)))


def test_pseudonyms_dialog_suggest_add_undo_and_replace(qtbot, session, tmp_path):
    from app.core.privacy.terms import terms
    from app.views.privacy_dialog import PrivacyDialog

    dlg = PrivacyDialog(session)
    qtbot.addWidget(dlg)
    dlg.find()
    assert dlg.suggestions.rowCount() > 0
    dlg.term.setText("Tromsø")
    dlg.kind.setCurrentIndex(dlg.kind.findData("place"))
    dlg.add_typed()
    assert dlg.table.rowCount() == 1 and dlg.table.item(0, 1).text() == "[Sted 1]"
    session.undo_stack.undo()
    assert dlg.table.rowCount() == 0
    dlg.suggestions.selectRow(0)
    dlg.add_chosen_candidates()
    with session.read() as s:
        listed = [t.term for t in terms(s)]
    assert listed == [dlg.candidates[0].term]
    assert dlg.apply_to(tmp_path / "key.csv")
    assert listed[0] in (tmp_path / "key.csv").read_text(encoding="utf-8")
    with session.read() as s:
        from app.models import Document

        assert all(listed[0] + " " not in d.text for d in s.query(Document))
        assert terms(s) == []
