"""programme items raise the partnership's focal themes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 05:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('item_focal_themes',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'], name=op.f('fk_item_focal_themes_item_id_programme_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['focal_themes.id'], name=op.f('fk_item_focal_themes_theme_id_focal_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'theme_id', name=op.f('pk_item_focal_themes'))
    )


def downgrade():
    op.drop_table('item_focal_themes')
