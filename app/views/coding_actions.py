"""Coding and document actions of the main window: who is coding, apply a code to the selection
(also by quick key, or to every search hit), snap the selection, remove and annotate codings,
edit attributes, import and delete documents. Changes are undoable commands."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox

from app.core import snapping
from app.core import workbench as wb
from app.i18n import _, counts
from app.views import settings
from app.views.commands.coding import ApplyCodingCommand, CodingMemoCommand, RemoveCodingCommand
from app.views.commands.documents import RemoveDocumentsCommand, SetAttributeCommand
from app.views.dialogs import CoderDialog
from app.views.window_host import WindowActions


class CodingActions(WindowActions):
    def __init__(self, window) -> None:
        super().__init__(window)
        # Import runners are kept until they report back: a worker whose Python object is
        # collected while its thread runs would crash the program.
        self._import_runners: set = set()

    # -- who codes ----------------------------------------------------------------------
    def choose_coder(self) -> bool:
        """Ask who is coding (remembered for the next start); False if cancelled."""
        if self.session is None:
            return False
        names = [c.name for c in self.session.coders()]
        dlg = CoderDialog(names, self.session.coder_name, self.window)
        if dlg.exec() and dlg.name():
            self.session.set_coder_name(dlg.name())
            settings.set_coder_name(dlg.name())
            return True
        return False

    # -- applying codes ------------------------------------------------------------------
    def apply_code(self, code_guid: str) -> bool:
        if self.session is None or not self.current_doc:
            return False
        start, end = self.transcript.selection_cp()
        if end <= start:
            self.status(_("Select some text in the transcript first."), 6000)
            return False
        return self._apply(code_guid, self.current_doc, start, end)

    def _apply(self, code_guid: str, doc_guid: str, start: int, end: int) -> bool:
        if not self.session.coder_name and not self.choose_coder():
            return False
        # the names as this window shows them: the command names them if someone else
        # deleted the code or the document meanwhile
        node = next((n for n in self.window.codes.model.nodes() if n.guid == code_guid), None)
        row = self.window.docs.model.row_of(doc_guid)
        doc_name = self.window.docs.model.rows[row].name if row >= 0 else ""
        if node is not None:
            name = node.name
        else:
            with self.session.read() as s:
                name = wb.get_code_by_guid(s, code_guid).name
        if self.session.execute(ApplyCodingCommand(self.session, doc_guid, code_guid, name,
                                                   start, end, doc_name)):
            self.status(_("Coded {characters} with {code}.").format(
                characters=counts.characters(end - start), code=name), 5000)
            return True
        return False

    def quick_key(self, number: int) -> None:
        pinned = self.window.codes.model.pinned
        if self.session is None or number > len(pinned):
            self.status(_("No code is pinned to key {n}. Right-click a code and choose Pin.")
                        .format(n=number))
            return
        self.apply_code(pinned[number - 1])

    def code_clicked(self, code_guid: str) -> None:
        """A click on a code codes the selected text, if any (the selection is then cleared so
        a second click does not code it twice); it also lists the code's segments."""
        start, end = self.transcript.selection_cp()
        if self.current_doc and end > start and self.apply_code(code_guid):
            cursor = self.transcript.textCursor()
            cursor.clearSelection()
            self.transcript.setTextCursor(cursor)

    def selection_dropped(self, code_guid: str, doc_guid: str, start: int, end: int) -> None:
        if self.session is not None:
            self._apply(code_guid, doc_guid, start, end)

    def snap_words(self) -> None:
        start, end = self.transcript.selection_cp()
        if end > start:
            self.transcript.select_cp(*snapping.snap_to_words(self.transcript.text, start, end),
                                      reveal=False)

    def snap_turn(self) -> None:
        start, end = self.transcript.selection_cp()
        turns = [(t.start, t.end) for t in self.transcript.turns]
        if end <= start:  # no selection: the turn under the cursor
            end = start
        a, b = snapping.snap_to_turns(turns, start, end)
        if b > a:
            self.transcript.select_cp(a, b, reveal=False)

    def code_all_hits(self) -> None:
        """Code every hit of the search with the code chosen in the tree (one undoable step)."""
        from app.core.codebook import code_paths

        if not self.session or not self.current_code:
            self.status(_("Select the code to use in the code tree first."))
            return
        if not self.session.coder_name and not self.choose_coder():
            return
        with self.session.read() as s:
            path = code_paths(s)[wb.get_code_by_guid(s, self.current_code).id]
        self.window.search.code_all_hits(path)

    # -- codings ------------------------------------------------------------------------------
    def _selected_coding(self) -> wb.ShownCoding | None:
        guid = self.transcript.selected_guid
        return next((c for c in self.transcript.shown_codings() if c.guid == guid), None)

    def remove_selected(self) -> None:
        coding = self._selected_coding()
        if self.session and coding:
            self.session.execute(RemoveCodingCommand(self.session, coding, self.current_doc))
        elif self.session:
            self.status(_("Select a coding first: click its bar in the margin or Ctrl+click the "
                          "highlight."), 6000)

    def memo_selected(self) -> None:
        coding = self._selected_coding()
        if coding:
            self.edit_memo(coding)

    def edit_memo(self, coding: wb.ShownCoding) -> None:
        text, ok = QInputDialog.getMultiLineText(self.window, _("Memo"),
                                                 _("Memo on this coding:"), coding.memo)
        if ok and text != coding.memo:
            self.session.execute(CodingMemoCommand(self.session, coding, self.current_doc, text))

    def transcript_menu(self, pos) -> None:
        if self.session is None or not self.current_doc:
            return
        menu = QMenu(self.window)
        start, end = self.transcript.selection_cp()
        if end > start:
            codes = self.window.codes.model
            nodes = {n.guid: n for n in codes.nodes()}
            for i, guid in enumerate(codes.pinned):
                if guid in nodes:
                    menu.addAction(_("Code with {name}").format(name=nodes[guid].name)
                                   + f"\t{i + 1}", lambda g=guid: self.apply_code(g))
            current = nodes.get(self.current_code or "")
            if current and current.codable and current.guid not in codes.pinned:
                menu.addAction(_("Code with {name}").format(name=current.name),
                               lambda g=current.guid: self.apply_code(g))
            menu.addAction(_("Snap selection to whole words"), self.snap_words)
            menu.addAction(_("Snap selection to the whole speaker turn"), self.snap_turn)
            menu.addSeparator()
        for c in self.transcript.codings_at_point(pos):
            sub = menu.addMenu(_("{code} ({coder})").format(code=c.code_name, coder=c.coder_name))
            sub.addAction(_("Select"), lambda c=c: self.transcript.select_coding(c.guid))
            sub.addAction(_("Memo..."), lambda c=c: self.edit_memo(c))
            sub.addAction(_("Remove coding"), lambda c=c: self.session.execute(
                RemoveCodingCommand(self.session, c, self.current_doc)))
        if not menu.isEmpty():
            menu.exec(self.transcript.viewport().mapToGlobal(pos))

    # -- documents ------------------------------------------------------------------------------
    def attribute_edited(self, doc_guid: str, name: str, value: str) -> None:
        self.session.execute(SetAttributeCommand(self.session, doc_guid, name, value))

    def delete_documents(self, guids: list[str]) -> None:
        answer = QMessageBox.question(
            self.window, _("Delete documents"),
            _("Delete {documents} with all their codings? You can undo this with Edit > "
              "Undo.").format(documents=counts.documents(len(guids))))
        if answer == QMessageBox.Yes:
            self.session.execute(RemoveDocumentsCommand(self.session, guids))

    def import_transcripts(self) -> None:
        files, _f = QFileDialog.getOpenFileNames(
            self.window, _("Import transcripts"), str(Path.home()),
            _("Transcripts (*.txt *.docx *.odt *.md);;All files (*)"))
        if files:
            self.import_files([Path(f) for f in files])

    def import_files(self, paths: list[Path]):
        """Import files (menu or dropped on the document list) off the GUI thread."""
        from app.views.importer import ImportRunner

        if self.session is None:
            return None
        runner = ImportRunner(self.session, paths, self.window)
        running = self._import_runners
        running.add(runner)
        for signal in (runner.finished, runner.failed, runner.cancelled):
            signal.connect(lambda *_a, r=runner: running.discard(r))
        runner.finished.connect(lambda names: self.status(
            _("Imported {documents}.").format(documents=counts.documents(len(names))), 8000))
        runner.start()
        return runner
