"""The `sitat` argument parser: global options, then each family of commands registered by its
own module (help texts translated). Knows the command modules, never `main`."""

from __future__ import annotations

import argparse

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
from app.cli.team import add_team_commands
from app.i18n import _


def _translate_argparse() -> None:
    """argparse's own messages ('usage:', 'required' ...) through our catalogue."""
    argparse._ = _  # type: ignore[attr-defined]


def build_parser() -> argparse.ArgumentParser:
    _translate_argparse()
    parser = argparse.ArgumentParser(
        prog="sitat",
        description=_("Sitat: qualitative analysis of interview transcripts."),
    )
    parser.add_argument("--lang", choices=["nb", "en"],
                        help=_("language of messages (default: from the system)"))
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
    return parser
