"""a delegation member is on our side or the visitors' (inbound missions): talking points go to our side only

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    # Everyone recorded before was taken to be ours: the office marks the visitors.
    with op.batch_alter_table('delegation_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('side', sa.String(length=16), nullable=False, server_default='ours'))
        batch_op.create_check_constraint(batch_op.f('ck_delegation_members_known_side'),
                                         "side IN ('ours', 'visitors')")


def downgrade():
    with op.batch_alter_table('delegation_members', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_delegation_members_known_side'), type_='check')
        batch_op.drop_column('side')
