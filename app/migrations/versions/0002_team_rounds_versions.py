"""team work: codebook versions, code event log, rounds

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "codebook_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codebook_version")),
        sa.UniqueConstraint("name", name=op.f("uq_codebook_version_name")),
    )
    op.create_table(
        "code_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("operation", sa.String(length=20), nullable=False),
        sa.Column("code_guid", sa.String(length=36), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_event")),
    )
    with op.batch_alter_table("code_event") as batch_op:
        batch_op.create_index(batch_op.f("ix_code_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_code_event_code_guid"), ["code_guid"], unique=False)
    op.create_table(
        "round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("codebook_version_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["codebook_version_id"], ["codebook_version.id"],
                                name=op.f("fk_round_codebook_version_id_codebook_version"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round")),
        sa.UniqueConstraint("guid", name=op.f("uq_round_guid")),
        sa.UniqueConstraint("name", name=op.f("uq_round_name")),
    )
    op.create_table(
        "round_document",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"],
                                name=op.f("fk_round_document_round_id_round"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"],
                                name=op.f("fk_round_document_document_id_document"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("round_id", "document_id", name=op.f("pk_round_document")),
    )
    with op.batch_alter_table("round_document") as batch_op:
        batch_op.create_index(batch_op.f("ix_round_document_document_id"), ["document_id"])
    op.create_table(
        "round_coder",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["round.id"],
                                name=op.f("fk_round_coder_round_id_round"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["coder_id"], ["coder.id"],
                                name=op.f("fk_round_coder_coder_id_coder"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("round_id", "coder_id", name=op.f("pk_round_coder")),
    )
    with op.batch_alter_table("round_coder") as batch_op:
        batch_op.create_index(batch_op.f("ix_round_coder_coder_id"), ["coder_id"])


    op.create_table(
        "review_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("code_guid", sa.String(length=36), nullable=False),
        sa.Column("coder_a", sa.String(length=200), nullable=False),
        sa.Column("coder_b", sa.String(length=200), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("consensus", sa.String(length=200), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"],
                                name=op.f("fk_review_decision_document_id_document"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decision")),
        sa.UniqueConstraint("document_id", "code_guid", "coder_a", "coder_b", "start", "end",
                            name="uq_review_decision_cluster"),
    )
    with op.batch_alter_table("review_decision") as batch_op:
        batch_op.create_index(batch_op.f("ix_review_decision_document_id"), ["document_id"])


def downgrade() -> None:
    op.drop_table("review_decision")
    op.drop_table("round_coder")
    op.drop_table("round_document")
    op.drop_table("round")
    op.drop_table("code_event")
    op.drop_table("codebook_version")
