"""Who may do what in a shared project: `sitat server init` (group roles, grants, row-level
security; see app.core.server.roles for the rules), `grant`, `revoke` and `members`, and
`whoami` for the connected login. Every name reaches PostgreSQL quoted as an identifier (or
as a bound value), never formatted into SQL; a password is sent only as a SCRAM verifier made
on this computer, and never printed or stored by Sitat."""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import sql
from sqlalchemy import text

from app.core.server.roles import ROLES, group_names, setup_statements
from app.errors import InvalidInput, ProjectError, SitatError
from app.i18n import _


@dataclass(frozen=True)
class Member:
    """A login with a role in the project, and the coder it writes as (if any)."""

    login: str
    role: str
    coder: str | None

    def as_json(self) -> dict:
        return {"login": self.login, "role": self.role, "coder": self.coder}


def _raw(s):
    """The session's psycopg connection (inside the session's transaction)."""
    return s.connection().connection.driver_connection


def _shared(project) -> None:
    if not project.shared:
        raise ProjectError(_("{name} is a project file; roles are for a shared project on a "
                             "server (see `sitat publish`).").format(name=project.path.name))


def _owner(s) -> str:
    return s.execute(text("SELECT tableowner FROM pg_tables WHERE schemaname = "
                          "current_schema() AND tablename = 'project'")).scalar_one()


def _is_admin(s, login: str, owner: str) -> bool:
    """A superuser, or the owner of the tables (or a member of that role): unrestricted."""
    return bool(s.execute(text(
        "SELECT r.rolsuper OR r.rolbypassrls OR pg_has_role(r.oid, o.oid, 'MEMBER') "
        "FROM pg_roles r, pg_roles o WHERE r.rolname = :login AND o.rolname = :owner"),
        {"login": login, "owner": owner}).scalar())


def _require_admin(s, project) -> None:
    owner = _owner(s)
    me = s.execute(text("SELECT current_user")).scalar_one()
    if not _is_admin(s, me, owner):
        raise ProjectError(_("Only the owner of {name} ({owner}) or a superuser can manage its "
                             "roles; you are connected as {login}.").format(
            name=project.path.name, owner=owner, login=me))


def _groups(s) -> dict[str, str]:
    return group_names(s.execute(text("SELECT current_database()")).scalar_one())


def _existing(s, names) -> set[str]:
    return set(s.execute(text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:n)"),
                         {"n": list(names)}).scalars())


def init_server(project) -> dict[str, str]:
    """Set `project` (open for writing, so its schema is current) up for roles: group roles,
    grants and row-level security, in one transaction; running it again changes nothing
    (and grants what a newer schema added). Returns Sitat role -> group role."""
    _shared(project)
    with project.write() as s:
        _require_admin(s, project)
        database, schema = s.execute(text("SELECT current_database(), current_schema()")).one()
        tables = list(s.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "ORDER BY tablename")).scalars())
        sequence = s.execute(text("SELECT pg_get_serial_sequence('coding', 'id')")).scalar()
        groups = group_names(database)
        cur = _raw(s).cursor()
        for statement in setup_statements(database, schema, tables, sequence,
                                          _existing(s, groups.values())):
            cur.execute(statement)
    return groups


def _initialised(s, project) -> dict[str, str]:
    groups = _groups(s)
    ready = s.execute(text("SELECT relrowsecurity FROM pg_class WHERE oid = 'coding'::regclass"))
    if len(_existing(s, groups.values())) < len(ROLES) or not ready.scalar():
        raise ProjectError(_("{name} is not set up for roles yet; run `sitat server init` "
                             "first.").format(name=project.path.name))
    return groups


def _check_login(login: str) -> str:
    login = login.strip()
    if not login or "\x00" in login or len(login.encode()) > 63:
        raise InvalidInput(_("{login} cannot be a login name: it must be 1 to 63 bytes long."
                             ).format(login=login))
    if login.lower().startswith("pg_"):
        raise InvalidInput(_("{login} cannot be a login name: names starting with pg_ are "
                             "PostgreSQL's own.").format(login=login))
    return login


def grant(project, login: str, role: str, coder: str | None = None,
          password: str | None = None) -> Member:
    """Give `login` the Sitat `role` in `project` (the only one it has there), making the
    login if it does not exist (with `password`, or none: then it signs in as pg_hba.conf
    allows). A coder writes as the coder `coder` (default: the login's name), made if new;
    a lead may code as one too. One transaction."""
    from app.core.coding import get_or_create_coder
    from app.models import ServerMember

    _shared(project)
    if role not in ROLES:
        raise InvalidInput(_("{role} is not a role; choose lead, coder or reader.").format(
            role=role))
    login = _check_login(login)
    if role == "reader" and coder:
        raise InvalidInput(_("A reader does not code; leave out --coder."))
    if role == "coder" and not (coder or "").strip():
        coder = login
    with project.write() as s:
        _require_admin(s, project)
        groups = _initialised(s, project)
        owner = _owner(s)
        if login in groups.values():
            raise InvalidInput(_("{login} is one of the project's group roles, not a "
                                 "person's login.").format(login=login))
        raw = _raw(s)
        cur = raw.cursor()
        if _existing(s, [login]):
            if _is_admin(s, login, owner):
                raise InvalidInput(_("{login} owns {name} or is a superuser, and so sees "
                                     "and changes everything whatever its role; give each "
                                     "team member a login of their own.").format(
                    login=login, name=project.path.name))
            if password is not None:
                cur.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(login), sql.Literal(_verifier(raw, login, password))))
        elif password is not None:
            cur.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(login), sql.Literal(_verifier(raw, login, password))))
        else:
            cur.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(login)))
        for other in ROLES:
            if other != role:
                cur.execute(sql.SQL("REVOKE {} FROM {}").format(
                    sql.Identifier(groups[other]), sql.Identifier(login)))
        cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(groups[role]),
                                                     sql.Identifier(login)))
        coder_row = get_or_create_coder(s, coder) if coder and coder.strip() else None
        member = s.get(ServerMember, login) or ServerMember(login=login)
        member.coder_id = coder_row.id if coder_row is not None else None
        s.add(member)
        s.flush()
        return Member(login, role, coder_row.name if coder_row is not None else None)


def _verifier(raw, login: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of `password`, made here (libpq's PQencryptPasswordConn), so
    the password itself never reaches the server or its logs."""
    if not password:
        raise InvalidInput(_("The password is empty."))
    return raw.pgconn.encrypt_password(password.encode(), login.encode(),
                                       b"scram-sha-256").decode()


def revoke(project, login: str) -> bool:
    """Take every role in `project` from `login` (the login itself stays: it may belong to
    other projects). False when it had none."""
    from app.models import ServerMember

    _shared(project)
    with project.write() as s:
        _require_admin(s, project)
        groups = _initialised(s, project)
        had = _role_of(s, login, groups) is not None or s.get(ServerMember, login) is not None
        if _existing(s, [login]):
            cur = _raw(s).cursor()
            for role in ROLES:
                cur.execute(sql.SQL("REVOKE {} FROM {}").format(
                    sql.Identifier(groups[role]), sql.Identifier(login)))
        member = s.get(ServerMember, login)
        if member is not None:
            s.delete(member)
        return had


def _role_of(s, login: str, groups: dict[str, str]) -> str | None:
    """The Sitat role `login` has through the project's group roles (directly or through
    another role), or None."""
    found = set(s.execute(text(
        "SELECT g.rolname FROM pg_roles g, pg_roles r WHERE g.rolname = ANY(:g) "
        "AND r.rolname = :login AND pg_has_role(r.oid, g.oid, 'MEMBER')"),
        {"g": list(groups.values()), "login": login}).scalars())
    return next((role for role in ROLES if groups[role] in found), None)


def members(project) -> list[Member]:
    """Every login with a role in `project`, by login."""
    _shared(project)
    with project.read() as s:
        groups = _groups(s)
        rows = s.execute(text(
            "SELECT r.rolname, g.rolname FROM pg_auth_members a "
            "JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles r ON r.oid = a.member "
            "WHERE g.rolname = ANY(:g) ORDER BY r.rolname"),
            {"g": list(groups.values())}).all()
        coders = dict(s.execute(text(
            "SELECT m.login, c.name FROM server_member m JOIN coder c ON c.id = m.coder_id")
        ).all())
    by_group = {g: r for r, g in groups.items()}
    return [Member(login, by_group[group], coders.get(login)) for login, group in rows]


@dataclass(frozen=True)
class Identity:
    """The connected login, its Sitat role in the project ("owner" for an administrator,
    None without one) and the coder it writes as."""

    login: str
    role: str | None
    coder: str | None


def whoami(project) -> Identity:
    """Who the open shared project is connected as (a project file: the owner)."""
    if not project.shared:
        return Identity("", "owner", None)
    with project.read() as s:
        return whoami_in(s)


def linked_coder(project) -> str:
    """The coder name the server links the connected login to, or "" (a project file, the
    owner, a member without a coder, or a server that cannot say just now)."""
    from sqlalchemy.exc import DBAPIError

    try:
        return whoami(project).coder or ""
    except (SitatError, DBAPIError):
        return ""


def whoami_in(s) -> Identity:
    login = s.execute(text("SELECT current_user")).scalar_one()
    coder = s.execute(text("SELECT c.name FROM server_member m JOIN coder c "
                           "ON c.id = m.coder_id WHERE m.login = current_user")).scalar()
    if _is_admin(s, login, _owner(s)):
        return Identity(login, "owner", coder)
    return Identity(login, _role_of(s, login, _groups(s)), coder)
