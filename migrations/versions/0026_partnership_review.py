"""the partnership reviewed as a whole (with notes per objective), projects with local partners as objectives of a
kind, and an outbound mission's request to the partner for room to meet civil society (issue 24, parts 6, 7b, 7c)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'partnership_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('partnership_id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
        sa.Column('conclusion', sa.Text(), nullable=False),
        sa.Column('next_steps', sa.Text(), nullable=False),
        sa.Column('internal_notes', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'],
                                name=op.f('fk_partnership_reviews_partnership_id_partnerships'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'],
                                name=op.f('fk_partnership_reviews_reviewed_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_reviews')),
    )
    with op.batch_alter_table('partnership_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_reviews_partnership_id'), ['partnership_id'], unique=False)
    op.create_table(
        'partnership_review_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('objective_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['review_id'], ['partnership_reviews.id'],
                                name=op.f('fk_partnership_review_notes_review_id_partnership_reviews'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'],
                                name=op.f('fk_partnership_review_notes_objective_id_objectives'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_review_notes')),
    )
    with op.batch_alter_table('partnership_review_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_review_notes_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_review_notes_objective_id'), ['objective_id'], unique=False)
    # Every objective recorded before is an objective, not a project.
    with op.batch_alter_table('objectives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='objective'))
        batch_op.add_column(sa.Column('local_partner', sa.String(length=200), nullable=False, server_default=''))
        batch_op.create_check_constraint(batch_op.f('ck_objectives_known_kind'), "kind IN ('objective', 'project')")
        batch_op.create_check_constraint(batch_op.f('ck_objectives_local_partner_of_project'),
                                         "kind = 'project' OR local_partner = ''")
    with op.batch_alter_table('missions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_requested_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('room_request', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('room_answer', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('room_answered_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('room_answer_notes', sa.Text(), nullable=False, server_default=''))
        batch_op.create_check_constraint(
            batch_op.f('ck_missions_known_room_answer'),
            "room_answer IS NULL OR room_answer IN ('pending', 'granted', 'partly', 'refused')")
        batch_op.create_check_constraint(batch_op.f('ck_missions_room_request_has_answer'),
                                         "(room_requested_on IS NULL) = (room_answer IS NULL)")


def downgrade():
    with op.batch_alter_table('missions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_missions_room_request_has_answer'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_missions_known_room_answer'), type_='check')
        batch_op.drop_column('room_answer_notes')
        batch_op.drop_column('room_answered_on')
        batch_op.drop_column('room_answer')
        batch_op.drop_column('room_request')
        batch_op.drop_column('room_requested_on')
    with op.batch_alter_table('objectives', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_objectives_local_partner_of_project'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_objectives_known_kind'), type_='check')
        batch_op.drop_column('local_partner')
        batch_op.drop_column('kind')
    with op.batch_alter_table('partnership_review_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_review_notes_objective_id'))
        batch_op.drop_index(batch_op.f('ix_partnership_review_notes_review_id'))
    op.drop_table('partnership_review_notes')
    with op.batch_alter_table('partnership_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_reviews_partnership_id'))
    op.drop_table('partnership_reviews')
