"""sensitive terms and their pseudonyms

Revision ID: 0004
Revises: 0003

Self-contained: the table is written out here as it was in this revision (app.models.privacy
may change later through new migrations, never this one). Projects of an early build made the
table on first use, so it is created only when missing.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("pseudonym"):
        return
    op.create_table(
        "pseudonym",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("term", sa.Text(), nullable=False),
        sa.Column("pseudonym", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), server_default="name", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pseudonym")),
        sa.UniqueConstraint("term", name=op.f("uq_pseudonym_term")),
    )


def downgrade() -> None:
    op.drop_table("pseudonym")
