"""Codebook edits of the main window: create, edit definition and colour, rename, move, merge,
delete, pin for quick keys, import and export .qdc. Each edit is one undoable command."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from app.core import codebook as cb
from app.core import codebook_io as cbio
from app.core import codetree
from app.core import workbench as wb
from app.errors import SitatError
from app.i18n import _, counts
from app.views import settings
from app.views.commands.codes import CodebookCommand
from app.views.dialogs import CodeDialog, CodeFields
from app.views.window_host import WindowActions

NEW_CODE_COLOURS = ["#C0392B", "#2E86C1", "#8E44AD", "#D68910", "#17A589", "#1F618D", "#28B463",
                    "#E74C3C", "#F1C40F", "#7F8C8D"]


class CodeActions(WindowActions):
    def code_edit(self, text: str, operation, scope=lambda s: set()) -> bool:
        return self.session.execute(CodebookCommand(self.session, text, operation, scope))

    def _ask_code(self, fields: CodeFields, title: str) -> CodeFields | None:
        dlg = CodeDialog(fields, title, self.window)
        return dlg.fields() if dlg.exec() else None

    def create_code(self, parent_guid: str | None) -> None:
        if self.session is None:
            return
        with self.session.read() as s:
            parent = wb.get_code_by_guid(s, parent_guid) if parent_guid else None
            count = len(cb.code_paths(s))
            colour = parent.color if parent else NEW_CODE_COLOURS[count % len(NEW_CODE_COLOURS)]
        fields = self._ask_code(CodeFields("", colour), _("New code"))
        if fields is None or not fields.name:
            return

        def op(s):
            parent = wb.get_code_by_guid(s, parent_guid) if parent_guid else None
            code = cb.create_code(s, fields.name, parent, fields.colour, fields.description,
                                  fields.codable)
            cb.update_code(s, code, inclusion=fields.inclusion, exclusion=fields.exclusion,
                           example=fields.example)
            return code.guid

        self.code_edit(_("New code {name}").format(name=fields.name), op)

    def edit_code(self, guid: str) -> None:
        with self.session.read() as s:
            c = wb.get_code_by_guid(s, guid)
            before = CodeFields(c.name, c.color, c.description, c.inclusion, c.exclusion,
                                c.example, bool(c.codable))
        fields = self._ask_code(before, _("Edit code {name}").format(name=before.name))
        if fields is None or fields == before:
            return
        self.code_edit(  # checked against `before`: someone else may have saved meanwhile
            _("Edit code {name}").format(name=fields.name),
            lambda s: cb.save_definition(s, self._still_there(s, guid, before.name),
                                         asdict(before), asdict(fields)))

    @staticmethod
    def _still_there(s, guid: str, name: str):
        from app.core.coding import code_still_there

        return code_still_there(s, guid, name, coding=False)

    def rename_code(self, guid: str) -> None:
        with self.session.read() as s:
            old = wb.get_code_by_guid(s, guid).name
        name, ok = QInputDialog.getText(self.window, _("Rename code"), _("New name:"), text=old)
        if ok and name.strip() and name.strip() != old:
            self.code_edit(_("Rename {old} to {new}").format(old=old, new=name.strip()),
                           lambda s: cb.save_definition(s, self._still_there(s, guid, old),
                                                        {"name": old}, {"name": name.strip()}))

    def delete_code(self, guid: str) -> None:
        with self.session.read() as s:
            code = wb.get_code_by_guid(s, guid)
            name = code.name
            children = len(cb.subtree_ids(s, code.id)) - 1
        with self.session.read() as s:
            total = next((n.total_codings for n in codetree.code_nodes(s) if n.guid == guid), 0)
        answer = QMessageBox.question(
            self.window, _("Delete code"),
            _("Delete {name}, its {children} and {codings}? You can undo this with Edit > "
              "Undo.").format(name=name, children=counts.child_codes(children),
                              codings=counts.codings(total)))
        if answer == QMessageBox.Yes:
            self.code_edit(_("Delete {name}").format(name=name),
                           lambda s: cb.delete_code(s, wb.get_code_by_guid(s, guid)),
                           lambda s: codetree.subtree_guids(s, guid))

    def merge_code(self, guid: str) -> None:
        with self.session.read() as s:
            paths = cb.code_paths(s)
            source = wb.get_code_by_guid(s, guid)
            inside = cb.subtree_ids(s, source.id)
            targets = {paths[c.id]: c.guid for c in cb.ordered_codes(s)
                       if c.codable and c.id not in inside}
        if not targets:
            return
        label, ok = QInputDialog.getItem(
            self.window, _("Merge code"),
            _("Merge {name} into (its codings move there):").format(name=paths[source.id]),
            sorted(targets, key=str.casefold), 0, False)
        if ok:
            self.merge_into(guid, targets[label])

    def merge_into(self, guid: str, target_guid: str) -> bool:
        with self.session.read() as s:
            name = wb.get_code_by_guid(s, target_guid).name
        return self.code_edit(
            _("Merge into {name}").format(name=name),
            lambda s: cb.merge_codes(s, wb.get_code_by_guid(s, guid),
                                     wb.get_code_by_guid(s, target_guid)),
            lambda s: codetree.subtree_guids(s, guid) | {target_guid})

    def move_code(self, guid: str, parent_guid, index: int) -> None:
        def op(s):
            parent = wb.get_code_by_guid(s, parent_guid) if parent_guid else None
            cb.move_code(s, wb.get_code_by_guid(s, guid), parent, index)

        self.code_edit(_("Move code"), op)

    # -- quick keys ----------------------------------------------------------------------------
    def toggle_pin(self, guid: str) -> None:
        pinned = list(self.window.codes.model.pinned)
        if guid in pinned:
            pinned.remove(guid)
        elif len(pinned) >= 9:
            self.window.show_error(_("Nine codes are pinned already; unpin one first."))
            return
        else:
            pinned.append(guid)
        self.window.codes.model.set_pinned(pinned)
        settings.set_pinned_codes(self.session.project.id, pinned)

    # -- codebook files --------------------------------------------------------------------------
    def import_codebook(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self.window, _("Import codebook"),
                                               str(Path.home()),
                                               _("REFI-QDA codebook (*.qdc);;All files (*)"))
        if path:
            self.import_codebook_file(Path(path))

    def fill_bundled_menu(self) -> None:
        """The codebooks shipped with Sitat (app/data/codebooks), each imported by a click."""
        from app.core.bundled import codebooks

        titles = {"ti-kjennetegn": _("The ten characteristics of a good service"),
                  "oslo-intervjuguide": _("Oslo interview guide: 13 themes"),
                  "ks-brukerundersokelse": _("KS user survey: 7 themes")}
        menu = self.window.bundled_menu
        menu.clear()
        for name, path in codebooks().items():
            menu.addAction(f"{titles.get(name, name)} ({name}.qdc)",
                           lambda _c=False, p=path: self.import_codebook_file(p))

    def import_codebook_file(self, path: Path) -> bool:
        from app.core.codesets import import_code_groups
        from app.core.refi.qdc import read_codebook_file

        try:
            roots, sets = read_codebook_file(path)  # an ordinary file only, never a pipe
        except SitatError as exc:
            self.window.show_error(str(exc))
            return False

        def operation(s):
            report = cbio.import_codebook(s, roots)
            import_code_groups(s, sets, roots=roots)
            return report

        return self.code_edit(_("Import codebook {name}").format(name=path.name), operation)

    def export_codebook(self) -> None:
        from app.core.refi.qdc import write_qdc

        path, _f = QFileDialog.getSaveFileName(self.window, _("Export codebook"),
                                               str(Path.home() / "kodebok.qdc"),
                                               _("REFI-QDA codebook (*.qdc)"))
        if not path:
            return
        from app.core.codesets import code_groups

        with self.session.read() as s:
            data = write_qdc(cbio.codebook_specs(s), sets=code_groups(s))
        try:
            Path(path).write_bytes(data)
        except OSError as exc:
            self.window.show_error(_("Cannot write {name}: {reason}").format(
                name=Path(path).name, reason=exc.strerror or exc))
            return
        self.status(_("Codebook written to {name}.").format(name=path), 8000)
