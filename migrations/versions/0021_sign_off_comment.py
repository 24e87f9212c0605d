"""a sign-off keeps the signer's optional comment

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 14:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sign_offs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('sign_offs', schema=None) as batch_op:
        batch_op.drop_column('comment')
