"""provenance on codings (round, codebook version), rounds as records, code log guids

Revision ID: 0005
Revises: 0004

SQLite cannot drop a table constraint in place, so the coding table is copied (batch mode).
Dropping the old table would fire ON DELETE CASCADE on the rows that point at codings
(condensates' meaning units, illustrative quotes), so those rows are kept aside and put back.
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_DEPENDENTS = ("condensate_coding", "illustrative_quote")


def _keep_dependents(bind) -> dict[str, list[dict]]:
    return {name: [dict(r._mapping) for r in bind.execute(sa.text(f"SELECT * FROM {name}"))]
            for name in _DEPENDENTS}


def _restore_dependents(bind, kept: dict[str, list[dict]]) -> None:
    for name, rows in kept.items():
        bind.execute(sa.text(f"DELETE FROM {name}"))
        if rows:
            cols = list(rows[0])
            bind.execute(sa.text(f"INSERT INTO {name} ({', '.join(cols)}) VALUES "
                                 f"({', '.join(':' + c for c in cols)})"), rows)


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    kept = _keep_dependents(bind) if sqlite else {}
    with op.batch_alter_table("coding", recreate="always" if sqlite else "auto") as batch_op:
        batch_op.drop_constraint("uq_coding_span", type_="unique")
        batch_op.add_column(sa.Column("round_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("codebook_version_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_coding_round_id_round"), "round", ["round_id"],
                                    ["id"], ondelete="SET NULL")
        batch_op.create_foreign_key(op.f("fk_coding_codebook_version_id_codebook_version"),
                                    "codebook_version", ["codebook_version_id"], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_index(batch_op.f("ix_coding_round_id"), ["round_id"], unique=False)
    op.create_index("ux_coding_span", "coding",
                    ["document_id", "code_id", "coder_id", "start", "end",
                     sa.text("coalesce(round_id, 0)")], unique=True)
    if sqlite:
        _restore_dependents(bind, kept)

    op.add_column("round", sa.Column("closed_at", sa.DateTime(), nullable=True))
    op.add_column("round", sa.Column("closed_by", sa.String(length=200), nullable=True))
    op.add_column("round", sa.Column("record", sa.Text(), nullable=True))

    op.add_column("code_event", sa.Column("guid", sa.String(length=36), nullable=True))
    ids = [r[0] for r in bind.execute(sa.text("SELECT id FROM code_event"))]
    if ids:
        bind.execute(sa.text("UPDATE code_event SET guid = :g WHERE id = :i"),
                     [{"g": str(uuid.uuid4()), "i": i} for i in ids])
    with op.batch_alter_table("code_event") as batch_op:
        batch_op.alter_column("guid", existing_type=sa.String(length=36), nullable=False)
        batch_op.create_unique_constraint(op.f("uq_code_event_guid"), ["guid"])


def downgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    with op.batch_alter_table("code_event") as batch_op:
        batch_op.drop_constraint(op.f("uq_code_event_guid"), type_="unique")
        batch_op.drop_column("guid")
    op.drop_column("round", "record")
    op.drop_column("round", "closed_by")
    op.drop_column("round", "closed_at")
    kept = _keep_dependents(bind) if sqlite else {}
    op.drop_index("ux_coding_span", table_name="coding")
    with op.batch_alter_table("coding", recreate="always" if sqlite else "auto") as batch_op:
        batch_op.drop_index(batch_op.f("ix_coding_round_id"))
        batch_op.drop_constraint(op.f("fk_coding_codebook_version_id_codebook_version"),
                                 type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_coding_round_id_round"), type_="foreignkey")
        batch_op.drop_column("codebook_version_id")
        batch_op.drop_column("round_id")
        batch_op.create_unique_constraint("uq_coding_span",
                                          ["document_id", "code_id", "coder_id", "start", "end"])
    if sqlite:
        _restore_dependents(bind, kept)
