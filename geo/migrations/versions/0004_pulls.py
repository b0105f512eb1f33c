"""The pulls of a set from ACLED or UCDP (geo.pulls): one row a pull, a version of the set.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pulls",
        sa.Column("set_id", sa.String(64), sa.ForeignKey("event_sets.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.Text, nullable=False),  # acled | ucdp
        sa.Column("version", sa.Text),  # UCDP's GED version
        sa.Column("cursor", sa.Text),  # ACLED: the newest `timestamp` of the rows pulled
        sa.Column("params", sa.JSON, nullable=False),  # dates and countries asked for
        sa.Column("added", sa.Integer, nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("deleted", sa.Integer, nullable=False),
        sa.Column("loaded", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
        sa.Column("received_bytes", sa.BigInteger, nullable=False),
        sa.Column("owner", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pulls")
