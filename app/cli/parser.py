"""The `sitat` argument parser: global options, then each family of commands registered by its
own module (help texts translated). Knows the command modules, never `main`."""

from __future__ import annotations

import argparse
import difflib

from app.cli.codebook import add_codebook_commands
from app.cli.codesets import add_codeset_commands
from app.cli.coding import add_coding_commands
from app.cli.common import json_flag, project_arg
from app.cli.condensates import add_condensate_commands
from app.cli.documents import add_document_commands
from app.cli.privacy import add_privacy_commands
from app.cli.project import add_new_command, add_project_commands
from app.cli.refi import add_refi_commands
from app.cli.reports import add_report_commands
from app.cli.server import add_server_commands
from app.cli.survey import add_survey_commands
from app.cli.team import add_team_commands
from app.i18n import _


def _translate_argparse() -> None:
    """argparse's own messages ('usage:', 'required' ...) through our catalogue."""
    argparse._ = _  # type: ignore[attr-defined]


class SitatParser(argparse.ArgumentParser):
    """argparse, but a mistyped command or choice names the nearest ones (`serach`: did you
    mean search?) instead of listing every command."""

    def _check_value(self, action, value):
        if action.choices is None or value in action.choices:
            return
        choices = [str(c) for c in action.choices]
        close = difflib.get_close_matches(str(value), choices, n=3, cutoff=0.6)
        if close:
            message = _("invalid choice: {value} (did you mean {names}?)").format(
                value=value, names=_(" or ").join(close))
        elif len(choices) > 8:
            message = _("invalid choice: {value} (see {prog} --help)").format(
                value=value, prog=self.prog)
        else:
            message = _("invalid choice: {value} (choose from {names})").format(
                value=value, names=", ".join(choices))
        raise argparse.ArgumentError(action, message)


def build_parser() -> argparse.ArgumentParser:
    from app import __version__

    _translate_argparse()
    parser = SitatParser(
        prog="sitat",
        description=_("Sitat: qualitative analysis of interview transcripts."),
    )
    parser.add_argument("--version", action="version", version=f"sitat {__version__}",
                        help=_("show the version of Sitat and exit"))
    parser.add_argument("--lang", choices=["nb", "en"],
                        help=_("language of messages; Word files and summaries are written in "
                               "the project's language unless --lang is given (default: "
                               "from the system)"))
    parser.add_argument("--as", dest="actor", metavar="NAME",
                        help=_("who is acting, for the codebook log (default: the system user)"))
    sub = parser.add_subparsers(title=_("commands"), metavar=_("COMMAND"))
    add_new_command(sub, project_arg)
    add_document_commands(sub, project_arg, json_flag)
    add_coding_commands(sub, project_arg, json_flag)
    add_project_commands(sub, project_arg, json_flag)
    add_codebook_commands(sub, project_arg, json_flag)
    add_codeset_commands(sub, project_arg, json_flag)
    add_team_commands(sub, project_arg, json_flag)
    add_report_commands(sub, project_arg, json_flag)
    add_condensate_commands(sub, project_arg, json_flag)
    add_refi_commands(sub, project_arg, json_flag)
    add_privacy_commands(sub, project_arg, json_flag)
    add_survey_commands(sub, project_arg, json_flag)
    add_server_commands(sub, json_flag)
    return parser
