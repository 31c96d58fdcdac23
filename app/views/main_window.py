"""The main window: documents | transcript over retrieval | code tree, menus, coder and filter,
one undo stack; every change is a command on it. Controllers holding the window do the menus'
work; which project is open, and in which language, the application decides on its signals."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QTabWidget,
)

from app.core import workbench as wb
from app.i18n import LANGUAGES, _, counts
from app.views import settings
from app.views.code_actions import CodeActions
from app.views.coding_actions import CodingActions
from app.views.coder_bar import CoderBar
from app.views.dialogs import shortcuts_dialog
from app.views.export_dialogs import ExportActions
from app.views.live_sync import LiveSync
from app.views.panels import CodesPanel, DocumentsPanel
from app.views.project_actions import ProjectActions
from app.views.retrieval_panel import RetrievalPanel
from app.views.search_panel import SearchPanel
from app.views.session import Session
from app.views.team_actions import TeamActions
from app.views.transcript import TranscriptView, code_colour, coder_colour
from app.views.window_counts import WindowCounts
from app.views.window_layout import DEFAULT_SIZE, fit_panels, remember_place


class MainWindow(QMainWindow):
    projectRequested = Signal(str)  # path of a project file to open instead of this one
    newProjectRequested = Signal(str)  # path where a new project should be made and opened
    sharedProjectRequested = Signal(object)  # ServerLocation (password in memory only)
    languageChanged = Signal(str)  # language code: show the window again in that language

    def __init__(self, session: Session | None = None) -> None:
        super().__init__()
        self.session: Session | None = None
        self.current_doc: str | None = None
        self.current_code: str | None = None
        self._fitted = False  # columns shared out to fit the first project shown
        self.counts = WindowCounts(self)
        self.resize(DEFAULT_SIZE)
        self.docs = DocumentsPanel(self)
        self.transcript = TranscriptView(self)
        self.retrieval = RetrievalPanel(self)
        self.codes = CodesPanel(self)
        self.search = SearchPanel(self)
        self.lower_tabs = QTabWidget(self)
        self.lower_tabs.addTab(self.retrieval, _("Coded segments"))
        self.lower_tabs.addTab(self.search, _("Search"))
        self.middle = middle = QSplitter(Qt.Vertical, self)
        middle.addWidget(self.transcript)
        middle.addWidget(self.lower_tabs)
        middle.setSizes([560, 380])
        split = QSplitter(Qt.Horizontal, self)
        for w in (self.docs, middle, self.codes):
            split.addWidget(w)
        split.setSizes([330, 760, 350])
        split.setStretchFactor(1, 1)
        self.setCentralWidget(split)
        self.code_actions = CodeActions(self)
        self.coding_actions = CodingActions(self)
        self.project_actions = ProjectActions(self)
        self.team_actions = TeamActions(self)
        self.export_actions = ExportActions(self)
        self.setTabOrder(self.docs.table, self.transcript)
        self.setTabOrder(self.transcript, self.codes.tree)
        self.setTabOrder(self.codes.tree, self.lower_tabs)
        self.selection_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.selection_label)
        self._build_actions()
        self.coder_button = self.coder_bar.coder_button
        self.coder_button.clicked.connect(self.coding_actions.choose_coder)
        self.statusBar().addPermanentWidget(self.coder_button)
        self._connect_panels()
        self.live = LiveSync(self)  # follows a shared project's changes by others
        if session is not None:
            self.set_session(session)
        else:
            self._update_title()

    # -- actions -------------------------------------------------------------------------
    def add_action(self, menu: QMenu, text: str, slot, shortcut=None) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    def _build_actions(self) -> None:
        code, coding, project = self.code_actions, self.coding_actions, self.project_actions
        team, export, add = self.team_actions, self.export_actions, self.add_action
        bar = self.menuBar()
        f = bar.addMenu(_("&File"))
        add(f, _("&New project..."), project.new_project, QKeySequence.New)
        add(f, _("&Open project..."), project.open_project, QKeySequence.Open)
        add(f, _("Open s&hared project..."), project.open_shared_project)
        self.recent_menu = f.addMenu(_("Open &recent"))
        self.recent_menu.aboutToShow.connect(project.fill_recent_menu)
        f.addSeparator()
        self.act_import = add(f, _("&Import transcripts..."), coding.import_transcripts, "Ctrl+I")
        self.act_survey = add(f, _("Import &survey (Excel/CSV)..."), self.import_survey)
        self.act_cb_in = add(f, _("Import code&book (.qdc)..."), code.import_codebook)
        self.bundled_menu = f.addMenu(_("Import a bundled codebook"))
        self.bundled_menu.aboutToShow.connect(code.fill_bundled_menu)
        self.act_cb_out = add(f, _("E&xport codebook (.qdc)..."), code.export_codebook)
        f.addSeparator()
        add(f, _("Import from another analysis program (REFI-QDA)..."), export.import_qdpx)
        self.act_qdpx_out = add(f, _("Export for ATLAS.ti / MAXQDA / QualCoder (REFI-QDA)..."),
                                export.export_qdpx)
        self.act_qdpx_nvivo = add(f, _("Export for NVivo (REFI-QDA)..."),
                                  export.export_qdpx_nvivo)
        add(f, _("Restore from &backup..."), project.restore_from_backup)
        add(f, _("Backups to &keep..."), project.set_backups_kept)
        f.addSeparator()
        add(f, _("&Quit"), self.close, QKeySequence.Quit)
        e = bar.addMenu(_("&Edit"))
        self.act_undo = add(e, _("&Undo"), self._undo, QKeySequence.Undo)
        self.act_redo = add(e, _("&Redo"), self._redo)
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        e.addSeparator()
        add(e, _("Snap selection to whole &words"), coding.snap_words, "Ctrl+Shift+W")
        add(e, _("Snap selection to the whole speaker &turn"), coding.snap_turn, "Ctrl+Shift+T")
        add(e, _("&Memo on selected coding..."), coding.memo_selected, "Ctrl+M")
        add(e, _("&Find in all transcripts..."), team.focus_search, QKeySequence.Find)
        self.act_remove = add(e, _("&Remove selected coding"), coding.remove_selected,
                              QKeySequence.Delete)
        c = bar.addMenu(_("&Codes"))
        add(c, _("&New code..."), lambda: code.create_code(None), "Ctrl+Shift+N")
        add(c, _("New &child code..."), lambda: self.current_code and
            code.create_code(self.current_code))
        add(c, _("&Edit selected code..."), lambda: self.current_code and
            code.edit_code(self.current_code), "F2")
        add(c, _("&Pin or unpin selected code (quick key)"), lambda: self.current_code
            and code.toggle_pin(self.current_code), "Ctrl+P")
        add(c, _("Code &sets..."), lambda: self.edit_code_sets(self.current_code))
        export.build_items(team.build_menus(bar))
        v = bar.addMenu(_("&View"))
        add(v, _("Zoom &in"), lambda: self.transcript.zoom(1), QKeySequence.ZoomIn)
        add(v, _("Zoom &out"), lambda: self.transcript.zoom(-1), QKeySequence.ZoomOut)
        add(v, _("&Normal size"), lambda: self.transcript.zoom(0), "Ctrl+0")
        self.act_by_coder = add(v, _("Colour codings by &coder"), self._recolour)
        self.act_by_coder.setCheckable(True)
        lang = v.addMenu(_("&Language"))
        group = QActionGroup(self)
        from app.i18n import current_language

        for language, label in LANGUAGES.items():
            act = add(lang, label, lambda _c=False, language=language:
                      self.switch_language(language))
            act.setCheckable(True)
            act.setChecked(language == current_language())
            group.addAction(act)
        h = bar.addMenu(_("&Help"))
        add(h, _("&Keyboard and shortcuts"), self.show_shortcuts, QKeySequence.HelpContents)
        self.coder_bar = CoderBar(self)
        self.filter_combo = self.coder_bar.combo
        self.addToolBar(self.coder_bar)
        for n in range(1, 10):
            sc = QShortcut(QKeySequence(str(n)), self)
            sc.activated.connect(lambda n=n: coding.quick_key(n))

    def _connect_panels(self) -> None:
        code, coding, team = self.code_actions, self.coding_actions, self.team_actions
        self.docs.documentChosen.connect(self.show_document)
        self.docs.deleteRequested.connect(coding.delete_documents)
        self.docs.filesDropped.connect(coding.import_files)
        self.docs.model.attributeEdited.connect(coding.attribute_edited)
        self.codes.applyRequested.connect(coding.apply_code)
        self.codes.codeClicked.connect(coding.code_clicked)
        self.codes.createRequested.connect(code.create_code)
        self.codes.renameRequested.connect(code.rename_code)
        self.codes.editRequested.connect(code.edit_code)
        self.codes.deleteRequested.connect(code.delete_code)
        self.codes.mergeRequested.connect(code.merge_code)
        self.codes.codeSetsRequested.connect(self.edit_code_sets)
        self.codes.pinRequested.connect(code.toggle_pin)
        self.codes.model.moveRequested.connect(code.move_code)
        self.codes.model.selectionDropped.connect(coding.selection_dropped)
        self.codes.tree.selectionModel().currentChanged.connect(
            lambda index, _p: self.show_retrieval(index.data(Qt.UserRole + 1)))
        self.retrieval.segmentActivated.connect(self.jump_to)
        self.search.hitActivated.connect(team.jump_to_range)
        self.search.code_all.clicked.connect(coding.code_all_hits)
        self.transcript.codingClicked.connect(lambda g: self.transcript.select_coding(g))
        self.transcript.cpSelectionChanged.connect(self._selection_changed)
        self.transcript.customContextMenuRequested.connect(coding.transcript_menu)

    # -- session ---------------------------------------------------------------------------
    def set_session(self, session: Session) -> None:
        if self.session is not None and self.session is not session:
            self.live.stop()
            self.session.close()
        self.session = session
        self.current_doc = None
        session.failed.connect(self.show_error)
        session.codebookChanged.connect(self.counts.reload_codes)
        session.countsChanged.connect(self.counts.reload_counts)
        session.documentsChanged.connect(self.counts.reload_documents)
        session.codingsChanged.connect(self._codings_changed)
        session.codingAdded.connect(self._coding_added)
        session.codingRemoved.connect(self._coding_removed)
        session.codingUpdated.connect(self._coding_updated)
        session.codingsChanged.connect(lambda _guids: self.counts.forget_listing())
        session.codingUpdated.connect(lambda *_a: self.counts.forget_listing())
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
        self.coder_bar.show_mode(session.filter_mode)
        self._show_coder()
        self.counts.forget()
        self.counts.reload_documents(recount=False)
        self.counts.reload_codes(recount=False)
        self.search.set_session(session)
        session.codebookChanged.connect(lambda: self.search.set_session(session))
        rows = self.docs.model.rows
        if rows:
            self.docs.select(rows[0].guid)
        else:
            self.transcript.show_document(None)
        self._update_title()
        self._update_legend()
        if not self._fitted:
            self._fitted = True
            fit_panels(self)
        self.live.follow(session)

    def close_session(self) -> None:
        """Close the open project (the panels keep showing it until the next one is set)."""
        session, self.session = self.session, None
        self.live.stop()
        if session is not None:
            session.close()

    def _update_title(self) -> None:
        if self.session is None:
            self.setWindowTitle("Sitat")
        else:
            ro = " " + _("(read-only)") if self.session.project.read_only else ""
            self.setWindowTitle(f"{self.session.title} - {self.session.path.name}{ro} - Sitat")
        for act in (self.act_import, self.act_cb_in, self.act_cb_out, self.act_survey,
                    self.bundled_menu.menuAction()):
            act.setEnabled(self.session is not None)

    def _update_legend(self) -> None:
        self.coder_bar.follow(self.session, self._colour_by() is coder_colour)

    def _show_coder(self) -> None:
        self.coder_bar.show_coder(self.session)

    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)
        QMessageBox.warning(self, _("Sitat"), message)

    def _undo(self) -> None:
        if self.session and not self.session.refuse_offline():
            self.session.undo_stack.undo()

    def _redo(self) -> None:
        if self.session and not self.session.refuse_offline():
            self.session.undo_stack.redo()

    # -- loading into panels ----------------------------------------------------------------
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
            if not self.session.lost(exc):  # a shared project's server gone: said as offline
                self.show_error(str(exc))
            return
        self.current_doc = guid
        visible = self._visible(content.codings)
        self.transcript.show_document(content, visible)
        self.transcript.set_codings(visible, self._colour_by())

    def show_retrieval(self, code_guid: str | None) -> None:
        self.counts.list_segments(code_guid)

    def jump_to(self, segment) -> None:
        if segment.document_guid != self.current_doc:
            self.docs.select(segment.document_guid)
            if self.current_doc != segment.document_guid:  # filtered out of the list
                self.show_document(segment.document_guid)
        self.transcript.select_coding(segment.guid)
        self.transcript.setFocus()

    def _refilter(self) -> None:
        self.counts.refresh_scope()
        self._codings_changed(None)
        self.show_retrieval(self.current_code)
        self._update_legend()

    def _recolour(self) -> None:
        self.transcript.set_codings(self.transcript.shown_codings(), self._colour_by())
        self._update_legend()

    def _codings_changed(self, guids) -> None:
        if self.current_doc and (guids is None or self.current_doc in guids):
            with self.session.read() as s:
                codings = wb.document_codings(s, wb.get_document_by_guid(s, self.current_doc).id)
            self.transcript.set_codings(self._visible(codings), self._colour_by())

    def _coding_added(self, doc_guid: str, shown: wb.ShownCoding) -> None:
        if doc_guid == self.current_doc and self._visible([shown]):
            self.transcript.add_coding(shown)
        self.counts.follow(doc_guid, shown, +1)

    def _coding_removed(self, doc_guid: str, shown: wb.ShownCoding) -> None:
        if doc_guid == self.current_doc:
            self.transcript.remove_coding(shown.guid)
        self.counts.follow(doc_guid, shown, -1)

    def _coding_updated(self, doc_guid: str, shown: wb.ShownCoding) -> None:
        if doc_guid == self.current_doc:
            self.transcript.update_coding(shown)

    def _selection_changed(self, start: int, end: int) -> None:
        text = _("Selected {start}-{end} ({characters})").format(
            start=start, end=end, characters=counts.characters(end - start)) \
            if end > start else ""
        self.selection_label.setText(text)

    # -- language, help --------------------------------------------------------------------
    def switch_language(self, code: str) -> None:
        settings.set_language(code)
        self.languageChanged.emit(code)

    def show_shortcuts(self) -> None:
        shortcuts_dialog(self.menuBar(), self).exec()

    def import_survey(self) -> None:
        from app.views.survey_import import import_survey_dialog

        import_survey_dialog(self)

    def edit_code_sets(self, code_guid: str | None = None) -> None:
        from app.views.codeset_dialog import edit_code_sets

        edit_code_sets(self, self.session, code_guid)

    def closeEvent(self, event) -> None:
        remember_place(self)
        self.close_session()
        super().closeEvent(event)
