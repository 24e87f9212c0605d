"""high-risk mode on a mission: set by the advisor with a reason (no feed carries items with civil society)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 23:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('missions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('high_risk_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('high_risk_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('high_risk_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_missions_high_risk_by_id_users'), 'users', ['high_risk_by_id'],
                                    ['id'])
        batch_op.create_check_constraint(
            batch_op.f('ck_missions_high_risk_has_moment'), '(high_risk_reason IS NULL) = (high_risk_at IS NULL)')


def downgrade():
    with op.batch_alter_table('missions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_missions_high_risk_has_moment'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_missions_high_risk_by_id_users'), type_='foreignkey')
        batch_op.drop_column('high_risk_at')
        batch_op.drop_column('high_risk_by_id')
        batch_op.drop_column('high_risk_reason')
