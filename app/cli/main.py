"""The `sitat` entry point: choose the language, parse, run one command, and turn every failure
into `error: ...` and an exit code instead of a traceback."""

from __future__ import annotations

import sys

from app.cli.parser import build_parser
from app.errors import SitatError
from app.i18n import _, set_language


def main(argv: list[str] | None = None) -> int:
    """Run `sitat ARGV` (default: the process's arguments) and return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(_language_from(argv))
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from app.core.codelog import acting_as

    try:
        with acting_as(args.actor):
            return int(args.func(args) or 0)
    except SitatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("error: " + _("interrupted; nothing was changed."), file=sys.stderr)
        return 130
    except Exception as exc:  # last line of defence: never show a traceback for bad input
        from app.core.storage_errors import storage_failure

        message = storage_failure(exc)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        return 1


def _language_from(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
    return None
