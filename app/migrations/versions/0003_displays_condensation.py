"""report writing: condensates, illustrative quotes, syntheses, saved displays

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "condensate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"], name=op.f("fk_condensate_code_id_code"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_condensate")),
        sa.UniqueConstraint("guid", name=op.f("uq_condensate_guid")),
    )
    with op.batch_alter_table("condensate") as batch_op:
        batch_op.create_index(batch_op.f("ix_condensate_code_id"), ["code_id"])
    op.create_table(
        "condensate_coding",
        sa.Column("condensate_id", sa.Integer(), nullable=False),
        sa.Column("coding_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["condensate_id"], ["condensate.id"],
                                name=op.f("fk_condensate_coding_condensate_id_condensate"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["coding_id"], ["coding.id"],
                                name=op.f("fk_condensate_coding_coding_id_coding"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("condensate_id", "coding_id", name=op.f("pk_condensate_coding")),
    )
    with op.batch_alter_table("condensate_coding") as batch_op:
        batch_op.create_index(batch_op.f("ix_condensate_coding_coding_id"), ["coding_id"])
    op.create_table(
        "illustrative_quote",
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("coding_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"],
                                name=op.f("fk_illustrative_quote_code_id_code"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["coding_id"], ["coding.id"],
                                name=op.f("fk_illustrative_quote_coding_id_coding"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code_id", "coding_id", name=op.f("pk_illustrative_quote")),
    )
    with op.batch_alter_table("illustrative_quote") as batch_op:
        batch_op.create_index(batch_op.f("ix_illustrative_quote_coding_id"), ["coding_id"])
    op.create_table(
        "synthesis",
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"], name=op.f("fk_synthesis_code_id_code"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code_id", name=op.f("pk_synthesis")),
    )
    op.create_table(
        "saved_display",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("spec", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_display")),
        sa.UniqueConstraint("name", name=op.f("uq_saved_display_name")),
    )


def downgrade() -> None:
    op.drop_table("saved_display")
    op.drop_table("synthesis")
    op.drop_table("illustrative_quote")
    op.drop_table("condensate_coding")
    op.drop_table("condensate")
