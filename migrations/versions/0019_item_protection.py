"""high-risk protection recorded on the item: set by a critical safety assessment, held until the advisor releases
the item with a reason (no longer inferred from who is linked to it now)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 12:00:00

Every item where someone's latest assessment *for that item* is critical is protected from the moment of that
assessment, by its assessor, whether or not the person is still linked.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('protected_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('protected_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_programme_items_protected_by_id_users'), 'users',
                                    ['protected_by_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_programme_items_protected_has_moment'),
                                         'protected_by_id IS NULL OR protected_at IS NOT NULL')
    bind = op.get_bind()
    latest = bind.execute(sa.text(
        "SELECT a.item_id, a.created_at, a.assessor_id FROM safety_assessments a "
        "WHERE a.risk_level = 'critical' AND a.id = (SELECT max(b.id) FROM safety_assessments b "
        "WHERE b.participant_id = a.participant_id AND b.item_id = a.item_id) ORDER BY a.id")).all()
    for item_id, created_at, assessor_id in latest:
        bind.execute(sa.text("UPDATE programme_items SET protected_at = :at, protected_by_id = :by "
                             "WHERE id = :id AND protected_at IS NULL"),
                     {"at": created_at, "by": assessor_id, "id": item_id})


def downgrade():
    with op.batch_alter_table('programme_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_programme_items_protected_has_moment'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_programme_items_protected_by_id_users'), type_='foreignkey')
        batch_op.drop_column('protected_by_id')
        batch_op.drop_column('protected_at')
