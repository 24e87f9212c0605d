"""consultations of the embassy or another trusted channel as records, covering participants at items; the free
text on safety assessments moves into them

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 21:00:00

Each assessment that named a trusted channel becomes a consultation covering that participant at that item, dated
when the channel was consulted (or the assessment), valid as long as the assessment.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consultations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('consulted', sa.String(length=300), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('consulted_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("channel IN ('embassy', 'consulate', 'other')", name=op.f('ck_consultations_known_channel')),
    sa.CheckConstraint('valid_until >= consulted_on', name=op.f('ck_consultations_valid_after_consultation')),
    sa.ForeignKeyConstraint(['mission_id'], ['missions.id'], name=op.f('fk_consultations_mission_id_missions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_consultations_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultations'))
    )
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultations_mission_id'), ['mission_id'], unique=False)
    op.create_table('consultation_covers',
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_covers_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['programme_items.id'], name=op.f('fk_consultation_covers_item_id_programme_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_consultation_covers_participant_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consultation_id', 'participant_id', 'item_id', name=op.f('pk_consultation_covers'))
    )
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT a.participant_id, a.item_id, i.mission_id, a.trusted_channel, a.trusted_channel_on, a.assessed_on, "
        "a.valid_until, a.assessor_id, a.created_at FROM safety_assessments a "
        "JOIN programme_items i ON i.id = a.item_id WHERE a.trusted_channel <> ''").columns(
        trusted_channel_on=sa.Date, assessed_on=sa.Date, valid_until=sa.Date, created_at=sa.DateTime(timezone=True),
    )).all()
    consultations = sa.table('consultations', sa.column('id', sa.Integer), sa.column('mission_id', sa.Integer),
                             sa.column('channel', sa.String), sa.column('consulted', sa.String),
                             sa.column('question', sa.Text), sa.column('answer', sa.Text),
                             sa.column('consulted_on', sa.Date), sa.column('valid_until', sa.Date),
                             sa.column('recorded_by_id', sa.Integer),
                             sa.column('recorded_at', sa.DateTime(timezone=True)))
    covers = sa.table('consultation_covers', sa.column('consultation_id', sa.Integer),
                      sa.column('participant_id', sa.Integer), sa.column('item_id', sa.Integer))
    for row in rows:
        consulted_on = row.trusted_channel_on or row.assessed_on
        new_id = conn.execute(consultations.insert().values(
            mission_id=row.mission_id, channel='other', consulted=row.trusted_channel,
            question='(Recorded with the safety assessment.)', answer='(Recorded with the safety assessment.)',
            consulted_on=consulted_on, valid_until=max(row.valid_until, consulted_on),
            recorded_by_id=row.assessor_id, recorded_at=row.created_at,
        ).returning(consultations.c.id)).scalar_one()
        conn.execute(covers.insert().values(consultation_id=new_id, participant_id=row.participant_id,
                                            item_id=row.item_id))
    with op.batch_alter_table('safety_assessments', schema=None) as batch_op:
        batch_op.drop_column('trusted_channel_on')
        batch_op.drop_column('trusted_channel')


def downgrade():
    with op.batch_alter_table('safety_assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trusted_channel', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('trusted_channel_on', sa.Date(), nullable=True))
    op.drop_table('consultation_covers')
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultations_mission_id'))
    op.drop_table('consultations')
