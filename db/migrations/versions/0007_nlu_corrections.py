"""nlu corrections: user messages staff say the bot misunderstood, with the right intent or slot

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nlu_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("event_timestamp", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("understood_intent", sa.String(length=100), nullable=True),
        sa.Column("understood_confidence", sa.Float(), nullable=True),
        sa.Column("corrected_intent", sa.String(length=100), nullable=True),
        sa.Column("slot_name", sa.String(length=100), nullable=True),
        sa.Column("slot_value", sa.Text(), nullable=True),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["staff_user_id"], ["staff_users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_nlu_corrections_created_at", "nlu_corrections", ["created_at"])
    op.create_index("ix_nlu_corrections_conversation_event", "nlu_corrections",
                    ["conversation_id", "event_id"])


def downgrade() -> None:
    op.drop_index("ix_nlu_corrections_conversation_event", table_name="nlu_corrections")
    op.drop_index("ix_nlu_corrections_created_at", table_name="nlu_corrections")
    op.drop_table("nlu_corrections")
