"""revisions on missions, partnerships and users; sign-offs bound to what they vouch for; one standing sign-off
per role; feeds keep no validator of their own

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 16:00:00

Missions that were submitted or finalised before this revision have no vouched content: the first change or
the next ``flask checklist`` returns them to draft, to be submitted and signed again under the new binding.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

ROOTS = ('missions', 'partnerships', 'users')


def upgrade():
    for table in ROOTS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False, server_default='0'))
            batch_op.add_column(sa.Column('revised_ms', sa.BigInteger(), nullable=False, server_default='0'))
    with op.batch_alter_table('missions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vouched_fingerprint', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('vouched_content', sa.JSON(none_as_null=True), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_missions_vouched_not_draft'), "vouched_fingerprint IS NULL OR status NOT IN ('draft', 'cancelled')")
        batch_op.create_check_constraint(
            batch_op.f('ck_missions_vouched_with_content'), "(vouched_fingerprint IS NULL) = (vouched_content IS NULL)")
    # A second standing sign-off in one role, left by a race before this revision, is voided first.
    op.execute(
        "UPDATE sign_offs SET voided_at = CURRENT_TIMESTAMP, void_reason = 'A second sign-off in the same role.' "
        "WHERE voided_at IS NULL AND id NOT IN "
        "(SELECT MIN(id) FROM sign_offs WHERE voided_at IS NULL GROUP BY mission_id, role)"
    )
    with op.batch_alter_table('sign_offs', schema=None) as batch_op:
        batch_op.create_index('uq_sign_offs_active_role', ['mission_id', 'role'], unique=True,
                              sqlite_where=sa.text('voided_at IS NULL'),
                              postgresql_where=sa.text('voided_at IS NULL'))
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_column('content_changed_at')
        batch_op.drop_column('last_etag')


def downgrade():
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_etag', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('content_changed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('sign_offs', schema=None) as batch_op:
        batch_op.drop_index('uq_sign_offs_active_role')
    with op.batch_alter_table('missions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_missions_vouched_with_content'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_missions_vouched_not_draft'), type_='check')
        batch_op.drop_column('vouched_content')
        batch_op.drop_column('vouched_fingerprint')
    for table in reversed(ROOTS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('revised_ms')
            batch_op.drop_column('revision')
