"""sign-in log: every staff and client sign-in attempt, for throttling and the staff console

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("realm", sa.String(length=8), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=True),
        sa.Column("client_account_id", sa.Integer(), nullable=True),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("refused", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["staff_user_id"], ["staff_users.id"]),
        sa.ForeignKeyConstraint(["client_account_id"], ["client_accounts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_attempts_realm_username_created_at", "sign_in_attempts",
                    ["realm", "username", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_attempts_realm_username_created_at", table_name="sign_in_attempts")
    op.drop_table("sign_in_attempts")
