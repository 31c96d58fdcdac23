"""Start the GUI: QApplication, language, the main window, and the answers to what the window
asks for: open (or create) a project, show the window again in another language."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.core.project import Project
from app.core.server import ServerLocation, is_server_url
from app.errors import SitatError
from app.i18n import _, set_language
from app.views import settings

def default_coder() -> str:
    """The coder name the user confirmed before (remembered), or "" until someone is asked:
    never the login name, which nobody chose to have on their codings."""
    return settings.coder_name()


def open_session(path, parent: QWidget | None = None):
    """A Session on `path` (a project file, or a shared project's URL or location), or None
    after telling the user why it cannot be opened."""
    from app.views.session import Session

    if is_server_url(path):
        return open_shared_session(path, parent)
    path = Path(path)
    try:
        project = Project.open(path, program=_("Sitat (window)"))
    except SitatError as exc:
        from app.core.files.own import DiskFull
        from app.core.locking import read_lock
        from app.core.project_file import ProjectReadOnly

        holder = read_lock(Path(path)) if Path(path).exists() else None
        in_use = holder is not None and holder.alive()
        if in_use or isinstance(exc, (ProjectReadOnly, DiskFull)):
            title = _("The project is in use") if in_use else _("The project cannot be changed")
            answer = QMessageBox.question(
                parent, title,
                str(exc) + "\n\n" + _("Open it read-only now? You can read, search and export, "
                                       "but not change it."))
            if answer == QMessageBox.Yes:
                try:
                    return Session(Project.open(path, read_only=True), default_coder())
                except SitatError as again:
                    exc = again
            else:
                return None
        QMessageBox.warning(parent, _("Cannot open project"), str(exc))
        if not Path(path).exists():
            settings.remove_recent(path)
        return None
    from app.core.backup import rotate_backup

    try:
        rotate_backup(project, keep=int(settings.get("backups_keep", 10)))
    except (SitatError, ValueError) as exc:  # a backup that cannot be made must not block work
        QMessageBox.warning(parent, _("No backup made"), str(exc))
    settings.add_recent(path)
    return Session(project, default_coder())


def open_shared_session(target, parent: QWidget | None = None):
    """A Session on a shared project (a URL, or a location that may carry a password in
    memory), or None after saying why not; the password is in no message and no setting.
    A shared project gets no backup file: the server keeps its backups."""
    from app.views.session import Session
    from app.views.shared_dialog import scrub

    password = ""
    try:
        location = ServerLocation.parse(target)
        password = location.url.password or ""
        project = Project.open(location, program=_("Sitat (window)"))
    except SitatError as exc:
        QMessageBox.warning(parent, _("Cannot open shared project"),
                            scrub(str(exc), password)
                            + ("\n\n" + _("The project that was open stays open.")
                               if getattr(parent, "session", None) is not None else ""))
        return None
    settings.add_recent(location)
    return Session(project, member_coder(project) or default_coder())


def member_coder(project) -> str:
    """The coder a shared project's server links this login to (`sitat server grant
    --coder`): a team member codes under that name, the only one the server lets them write
    as. "" for the owner or a member without a coder."""
    from app.core.server.members import linked_coder

    return linked_coder(project)


def create_session(target: Path, parent: QWidget | None = None):
    """A Session on a new project at `target`, or None after telling the user why not."""
    from app.views.session import Session

    try:
        project = Project.create(target)
    except SitatError as exc:
        QMessageBox.warning(parent, _("Cannot create project"), str(exc))
        return None
    settings.add_recent(target)
    return Session(project, default_coder())


def new_window():
    """A main window whose requests this module answers: open another project or a new one
    (the window then shows it), or show the window again in another language."""
    from app.views.main_window import MainWindow

    window = MainWindow()

    def show(session) -> None:
        if session is not None:
            window.set_session(session)

    window.projectRequested.connect(lambda path: show(open_session(path, window)))
    window.sharedProjectRequested.connect(
        lambda location: show(open_shared_session(location, window)))
    window.newProjectRequested.connect(lambda path: show(create_session(Path(path), window)))
    window.languageChanged.connect(lambda code: replace_window(window, code))
    return window


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Sitat")
    app.setOrganizationName("Sitat")
    from app.i18n import current_language
    from app.views import qt_translation

    qt_translation.install(current_language())
    return app


def replace_window(window, language: str):
    """Show the window again in another language, keeping the open project and its undo
    history (the session moves to the new window)."""
    from app.views import qt_translation

    set_language(language)
    qt_translation.install(language)
    session, window.session = window.session, None
    new = new_window()
    new.setGeometry(window.geometry())
    if session is not None:
        new.set_session(session)
        if window.current_doc:
            new.docs.select(window.current_doc)
    new.show()
    window.close()
    QApplication.instance().setProperty("sitat_window", new)
    return new


def run(path: Path | None = None, screenshot: Path | None = None) -> int:
    """Open the main window on `path` (or the last project); returns the exit code. With
    `screenshot`, save a picture of the window there once it is on screen, and quit."""
    from app.views.window_layout import place_on_screen

    from app.views import error_hook

    set_language(settings.language())
    app = make_app()
    error_hook.install()
    from app.core.search.lexicon import warm_in_background

    warm_in_background()  # the first search on a new machine then finds it ready
    window = new_window()
    place_on_screen(window)
    path = path or settings.last_project()
    if path is not None:
        session = open_session(Path(path), window)
        if session is not None:
            window.set_session(session)
    window.show()
    app.setProperty("sitat_window", window)
    if screenshot is not None:
        _screenshot_when_shown(window, screenshot)
    elif window.session is not None and not settings.coder_name():
        window.coding_actions.choose_coder()  # first start: who is coding? (remembered)
    if window.session is None:
        window.statusBar().showMessage(
            _("Open a project (File > Open project) or create one (File > New project)."))
    return app.exec()


def _screenshot_when_shown(window, target: Path, waited_ms: int = 0) -> None:
    """Once the window is exposed on the screen (and has painted), save what the screen shows
    of it - the display server's own pixels where there is one - to `target`, then quit."""
    from PySide6.QtCore import QTimer

    handle = window.windowHandle()
    if (handle is None or not handle.isExposed()) and waited_ms < 10000:
        QTimer.singleShot(100, lambda: _screenshot_when_shown(window, target, waited_ms + 100))
        return

    def grab() -> None:
        app = QApplication.instance()
        if app.platformName() in ("offscreen", "minimal"):
            picture = window.grab()
        else:
            picture = window.screen().grabWindow(window.winId())
        ok = not picture.isNull() and picture.save(str(target))
        if not ok:
            print(_("Could not save a picture of the window to {path}.").format(path=target),
                  file=sys.stderr)
        window.close()
        app.exit(0 if ok else 1)

    QTimer.singleShot(800, grab)  # let the window paint before the picture is taken
