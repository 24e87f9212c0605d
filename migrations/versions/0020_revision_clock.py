"""the revision clock: one row whose lock orders the stamps of revised_ms as transactions commit (Last-Modified never
goes backwards in commit order)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'revision_clock',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('last_ms', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_revision_clock')),
    )
    # From the latest stamp there is: no new one can be earlier.
    op.execute("INSERT INTO revision_clock (id, last_ms) SELECT 1, COALESCE(MAX(ms), 0) FROM ("
               "SELECT MAX(revised_ms) AS ms FROM missions UNION ALL SELECT MAX(revised_ms) FROM partnerships "
               "UNION ALL SELECT MAX(revised_ms) FROM users) AS stamps")


def downgrade():
    op.drop_table('revision_clock')
