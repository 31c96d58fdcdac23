"""The window's entry point, installed as `sitat-gui` (and run by main.py in a checkout):
`sitat-gui [PROJECT.sitat] [--demo] [--screenshot FILE.png]`. Without a display it says so and
writes the demo's output instead."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def has_display() -> bool:
    """True when Qt can show a window: a display server, or a platform chosen explicitly."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    from app.i18n import _, set_language

    set_language(None)
    parser = argparse.ArgumentParser(prog="sitat-gui", description=_("Open Sitat's window."))
    parser.add_argument("project", nargs="?", help=_("project file to open"))
    parser.add_argument("--demo", action="store_true",
                        help=_("open the bundled sample project (built on first use)"))
    parser.add_argument("--screenshot", metavar="FILE.png",
                        help=_("open the window, save a picture of it to this file and close "
                               "it again (to check that the window works on this computer)"))
    args = parser.parse_args(argv)

    if not has_display():
        from app.core.demo import run_demo

        print(_("No display found (DISPLAY and WAYLAND_DISPLAY are not set), so Sitat's window "
                "cannot open. Producing the demo output instead."))
        try:
            print(run_demo().message)
        except Exception as exc:  # noqa: BLE001 - shown to the user, not a traceback
            from app.errors import SitatError

            if not isinstance(exc, SitatError):
                raise
            print(f"error: {exc}", file=sys.stderr)
            return 1
        return 0

    project = args.project
    if args.demo and not project:
        from app.core.demo import DEFAULT_DIR, ensure_sample

        project = str(ensure_sample(DEFAULT_DIR))
    from app.views.application import run

    return run(Path(project) if project else None,
               screenshot=Path(args.screenshot) if args.screenshot else None)


if __name__ == "__main__":
    raise SystemExit(main())
