"""code sets: named groups of codes (REFI-QDA Sets)

Revision ID: 0006
Revises: 0005

Self-contained: the tables are written out here as they were in this revision (app.models.codeset
may change later through new migrations, never this one).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "code_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_set")),
        sa.UniqueConstraint("guid", name=op.f("uq_code_set_guid")),
        sa.UniqueConstraint("name", name=op.f("uq_code_set_name")),
    )
    op.create_table(
        "code_set_member",
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["set_id"], ["code_set.id"],
                                name=op.f("fk_code_set_member_set_id_code_set"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"],
                                name=op.f("fk_code_set_member_code_id_code"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("set_id", "code_id", name=op.f("pk_code_set_member")),
    )
    op.create_index(op.f("ix_code_set_member_code_id"), "code_set_member", ["code_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_code_set_member_code_id"), table_name="code_set_member")
    op.drop_table("code_set_member")
    op.drop_table("code_set")
