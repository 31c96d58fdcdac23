"""Helpers shared by the `sitat` command modules: opening projects, JSON-or-text output,
KEY=VALUE and comma lists, and the small pieces every command registration repeats."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Callable, Iterable, Union

from app.i18n import _

Text = Union[str, Iterable[str]]


def emit_json(data) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def output(a, data, text: Text | Callable[[], Text] = (), note: str | None = None) -> None:
    """What every listing command does: `data` as JSON with --json, otherwise `text` (a string,
    lines, or a function giving either, called only then) and `note` (a count) on stderr."""
    if getattr(a, "json", False):
        emit_json(data)
        return
    if callable(text):
        text = text()
    for line in [text] if isinstance(text, str) else text:
        print(line)
    if note is not None:
        print(note, file=sys.stderr)


def open_project(path: str, read_only: bool = False):
    """Open a project; a file from an older Sitat is upgraded once (that needs write access)
    even when the command only reads."""
    from app.core.project import Project
    from app.errors import ProjectError

    try:
        return Project.open(path, read_only=read_only)
    except ProjectError:
        if not read_only or not Project.needs_upgrade(path):
            raise
    Project.open(path).close()
    return Project.open(path, read_only=True)


def split_list(value: str | None) -> list[str]:
    return [x.strip() for x in (value or "").split(",") if x.strip()]


def key_value(text: str) -> tuple[str, str]:
    """`KEY=VALUE` as (key, value), both stripped; InvalidInput without a key or `=`."""
    from app.errors import InvalidInput

    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise InvalidInput(_("expected KEY=VALUE, got {value}").format(value=text))
    return key.strip(), value.strip()


def key_values(texts: list[str] | None) -> dict[str, str]:
    """Repeated KEY=VALUE arguments as a dict (a later KEY wins)."""
    return dict(key_value(t) for t in texts or [])


def key_value_arg(text: str) -> tuple[str, str]:
    """`key_value` as an argparse type: a bad pair is a usage error (exit 2)."""
    from app.errors import InvalidInput

    try:
        return key_value(text)
    except InvalidInput as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


# -- registration -----------------------------------------------------------------------------
def project_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", metavar="PROJECT.sitat", help=_("the project file"))


def json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))


def command(sub, name: str, func: Callable, help_: str) -> argparse.ArgumentParser:
    """A (sub)command `name` that runs `func(args)`; its help is also its description."""
    p = sub.add_parser(name, help=help_, description=help_)
    p.set_defaults(func=func)
    return p


def group(sub, name: str, help_: str, before: Callable | None = None,
          title: str | None = None, metavar: str | None = None):
    """A command with subcommands (`sitat codebook export ...`); alone it prints its help and
    exits 2. `before` adds arguments that come ahead of the subcommand. Returns the inner
    subparsers."""
    p = sub.add_parser(name, help=help_, description=help_)
    if before is not None:
        before(p)
    p.set_defaults(func=lambda a, p=p: (p.print_help(), 2)[1])
    return p.add_subparsers(title=title or _("commands"), metavar=metavar or _("COMMAND"))
