"""the register of stakeholders and who was involved in which objective

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 18:58:41

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stakeholders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('alias', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('contact', sa.Text(), nullable=False),
    sa.Column('protected', sa.Boolean(), nullable=False),
    sa.Column('released_reason', sa.Text(), nullable=False),
    sa.Column('released_by_id', sa.Integer(), nullable=True),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('dutch_civil_society', 'local_hr_group', 'diaspora', 'knowledge', 'partner_civil_society')", name=op.f('ck_stakeholders_known_kind')),
    sa.CheckConstraint("protected OR kind NOT IN ('partner_civil_society', 'diaspora')", name=op.f('ck_stakeholders_always_protected')),
    sa.CheckConstraint("protected OR released_reason <> ''", name=op.f('ck_stakeholders_release_has_reason')),
    sa.ForeignKeyConstraint(['released_by_id'], ['users.id'], name=op.f('fk_stakeholders_released_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stakeholders')),
    sa.UniqueConstraint('alias', name=op.f('uq_stakeholders_alias'))
    )
    op.create_table('involvements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=False),
    sa.Column('stakeholder_id', sa.Integer(), nullable=True),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('way', sa.String(length=16), nullable=False),
    sa.Column('said', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("way IN ('meeting', 'consultation', 'workshop', 'call', 'written', 'partner')", name=op.f('ck_involvements_known_way')),
    sa.CheckConstraint('(CASE WHEN stakeholder_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN participant_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN company_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_involvements_one_party')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_involvements_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'], name=op.f('fk_involvements_objective_id_objectives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_involvements_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_involvements_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['stakeholder_id'], ['stakeholders.id'], name=op.f('fk_involvements_stakeholder_id_stakeholders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_involvements'))
    )
    with op.batch_alter_table('involvements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_involvements_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_involvements_objective_id'), ['objective_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_involvements_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_involvements_stakeholder_id'), ['stakeholder_id'], unique=False)

    with op.batch_alter_table('participants', schema=None) as batch_op:
        # Nobody recorded before is taken to live in the partner region: the advisor ticks it.
        batch_op.add_column(sa.Column('in_partner_region', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('in_partner_region')

    with op.batch_alter_table('involvements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_involvements_stakeholder_id'))
        batch_op.drop_index(batch_op.f('ix_involvements_participant_id'))
        batch_op.drop_index(batch_op.f('ix_involvements_objective_id'))
        batch_op.drop_index(batch_op.f('ix_involvements_company_id'))

    op.drop_table('involvements')
    op.drop_table('stakeholders')
