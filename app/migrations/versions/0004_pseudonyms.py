"""sensitive terms and their pseudonyms

Revision ID: 0004
Revises: 0003

The table is defined in app.core.privacy.terms (its own MetaData, created on first use by
projects of an earlier build), so it is created here only when missing.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from app.core.privacy.terms import pseudonym_table

    pseudonym_table.create(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS pseudonym")
