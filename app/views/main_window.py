"""The main window: documents | transcript over retrieval | code tree, menus, coder and filter,
one undo stack. Every change goes through a command on the session's undo stack."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QLabel, QMainWindow, QMenu, QPushButton, QSplitter, QToolBar

from app.core import codetree
from app.core import workbench as wb
from app.i18n import LANGUAGES, _
from app.views import settings
from app.views.code_actions import CodeActions
from app.views.coding_actions import CodingActions
from app.views.export_dialogs import ExportActions
from app.views.team_actions import TeamActions
from app.views.panels import CodesPanel, DocumentsPanel
from app.views.retrieval_panel import RetrievalPanel
from app.views.session import FILTER_ALL, FILTER_CHOSEN, FILTER_MINE, Session
from app.views.transcript import TranscriptView, code_colour, coder_colour


class MainWindow(QMainWindow, CodeActions, CodingActions, TeamActions, ExportActions):
    def __init__(self, session: Session | None = None) -> None:
        super().__init__()
        self.session: Session | None = None
        self.current_doc: str | None = None
        self.current_code: str | None = None
        self.resize(1440, 900)
        self.docs = DocumentsPanel(self)
        self.transcript = TranscriptView(self)
        self.retrieval = RetrievalPanel(self)
        self.codes = CodesPanel(self)
        from PySide6.QtWidgets import QTabWidget

        from app.views.search_panel import SearchPanel

        self.search = SearchPanel(self)
        self.lower_tabs = QTabWidget(self)
        self.lower_tabs.addTab(self.retrieval, _("Coded segments"))
        self.lower_tabs.addTab(self.search, _("Search"))
        self.middle = middle = QSplitter(Qt.Vertical, self)
        middle.addWidget(self.transcript)
        middle.addWidget(self.lower_tabs)
        middle.setSizes([640, 220])
        split = QSplitter(Qt.Horizontal, self)
        for w in (self.docs, middle, self.codes):
            split.addWidget(w)
        split.setSizes([330, 760, 350])
        split.setStretchFactor(1, 1)
        self.setCentralWidget(split)
        self.setTabOrder(self.docs.table, self.transcript)
        self.setTabOrder(self.transcript, self.codes.tree)
        self.setTabOrder(self.codes.tree, self.lower_tabs)
        self.coder_button = QPushButton(self)
        self.coder_button.setFlat(True)
        self.coder_button.setToolTip(_("Change who is coding"))
        self.coder_button.clicked.connect(self.choose_coder)
        self.selection_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.selection_label)
        self.statusBar().addPermanentWidget(self.coder_button)
        self._build_actions()
        self._connect_panels()
        if session is not None:
            self.set_session(session)
        else:
            self._update_title()

    # -- actions -------------------------------------------------------------------------
    def _action(self, menu: QMenu, text: str, slot, shortcut=None) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    def _build_actions(self) -> None:
        bar = self.menuBar()
        f = bar.addMenu(_("&File"))
        self._action(f, _("&New project..."), self.new_project, QKeySequence.New)
        self._action(f, _("&Open project..."), self.open_project, QKeySequence.Open)
        self.recent_menu = f.addMenu(_("Open &recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        f.addSeparator()
        self.act_import = self._action(f, _("&Import transcripts..."), self.import_transcripts,
                                       "Ctrl+I")
        self.act_cb_in = self._action(f, _("Import code&book (.qdc)..."), self.import_codebook)
        self.act_cb_out = self._action(f, _("E&xport codebook (.qdc)..."), self.export_codebook)
        f.addSeparator()
        self._action(f, _("Import from another analysis program (REFI-QDA)..."), self.import_qdpx)
        self.act_qdpx_out = self._action(
            f, _("Export for another analysis program (REFI-QDA)..."), self.export_qdpx)
        self._action(f, _("Restore from &backup..."), self.restore_from_backup)
        self._action(f, _("Backups to &keep..."), self.set_backups_kept)
        f.addSeparator()
        self._action(f, _("&Quit"), self.close, QKeySequence.Quit)
        e = bar.addMenu(_("&Edit"))
        self.act_undo = self._action(e, _("&Undo"), self._undo, QKeySequence.Undo)
        self.act_redo = self._action(e, _("&Redo"), self._redo)
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        e.addSeparator()
        self._action(e, _("Snap selection to whole &words"), self.snap_words, "Ctrl+Shift+W")
        self._action(e, _("Snap selection to the whole speaker &turn"), self.snap_turn,
                     "Ctrl+Shift+T")
        self._action(e, _("&Memo on selected coding..."), self.memo_selected, "Ctrl+M")
        self._action(e, _("&Find in all transcripts..."), self.focus_search, QKeySequence.Find)
        self.act_remove = self._action(e, _("&Remove selected coding"), self.remove_selected,
                                       QKeySequence.Delete)
        c = bar.addMenu(_("&Codes"))
        self._action(c, _("&New code..."), lambda: self.create_code(None), "Ctrl+Shift+N")
        self._action(c, _("New &child code..."), lambda: self.current_code and
                     self.create_code(self.current_code))
        self._action(c, _("&Edit selected code..."), lambda: self.current_code and
                     self.edit_code(self.current_code), "F2")
        self._action(c, _("&Pin or unpin selected code (quick key)"), lambda: self.current_code
                     and self.toggle_pin(self.current_code), "Ctrl+P")
        self.build_team_menu(bar)
        v = bar.addMenu(_("&View"))
        self._action(v, _("Zoom &in"), lambda: self.transcript.zoom(1), QKeySequence.ZoomIn)
        self._action(v, _("Zoom &out"), lambda: self.transcript.zoom(-1), QKeySequence.ZoomOut)
        self._action(v, _("&Normal size"), lambda: self.transcript.zoom(0), "Ctrl+0")
        self.act_by_coder = self._action(v, _("Colour codings by &coder"), self._recolour)
        self.act_by_coder.setCheckable(True)
        lang = v.addMenu(_("&Language"))
        group = QActionGroup(self)
        from app.i18n import current_language

        for code, label in LANGUAGES.items():
            act = self._action(lang, label, lambda _c=False, code=code: self.switch_language(code))
            act.setCheckable(True)
            act.setChecked(code == current_language())
            group.addAction(act)
        h = bar.addMenu(_("&Help"))
        self._action(h, _("&Keyboard and shortcuts"), self.show_shortcuts, QKeySequence.HelpContents)
        tools = QToolBar(_("Coders"), self)
        tools.setObjectName("coder-toolbar")
        tools.setMovable(False)
        tools.addWidget(QLabel(_("Show codings of:") + " ", self))
        self.filter_combo = QComboBox(self)
        self.filter_combo.setAccessibleName(_("Show codings of"))
        self.filter_combo.addItem(_("all coders"), FILTER_ALL)
        self.filter_combo.addItem(_("me only"), FILTER_MINE)
        self.filter_combo.addItem(_("chosen coders..."), FILTER_CHOSEN)
        self.filter_combo.activated.connect(self._filter_chosen)
        tools.addWidget(self.filter_combo)
        self.addToolBar(tools)
        for n in range(1, 10):
            sc = QShortcut(QKeySequence(str(n)), self)
            sc.activated.connect(lambda n=n: self.quick_key(n))

    def _connect_panels(self) -> None:
        self.docs.documentChosen.connect(self.show_document)
        self.docs.deleteRequested.connect(self.delete_documents)
        self.docs.filesDropped.connect(self.import_files)
        self.docs.model.attributeEdited.connect(self._attribute_edited)
        self.codes.applyRequested.connect(self.apply_code)
        self.codes.codeClicked.connect(self._code_clicked)
        self.codes.createRequested.connect(self.create_code)
        self.codes.renameRequested.connect(self.rename_code)
        self.codes.editRequested.connect(self.edit_code)
        self.codes.deleteRequested.connect(self.delete_code)
        self.codes.mergeRequested.connect(self.merge_code)
        self.codes.pinRequested.connect(self.toggle_pin)
        self.codes.model.moveRequested.connect(self.move_code)
        self.codes.model.selectionDropped.connect(self._selection_dropped)
        self.codes.tree.selectionModel().currentChanged.connect(
            lambda index, _p: self.show_retrieval(index.data(Qt.UserRole + 1)))
        self.retrieval.segmentActivated.connect(self.jump_to)
        self.search.hitActivated.connect(self.jump_to_range)
        self.search.code_all.clicked.connect(self.code_all_hits)
        self.transcript.codingClicked.connect(lambda g: self.transcript.select_coding(g))
        self.transcript.cpSelectionChanged.connect(self._selection_changed)
        self.transcript.customContextMenuRequested.connect(self._transcript_menu)

    # -- session ---------------------------------------------------------------------------
    def set_session(self, session: Session) -> None:
        if self.session is not None and self.session is not session:
            self.session.close()
        self.session = session
        self.current_doc = None
        session.failed.connect(self.show_error)
        session.codebookChanged.connect(self.reload_codes)
        session.countsChanged.connect(self.reload_counts)
        session.documentsChanged.connect(self.reload_documents)
        session.codingsChanged.connect(self._codings_changed)
        session.codingAdded.connect(self._coding_added)
        session.codingRemoved.connect(self._coding_removed)
        session.codingUpdated.connect(self._coding_updated)
        session.filterChanged.connect(self._refilter)
        session.coderChanged.connect(self._show_coder)
        stack = session.undo_stack
        stack.canUndoChanged.connect(self.act_undo.setEnabled)
        stack.canRedoChanged.connect(self.act_redo.setEnabled)
        stack.undoTextChanged.connect(
            lambda t: self.act_undo.setText(_("&Undo {what}").format(what=t) if t else _("&Undo")))
        stack.redoTextChanged.connect(
            lambda t: self.act_redo.setText(_("&Redo {what}").format(what=t) if t else _("&Redo")))
        self.act_undo.setEnabled(stack.canUndo())
        self.act_redo.setEnabled(stack.canRedo())
        self.codes.model.set_pinned(settings.pinned_codes(session.project.id))
        self.filter_combo.setCurrentIndex(self.filter_combo.findData(session.filter_mode))
        self._show_coder()
        self.reload_documents()
        self.reload_codes()
        self.search.set_session(session)
        session.codebookChanged.connect(lambda: self.search.set_session(session))
        rows = self.docs.model.rows
        if rows:
            self.docs.select(rows[0].guid)
        else:
            self.transcript.show_document(None)
        self._update_title()

    def _update_title(self) -> None:
        if self.session is None:
            self.setWindowTitle("Sitat")
        else:
            ro = " " + _("(read-only)") if self.session.project.read_only else ""
            self.setWindowTitle(f"{self.session.title} - {self.session.path.name}{ro} - Sitat")
        for act in (self.act_import, self.act_cb_in, self.act_cb_out):
            act.setEnabled(self.session is not None)

    def _show_coder(self) -> None:
        name = self.session.coder_name if self.session else ""
        self.coder_button.setText(_("Coder: {name}").format(name=name or _("(none)")))

    def show_error(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        self.statusBar().showMessage(message, 10000)
        QMessageBox.warning(self, _("Sitat"), message)

    def _undo(self) -> None:
        if self.session:
            self.session.undo_stack.undo()

    def _redo(self) -> None:
        if self.session:
            self.session.undo_stack.redo()

    # -- loading into panels ----------------------------------------------------------------
    def reload_documents(self) -> None:
        if self.session is None:
            return
        from app.core import workbench_docs as wd

        with self.session.read() as s:
            columns, rows = wd.document_rows(s)
        self.docs.set_data(columns, rows)
        if self.current_doc and self.docs.model.row_of(self.current_doc) < 0:
            self.current_doc = None
            self.transcript.show_document(None)

    def reload_codes(self) -> None:
        if self.session is None:
            return
        with self.session.read() as s:
            nodes = codetree.code_nodes(s, self.session.visible_coder_ids())
        self.codes.set_nodes(nodes)
        self.codes.model.set_pinned([g for g in self.codes.model.pinned
                                     if any(n.guid == g for n in nodes)])
        if self.current_code and not any(n.guid == self.current_code for n in nodes):
            self.current_code = None
            self.retrieval.clear()

    def reload_counts(self) -> None:
        self.reload_codes()
        self.reload_documents()
        self.show_retrieval(self.current_code)

    def _visible(self, codings: list[wb.ShownCoding]) -> list[wb.ShownCoding]:
        ids = self.session.visible_coder_ids() if self.session else None
        return codings if ids is None else [c for c in codings if c.coder_id in ids]

    def _colour_by(self):
        comparing = self.session is not None and self.session.comparing()
        return coder_colour if comparing or self.act_by_coder.isChecked() else code_colour

    def show_document(self, guid: str | None) -> None:
        if self.session is None or not guid:
            return
        try:
            with self.session.read() as s:
                content = wb.load_document(s, guid)
        except Exception as exc:  # noqa: BLE001 - a vanished document is reported, not raised
            self.show_error(str(exc))
            return
        self.current_doc = guid
        visible = self._visible(content.codings)
        self.transcript.show_document(content, visible)
        self.transcript.set_codings(visible, self._colour_by())

    def show_retrieval(self, code_guid: str | None) -> None:
        self.current_code = code_guid
        if self.session is None or not code_guid:
            self.retrieval.clear()
            return
        from app.core import attributes as attrs
        from app.core.codebook import code_paths
        from app.core.retrieval import retrieve

        with self.session.read() as s:
            code = wb.get_code_by_guid(s, code_guid)
            path = code_paths(s)[code.id]
            rows = retrieve(s, code_guid, self.session.visible_coder_ids())
            names = [d.name for d in attrs.definitions(s)][:3]
        self.retrieval.show_segments(path, rows, names)

    def jump_to(self, segment) -> None:
        if segment.document_guid != self.current_doc:
            self.docs.select(segment.document_guid)
            if self.current_doc != segment.document_guid:  # filtered out of the list
                self.show_document(segment.document_guid)
        self.transcript.select_coding(segment.guid)
        self.transcript.setFocus()

    def _refilter(self) -> None:
        self.reload_codes()
        self._codings_changed(None)
        self.show_retrieval(self.current_code)

    def _recolour(self) -> None:
        self.transcript.set_codings(self.transcript.shown_codings(), self._colour_by())

    def _codings_changed(self, guids) -> None:
        if self.current_doc and (guids is None or self.current_doc in guids):
            with self.session.read() as s:
                codings = wb.document_codings(s, wb.get_document_by_guid(s, self.current_doc).id)
            self.transcript.set_codings(self._visible(codings), self._colour_by())

    def _coding_added(self, doc_guid: str, shown: wb.ShownCoding) -> None:
        if doc_guid == self.current_doc and self._visible([shown]):
            self.transcript.add_coding(shown)
        self._follow_counts(doc_guid, shown, +1)

    def _coding_removed(self, doc_guid: str, shown: wb.ShownCoding) -> None:
        if doc_guid == self.current_doc:
            self.transcript.remove_coding(shown.guid)
        self._follow_counts(doc_guid, shown, -1)

    def _follow_counts(self, doc_guid: str, shown: wb.ShownCoding, sign: int) -> None:
        """Counts in the document list, code tree and retrieval list after one coding came or
        went, without recounting the whole project."""
        self.docs.model.bump_codings(doc_guid, sign)
        if not self._visible([shown]):
            return
        nodes = self.codes.model.nodes()
        with self.session.read() as s:
            counts = codetree.counts_after_coding(s, nodes, doc_guid, shown.code_guid, sign,
                                                  self.session.visible_coder_ids())
        self.codes.model.update_counts(counts)
        if self.current_code in counts:
            self.show_retrieval(self.current_code)

    def _coding_updated(self, doc_guid: str, shown: wb.ShownCoding) -> None:
        if doc_guid == self.current_doc:
            self.transcript.update_coding(shown)

    def _selection_changed(self, start: int, end: int) -> None:
        text = _("Selected {start}-{end} ({n} characters)").format(
            start=start, end=end, n=end - start) if end > start else ""
        self.selection_label.setText(text)

    # -- coders and filter -------------------------------------------------------------------
    def choose_coder(self) -> bool:
        from app.views.dialogs import CoderDialog

        if self.session is None:
            return False
        names = [c.name for c in self.session.coders()]
        dlg = CoderDialog(names, self.session.coder_name, self)
        if dlg.exec() and dlg.name():
            self.session.set_coder_name(dlg.name())
            settings.set_coder_name(dlg.name())
            return True
        return False

    def _filter_chosen(self) -> None:
        if self.session is None:
            return
        mode = self.filter_combo.currentData()
        if mode == FILTER_CHOSEN:
            from app.views.dialogs import CodersChoiceDialog

            coders = [(c.id, c.name, c.colour) for c in self.session.coders()]
            dlg = CodersChoiceDialog(coders, self.session.chosen_coders, self)
            if not dlg.exec():
                self.filter_combo.setCurrentIndex(
                    self.filter_combo.findData(self.session.filter_mode))
                return
            self.session.set_filter(FILTER_CHOSEN, dlg.chosen())
        else:
            self.session.set_filter(mode)

    def switch_language(self, code: str) -> None:
        from app.views.application import replace_window

        settings.set_language(code)
        replace_window(self, code)

    def show_shortcuts(self) -> None:
        from app.views.dialogs import shortcuts_dialog

        rows = [(a.text().replace("&", ""), a.shortcut().toString(QKeySequence.NativeText))
                for menu in self.menuBar().findChildren(QMenu) for a in menu.actions()
                if not a.shortcut().isEmpty()]
        rows += [(_("Code the selection with a pinned code"), "1 - 9"),
                 (_("Code the selection with the code in the tree"), _("Enter, or click")),
                 (_("Open the coding under the mouse"), _("Ctrl+click")),
                 (_("Zoom the transcript"), _("Ctrl+mouse wheel"))]
        shortcuts_dialog(rows, self).exec()

    def closeEvent(self, event) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None
        super().closeEvent(event)
