"""What `sitat check` verifies of a shared project's database itself, from PostgreSQL's own
catalogue: every primary key, unique constraint, foreign key and index of Sitat's schema is
there, validated and enforced (not dropped, NOT VALID, or switched off with its triggers) -
and, by query, which rows refer to a missing row (possible only while checks were off).
The server keeps its own files sound (page checksums, WAL); amcheck is the administrator's."""

from __future__ import annotations

from sqlalchemy import text

from app.i18n import _

_CONSTRAINTS = text("""
SELECT cl.relname, c.conname, c.contype, c.convalidated, fcl.relname,
       (SELECT array_agg(a.attname::text) FROM pg_attribute a
         WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey))
FROM pg_constraint c
JOIN pg_class cl ON cl.oid = c.conrelid
JOIN pg_namespace n ON n.oid = cl.relnamespace
LEFT JOIN pg_class fcl ON fcl.oid = c.confrelid
WHERE n.nspname = current_schema() AND c.contype IN ('p', 'u', 'f')
""")
_DISABLED = text("""
SELECT DISTINCT cl.relname, c.conname FROM pg_trigger t
JOIN pg_constraint c ON c.oid = t.tgconstraint
JOIN pg_class cl ON cl.oid = c.conrelid
JOIN pg_namespace n ON n.oid = cl.relnamespace
WHERE n.nspname = current_schema() AND t.tgenabled = 'D'
""")
_INDEXES = text("""
SELECT cl.relname, i.relname, x.indisvalid FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class cl ON cl.oid = x.indrelid
JOIN pg_namespace n ON n.oid = cl.relnamespace
WHERE n.nspname = current_schema()
""")


def _expected():
    """(table, kind, columns, referred table) of Sitat's schema, and its named indexes."""
    from sqlalchemy import ForeignKeyConstraint, PrimaryKeyConstraint, UniqueConstraint

    from app.models import Base

    wanted, indexes = {}, {}
    for table in Base.metadata.sorted_tables:
        for con in table.constraints:
            cols = frozenset(c.name for c in con.columns)
            if isinstance(con, ForeignKeyConstraint):
                key = (table.name, "f", cols, con.referred_table.name)
            elif isinstance(con, PrimaryKeyConstraint):
                key = (table.name, "p", cols, None)
            elif isinstance(con, UniqueConstraint):
                key = (table.name, "u", cols, None)
            else:
                continue
            if cols:
                wanted[key] = con
        for index in table.indexes:
            indexes[(table.name, index.name)] = index
    return wanted, indexes


def constraint_problems(conn) -> list[str]:
    """What is wrong with the schema's guarantees (translated), or nothing."""
    wanted, indexes = _expected()
    have = {}
    out: list[str] = []
    for table, name, kind, valid, referred, cols in conn.execute(_CONSTRAINTS):
        have[(table, kind, frozenset(cols or ()), referred)] = name
        if not valid:
            out.append(_("The rule {rule} of the table {table} was added without checking the "
                         "rows already there (NOT VALID); ask the database's administrator to "
                         "validate it.").format(rule=name, table=table))
    for key in sorted(wanted, key=lambda k: (k[0], k[1], sorted(k[2]))):
        if key in have:
            continue
        table, kind, cols, _referred = key
        if kind == "u" and _unique_index(conn, table, cols):
            continue  # a unique index does the same work
        what = ", ".join(sorted(cols))
        out.append(_("The table {table} lacks its rule on {columns}: the database no longer "
                     "enforces it.").format(table=table, columns=what))
    for table, name in conn.execute(_DISABLED):
        out.append(_("The rule {rule} of the table {table} is switched off (its triggers are "
                     "disabled), so the database does not enforce it.").format(rule=name,
                                                                             table=table))
    present = {}
    for table, name, valid in conn.execute(_INDEXES):
        present[(table, name)] = valid
        if not valid:
            out.append(_("The index {index} of the table {table} is not valid; ask the "
                         "database's administrator to rebuild it (REINDEX).").format(
                             index=name, table=table))
    for table, name in sorted(set(indexes) - set(present)):
        out.append(_("The index {index} of the table {table} is missing.").format(
            index=name, table=table))
    return out


def _unique_index(conn, table: str, cols: frozenset) -> bool:
    rows = conn.execute(text(
        "SELECT array_agg(a.attname::text) FROM pg_index x JOIN pg_class cl ON cl.oid = "
        "x.indrelid JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY "
        "(x.indkey) WHERE cl.relname = :t AND x.indisunique GROUP BY x.indexrelid"),
        {"t": table}).all()
    return any(frozenset(r[0]) == cols for r in rows)


def orphans(conn) -> list[tuple[str, str, str, str]]:
    """(table, row, parent table, ctid) of every row whose foreign key names a missing row."""
    from sqlalchemy import ForeignKeyConstraint

    from app.models import Base

    out = []
    for table in Base.metadata.sorted_tables:
        pk = [c.name for c in table.primary_key.columns]
        for con in table.constraints:
            if not isinstance(con, ForeignKeyConstraint):
                continue
            pairs = [(el.parent.name, el.column.name) for el in con.elements]
            parent = con.referred_table.name
            present = " AND ".join(f'c."{a}" IS NOT NULL' for a, _b in pairs)
            match = " AND ".join(f'p."{b}" = c."{a}"' for a, b in pairs)
            label = " || ', ' || ".join(f'c."{k}"::text' for k in pk) or "c.ctid::text"
            sql = (f'SELECT {label}, c.ctid::text FROM "{table.name}" AS c '  # noqa: S608
                   f'WHERE {present} AND NOT EXISTS (SELECT 1 FROM "{parent}" AS p '
                   f"WHERE {match}) ORDER BY c.ctid")
            rows = conn.execute(text(sql)).all()
            out.extend((table.name, row, parent, ctid) for row, ctid in rows)
    return out
