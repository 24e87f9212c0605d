"""An encrypted column names the column of its table that holds its blind index, and a key rotation finds it there
(``crypto.blind_index_of``), without ``crypto`` knowing any model."""

from __future__ import annotations

from visitplanner.crypto import EncryptedText, blind_index_of, encrypted_columns
from visitplanner.participants.models import Participant


def test_the_real_name_declares_its_blind_index_and_the_rotation_finds_it(app):
    columns = Participant.__table__.c
    assert blind_index_of(columns.real_name) is columns.real_name_index
    assert blind_index_of(columns.contact) is None


def test_every_declared_blind_index_is_a_plain_column_of_the_same_table(app):
    declared = {column: blind_index_of(column) for column in encrypted_columns()}
    indexes = {column.key: index for column, index in declared.items() if index is not None}
    assert set(indexes) == {"real_name"}
    for index in indexes.values():
        assert not isinstance(index.type, EncryptedText)
