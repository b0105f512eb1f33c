"""Versions of a pulled set (geo.pulls): what takes the set back to the version before each
pull. `pulls.undo` holds the layouts of that version and how many rows the pull wrote;
`pull_parts` the rows the pull replaced or deleted, as Parquet with their positions then.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

Pulls kept before this have no undo (NULL): the versions before them cannot be rebuilt, and
the app says so.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("pulls", sa.Column("undo", sa.JSON))
    op.create_table(
        "pull_parts",
        sa.Column("set_id", sa.String(64), sa.ForeignKey("event_sets.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),  # events | rejected
        sa.Column("part", sa.Integer, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pull_parts")
    with op.batch_alter_table("pulls") as batch:
        batch.drop_column("undo")
