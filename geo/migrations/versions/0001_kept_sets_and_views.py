"""Kept event sets (their rows and rejected rows) and saved views.

Revision ID: 0001
Revises:
Create Date: 2026-12-02

On PostgreSQL each event also has geom geometry(Point, 4326) (PostGIS), with a GiST index.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TEXT_COLUMNS = ("iso3", "place", "category", "title", "summary", "sources")


def upgrade() -> None:
    op.create_table(
        "event_sets",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("format", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
        sa.Column("notes", sa.JSON, nullable=False),
        sa.Column("ambiguous_dates", sa.Boolean, nullable=False),
        sa.Column("columns", sa.JSON, nullable=False),
        sa.Column("rejected_columns", sa.JSON, nullable=False),
    )
    op.create_table(
        "set_events",
        sa.Column("set_id", sa.String(64), sa.ForeignKey("event_sets.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("id", sa.Text),
        sa.Column("date", sa.Date),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        *(sa.Column(name, sa.Text) for name in TEXT_COLUMNS),
        sa.Column("row", sa.Integer),
        sa.Column("extra", sa.JSON),
    )
    op.create_table(
        "set_rejected",
        sa.Column("set_id", sa.String(64), sa.ForeignKey("event_sets.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("row", sa.Integer),
        sa.Column("reasons", sa.Text),
        sa.Column("extra", sa.JSON),
    )
    op.create_table(
        "saved_views",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        op.execute("ALTER TABLE set_events ADD COLUMN geom geometry(Point, 4326)")
        op.execute("CREATE INDEX set_events_geom ON set_events USING gist (geom)")


def downgrade() -> None:
    for table in ("saved_views", "set_rejected", "set_events", "event_sets"):
        op.drop_table(table)
