"""`sitat condensate edit|delete`: change the text (or the meaning units) of a condensate, or
delete it, by the guid `sitat condensation --json` shows. Thin over
app/core/displays/condensation; registered by app.cli.parser."""

from __future__ import annotations

from app.cli.common import command, group, say
from app.cli.common import open_project as _open
from app.cli.common import split_list as _list
from app.i18n import _


def cmd_condensate_edit(a) -> int:
    from app.core.displays import condensation as stc
    from app.errors import InvalidInput

    if a.text is None and a.codings is None:
        raise InvalidInput(_("Give --text, --codings or both."))
    with _open(a.project) as p, p.write() as s:
        stc.update_condensate(s, a.guid, a.text,
                              _list(a.codings) if a.codings is not None else None)
    say(_("Condensate {guid} changed.").format(guid=a.guid))
    return 0


def cmd_condensate_delete(a) -> int:
    from app.core.displays import condensation as stc

    with _open(a.project) as p, p.write() as s:
        stc.delete_condensate(s, a.guid)
    say(_("Condensate {guid} deleted.").format(guid=a.guid))
    return 0


def add_condensate_commands(sub, project_arg, json_flag) -> None:
    """Register `condensate edit` and `condensate delete`."""
    cg = group(sub, "condensate", _("edit or delete a condensate (see condensation --json for "
                                    "guids)"))
    p = command(cg, "edit", cmd_condensate_edit, _("change a condensate's text or meaning units"))
    project_arg(p)
    p.add_argument("guid", metavar="GUID", help=_("the condensate's guid"))
    p.add_argument("--text", help=_("the new text, in the first person"))
    p.add_argument("--codings", metavar="GUID,...",
                   help=_("the meaning units it rests on instead (coding guids)"))
    p = command(cg, "delete", cmd_condensate_delete, _("delete a condensate"))
    project_arg(p)
    p.add_argument("guid", metavar="GUID", help=_("the condensate's guid"))
