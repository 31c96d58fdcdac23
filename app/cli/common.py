"""Helpers shared by the `sitat` command modules: opening projects, JSON-or-text output with
control characters made visible, KEY=VALUE and comma lists, and the small pieces every command
registration repeats."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Callable, Iterable, Union

from app.i18n import _

Text = Union[str, Iterable[str]]

# What a terminal would act on instead of showing: C0 and C1 controls, DEL, line and paragraph
# separators, bidi marks, embeddings, overrides and isolates, and lone surrogates (the bytes
# of a file name that are not UTF-8, as Python keeps them).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e"
                          "\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    code = ord(ch)
    if ch in _NAMED:
        return _NAMED[ch]
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the original byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text, keep: str = "") -> str:
    """`text` safe to print on a terminal: control, bidi and separator characters and bytes
    that are not UTF-8 are shown as escapes (a newline as \\n, ESC as \\x1b, a right-to-left
    override as \\u202e, a byte 0xff of a file name as \\xff); characters in `keep` (a tab
    between columns) are left as they are."""
    text = str(text)
    return _UNPRINTABLE.sub(lambda m: m.group() if m.group() in keep else _escape(m.group()),
                            text)


def say(text="", err: bool = False) -> None:
    """Print one message line (user strings in it made printable) on stdout, or on stderr."""
    print(printable(text), file=sys.stderr if err else sys.stdout)


_SURROGATE = re.compile("[\ud800-\udfff]")


def emit_json(data) -> None:
    """`data` as JSON; a file name's bytes that are not UTF-8 become \\udcXX escapes, which a
    JSON reader gives back as Python gave them to us."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    sys.stdout.write(_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
    sys.stdout.write("\n")


def output(a, data, text: Text | Callable[[], Text] = (), note: str | None = None) -> None:
    """What every listing command does: `data` as JSON with --json, otherwise `text` (a string,
    lines, or a function giving either, called only then) and `note` (a count) on stderr.
    Every text line is made printable (tabs between columns kept); a string is split into its
    lines first."""
    if getattr(a, "json", False):
        emit_json(data)
        return
    if callable(text):
        text = text()
    for line in text.split("\n") if isinstance(text, str) else text:
        print(printable(line, keep="\t"))
    if note is not None:
        print(printable(note), file=sys.stderr)


def report_language(a, s) -> str | None:
    """The language of what a command writes about a project (Word, CSV and XLSX files, the
    summary): `--lang` when given, otherwise the language of the project's material
    (app.core.language), otherwise None (the user's language)."""
    if getattr(a, "lang", None):
        return a.lang
    from app.core.language import project_language

    return project_language(s)


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


# -- arguments that are not UTF-8 ----------------------------------------------------------------
# Arguments that name files: they may hold any bytes the file system allows (Python keeps the
# bytes that are not UTF-8 as lone surrogates). All other arguments are text that is stored or
# searched, and must be UTF-8.
FILE_ARGS = frozenset({"project", "files", "file", "out", "docx", "csv", "xlsx", "key_out",
                       "copies", "target", "sources", "attributes_csv"})
# Of those, the ones that name a project file or a folder for them: SQLite is given the name
# as text, so these must be UTF-8 too.
PROJECT_ARGS = frozenset({"project", "target", "sources", "copies", "out"})


def _values(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _values(item)


def not_utf8(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def check_text_args(a: argparse.Namespace) -> None:
    """InvalidInput for an argument holding bytes that are not UTF-8 text, except in the name
    of a file that is not a project."""
    from app.errors import InvalidInput

    for dest, value in vars(a).items():
        for text in _values(value):
            if not not_utf8(text):
                continue
            if dest in PROJECT_ARGS:
                raise InvalidInput(_("The name {name} is not valid UTF-8 text, and Sitat can "
                                     "only open or write a project (or a folder of them) whose "
                                     "name is; rename it.").format(name=text))
            if dest not in FILE_ARGS:
                raise InvalidInput(_("{value} is not valid UTF-8 text; names, values and "
                                     "searches must be (only file names may hold other "
                                     "bytes).").format(value=text))
