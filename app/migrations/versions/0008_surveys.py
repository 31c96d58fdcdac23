"""surveys beside the interviews: items, respondents as cases, answers, free-text answers as
documents, reference figures and the theme-to-code mapping of joint displays

Revision ID: 0008
Revises: 0007

Self-contained: the tables are written out here as they were in this revision (app.models.survey
may change later through new migrations, never this one).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('source_name', sa.String(length=1000), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by', sa.String(length=200), nullable=False),
    sa.Column('mapping', sa.Text(), nullable=False),
    sa.Column('min_group', sa.Integer(), nullable=False),
    sa.Column('memo', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey')),
    sa.UniqueConstraint('guid', name=op.f('uq_survey_guid')),
    sa.UniqueConstraint('name', name=op.f('uq_survey_name'))
    )
    op.create_table('respondent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_respondent_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_respondent')),
    sa.UniqueConstraint('guid', name=op.f('uq_respondent_guid')),
    sa.UniqueConstraint('survey_id', 'row', name='uq_respondent_row')
    )
    op.create_index(op.f('ix_respondent_survey_id'), 'respondent', ['survey_id'], unique=False)
    op.create_table('survey_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('column', sa.String(length=1000), nullable=False),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('theme', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('scale_min', sa.Integer(), nullable=False),
    sa.Column('scale_max', sa.Integer(), nullable=False),
    sa.Column('scale_labels', sa.Text(), nullable=False),
    sa.Column('dont_know', sa.Text(), nullable=False),
    sa.Column('reverse', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind IN ('likert', 'text')", name=op.f('ck_survey_item_kind')),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_item_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_item')),
    sa.UniqueConstraint('survey_id', 'key', name='uq_survey_item_key')
    )
    op.create_index(op.f('ix_survey_item_survey_id'), 'survey_item', ['survey_id'], unique=False)
    op.create_table('survey_reference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('memo', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_reference_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_reference')),
    sa.UniqueConstraint('survey_id', 'name', name='uq_survey_reference_name')
    )
    op.create_index(op.f('ix_survey_reference_survey_id'), 'survey_reference', ['survey_id'], unique=False)
    op.create_table('survey_theme_code',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=200), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['code_id'], ['code.id'], name=op.f('fk_survey_theme_code_code_id_code'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_theme_code_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'theme', 'code_id', name=op.f('pk_survey_theme_code'))
    )
    op.create_index(op.f('ix_survey_theme_code_code_id'), 'survey_theme_code', ['code_id'], unique=False)
    op.create_table('respondent_value',
    sa.Column('respondent_id', sa.Integer(), nullable=False),
    sa.Column('attribute_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['attribute_id'], ['attribute_definition.id'], name=op.f('fk_respondent_value_attribute_id_attribute_definition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['respondent_id'], ['respondent.id'], name=op.f('fk_respondent_value_respondent_id_respondent'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('respondent_id', 'attribute_id', name=op.f('pk_respondent_value'))
    )
    op.create_index(op.f('ix_respondent_value_attribute_id'), 'respondent_value', ['attribute_id'], unique=False)
    op.create_table('survey_answer',
    sa.Column('respondent_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.SmallInteger(), nullable=True),
    sa.Column('dont_know', sa.Boolean(), nullable=False),
    sa.CheckConstraint('(value IS NULL) = dont_know', name=op.f('ck_survey_answer_value_or_dont_know')),
    sa.ForeignKeyConstraint(['item_id'], ['survey_item.id'], name=op.f('fk_survey_answer_item_id_survey_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['respondent_id'], ['respondent.id'], name=op.f('fk_survey_answer_respondent_id_respondent'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('respondent_id', 'item_id', name=op.f('pk_survey_answer'))
    )
    op.create_index(op.f('ix_survey_answer_item_id'), 'survey_answer', ['item_id'], unique=False)
    op.create_table('survey_reference_value',
    sa.Column('reference_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('mean', sa.Float(), nullable=False),
    sa.CheckConstraint("scope IN ('item', 'theme')", name=op.f('ck_survey_reference_value_scope')),
    sa.ForeignKeyConstraint(['reference_id'], ['survey_reference.id'], name=op.f('fk_survey_reference_value_reference_id_survey_reference'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('reference_id', 'scope', 'key', name=op.f('pk_survey_reference_value'))
    )
    op.create_table('survey_text',
    sa.Column('respondent_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_survey_text_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['survey_item.id'], name=op.f('fk_survey_text_item_id_survey_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['respondent_id'], ['respondent.id'], name=op.f('fk_survey_text_respondent_id_respondent'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('respondent_id', 'item_id', name=op.f('pk_survey_text')),
    sa.UniqueConstraint('document_id', name=op.f('uq_survey_text_document_id'))
    )


def downgrade() -> None:
    op.drop_table('survey_text')
    op.drop_table('survey_reference_value')
    op.drop_index(op.f('ix_survey_answer_item_id'), table_name='survey_answer')
    op.drop_table('survey_answer')
    op.drop_index(op.f('ix_respondent_value_attribute_id'), table_name='respondent_value')
    op.drop_table('respondent_value')
    op.drop_index(op.f('ix_survey_theme_code_code_id'), table_name='survey_theme_code')
    op.drop_table('survey_theme_code')
    op.drop_index(op.f('ix_survey_reference_survey_id'), table_name='survey_reference')
    op.drop_table('survey_reference')
    op.drop_index(op.f('ix_survey_item_survey_id'), table_name='survey_item')
    op.drop_table('survey_item')
    op.drop_index(op.f('ix_respondent_survey_id'), table_name='respondent')
    op.drop_table('respondent')
    op.drop_table('survey')
