"""suitability constraints and history: the limits that bound a recommendation, and what such a mix
did in market history, with the version of the historical data

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("suitability_records") as batch:
        batch.add_column(sa.Column("binding_constraints", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("history", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("history_version", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("suitability_records") as batch:
        batch.drop_column("history_version")
        batch.drop_column("history")
        batch.drop_column("binding_constraints")
