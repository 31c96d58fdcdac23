"""The `sitat` entry point: choose the language, parse, run one command, and turn every failure
into `error: ...` and an exit code instead of a traceback (an unexpected one is written to a
private log file whose path the message gives)."""

from __future__ import annotations

import os
import sys
import traceback
from datetime import datetime
from pathlib import Path

from app.cli.common import check_text_args, printable
from app.cli.parser import build_parser
from app.errors import SitatError
from app.i18n import _, set_language


def main(argv: list[str] | None = None) -> int:
    """Run `sitat ARGV` (default: the process's arguments) and return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _run(argv)
    except SitatError as exc:
        _error(str(exc))
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        _quiet_stdout()
        return 0
    except KeyboardInterrupt:
        _error(_("interrupted; nothing was changed."))
        return 130
    except Exception as exc:  # last line of defence: never a traceback
        from app.core.storage_errors import storage_failure

        message = storage_failure(exc)
        if message is None and isinstance(exc, OSError):
            message = _file_failure(exc)
        if message is None:
            message = _unexpected(exc, argv)
        _error(message)
        return 1


def _run(argv: list[str]) -> int:
    set_language(_language_from(argv))
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    check_text_args(args)
    from app.core.codelog import acting_as

    with acting_as(args.actor):
        return int(args.func(args) or 0)


def _error(message: str) -> None:
    """`error: MESSAGE` on one line of stderr (control characters and stray bytes shown as
    escapes)."""
    try:
        print("error: " + printable(message), file=sys.stderr)
    except (OSError, ValueError):  # stderr closed or gone: the exit code still tells
        pass


def _quiet_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the interpreter's final flush is
    silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _file_failure(exc: OSError) -> str:
    """A file the system would not let us read or write (a full disk, no permission)."""
    from app.core.files.own import is_full

    reason = _("the disk is full") if is_full(exc) else (exc.strerror or str(exc))
    if exc.filename is None:
        return _("A file could not be read or written: {reason}").format(reason=reason)
    return _("Could not read or write {name}: {reason}").format(name=str(exc.filename),
                                                                reason=reason)


def log_folder() -> Path:
    """Where unexpected failures are logged: `$XDG_CACHE_HOME/sitat/logs` (~/.cache/...)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sitat" / "logs"


def _unexpected(exc: BaseException, argv: list[str]) -> str:
    """Write the traceback to a new private log file; the short message naming it."""
    problem = printable(f"{type(exc).__name__}: {exc}")[:200]
    log = write_log(exc, argv)
    if log is None:
        return _("an unexpected problem stopped Sitat ({problem}); the details could not be "
                 "saved.").format(problem=problem)
    return _("an unexpected problem stopped Sitat ({problem}). The details are in {log}; "
             "please send that file with a report.").format(problem=problem, log=str(log))


def write_log(exc: BaseException, argv: list[str]) -> Path | None:
    """The traceback of `exc` in `sitat-YYYYmmdd-HHMMSS-PID.log` of `log_folder()` - a folder
    only this user can write (0700), the file made exclusively, 0600, never through a link -
    or in a new private temporary file when that folder cannot be trusted. None if neither."""
    from app.core.files.own import private_folder, write_exclusive

    body = "".join([
        f"sitat {datetime.now().isoformat(timespec='seconds')} pid {os.getpid()}\n",
        "argv: " + " ".join(printable(a) for a in argv) + "\n\n",
        *traceback.format_exception(exc),
    ]).encode("utf-8", "backslashreplace")
    name = f"sitat-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}"
    folder = log_folder()
    try:
        if private_folder(folder):
            for n in range(1, 100):
                path = folder / (name + ("" if n == 1 else f"-{n}") + ".log")
                try:
                    write_exclusive(path, body, 0o600)
                    return path
                except FileExistsError:
                    continue
    except OSError:
        pass
    try:
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=name + "-", suffix=".log")  # 0600, exclusive
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
        return Path(tmp)
    except OSError:
        return None


def _language_from(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
    return None
