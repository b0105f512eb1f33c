"""A kept set's rows as Parquet: the events and the rejected rows of a set are stored as
Parquet files in parts (set_parts), one or a few rows per set instead of one row per event.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07

Sets kept before (storage 'rows') keep their rows in set_events / set_rejected and are read as
before; new sets are 'parquet'.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("event_sets", sa.Column("storage", sa.Text, nullable=False,
                                          server_default="rows"))
    op.create_table(
        "set_parts",
        sa.Column("set_id", sa.String(64), sa.ForeignKey("event_sets.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),  # events | rejected
        sa.Column("part", sa.Integer, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("set_parts")
    op.drop_column("event_sets", "storage")
