"""`sitat server` commands: set a shared project up for roles (init), give a login a role
(grant), take it away (revoke) and list who has which (members). Thin over
app.core.server.members; registered by app.cli.parser."""

from __future__ import annotations

import sys

from app.cli.common import command, group, output
from app.cli.common import open_project as _open
from app.i18n import _


def _project(url: str):
    from app.core.server import is_server_url
    from app.errors import ProjectError

    if not is_server_url(url):
        raise ProjectError(_("{name} is a project file; roles are for a shared project on a "
                             "server (postgresql://...).").format(name=url))
    return _open(url)


def cmd_init(a) -> int:
    from app.core.server.members import init_server

    with _project(a.url) as p:
        groups = init_server(p)
        name = p.path.name
    output(a, {"project": name, "roles": groups}, [
        _("{name} is set up for roles:").format(name=name),
        *(f"  {role}\t{group_role}" for role, group_role in groups.items())])
    return 0


def _password(a) -> str | None:
    """The password from standard input (its first line), when --password-stdin is given."""
    if not a.password_stdin:
        return None
    from app.errors import InvalidInput

    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise InvalidInput(_("--password-stdin was given, but standard input held no "
                             "password."))
    return line


def cmd_grant(a) -> int:
    from app.core.server.members import grant

    password = _password(a)
    with _project(a.url) as p:
        member = grant(p, a.user, a.role, a.coder, password)
        name = p.path.name
    if member.role == "reader":
        text = _("{login} is now a reader in {name}.")
    elif member.role == "coder":
        text = _("{login} is now a coder in {name}, coding as {coder}.")
    elif member.coder:
        text = _("{login} is now a lead in {name}, coding as {coder}.")
    else:
        text = _("{login} is now a lead in {name}.")
    text = text.format(login=member.login, name=name, coder=member.coder)
    output(a, member.as_json(), text)
    return 0


def cmd_revoke(a) -> int:
    from app.core.server.members import revoke

    with _project(a.url) as p:
        had = revoke(p, a.user)
        name = p.path.name
    output(a, {"login": a.user, "revoked": had},
           (_("{login} no longer has a role in {name}.") if had else
            _("{login} had no role in {name}.")).format(login=a.user, name=name))
    return 0


def cmd_members(a) -> int:
    from app.core.server.members import members

    with _project(a.url) as p:
        found = members(p)
        name = p.path.name
    output(a, [m.as_json() for m in found],
           [f"{m.login}\t{m.role}\t{m.coder or ''}" for m in found]
           or _("Nobody has a role in {name} yet.").format(name=name))
    return 0


def add_server_commands(sub, json_flag) -> None:
    """Register `sitat server init|grant|revoke|members`."""
    inner = group(sub, "server", _("roles in a shared project: lead, coder and reader, "
                                   "enforced by PostgreSQL"))

    def url(p) -> None:
        p.add_argument("url", metavar="URL", help=_("the shared project (postgresql://...)"))

    p = command(inner, "init", cmd_init, _("set a shared project up for roles (group roles, "
                                           "grants, row-level security); safe to repeat"))
    url(p)
    json_flag(p)

    p = command(inner, "grant", cmd_grant, _("give a login a role in the project, making "
                                             "the login if it does not exist"))
    url(p)
    p.add_argument("user", metavar="USER", help=_("the PostgreSQL login"))
    p.add_argument("--role", required=True, choices=["lead", "coder", "reader"],
                   help=_("what the login may do"))
    p.add_argument("--coder", metavar="NAME",
                   help=_("the coder the login codes as (default for a coder: the login)"))
    p.add_argument("--password-stdin", action="store_true",
                   help=_("read the login's new password from standard input (it is never "
                          "shown or stored by Sitat)"))
    json_flag(p)

    p = command(inner, "revoke", cmd_revoke, _("take a login's role in the project away"))
    url(p)
    p.add_argument("user", metavar="USER", help=_("the PostgreSQL login"))
    json_flag(p)

    p = command(inner, "members", cmd_members, _("list the logins with a role in the "
                                                 "project"))
    url(p)
    json_flag(p)
