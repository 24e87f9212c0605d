"""the talking-points library per focal theme (entries in immutable versions), the links from a meeting's talking
points to the versions they were composed from, and the organisation's own human-rights policy in versions

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('own_policy_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sources', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('number > 0', name=op.f('ck_own_policy_versions_number_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_own_policy_versions_author_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_own_policy_versions')),
    sa.UniqueConstraint('number', name=op.f('uq_own_policy_versions_number'))
    )
    op.create_table('talking_point_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retired_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('point', 'whataboutism')", name=op.f('ck_talking_point_entries_known_kind')),
    sa.ForeignKeyConstraint(['retired_by_id'], ['users.id'], name=op.f('fk_talking_point_entries_retired_by_id_users')),
    sa.ForeignKeyConstraint(['theme_id'], ['focal_themes.id'], name=op.f('fk_talking_point_entries_theme_id_focal_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talking_point_entries'))
    )
    with op.batch_alter_table('talking_point_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talking_point_entries_theme_id'), ['theme_id'], unique=False)

    op.create_table('talking_point_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('sources', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('number > 0', name=op.f('ck_talking_point_versions_number_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_talking_point_versions_author_id_users')),
    sa.ForeignKeyConstraint(['entry_id'], ['talking_point_entries.id'], name=op.f('fk_talking_point_versions_entry_id_talking_point_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talking_point_versions')),
    sa.UniqueConstraint('entry_id', 'number', name='uq_talking_point_versions_entry_number')
    )
    with op.batch_alter_table('talking_point_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talking_point_versions_entry_id'), ['entry_id'], unique=False)

    op.create_table('item_talking_point_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('composed_by_id', sa.Integer(), nullable=True),
    sa.Column('composed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['composed_by_id'], ['users.id'], name=op.f('fk_item_talking_point_sources_composed_by_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'], name=op.f('fk_item_talking_point_sources_item_id_programme_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['talking_point_versions.id'], name=op.f('fk_item_talking_point_sources_version_id_talking_point_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_talking_point_sources')),
    sa.UniqueConstraint('item_id', 'version_id', name='uq_item_talking_point_sources_item_version')
    )
    with op.batch_alter_table('item_talking_point_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_talking_point_sources_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_talking_point_sources_version_id'), ['version_id'], unique=False)


def downgrade():
    with op.batch_alter_table('item_talking_point_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_talking_point_sources_version_id'))
        batch_op.drop_index(batch_op.f('ix_item_talking_point_sources_item_id'))

    op.drop_table('item_talking_point_sources')
    with op.batch_alter_table('talking_point_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talking_point_versions_entry_id'))

    op.drop_table('talking_point_versions')
    with op.batch_alter_table('talking_point_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talking_point_entries_theme_id'))

    op.drop_table('talking_point_entries')
    op.drop_table('own_policy_versions')
