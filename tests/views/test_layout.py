"""What a coder sees first, at the window's default size, in both languages: code and document
names uncut, the attributes beside the names with no column cut at the panel's edge, the
coded-segments list with its coder column in view and room for ten rows, the stripe labels
whole; a legend of coder colours and a selection unlike them; no login name as coder; the
Displays dialog showing something at once; and no Qt warnings while all this is drawn."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QtMsgType, Qt, qInstallMessageHandler
from PySide6.QtGui import QColor, QFontMetrics, QPalette

from app.views.session import FILTER_CHOSEN


@pytest.fixture(params=["nb", "en"])
def shown(request, qtbot, tmp_path, built):
    """The window at its default size on the sample project, in each language, with Qt's
    messages collected while it is built and drawn."""
    from app.i18n import set_language
    from app.views import qt_translation, settings
    from app.views.application import new_window, open_session

    messages = []

    def collect(kind, context, text):
        messages.append((kind, text))

    previous = qInstallMessageHandler(collect)
    set_language(request.param)
    qt_translation.install(request.param)
    settings.use_settings_dir(tmp_path / "settings")
    settings.set_coder_name("Hanne")
    path = tmp_path / "demo.sitat"
    shutil.copyfile(built, path)
    w = new_window()
    qtbot.addWidget(w)
    w.set_session(open_session(path, w))
    w.show()
    qtbot.waitExposed(w)
    w.messages = messages
    yield w
    w.close()
    qInstallMessageHandler(previous)
    set_language("en")
    qt_translation.install("en")


def _right_edges(view):
    header = view.horizontalHeader()
    return [(header.logicalIndex(v), header.sectionViewportPosition(header.logicalIndex(v)),
             header.sectionSize(header.logicalIndex(v))) for v in range(header.count())]


def test_code_names_are_whole_in_the_tree(shown):
    from app.views.window_layout import DEFAULT_SIZE

    assert shown.size() == DEFAULT_SIZE
    tree = shown.codes.tree
    assert tree.columnWidth(0) >= tree.sizeHintForColumn(0)
    index = shown.codes.proxy.mapFromSource(shown.codes.model.index_of(
        next(n.guid for n in shown.codes.model.nodes() if n.name == "Grunnleggende kjennetegn")))
    rect = tree.visualRect(index)
    text = QFontMetrics(tree.font()).horizontalAdvance("Grunnleggende kjennetegn")
    assert rect.right() <= tree.viewport().width() and rect.width() >= text + 16
    header = tree.header()
    for col in range(1, header.count()):  # Tast / Kodinger / Dok. headers read whole
        assert header.sectionSize(col) >= header.sectionSizeHint(col)


def test_documents_show_name_and_attributes_with_no_column_cut(shown):
    table = shown.docs.table
    header = table.horizontalHeader()
    model = shown.docs.model
    # names, then the attributes; length and codings after them
    shown_order = [model.headerData(header.logicalIndex(v), Qt.Horizontal)
                   for v in range(header.count())]
    assert shown_order[:2] == [model.headerData(0, Qt.Horizontal), "bydel"]
    assert shown_order[-2:] == [model.headerData(1, Qt.Horizontal),
                                model.headerData(2, Qt.Horizontal)]
    for logical in range(header.count()):  # values and header labels fit their column
        assert header.sectionSize(logical) >= min(340, table.sizeHintForColumn(logical))
        assert header.sectionSize(logical) >= header.sectionSizeHint(logical)
    width = table.viewport().width()
    edges = _right_edges(table)
    assert edges[1][1] + edges[1][2] <= width  # the first attribute is in view, whole
    for logical, left, size in edges:  # a column is whole in view or not in view at all
        assert left >= width or left + size <= width, model.headerData(logical, Qt.Horizontal)
    # the transcript keeps a readable line beside them
    assert shown.transcript.viewport().width() >= 500


def test_coded_segments_show_code_and_coder_and_ten_rows(shown):
    respekt = next(n.guid for n in shown.codes.model.nodes() if n.name == "Respekt")
    shown.codes.select(respekt)
    shown.show_retrieval(respekt)
    table = shown.retrieval.table
    model = shown.retrieval.model
    assert [model.headerData(c, Qt.Horizontal) for c in (1, 2)] == [
        shown.codes.model.headerData(0, Qt.Horizontal), model.headerData(2, Qt.Horizontal)]
    header = table.horizontalHeader()
    coder_right = header.sectionViewportPosition(2) + header.sectionSize(2)
    assert coder_right <= table.viewport().width()
    assert table.columnWidth(0) >= 0.45 * table.viewport().width() - 1  # the quote leads
    assert table.viewport().height() // table.rowHeight(0) >= 10
    assert model.index(0, 2).data() in ("Hanne", "Tor")


def test_stripe_labels_are_whole(shown):
    from app.views import stripes

    margin = shown.transcript.margin
    labels = {c.code_name for c in shown.transcript.shown_codings()}
    widest = max(QFontMetrics(margin.font()).horizontalAdvance(t) for t in labels)
    label_room = margin.width() - (stripes.PAD + margin._lanes * stripes.LANE_W + 4)
    assert label_room >= min(widest, stripes.LABEL_MAX - 12)
    view = shown.transcript.viewport().geometry()
    assert margin.geometry().left() > view.right()  # beside the text, not under the scroll bar
    bar = shown.transcript.verticalScrollBar()
    assert margin.geometry().right() < bar.mapTo(shown.transcript, bar.rect().topLeft()).x()


def test_no_qt_warnings_and_the_keyboard_help_names_the_modifiers(shown, qtbot):
    from app.views.dialogs import shortcuts_dialog

    dlg = shortcuts_dialog(shown.menuBar(), shown)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    from PySide6.QtWidgets import QTableWidget

    table = dlg.findChild(QTableWidget)
    keys = {table.item(r, 1).text() for r in range(table.rowCount())}
    assert "Ctrl+Shift+N" in keys and "Ctrl+Z" in keys
    warnings = [t for kind, t in shown.messages
                if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg)
                and "propagateSizeHints" not in t]
    assert not [t for t in warnings if "QString::arg" in t]
    assert not warnings


def test_comparing_coders_has_a_legend_and_a_selection_unlike_every_coder(shown, qtbot):
    from app.core.coding import CODER_COLOURS

    assert not shown.coder_bar.legend_entries  # coloured by code: no legend
    coders = shown.session.coders()
    shown.session.set_filter(FILTER_CHOSEN, {c.id for c in coders})
    assert shown.coder_bar.legend_entries == [(c.name, c.colour) for c in coders]
    assert "Hanne" in shown.coder_bar.legend.text() and "Tor" in shown.coder_bar.legend.text()
    qtbot.waitUntil(shown.coder_bar.legend.isVisible, timeout=2000)  # the toolbar lays it out
    selection = shown.transcript.palette().color(QPalette.Highlight)
    for colour in list(CODER_COLOURS) + [c.colour for c in coders]:
        c = QColor(colour)
        distance = sum((a - b) ** 2 for a, b in zip(c.getRgb()[:3], selection.getRgb()[:3]))
        assert distance ** 0.5 > 110, colour
    assert selection.hsvSaturationF() < 0.15  # a neutral, where every coder has a hue


def test_share_width_ends_the_document_list_at_a_column_edge():
    from app.views.window_layout import share_width

    edges = [280, 400, 550, 670, 750]
    w = share_width(1490, codes_need=360, docs_edges=edges, transcript_need=740)
    assert (w.codes, w.documents) == (360, 400) and w.transcript == 1490 - 760
    wide = share_width(1900, codes_need=360, docs_edges=edges, transcript_need=740)
    assert wide.documents == 750 and wide.transcript == 790  # every column, room to spare
    narrow = share_width(1100, codes_need=360, docs_edges=edges, transcript_need=740)
    assert narrow.documents == 280 and narrow.transcript >= 0.38 * 1100
    deep = share_width(1490, codes_need=900, docs_edges=edges, transcript_need=740)
    assert deep.codes == int(1490 * 0.3)


def test_the_first_coder_is_asked_for_never_the_login_name(qtbot, tmp_path, built, monkeypatch):
    import getpass

    from app.views import settings
    from app.views.application import default_coder, new_window, open_session
    from app.views.dialogs import CoderDialog

    monkeypatch.setattr(getpass, "getuser", lambda: "root")
    settings.use_settings_dir(tmp_path / "settings")
    assert default_coder() == ""
    path = tmp_path / "demo.sitat"
    shutil.copyfile(built, path)
    w = new_window()
    qtbot.addWidget(w)
    w.set_session(open_session(path, w))
    assert w.session.coder_name == ""
    assert "root" not in w.coder_button.text() and w.coder_button.text()
    asked = []
    monkeypatch.setattr(CoderDialog, "exec", lambda self: asked.append(self.name()) or 0)
    before = len(w.transcript.shown_codings())
    w.transcript.select_cp(10, 40)
    assert not w.coding_actions.apply_code(w.codes.model.nodes()[1].guid)
    assert asked == [""] and len(w.transcript.shown_codings()) == before
    dlg = CoderDialog(["Hanne", "Tor"], "", w)
    qtbot.addWidget(dlg)
    from PySide6.QtWidgets import QDialogButtonBox

    ok = dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok)
    assert dlg.name() == "" and not ok.isEnabled()
    dlg.combo.setEditText("Kari")
    assert ok.isEnabled() and dlg.name() == "Kari"
    w.close()


def test_displays_open_on_a_display_and_then_on_the_last_one(qtbot, session):
    from app.views.display_view import DisplayDialog
    from app.views.quote_list import QuoteRole, SourceRole

    dlg = DisplayDialog(session)
    qtbot.addWidget(dlg)
    m = dlg.model.m
    assert m is not None and dlg.model.rowCount() > 5  # codes x bydel, before any click
    assert dlg.rows.currentData() == "codes" and dlg.cols.currentData() == "bydel"
    assert "Alna" in m.cols and any(r.endswith("Respekt") for r in m.rows)
    row = next(i for i, r in enumerate(m.rows) if r.endswith("Respekt"))
    dlg.cell_clicked(dlg.model.index(row, m.cols.index("Alna")))
    item = dlg.list.item(0)
    quote, source = item.data(QuoteRole), item.data(SourceRole)
    assert quote.startswith("«") and "¶" in source and "«" not in source
    delegate = dlg.list.itemDelegate()
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    option.initFrom(dlg.list)
    html = delegate._document(option, dlg.list.model().index(0, 0), 600, False).toHtml()
    assert "#6b6b6b" in html.lower()  # the source line in grey, smaller than the quote
    dlg.cols.setCurrentIndex(dlg.cols.findData("coders"))
    assert dlg.build()
    dlg.close()
    again = DisplayDialog(session)
    qtbot.addWidget(again)
    assert again.cols.currentData() == "coders" and again.model.m.cols == ["Hanne", "Tor"]


def test_counts_in_the_window_take_their_number(qtbot):
    from app.core.retrieval import RetrievedSegment
    from app.i18n import set_language
    from app.views.retrieval_panel import RetrievalPanel

    panel = RetrievalPanel()
    qtbot.addWidget(panel)
    one = RetrievedSegment("g", "d", "fg01", 0, 5, "Hei", "c", "Respekt", "Hanne", "#1F77B4",
                           "", None, {"bydel": "Alna"})
    set_language("nb")
    try:
        panel.show_segments("Respekt", [one], ["bydel"])
        assert panel.title.text() == "Respekt: 1 segment i 1 dokument"
        panel.show_segments("Respekt", [one, one], ["bydel"])
        assert panel.title.text() == "Respekt: 2 segmenter i 1 dokument"
    finally:
        set_language("en")
    panel.show_segments("Respekt", [one], ["bydel"])
    assert panel.title.text() == "Respekt: 1 segment in 1 document"
