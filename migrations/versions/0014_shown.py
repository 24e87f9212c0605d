"""what each audience has been shown of a programme item in calendars (its own SEQUENCE, when it was withdrawn)

Existing items keep NULL: they were made before this was followed, and their first change raises every
audience's SEQUENCE.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shown', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.drop_column('shown')
