"""The main window: documents | transcript | code tree, menus, coder and filter, one undo stack.
Every change goes through a command on the session's undo stack (app.views.commands)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QToolBar,
)

from app.core import codebook as cb
from app.core import codetree
from app.core import workbench as wb
from app.i18n import _
from app.views import settings
from app.views.commands import (
    ApplyCodingCommand,
    CodebookCommand,
    CodingMemoCommand,
    RemoveCodingCommand,
    SetAttributeCommand,
)
from app.views.panels import CodesPanel, DocumentsPanel
from app.views.session import FILTER_ALL, FILTER_MINE, Session
from app.views.transcript import TranscriptView, code_colour, coder_colour


class MainWindow(QMainWindow):
    def __init__(self, session: Session | None = None) -> None:
        super().__init__()
        self.session: Session | None = None
        self.current_doc: str | None = None
        self.resize(1400, 860)
        self.docs = DocumentsPanel(self)
        self.transcript = TranscriptView(self)
        self.codes = CodesPanel(self)
        split = QSplitter(Qt.Horizontal, self)
        for w in (self.docs, self.transcript, self.codes):
            split.addWidget(w)
        split.setSizes([330, 720, 350])
        split.setStretchFactor(1, 1)
        self.setCentralWidget(split)
        self.selection_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.selection_label)
        self._build_actions()
        self.docs.documentChosen.connect(self.show_document)
        self.docs.deleteRequested.connect(self.delete_documents)
        self.docs.model.attributeEdited.connect(self._attribute_edited)
        self.codes.applyRequested.connect(self.apply_code)
        self.codes.createRequested.connect(self.create_code)
        self.codes.renameRequested.connect(self.rename_code)
        self.codes.deleteRequested.connect(self.delete_code)
        self.codes.mergeRequested.connect(self.merge_code)
        self.codes.model.moveRequested.connect(self.move_code)
        self.codes.model.selectionDropped.connect(self._selection_dropped)
        self.transcript.codingClicked.connect(lambda g: self.transcript.select_coding(g))
        self.transcript.cpSelectionChanged.connect(self._selection_changed)
        self.transcript.customContextMenuRequested.connect(self._transcript_menu)
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
        f.addSeparator()
        self.act_import = self._action(f, _("&Import transcripts..."), self.import_transcripts,
                                       "Ctrl+I")
        self.act_cb_in = self._action(f, _("Import code&book (.qdc)..."), self.import_codebook)
        self.act_cb_out = self._action(f, _("E&xport codebook (.qdc)..."), self.export_codebook)
        f.addSeparator()
        self._action(f, _("&Quit"), self.close, QKeySequence.Quit)
        e = bar.addMenu(_("&Edit"))
        self.act_undo = self._action(e, _("&Undo"), self._undo, QKeySequence.Undo)
        self.act_redo = self._action(e, _("&Redo"), self._redo, QKeySequence.Redo)
        e.addSeparator()
        self.act_remove = self._action(e, _("&Remove selected coding"), self.remove_selected,
                                       QKeySequence.Delete)
        v = bar.addMenu(_("&View"))
        self._action(v, _("Zoom &in"), lambda: self.transcript.zoom(1), QKeySequence.ZoomIn)
        self._action(v, _("Zoom &out"), lambda: self.transcript.zoom(-1), QKeySequence.ZoomOut)
        self.act_by_coder = self._action(v, _("Colour codings by &coder"), self._recolour)
        self.act_by_coder.setCheckable(True)
        tools = QToolBar(_("Coder"), self)
        tools.setObjectName("coder-toolbar")
        tools.setMovable(False)
        tools.addWidget(QLabel(_("Coder:") + " ", self))
        self.coder_edit = QLineEdit(self)
        self.coder_edit.setMaximumWidth(180)
        self.coder_edit.setAccessibleName(_("Coder name"))
        self.coder_edit.editingFinished.connect(self._coder_edited)
        tools.addWidget(self.coder_edit)
        tools.addSeparator()
        tools.addWidget(QLabel(_("Show codings of:") + " ", self))
        self.filter_combo = QComboBox(self)
        self.filter_combo.addItem(_("all coders"), FILTER_ALL)
        self.filter_combo.addItem(_("me only"), FILTER_MINE)
        self.filter_combo.currentIndexChanged.connect(self._filter_chosen)
        tools.addWidget(self.filter_combo)
        self.addToolBar(tools)

    # -- session ---------------------------------------------------------------------------
    def set_session(self, session: Session) -> None:
        if self.session is not None:
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
        session.undo_stack.canUndoChanged.connect(self.act_undo.setEnabled)
        session.undo_stack.canRedoChanged.connect(self.act_redo.setEnabled)
        session.undo_stack.undoTextChanged.connect(
            lambda t: self.act_undo.setText(_("&Undo {what}").format(what=t) if t else _("&Undo")))
        session.undo_stack.redoTextChanged.connect(
            lambda t: self.act_redo.setText(_("&Redo {what}").format(what=t) if t else _("&Redo")))
        self.act_undo.setEnabled(False)
        self.act_redo.setEnabled(False)
        self.coder_edit.setText(session.coder_name)
        self.reload_documents()
        self.reload_codes()
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
            self.setWindowTitle(f"{self.session.title} - {self.session.path.name} - Sitat")
        for act in (self.act_import, self.act_cb_in, self.act_cb_out):
            act.setEnabled(self.session is not None)

    def show_error(self, message: str) -> None:
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
        self.docs.model.set_data(columns, rows)
        if self.current_doc and self.docs.model.row_of(self.current_doc) < 0:
            self.current_doc = None
            self.transcript.show_document(None)

    def reload_codes(self) -> None:
        if self.session is None:
            return
        with self.session.read() as s:
            nodes = codetree.code_nodes(s, self.session.visible_coder_ids())
        self.codes.set_nodes(nodes)

    def reload_counts(self) -> None:
        self.reload_codes()
        self.reload_documents()

    def _visible(self, codings: list[wb.ShownCoding]) -> list[wb.ShownCoding]:
        ids = self.session.visible_coder_ids() if self.session else None
        return codings if ids is None else [c for c in codings if c.coder_id in ids]

    def _colour_by(self):
        return coder_colour if self.act_by_coder.isChecked() else code_colour

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
        self.transcript.show_document(content, self._visible(content.codings))
        self.transcript.set_codings(self._visible(content.codings), self._colour_by())

    def _refilter(self) -> None:
        self.reload_codes()
        self._codings_changed(None)

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

    def _coding_removed(self, doc_guid: str, coding_guid: str) -> None:
        if doc_guid == self.current_doc:
            self.transcript.remove_coding(coding_guid)

    def _coding_updated(self, doc_guid: str, shown: wb.ShownCoding) -> None:
        if doc_guid == self.current_doc:
            self.transcript.update_coding(shown)

    def _selection_changed(self, start: int, end: int) -> None:
        if end > start:
            self.selection_label.setText(_("Selected {start}-{end} ({n} characters)").format(
                start=start, end=end, n=end - start))
        else:
            self.selection_label.setText("")

    # -- coding ------------------------------------------------------------------------------
    def apply_code(self, code_guid: str) -> None:
        if self.session is None or not self.current_doc:
            return
        start, end = self.transcript.selection_cp()
        if end <= start:
            self.statusBar().showMessage(_("Select some text in the transcript first."), 6000)
            return
        self._apply(code_guid, self.current_doc, start, end)

    def _apply(self, code_guid: str, doc_guid: str, start: int, end: int) -> None:
        if not self.session.coder_name:
            self.show_error(_("Write your name as coder in the toolbar before coding."))
            return
        with self.session.read() as s:
            name = wb.get_code_by_guid(s, code_guid).name
        if self.session.execute(ApplyCodingCommand(self.session, doc_guid, code_guid, name,
                                                   start, end)):
            self.statusBar().showMessage(_("Coded {n} characters with {code}.").format(
                n=end - start, code=name), 5000)

    def _selection_dropped(self, code_guid: str, doc_guid: str, start: int, end: int) -> None:
        if self.session is not None:
            self._apply(code_guid, doc_guid, start, end)

    def _selected_coding(self) -> wb.ShownCoding | None:
        guid = self.transcript.selected_guid
        return next((c for c in self.transcript.shown_codings() if c.guid == guid), None)

    def remove_selected(self) -> None:
        coding = self._selected_coding()
        if self.session and coding:
            self.session.execute(RemoveCodingCommand(self.session, coding, self.current_doc))

    def _transcript_menu(self, pos) -> None:
        if self.session is None or not self.current_doc:
            return
        menu = QMenu(self)
        start, end = self.transcript.selection_cp()
        guid = self.codes.current_guid()
        if guid and end > start:
            node = self.codes.model.node(self.codes.proxy.mapToSource(
                self.codes.tree.currentIndex()))
            if node and node.codable:
                menu.addAction(_("Code with {name}").format(name=node.name),
                               lambda: self.apply_code(guid))
        for c in self.transcript.codings_at_point(pos):
            sub = menu.addMenu(_("{code} ({coder})").format(code=c.code_name, coder=c.coder_name))
            sub.addAction(_("Select"), lambda c=c: self.transcript.select_coding(c.guid))
            sub.addAction(_("Memo..."), lambda c=c: self.edit_memo(c))
            sub.addAction(_("Remove coding"), lambda c=c: self.session.execute(
                RemoveCodingCommand(self.session, c, self.current_doc)))
        if not menu.isEmpty():
            menu.exec(self.transcript.viewport().mapToGlobal(pos))

    def edit_memo(self, coding: wb.ShownCoding) -> None:
        text, ok = QInputDialog.getMultiLineText(self, _("Memo"), _("Memo on this coding:"),
                                                 coding.memo)
        if ok and text != coding.memo:
            self.session.execute(CodingMemoCommand(self.session, coding, self.current_doc, text))

    # -- codebook edits (each one undoable command) -------------------------------------------
    def _code_edit(self, text: str, operation, scope=lambda s: set()) -> bool:
        return self.session.execute(CodebookCommand(self.session, text, operation, scope))

    def create_code(self, parent_guid: str | None) -> None:
        if self.session is None:
            return
        name, ok = QInputDialog.getText(self, _("New code"), _("Name of the new code:"))
        if not ok or not name.strip():
            return

        def op(s):
            parent = wb.get_code_by_guid(s, parent_guid) if parent_guid else None
            return cb.create_code(s, name, parent, parent.color if parent else None).guid

        self._code_edit(_("New code {name}").format(name=name.strip()), op)

    def rename_code(self, guid: str) -> None:
        with self.session.read() as s:
            old = wb.get_code_by_guid(s, guid).name
        name, ok = QInputDialog.getText(self, _("Rename code"), _("New name:"), text=old)
        if ok and name.strip() and name.strip() != old:
            self._code_edit(_("Rename {old} to {new}").format(old=old, new=name.strip()),
                            lambda s: cb.rename_code(s, wb.get_code_by_guid(s, guid), name))

    def delete_code(self, guid: str) -> None:
        with self.session.read() as s:
            code = wb.get_code_by_guid(s, guid)
            name = code.name
            n = len(list(cb.subtree_ids(s, code.id))) - 1
        nodes = {x.guid: x for x in self.codes.model.nodes()}
        total = nodes[guid].total_codings if guid in nodes else 0
        answer = QMessageBox.question(
            self, _("Delete code"),
            _("Delete {name}, its {children} child codes and {codings} codings? You can undo "
              "this with Edit > Undo.").format(name=name, children=n, codings=total))
        if answer == QMessageBox.Yes:
            self._code_edit(_("Delete {name}").format(name=name),
                            lambda s: cb.delete_code(s, wb.get_code_by_guid(s, guid)),
                            lambda s: codetree.subtree_guids(s, guid))

    def merge_code(self, guid: str) -> None:
        paths = {n.guid: n for n in self.codes.model.nodes() if n.guid != guid and n.codable}
        if not paths:
            return
        with self.session.read() as s:
            all_paths = cb.code_paths(s)
            by_guid = {wb.get_code_by_guid(s, g).guid: all_paths[wb.get_code_by_guid(s, g).id]
                       for g in paths}
        labels = sorted(by_guid.values(), key=str.casefold)
        target, ok = QInputDialog.getItem(self, _("Merge code"),
                                          _("Merge into (its codings move there):"), labels, 0,
                                          False)
        if not ok:
            return
        target_guid = next(g for g, p in by_guid.items() if p == target)
        self._code_edit(_("Merge into {name}").format(name=target),
                        lambda s: cb.merge_codes(s, wb.get_code_by_guid(s, guid),
                                                 wb.get_code_by_guid(s, target_guid)),
                        lambda s: codetree.subtree_guids(s, guid) | {target_guid})

    def move_code(self, guid: str, parent_guid, index: int) -> None:
        def op(s):
            parent = wb.get_code_by_guid(s, parent_guid) if parent_guid else None
            cb.move_code(s, wb.get_code_by_guid(s, guid), parent, index)

        self._code_edit(_("Move code"), op)

    # -- documents ------------------------------------------------------------------------------
    def _attribute_edited(self, doc_guid: str, name: str, value: str) -> None:
        self.session.execute(SetAttributeCommand(self.session, doc_guid, name, value))

    def delete_documents(self, guids: list[str]) -> None:
        from app.views.importer import RemoveDocumentsCommand

        answer = QMessageBox.question(
            self, _("Delete documents"),
            _("Delete {n} document(s) with all their codings? You can undo this with Edit > "
              "Undo.").format(n=len(guids)))
        if answer == QMessageBox.Yes:
            self.session.execute(RemoveDocumentsCommand(self.session, guids))

    def import_transcripts(self) -> None:
        from app.views.importer import ImportRunner

        files, _f = QFileDialog.getOpenFileNames(
            self, _("Import transcripts"), str(Path.home()),
            _("Transcripts (*.txt *.docx *.odt *.md);;All files (*)"))
        if files:
            runner = ImportRunner(self.session, [Path(f) for f in files], self)
            runner.finished.connect(lambda names: self.statusBar().showMessage(
                _("Imported {n} documents.").format(n=len(names)), 8000))
            runner.start()

    # -- files -------------------------------------------------------------------------------------
    def _coder_edited(self) -> None:
        if self.session and self.coder_edit.text().strip() != self.session.coder_name:
            self.session.set_coder_name(self.coder_edit.text())
            settings.set_coder_name(self.session.coder_name)

    def _filter_chosen(self) -> None:
        if self.session:
            self.session.set_filter(self.filter_combo.currentData())

    def new_project(self) -> None:
        from app.views.application import create_project_dialog

        create_project_dialog(self)

    def open_project(self) -> None:
        from app.views.application import open_project_dialog

        open_project_dialog(self)

    def import_codebook(self) -> None:
        from app.core.refi.qdc import parse_qdc

        path, _f = QFileDialog.getOpenFileName(self, _("Import codebook"), str(Path.home()),
                                               _("REFI-QDA codebook (*.qdc);;All files (*)"))
        if not path:
            return
        try:
            roots = parse_qdc(Path(path).read_bytes())
        except OSError as exc:
            self.show_error(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - CodebookError message for the user
            self.show_error(str(exc))
            return
        self._code_edit(_("Import codebook {name}").format(name=Path(path).name),
                        lambda s: cb.import_codebook(s, roots))

    def export_codebook(self) -> None:
        from app.core.refi.qdc import write_qdc

        path, _f = QFileDialog.getSaveFileName(self, _("Export codebook"),
                                               str(Path.home() / "kodebok.qdc"),
                                               _("REFI-QDA codebook (*.qdc)"))
        if not path:
            return
        with self.session.read() as s:
            data = write_qdc(cb.codebook_specs(s))
        try:
            Path(path).write_bytes(data)
        except OSError as exc:
            self.show_error(_("Cannot write {name}: {reason}").format(
                name=Path(path).name, reason=exc.strerror or exc))
            return
        self.statusBar().showMessage(_("Codebook written to {name}.").format(name=path), 8000)

    def closeEvent(self, event) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None
        super().closeEvent(event)
