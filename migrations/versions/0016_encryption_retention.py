"""personal data of civil-society participants encrypted at rest (with a blind index of the real name), a contact
column, and what retention and erasure need

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 19:40:00

The values already stored are encrypted here, under the instance's current key (``visitplanner.crypto``): after
this revision no column of personal data holds clear text. The downgrade decrypts them again.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

#: The columns encrypted by this revision: (table, column, key column).
ENCRYPTED = (
    ('participants', 'real_name', 'id'),
    ('participants', 'residence', 'id'),
    ('consent_records', 'note', 'id'),
    ('safety_assessments', 'threats', 'id'),
    ('safety_assessments', 'vulnerabilities', 'id'),
    ('safety_assessments', 'capacities', 'id'),
    ('safety_assessments', 'venue', 'id'),
    ('safety_assessments', 'device_precautions', 'id'),
    ('safety_assessments', 'mitigations', 'id'),
    ('consultations', 'question', 'id'),
    ('consultations', 'answer', 'id'),
    ('users', 'totp_secret', 'id'),
)


def _keyring():
    from flask import current_app

    return current_app.extensions['data_keys']


def _convert(encrypting: bool) -> None:
    ring = _keyring()
    bind = op.get_bind()
    for table_name, column, key in ENCRYPTED:
        table = sa.table(table_name, sa.column(key, sa.Integer), sa.column(column, sa.Text),
                         *([sa.column('real_name_index', sa.String)] if encrypting and column == 'real_name' else []))
        rows = bind.execute(sa.select(table.c[key], table.c[column]).where(table.c[column] != '')).all()
        for ident, value in rows:
            is_token = value.startswith('vp1:')
            if encrypting and not is_token:
                values = {column: ring.encrypt(value, f'{table_name}.{column}')}
                if column == 'real_name':
                    values['real_name_index'] = ring.blind_index(value)
            elif not encrypting and is_token:
                values = {column: ring.decrypt(value, f'{table_name}.{column}')}
            else:
                continue
            bind.execute(table.update().where(table.c[key] == ident).values(**values))


def upgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.alter_column('real_name', existing_type=sa.String(length=200), type_=sa.Text(),
                              existing_nullable=False)
        batch_op.alter_column('residence', existing_type=sa.String(length=200), type_=sa.Text(),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('real_name_index', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('contact', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('keep_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('keep_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('pseudonymised_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_participants_real_name_index'), ['real_name_index'], unique=False)
    with op.batch_alter_table('safety_assessments', schema=None) as batch_op:
        batch_op.alter_column('venue', existing_type=sa.String(length=300), type_=sa.Text(), existing_nullable=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64), type_=sa.Text(),
                              existing_nullable=True)
    _convert(encrypting=True)


def downgrade():
    _convert(encrypting=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.Text(), type_=sa.String(length=64),
                              existing_nullable=True)
    with op.batch_alter_table('safety_assessments', schema=None) as batch_op:
        batch_op.alter_column('venue', existing_type=sa.Text(), type_=sa.String(length=300), existing_nullable=False)
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participants_real_name_index'))
        batch_op.drop_column('erased_at')
        batch_op.drop_column('pseudonymised_at')
        batch_op.drop_column('keep_reason')
        batch_op.drop_column('keep_until')
        batch_op.drop_column('contact')
        batch_op.drop_column('real_name_index')
        batch_op.alter_column('residence', existing_type=sa.Text(), type_=sa.String(length=200),
                              existing_nullable=False)
        batch_op.alter_column('real_name', existing_type=sa.Text(), type_=sa.String(length=200),
                              existing_nullable=False)
