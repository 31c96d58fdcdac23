"""Roles and blind rounds of a shared project, enforced by PostgreSQL itself (so they hold for
psql and any other client, not only for Sitat).

Scheme
- Three group roles per project database (roles are cluster-wide, a project is a database):
  `sitat_<db>_lead`, `sitat_<db>_coder`, `sitat_<db>_reader` (a hash stands in for a database
  name too long for PostgreSQL's 63-byte names). A person's login is a member of exactly one.
- The table `server_member` (migration 0007) links a login to the Sitat coder whose codings it
  writes. A login is IT's account name and a coder is a display name ("Kari N."), renamed
  and merged by Sitat, so the link is a row, not `current_user = coder.name`. Only the owner
  writes it (`sitat server grant`): a lead who could relink a login could read a coder's
  codings during a round.
- The owner of the tables (who ran `sitat new`/`publish` and `sitat server init`) and
  superusers are the administrators: an owner can always switch row-level security off
  (ALTER TABLE), so FORCE ROW LEVEL SECURITY would protect nothing; instead the owner is never
  a team member (`grant` refuses it) and bypasses the policies as PostgreSQL intends.

Rules (grants plus ROW LEVEL SECURITY on `coding`). A document is *blind* while an open round
(closed_at IS NULL) holds it.
- reader: SELECT on every table; codings on blind documents are invisible. Writes nothing.
- coder: SELECT on every table; on blind documents sees only their own codings. Writes only
  codings, and only their own (coder_id = their linked coder), anywhere; the codebook (code,
  code_event, codebook_version, code sets), documents, attributes, rounds, coders and the
  rest are read-only. May bump the project's revision (the column only) and so lock the
  project row, which every action does (Project.write).
- lead: every table but `server_member` and `alembic_version` (SELECT only), without
  TRUNCATE (it would bypass the policies). On blind documents sees and writes only their own
  codings (if linked to a coder): closing the round (or taking the document out of it, which
  is also the lead's decision) opens the coders' codings to the lead. Closing works because
  close_round sets closed_at before it reads the codings for the round's record.
Cascades (deleting a document or code) are PostgreSQL's referential actions, which are not
filtered by row-level security, so a lead's delete removes the coders' codings too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from psycopg import sql

ROLES = ("lead", "coder", "reader")
CODEBOOK_TABLES = frozenset({"code", "code_event", "codebook_version", "code_set",
                             "code_set_member"})
ADMIN_TABLES = frozenset({"server_member", "alembic_version"})  # the owner's alone
# a lead gets everything but TRUNCATE (not filtered by row-level security), REFERENCES, TRIGGER
LEAD_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"

# Documents held by an open round, and the coder the connected login writes as.
_BLIND = ("document_id IN (SELECT rd.document_id FROM round_document rd "
          "JOIN round r ON r.id = rd.round_id WHERE r.closed_at IS NULL)")
_ME = "(SELECT m.coder_id FROM server_member m WHERE m.login = current_user)"
_OWN = f"coder_id = {_ME}"
_SEEN = f"({_OWN} OR NOT {_BLIND})"


@dataclass(frozen=True)
class Policy:
    name: str
    role: str
    command: str
    using: str | None
    check: str | None


POLICIES = (
    Policy("sitat_reader_read", "reader", "SELECT", f"NOT {_BLIND}", None),
    Policy("sitat_coder_read", "coder", "SELECT", _SEEN, None),
    Policy("sitat_coder_add", "coder", "INSERT", None, _OWN),
    Policy("sitat_coder_change", "coder", "UPDATE", _OWN, _OWN),
    Policy("sitat_coder_remove", "coder", "DELETE", _OWN, None),
    Policy("sitat_lead_all", "lead", "ALL", _SEEN, _SEEN),
)


def group_names(database: str) -> dict[str, str]:
    """Sitat role -> the PostgreSQL group role of the project in `database`."""
    base = f"sitat_{database}"
    if len(f"{base}_reader".encode()) > 63:  # PostgreSQL would cut it (and mix them up)
        digest = hashlib.sha256(database.encode()).hexdigest()[:12]
        base = f"sitat_{database.encode()[:24].decode(errors='ignore')}_{digest}"
    return {role: f"{base}_{role}" for role in ROLES}


def _q(name: str) -> sql.Identifier:
    return sql.Identifier(name)


def setup_statements(database: str, schema: str, tables: list[str], coding_sequence: str | None,
                     existing: set[str]) -> list[sql.Composable]:
    """Every statement of `sitat server init` (idempotent: privileges revoked first, policies
    replaced), names quoted as identifiers. `existing`: group roles already made."""
    groups = group_names(database)
    out: list[sql.Composable] = []
    for role in ROLES:
        if groups[role] not in existing:
            out.append(sql.SQL("CREATE ROLE {} NOLOGIN").format(_q(groups[role])))
    everyone = sql.SQL(", ").join(_q(groups[r]) for r in ROLES)
    db = _q(database)
    out += [
        sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(db),
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, everyone),
        sql.SQL("REVOKE CREATE ON SCHEMA {} FROM PUBLIC").format(_q(schema)),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(_q(schema), everyone),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(_q(schema), everyone),
        sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {} FROM {}").format(_q(schema),
                                                                          everyone),
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(_q(schema), everyone),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
            _q(schema), _q(groups["lead"])),
        sql.SQL("GRANT INSERT, UPDATE, DELETE ON coding TO {}").format(_q(groups["coder"])),
        sql.SQL("GRANT UPDATE (revision) ON project TO {}").format(_q(groups["coder"])),
    ]
    if coding_sequence:
        out.append(sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(
            sql.Identifier(*coding_sequence.split(".", 1)), _q(groups["coder"])))
    for table in tables:
        if table not in ADMIN_TABLES:
            out.append(sql.SQL("GRANT " + LEAD_PRIVILEGES + " ON {} TO {}").format(
                _q(table), _q(groups["lead"])))
    out.append(sql.SQL("ALTER TABLE coding ENABLE ROW LEVEL SECURITY"))
    out.append(sql.SQL("ALTER TABLE coding NO FORCE ROW LEVEL SECURITY"))
    for p in POLICIES:
        out.append(sql.SQL("DROP POLICY IF EXISTS {} ON coding").format(_q(p.name)))
        statement = sql.SQL("CREATE POLICY {} ON coding FOR {} TO {}").format(
            _q(p.name), sql.SQL(p.command), _q(groups[p.role]))
        if p.using:
            statement += sql.SQL(" USING (" + p.using + ")")
        if p.check:
            statement += sql.SQL(" WITH CHECK (" + p.check + ")")
        out.append(statement)
    return out
