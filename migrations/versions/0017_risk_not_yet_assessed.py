"""a partnership's risk level is "not yet assessed" (NULL) until the advisor sets it, instead of "medium"

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 20:40:00

Existing partnerships keep the level they have: whether "medium" was assessed or only the old default cannot be
told apart, and keeping a level is the careful reading.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.alter_column('risk_level', existing_type=sa.String(length=16), nullable=True)


def downgrade():
    op.execute("UPDATE partnerships SET risk_level = 'medium' WHERE risk_level IS NULL")
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.alter_column('risk_level', existing_type=sa.String(length=16), nullable=False)
