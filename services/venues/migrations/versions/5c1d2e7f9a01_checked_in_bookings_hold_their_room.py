"""checked-in bookings hold their room (the exclusion constraint counts them)

Revision ID: 5c1d2e7f9a01
Revises: e46080d4ce3f
Create Date: 2026-12-02 16:45:00

"""
from typing import Sequence, Union

from alembic import op


revision: str = '5c1d2e7f9a01'
down_revision: Union[str, Sequence[str], None] = 'e46080d4ce3f'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """A checked-in booking keeps its room until its end, like a pending or confirmed one."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap")
        op.execute(
            "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist "
            "(room_id WITH =, tstzrange(occupied_start, occupied_end) WITH &&) "
            "WHERE (status IN ('pending', 'confirmed', 'checked_in'))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap")
        op.execute(
            "ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist "
            "(room_id WITH =, tstzrange(occupied_start, occupied_end) WITH &&) "
            "WHERE (status IN ('pending', 'confirmed'))"
        )
