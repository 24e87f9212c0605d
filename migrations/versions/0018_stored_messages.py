"""void reasons and why a mission needs attention are kept as stored messages (a code with parameters, JSON in the
same text column), translated when shown; a reason stored before as text becomes that text, shown as written

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 02:00:00
"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

COLUMNS = (("sign_offs", "void_reason"), ("missions", "attention_reason"))


def _convert(table: str, column: str, change) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL")).all()
    for row_id, value in rows:
        bind.execute(sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),
                     {"value": change(value), "id": row_id})


def upgrade():
    for table, column in COLUMNS:
        _convert(table, column, lambda text: json.dumps(text, ensure_ascii=False))


def downgrade():
    from visitplanner.messages import shown

    def as_text(stored: str) -> str:
        value = json.loads(stored)
        # Outside a request: in the application's default language.
        return value if isinstance(value, str) else shown(value)

    for table, column in COLUMNS:
        _convert(table, column, as_text)
