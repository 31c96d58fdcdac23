"""Project actions of the main window: new, open, open a shared project, open recent, restore
from a backup, how many backups to keep. Which project the window shows is the application's
business: the window asks for it with its projectRequested / newProjectRequested /
sharedProjectRequested signals."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from app.core.project import PROJECT_SUFFIX
from app.errors import SitatError
from app.i18n import _
from app.views import settings
from app.views.window_host import WindowActions

FILE_FILTER = "Sitat (*.sitat)"


class ProjectActions(WindowActions):
    def new_project(self) -> None:
        path, _f = QFileDialog.getSaveFileName(self.window, _("New project"),
                                               str(Path.home() / f"prosjekt{PROJECT_SUFFIX}"),
                                               FILE_FILTER)
        if path:
            target = Path(path)
            if target.suffix != PROJECT_SUFFIX:
                target = target.with_name(target.name + PROJECT_SUFFIX)
            self.window.newProjectRequested.emit(str(target))

    def open_project(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self.window, _("Open project"), str(Path.home()),
                                               FILE_FILTER)
        if path:
            self.window.projectRequested.emit(path)

    def open_shared_project(self, url: str = "") -> None:
        """Ask for a shared project's address and password, and ask the application to open
        it (the window keeps its project when that fails). The password travels only inside
        the location handed over, never as text of its own."""
        from app.views.shared_dialog import SharedProjectDialog, location_with_password

        dialog = SharedProjectDialog(self.window, url)
        try:
            if dialog.exec() != SharedProjectDialog.Accepted:
                return
            try:
                location = location_with_password(dialog.url(), dialog.password())
            except SitatError as exc:
                QMessageBox.warning(self.window, _("Cannot open shared project"), str(exc))
                return
        finally:
            dialog.password_edit.clear()
            dialog.deleteLater()
        self.window.sharedProjectRequested.emit(location)

    def fill_recent_menu(self) -> None:
        from app.core.server import ServerLocation, is_server_url

        menu = self.window.recent_menu
        menu.clear()
        for path in settings.recent_projects():
            name = Path(path).name
            if is_server_url(path):
                try:
                    name = _("{name} (shared)").format(name=ServerLocation.parse(path).name)
                except SitatError:
                    continue
            menu.addAction(name, lambda _c=False, path=path:
                           self.window.projectRequested.emit(path)).setToolTip(path)
        if menu.isEmpty():
            menu.addAction(_("(no recent projects)")).setEnabled(False)

    def restore_from_backup(self) -> None:
        from app.core.backup import list_backups, restore_backup

        if self.session is None:
            return
        path = self.session.path
        backups = list_backups(path)
        if not backups:
            self.window.show_error(_("There are no backups of this project yet."))
            return
        names = [b.name for b in backups]
        chosen, ok = QInputDialog.getItem(self.window, _("Restore from backup"),
                                          _("Backups, newest first:"), names, 0, False)
        if not ok:
            return
        answer = QMessageBox.question(
            self.window, _("Restore from backup"),
            _("Replace the project with {name}? The project as it is now is kept as a backup "
              "first.").format(name=chosen))
        if answer != QMessageBox.Yes:
            return
        self.window.close_session()
        try:
            restore_backup(backups[names.index(chosen)], path)
        except SitatError as exc:
            self.window.show_error(str(exc))
        self.window.projectRequested.emit(str(path))

    def set_backups_kept(self) -> None:
        n, ok = QInputDialog.getInt(
            self.window, _("Backups"), _("How many backups to keep of each project (made when "
                                         "it is opened; 0 turns them off):"),
            int(settings.get("backups_keep", 10)), 0, 100)
        if ok:
            settings.put("backups_keep", n)
