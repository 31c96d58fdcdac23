"""Where a command may write the files a user names, checked before anything is written or
changed: never onto the project, the files SQLite and Sitat keep beside it (-wal, -shm,
-journal, .lock), its backups or a file the same command reads - not through a symbolic or a
hard link either - and only into a folder that exists and can be written. `staged_outputs`
then writes every output beside its target and moves them all into place at the end, so a
command that fails halfway leaves no file behind and changes nothing."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from app.errors import InvalidInput
from app.i18n import _

PathArg = str | os.PathLike
_COMPANIONS = ("-wal", "-shm", "-journal")
_SIMPLE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")


def _real(path: PathArg) -> str:
    return os.path.realpath(os.path.abspath(path))


def _ident(path: PathArg) -> tuple[int, int] | None:
    """(device, inode) of what `path` leads to (through links), or None when nothing is there."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


class _Protected:
    """The files a command must not write to, by real path and by (device, inode)."""

    def __init__(self, project: PathArg | None, inputs: Iterable[PathArg | None]):
        self.project = Path(project) if project is not None else None
        self.by_real: dict[str, str] = {}
        self.by_ident: dict[tuple[int, int], str] = {}
        self.backup_folders: set[str] = set()
        self.project_folders: set[str] = set()
        self.backup_name: re.Pattern | None = None
        if self.project is not None:
            self._add_project(self.project)
        for item in inputs:
            if item is not None and str(item):
                self._add(item, "input")

    def _add(self, path: PathArg, kind: str) -> None:
        self.by_real.setdefault(_real(path), kind)
        ident = _ident(path)
        if ident is not None:
            self.by_ident.setdefault(ident, kind)

    def _add_project(self, project: Path) -> None:
        from app.core.backup import backups_folder, list_backups
        from app.core.locking import lock_path
        from app.core.project import PROJECT_SUFFIX

        for base in {os.path.abspath(project), _real(project)}:
            self._add(base, "project")
            for end in _COMPANIONS:
                self._add(base + end, "companion")
            self._add(lock_path(Path(base)), "companion")
            self.backup_folders.add(_real(backups_folder(Path(base))))
            self.project_folders.add(os.path.dirname(base))
        self.backup_name = re.compile(re.escape(f"{project.stem}.backup-") + r"\d{8}-\d{6}(-\d+)?"
                                      + re.escape(PROJECT_SUFFIX))
        for backup in list_backups(project):
            self._add(backup, "backup")
        for folder in self.project_folders:
            try:
                names = [e.name for e in os.scandir(folder)]
            except OSError:
                continue
            for name in names:
                if self.backup_name.fullmatch(name):
                    self._add(os.path.join(folder, name), "backup")

    def kind_of(self, out: PathArg) -> str | None:
        """What `out` would overwrite ('project', 'companion', 'backup', 'input') or None."""
        real = _real(out)
        kind = self.by_real.get(real)
        if kind is None:
            ident = _ident(out)
            kind = self.by_ident.get(ident) if ident is not None else None
        if kind is None and os.path.dirname(real) in self.backup_folders:
            kind = "backup"
        if (kind is None and self.backup_name is not None
                and os.path.dirname(real) in self.project_folders
                and self.backup_name.fullmatch(os.path.basename(real))):
            kind = "backup"
        return kind

    def message(self, kind: str, out: PathArg) -> str:
        name, project = str(out), str(self.project)
        if kind == "project":
            return _("{name} is (or leads to) the project file {project}; writing there would "
                     "destroy the project. Choose another file.").format(name=name,
                                                                         project=project)
        if kind == "companion":
            return _("{name} is a file SQLite or Sitat keeps beside the project {project}; "
                     "writing there would damage the project. Choose another file.").format(
                         name=name, project=project)
        if kind == "backup":
            return _("{name} is a backup of the project {project} (or lies among its "
                     "backups); choose another file.").format(name=name, project=project)
        return _("{name} is also read by this command; choose another file for the "
                 "output.").format(name=name)


def _check_folder_writable(folder: str, shown: str) -> None:
    if not os.path.isdir(folder):
        if os.path.lexists(folder):
            raise InvalidInput(_("{folder} is not a folder.").format(folder=shown))
        raise InvalidInput(_("The folder {folder} does not exist.").format(folder=shown))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InvalidInput(_("The folder {folder} cannot be written to.").format(folder=shown))


def check_outputs(outputs: Iterable[PathArg | None], project: PathArg | None = None,
                  inputs: Iterable[PathArg | None] = (), make_folders: bool = False
                  ) -> list[Path]:
    """Refuse (InvalidInput, naming the file) any of `outputs` that is the `project`, a file
    beside it that SQLite or Sitat keeps, one of its backups, one of `inputs`, given twice, a
    folder or another odd file, or in a folder that is missing (unless `make_folders`: then
    its nearest existing parent) or cannot be written. `None` entries (an option not given)
    are skipped. Nothing is written. Returns the outputs."""
    guard = _Protected(project, inputs)
    seen_real: set[str] = set()
    seen_ident: set[tuple[int, int]] = set()
    checked: list[Path] = []
    for out in outputs:
        if out is None:
            continue
        if not str(out).strip():
            raise InvalidInput(_("An output file needs a name."))
        kind = guard.kind_of(out)
        if kind is not None:
            raise InvalidInput(guard.message(kind, out))
        real, ident = _real(out), _ident(out)
        if real in seen_real or (ident is not None and ident in seen_ident):
            raise InvalidInput(_("{name} is given for two outputs; choose a different file for "
                                 "each.").format(name=str(out)))
        seen_real.add(real)
        if ident is not None:
            seen_ident.add(ident)
        path = Path(out)
        if os.path.isdir(path):
            raise InvalidInput(_("Cannot write {name}: {reason}").format(
                name=path.name, reason=_("This is a folder, not a file.")))
        if os.path.exists(path) and not stat.S_ISREG(os.stat(path).st_mode):
            raise InvalidInput(_("Cannot write {name}: {reason}").format(
                name=path.name, reason=_("it is not a regular file.")))
        parent = os.path.dirname(os.path.abspath(path))
        shown = str(path.parent)
        if make_folders:
            while not os.path.lexists(parent) and os.path.dirname(parent) != parent:
                parent = shown = os.path.dirname(parent)
        _check_folder_writable(parent, shown)
        checked.append(path)
    return checked


def check_output_folder(folder: PathArg, project: PathArg | None = None) -> Path:
    """A folder a command will write new files into (created when missing): refused when it is
    a file, lies among the project's backups, or it (or, when missing, its nearest existing
    parent) cannot be written. The files themselves are checked with `check_outputs`."""
    path = Path(folder)
    if not str(folder).strip():
        raise InvalidInput(_("An output folder needs a name."))
    guard = _Protected(project, ())
    if _real(path) in guard.backup_folders or guard.kind_of(path) is not None:
        raise InvalidInput(_("{folder} holds the project's backups or is the project; choose "
                             "another folder.").format(folder=str(path)))
    existing = shown = os.path.abspath(path)
    while not os.path.lexists(existing) and os.path.dirname(existing) != existing:
        existing = shown = os.path.dirname(existing)
    _check_folder_writable(existing, str(path) if existing == os.path.abspath(path) else shown)
    return path


class StagedOutputs:
    """Temporary files beside each output (named as `save_atomic` names its own, so a killed
    run's leftovers are cleaned up later), moved into place together by `commit`."""

    def __init__(self) -> None:
        self._temps: dict[Path, Path] = {}

    def path(self, out: PathArg) -> Path:
        """Where to write `out` for now (the same temporary path when asked again)."""
        out = Path(out)
        if out not in self._temps:
            suffix = out.suffix if _SIMPLE_SUFFIX.fullmatch(out.suffix) else ""
            try:
                fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".sitat-{os.getpid()}-",
                                           suffix=suffix)
            except OSError as exc:
                raise InvalidInput(_("Cannot write {name}: {reason}").format(
                    name=out.name, reason=exc.strerror or exc)) from exc
            os.close(fd)
            self._temps[out] = Path(tmp)
        return self._temps[out]

    def commit(self) -> list[Path]:
        """Move every written output into place; returns them in the order they were staged."""
        from app.core.files.atomic import _file_mode  # the mode a plain save would give

        done = []
        for out, tmp in list(self._temps.items()):
            try:
                os.chmod(tmp, _file_mode(out))
                os.replace(tmp, out)  # replaces a link at `out` itself, never its target
            except OSError as exc:
                raise InvalidInput(_("Cannot write {name}: {reason}").format(
                    name=out.name, reason=exc.strerror or exc)) from exc
            del self._temps[out]
            done.append(out)
        return done

    def discard(self) -> None:
        for tmp in self._temps.values():
            try:
                os.unlink(tmp)
            except OSError:
                pass
        self._temps.clear()


@contextmanager
def staged_outputs(outputs: Iterable[PathArg | None], project: PathArg | None = None,
                   inputs: Iterable[PathArg | None] = ()) -> Iterator[StagedOutputs]:
    """Check `outputs` (see `check_outputs`), then give a `StagedOutputs` to write them
    through; whatever was not committed when the block ends is removed again."""
    check_outputs(outputs, project=project, inputs=inputs)
    staged = StagedOutputs()
    try:
        yield staged
    finally:
        staged.discard()
