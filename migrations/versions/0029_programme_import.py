"""a partner's draft programme imported from a calendar file: the kind "to be classified", and the UID of the event
each imported item came from (one item per UID in a mission)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 21:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

OLD_KINDS = ("'official_meeting', 'ngo_visit', 'citizen_meeting', 'business_session', 'civil_society_dialogue', "
             "'company_briefing', 'company_visit', 'public_moment', 'cultural', 'transport', 'meal', 'other'")
NEW_KINDS = OLD_KINDS + ", 'unclassified'"


def upgrade():
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_uid', sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint('uq_programme_items_import_uid', ['mission_id', 'import_uid'])
        batch_op.drop_constraint(batch_op.f('ck_programme_items_known_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_programme_items_known_kind'), f"kind IN ({NEW_KINDS})")


def downgrade():
    # An item still to be classified becomes "other", internal as it was: only the office's own calendars carry it.
    op.execute("UPDATE programme_items SET kind = 'other' WHERE kind = 'unclassified'")
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_programme_items_known_kind'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_programme_items_known_kind'), f"kind IN ({OLD_KINDS})")
        batch_op.drop_constraint('uq_programme_items_import_uid', type_='unique')
        batch_op.drop_column('import_uid')
