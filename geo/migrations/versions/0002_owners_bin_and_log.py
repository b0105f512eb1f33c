"""Owners and visibility for kept sets and saved views, a bin (deleted_at), and a log of who did
what.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07

Sets and views kept before sign-in existed become this machine's ("local"), private.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KEPT = ("event_sets", "saved_views")


def upgrade() -> None:
    for table in KEPT:
        # Plain ADD COLUMN (no batch copy): on SQLite a copy would drop and re-create
        # event_sets, and with foreign keys on, the drop would cascade to the sets' rows.
        op.add_column(table, sa.Column("owner", sa.Text, nullable=False, server_default="local"))
        op.add_column(table, sa.Column("visibility", sa.Text, nullable=False,
                                       server_default="private"))
        op.add_column(table, sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column(table, sa.Column("deleted_by", sa.Text, nullable=True))
        op.create_index(f"{table}_owner", table, ["owner"])
    op.create_table(
        "store_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),  # set | view
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("item_owner", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("store_log_item", "store_log", ["item_id"])
    op.create_index("store_log_owner", "store_log", ["item_owner"])


def downgrade() -> None:
    op.drop_table("store_log")
    for table in KEPT:
        op.drop_index(f"{table}_owner", table)
        for column in ("deleted_by", "deleted_at", "visibility", "owner"):
            op.drop_column(table, column)
