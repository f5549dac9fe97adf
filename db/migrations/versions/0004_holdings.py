"""holdings: client portfolio snapshots by asset class; merges the records and accounts branches

Revision ID: 0004
Revises: 0002, 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = ("0002", "0003")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holdings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("asset_class", sa.String(length=64), nullable=False),
        sa.Column("market_value", sa.Float(), nullable=False),
        sa.Column("as_of", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_holdings_client_as_of", "holdings", ["client_id", "as_of"])


def downgrade() -> None:
    op.drop_index("ix_holdings_client_as_of", table_name="holdings")
    op.drop_table("holdings")
