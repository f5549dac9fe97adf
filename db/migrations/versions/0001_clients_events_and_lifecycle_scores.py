"""clients, events and lifecycle scores

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("segment", sa.String(length=32), nullable=False),
        sa.Column("first_funded_at", sa.DateTime(), nullable=True),
        sa.Column("aum", sa.Float(), nullable=False),
        sa.Column("products", sa.String(length=400), nullable=False),
        sa.Column("last_review_at", sa.DateTime(), nullable=True),
        sa.Column("do_not_contact", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "client_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("timestamp", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("client_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_client_events_client_time", ["client_id", "timestamp"], unique=False
        )

    op.create_table(
        "lifecycle_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.DateTime(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("churn_risk", sa.Float(), nullable=False),
        sa.Column("expected_value", sa.Float(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("next_best_action", sa.String(length=64), nullable=True),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("scored_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lifecycle_scores", schema=None) as batch_op:
        batch_op.create_index(
            "ix_lifecycle_scores_client_scored", ["client_id", "scored_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("lifecycle_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_lifecycle_scores_client_scored")

    op.drop_table("lifecycle_scores")
    with op.batch_alter_table("client_events", schema=None) as batch_op:
        batch_op.drop_index("ix_client_events_client_time")

    op.drop_table("client_events")
    op.drop_table("clients")
