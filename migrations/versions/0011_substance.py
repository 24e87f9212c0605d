"""the gate checks substance: a civil-society dialogue kind, a head-count of residents kept off the record, company
briefings recorded as held

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 20:00:00

Briefings dated on or before the day of this migration count as held. Sign-offs given before it vouched for less
than they do now: such missions return to draft at the next change or `flask checklist`, to be signed again.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

OLD_KINDS = ("'official_meeting', 'ngo_visit', 'citizen_meeting', 'business_session', 'company_briefing', "
             "'company_visit', 'public_moment', 'cultural', 'transport', 'meal', 'other'")
NEW_KINDS = ("'official_meeting', 'ngo_visit', 'citizen_meeting', 'business_session', 'civil_society_dialogue', "
             "'company_briefing', 'company_visit', 'public_moment', 'cultural', 'transport', 'meal', 'other'")


def upgrade():
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headcount', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('headcount_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.drop_constraint(batch_op.f('ck_programme_items_known_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_programme_items_known_kind'), f"kind IN ({NEW_KINDS})")
        batch_op.create_check_constraint(batch_op.f('ck_programme_items_headcount_positive'),
                                         "headcount IS NULL OR headcount > 0")
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('briefing_held', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(sa.text("UPDATE companies SET briefing_held = :held WHERE briefed_on IS NOT NULL "
                       "AND briefed_on <= CURRENT_DATE").bindparams(held=True))


def downgrade():
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.drop_column('briefing_held')
    op.execute("UPDATE programme_items SET kind = 'other' WHERE kind = 'civil_society_dialogue'")
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_programme_items_headcount_positive'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_programme_items_known_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_programme_items_known_kind'), f"kind IN ({OLD_KINDS})")
        batch_op.drop_column('headcount_reason')
        batch_op.drop_column('headcount')
