"""suitability records, offers and answers, survey answers, handoff requests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = ("conversation_records",)
depends_on = None


def _common(*columns: sa.Column) -> list:
    """Columns every conversation record has, around the record's own ones."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        *columns,
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"]),
        sa.PrimaryKeyConstraint("id"),
    ]


def upgrade() -> None:
    op.create_table(
        "suitability_records",
        *_common(
            sa.Column("inputs", sa.JSON(), nullable=False),
            sa.Column("risk_score", sa.Float(), nullable=False),
            sa.Column("willingness", sa.Float(), nullable=False),
            sa.Column("capacity", sa.Float(), nullable=False),
            sa.Column("flags", sa.JSON(), nullable=False),
            sa.Column("answers_confirmed", sa.Boolean(), nullable=False),
            sa.Column("weights", sa.JSON(), nullable=False),
            sa.Column("groups", sa.JSON(), nullable=False),
            sa.Column("expected_return", sa.Float(), nullable=False),
            sa.Column("volatility", sa.Float(), nullable=False),
            sa.Column("bad_year", sa.Float(), nullable=False),
            sa.Column("probability_of_target", sa.Float(), nullable=True),
            sa.Column("disclosures", sa.JSON(), nullable=False),
            sa.Column("engine_version", sa.String(length=64), nullable=False),
            sa.Column("assumptions_version", sa.String(length=64), nullable=False),
            sa.Column("questionnaire_version", sa.String(length=64), nullable=False),
            sa.Column("trigger", sa.String(length=32), nullable=False),
        ),
    )
    op.create_table(
        "offer_records",
        *_common(
            sa.Column("offer", sa.String(length=64), nullable=False),
            sa.Column("answer", sa.String(length=32), nullable=True),
            sa.Column("answers_offer_id", sa.Integer(), nullable=True),
            sa.ForeignKeyConstraint(["answers_offer_id"], ["offer_records.id"]),
        ),
    )
    op.create_table(
        "survey_answers",
        *_common(
            sa.Column("survey", sa.String(length=32), nullable=False),
            sa.Column("question", sa.String(length=64), nullable=False),
            sa.Column("answer", sa.Text(), nullable=False),
        ),
    )
    op.create_table(
        "handoff_requests",
        *_common(
            sa.Column("reason", sa.String(length=64), nullable=False),
            sa.Column("last_message", sa.Text(), nullable=False),
        ),
    )
    for table in ("suitability_records", "offer_records", "survey_answers"):
        op.create_index(f"ix_{table}_conversation", table, ["conversation_id", "created_at"])
    op.create_index("ix_handoff_requests_created", "handoff_requests", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_handoff_requests_created", table_name="handoff_requests")
    for table in ("suitability_records", "offer_records", "survey_answers"):
        op.drop_index(f"ix_{table}_conversation", table_name=table)
    for table in ("handoff_requests", "survey_answers", "offer_records", "suitability_records"):
        op.drop_table(table)
