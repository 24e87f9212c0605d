"""a programme item may end in another time zone than it starts in (a flight, a night train)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('end_timezone', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.drop_column('end_timezone')
