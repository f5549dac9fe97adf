"""conversation summaries: one row per conversation of Rasa's events (with its intents and its
messages' text), kept by a trigger on ``events`` as Rasa writes them; each conversation's latest
rating, kept by a trigger on ``survey_answers``

The trigger is installed and the summaries filled from the events already there when ``events``
exists; when Rasa has not made it yet, ``db.conversation_summary.ensure`` does both the first time
the staff list sees it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from db import conversation_ratings, conversation_summary

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_summaries",
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("started", sa.Float(), nullable=True),
        sa.Column("last", sa.Float(), nullable=True),
        sa.Column("user_messages", sa.Integer(), nullable=False),
        sa.Column("first_user_event", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("fallback", sa.Integer(), nullable=False),
        sa.Column("handoff_action", sa.Integer(), nullable=False),
        sa.Column("stage_event", sa.Integer(), nullable=True),
        sa.Column("dialogue_stage", sa.String(length=255), nullable=False),
        sa.Column("language_event", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id"),
    )
    for name, columns in (("last", ["last", "conversation_id"]), ("started", ["started"]),
                          ("client_id", ["client_id"]), ("language", ["language"]),
                          ("dialogue_stage", ["dialogue_stage"]), ("fallback", ["fallback"])):
        op.create_index(f"ix_conversation_summaries_{name}", "conversation_summaries", columns)
    op.create_table(
        "conversation_intents",
        sa.Column("intent_name", sa.String(length=255), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("intent_name", "conversation_id"),
    )
    op.create_table(
        "conversation_texts",
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id"),
    )
    op.create_table(
        "conversation_ratings",
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id"),
    )
    op.create_index("ix_conversation_ratings_rating", "conversation_ratings", ["rating"])
    connection = op.get_bind()
    conversation_ratings.install(connection)
    if sa.inspect(connection).has_table("events"):
        conversation_summary.install(connection)


def downgrade() -> None:
    conversation_ratings.uninstall(op.get_bind())
    op.drop_index("ix_conversation_ratings_rating", table_name="conversation_ratings")
    op.drop_table("conversation_ratings")
    conversation_summary.uninstall(op.get_bind())
    op.drop_table("conversation_texts")
    op.drop_table("conversation_intents")
    for name in ("fallback", "dialogue_stage", "language", "client_id", "started", "last"):
        op.drop_index(f"ix_conversation_summaries_{name}", table_name="conversation_summaries")
    op.drop_table("conversation_summaries")
