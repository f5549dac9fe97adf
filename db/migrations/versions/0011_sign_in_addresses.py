"""sign-in addresses: the client address of each sign-in attempt, so that guessing from one address
is throttled across user names

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sign_in_attempts", sa.Column("address", sa.String(length=45), nullable=True))
    op.create_index("ix_sign_in_attempts_address_created_at", "sign_in_attempts",
                    ["address", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_attempts_address_created_at", table_name="sign_in_attempts")
    op.drop_column("sign_in_attempts", "address")
