"""contacts with the partner region between visits, with the focal themes raised; a follow-up on a partnership or a
contact, not only on a mission

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 18:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('partner_response', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('letter', 'call', 'video_meeting', 'visit_by_others')",
                       name=op.f('ck_contacts_known_kind')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'],
                            name=op.f('fk_contacts_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_contacts_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('contact_focal_themes',
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'],
                            name=op.f('fk_contact_focal_themes_contact_id_contacts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['focal_themes.id'],
                            name=op.f('fk_contact_focal_themes_theme_id_focal_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contact_id', 'theme_id', name=op.f('pk_contact_focal_themes'))
    )

    # Every follow-up so far belongs to a mission: the new columns stay empty for them, which the checks allow.
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partnership_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('contact_id', sa.Integer(), nullable=True))
        batch_op.alter_column('mission_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_follow_ups_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_ups_contact_id'), ['contact_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_follow_ups_partnership_id_partnerships'), 'partnerships',
                                    ['partnership_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_follow_ups_contact_id_contacts'), 'contacts',
                                    ['contact_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(batch_op.f('ck_follow_ups_one_parent'),
                                         "(mission_id IS NULL) <> (partnership_id IS NULL)")
        batch_op.create_check_constraint(batch_op.f('ck_follow_ups_contact_in_partnership'),
                                         "contact_id IS NULL OR partnership_id IS NOT NULL")


def downgrade():
    # A follow-up with no mission cannot go back to a schema where each has one.
    op.execute("DELETE FROM follow_ups WHERE mission_id IS NULL")
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_follow_ups_contact_in_partnership'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_follow_ups_one_parent'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_follow_ups_contact_id_contacts'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_follow_ups_partnership_id_partnerships'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_follow_ups_contact_id'))
        batch_op.drop_index(batch_op.f('ix_follow_ups_partnership_id'))
        batch_op.alter_column('mission_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('contact_id')
        batch_op.drop_column('partnership_id')
    op.drop_table('contact_focal_themes')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_partnership_id'))
    op.drop_table('contacts')
