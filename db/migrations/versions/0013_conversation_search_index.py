"""conversation search index: trigrams of each conversation's text, so that the staff list's
search finds the conversations containing a term without reading every text

SQLite: an FTS5 table with the trigram tokenizer over ``conversation_texts``, kept by triggers on
it; PostgreSQL: a GIN index of pg_trgm's trigrams on ``conversation_texts.text`` (the extension
created if it is not there). Where the database cannot have it, a warning says so and the search
reads every text, as before (``db.conversation_search``).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from alembic import op

from db import conversation_search

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conversation_search.create(op.get_bind())


def downgrade() -> None:
    conversation_search.drop(op.get_bind())
