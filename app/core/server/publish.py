"""Moving a project to a server: `publish` copies a project file into an empty PostgreSQL
database exactly - every row of every table with the same ids, guids, offsets, times and log
entries - in one transaction, then sets the database's sequences past the copied ids, so new
rows get new ids. A database that is not empty is refused and left as it was."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select, text
from sqlalchemy.exc import DBAPIError

from app.core.server.connect import claim_empty, make_engine
from app.core.server.location import ServerLocation
from app.errors import ProjectError
from app.i18n import _


@dataclass(frozen=True)
class PublishReport:
    """What was published: the server project's name and how many rows of each table."""

    name: str
    rows: dict[str, int]

    def as_json(self) -> dict:
        return {"name": self.name, "rows": dict(self.rows)}


def _self_references(table) -> list[str]:
    """The columns of `table` that refer to its own rows (a code's parent)."""
    return sorted(fk.parent.name for fk in table.foreign_keys if fk.column.table is table)


def _copy_table(src, dst, table) -> int:
    """Every row of `table`, ids as they are. Columns referring to the same table are written
    afterwards (a code may come before its parent)."""
    own = _self_references(table)
    order = list(table.primary_key.columns) or list(table.columns)
    rows = src.execution_options(yield_per=5000).execute(select(table).order_by(*order))
    later: list[dict] = []
    count = 0
    for part in rows.mappings().partitions():
        batch = [dict(r) for r in part]
        count += len(batch)
        for row in batch:
            if any(row[c] is not None for c in own):
                later.append({"_id": row["id"], **{f"_{c}": row[c] for c in own}})
                for c in own:
                    row[c] = None
        dst.execute(table.insert(), batch)
    if later:
        dst.execute(table.update().where(table.c.id == bindparam("_id"))
                    .values({c: bindparam(f"_{c}") for c in own}), later)
    return count


def _advance_sequences(dst, tables) -> None:
    """Each table's id sequence set past its largest copied id."""
    for table in tables:
        for column in table.primary_key.columns:
            seq = dst.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                              {"t": table.name, "c": column.name}).scalar()
            if seq is None:
                continue
            top = dst.execute(select(column).order_by(column.desc()).limit(1)).scalar()
            dst.execute(text("SELECT setval(:s, :v, :called)"),
                        {"s": seq, "v": top if top is not None else 1,
                         "called": top is not None})


def publish_project(project, url: str) -> PublishReport:
    """Copy the open project file `project` into the empty database `url` names (one
    transaction; the file is only read, from one read transaction)."""
    from app.core.project import command_upgrade
    from app.models import Base

    if project.shared:
        raise ProjectError(_("{name} is already a shared project on a server; publish a "
                             "project file.").format(name=project.path.name))
    location = ServerLocation.parse(url)
    tables = Base.metadata.sorted_tables  # parents before children
    counts: dict[str, int] = {}
    engine = make_engine(location, read_only=False)
    try:
        with project.engine.connect() as src, engine.begin() as dst:
            claim_empty(dst, location)
            command_upgrade(dst)
            for table in reversed(tables):
                dst.execute(table.delete())  # the migrations write no rows; to be sure
            for table in tables:
                counts[table.name] = _copy_table(src, dst, table)
            _advance_sequences(dst, tables)
            src.rollback()  # only read (its BEGIN, the project's own, kept one snapshot)
    except DBAPIError as exc:
        raise ProjectError(_("Could not publish {name} to {server}: {reason}").format(
            name=project.path.name, server=location.name,
            reason=str(getattr(exc, "orig", exc)).strip())) from exc
    finally:
        engine.dispose()
    return PublishReport(location.name, counts)


def checkout_project(project, out) -> str:
    """Save the whole shared project `project` as the new project file `out` (one snapshot;
    same ids, guids and project id), never overwriting a file. Returns the path written."""
    import os
    from pathlib import Path

    from app.core.backup import companions, copy_database, remove_database
    from app.core.files.own import create_exclusive

    out = Path(out)
    if not out.parent.is_dir():
        raise ProjectError(_("The folder {folder} does not exist.").format(
            folder=str(out.parent)))
    try:
        if any(os.path.lexists(p) for p in companions(out)):
            raise FileExistsError(out)
        fd = create_exclusive(out, 0o644)
    except FileExistsError:
        raise ProjectError(_("{name} already exists; choose another file name.").format(
            name=out.name)) from None
    except OSError as exc:
        raise ProjectError(_("Cannot write to {name}: {reason}").format(
            name=out.name, reason=exc.strerror or exc)) from exc
    os.close(fd)
    try:
        copy_database(project, out)
    except BaseException:
        remove_database(out)
        raise
    return str(out)
