"""Argument definitions of the `sitat` command (help texts translated), kept apart from the commands."""

from __future__ import annotations

import argparse

from app.i18n import _


def _translate_argparse() -> None:
    """argparse's own messages ('usage:', 'required' ...) through our catalogue."""
    argparse._ = _  # type: ignore[attr-defined]


def build(commands: dict) -> argparse.ArgumentParser:
    from app.cli import _kv

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

    def command(name: str, func: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=commands[func])
        return p

    def project_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("project", metavar="PROJECT.sitat", help=_("the project file"))

    def json_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help=_("print JSON for scripts"))

    p = command("new", "cmd_new", _("create a new, empty project file"))
    project_arg(p)
    p.add_argument("--title", help=_("the project's title (default: the file name)"))

    p = command("import", "cmd_import", _("import transcripts (.txt, .docx, .odt, .md)"))
    project_arg(p)
    p.add_argument("files", nargs="+", metavar="FILE", help=_("files to import"))
    p.add_argument("--name", help=_("document name (one file only; default: the file name)"))
    p.add_argument("--attr", action="append", type=_kv, metavar="KEY=VALUE",
                   help=_("set an attribute on the imported documents (repeatable)"))
    p.add_argument("--attributes-csv", metavar="CSV",
                   help=_("set attributes from a CSV with header document,attribute,..."))
    p.add_argument("--allow-duplicate", action="store_true",
                   help=_("import even if the same text is already in the project"))
    json_flag(p)

    p = command("docs", "cmd_docs", _("list documents with length, codings and attributes"))
    project_arg(p)
    json_flag(p)

    p = command("delete-doc", "cmd_docs_delete", _("delete a document and its codings"))
    project_arg(p)
    p.add_argument("document", help=_("document name"))

    p = command("rename-doc", "cmd_docs_rename", _("rename a document"))
    project_arg(p)
    p.add_argument("document", help=_("document name"))
    p.add_argument("new_name", metavar="NEW_NAME", help=_("the new name"))

    p = command("attr", "cmd_attr", _("set attribute values on a document, or many from a CSV"))
    project_arg(p)
    p.add_argument("document", nargs="?", help=_("document name"))
    p.add_argument("values", nargs="*", metavar="KEY=VALUE", help=_("values; empty removes"))
    p.add_argument("--csv", metavar="CSV", help=_("CSV with header document,attribute,..."))

    p = command("attribute", "cmd_attribute", _("define an attribute and its type"))
    project_arg(p)
    p.add_argument("name", help=_("attribute name"))
    p.add_argument("--type", default="text", choices=["text", "number", "date", "choice"],
                   help=_("value type (default: text)"))
    p.add_argument("--choices", metavar="A,B,...", help=_("allowed values of a choice attribute"))

    p = command("attributes", "cmd_attributes", _("list attribute definitions"))
    project_arg(p)
    json_flag(p)

    p = command("codes", "cmd_codes", _("list the codebook as paths"))
    project_arg(p)
    json_flag(p)

    p = command("code", "cmd_code", _("apply a code to a range of a document"))
    project_arg(p)
    p.add_argument("--doc", required=True, help=_("document name"))
    p.add_argument("--start", required=True, type=int, help=_("first character (from 0)"))
    p.add_argument("--end", required=True, type=int, help=_("character after the last one"))
    p.add_argument("--code", required=True, metavar="PATH", help=_("code path, e.g. Parent/Child"))
    p.add_argument("--coder", required=True, help=_("coder name (created if new)"))
    p.add_argument("--memo", help=_("memo on the coding"))
    p.add_argument("--valence", choices=["+", "-"], help=_("+ positive or - critical"))
    json_flag(p)

    p = command("uncode", "cmd_uncode", _("remove a coding (by its guid)"))
    project_arg(p)
    p.add_argument("coding", metavar="GUID", help=_("the coding's guid (see codings --json)"))

    p = command("codings", "cmd_codings", _("list codings with their text"))
    project_arg(p)
    p.add_argument("--coder", action="append", help=_("only this coder (repeatable)"))
    p.add_argument("--code", action="append", metavar="PATH",
                   help=_("only this code and its children (repeatable)"))
    p.add_argument("--doc", action="append", help=_("only this document (repeatable)"))
    json_flag(p)

    p = command("check", "cmd_check", _("check the project file's integrity"))
    project_arg(p)
    p.add_argument("--repair", action="store_true",
                   help=_("repair what can be repaired and say what was done"))
    json_flag(p)

    p = command("summary", "cmd_summary", _("summarise a project: documents, codes, coders"))
    project_arg(p)
    json_flag(p)

    p = command("demo", "cmd_demo", _("build the bundled sample project and summarise it"))
    p.add_argument("--out", default=None, help=_("folder for the sample project and outputs"))
    p.add_argument("--force", action="store_true", help=_("rebuild even if it exists"))
    from app.cli_team import add_team_commands

    add_team_commands(sub, commands, project_arg, json_flag)
    from app.cli_reports import add_report_commands

    add_report_commands(sub, project_arg, json_flag)
    from app.cli_refi import add_refi_commands

    add_refi_commands(sub, project_arg, json_flag)
    from app.cli_privacy import add_privacy_commands

    add_privacy_commands(sub, project_arg, json_flag)
    return parser
