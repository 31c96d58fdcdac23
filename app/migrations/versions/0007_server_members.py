"""server members: which PostgreSQL login codes as which coder in a shared project

Revision ID: 0007
Revises: 0006

Self-contained: the table is written out here as it was in this revision (app.models.server
may change later through new migrations, never this one). A project file keeps it empty.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "server_member",
        sa.Column("login", sa.String(length=63), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["coder_id"], ["coder.id"],
                                name=op.f("fk_server_member_coder_id_coder"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("login", name=op.f("pk_server_member")),
    )
    op.create_index(op.f("ix_server_member_coder_id"), "server_member", ["coder_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_server_member_coder_id"), table_name="server_member")
    op.drop_table("server_member")
