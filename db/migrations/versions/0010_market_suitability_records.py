"""market suitability records: for every recommendation of a market with suitability rules, the
client's class, the mix's grade, the match, the warnings shown and the confirmations given;
append-only, which triggers enforce in the database

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLE = "market_suitability_records"
MESSAGE = f"{TABLE} is append-only"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("market", sa.String(length=8), nullable=False),
        sa.Column("rules_version", sa.String(length=64), nullable=False),
        sa.Column("investor_class", sa.String(length=2), nullable=False),
        sa.Column("lowest_category", sa.Boolean(), nullable=False),
        sa.Column("portfolio_grade", sa.String(length=2), nullable=False),
        sa.Column("allowed_grade", sa.String(length=2), nullable=False),
        sa.Column("matched", sa.Boolean(), nullable=False),
        sa.Column("warnings_shown", sa.JSON(), nullable=False),
        sa.Column("confirmations", sa.JSON(), nullable=False),
        sa.Column("after_warning", sa.Boolean(), nullable=False),
        sa.Column("questionnaire_version", sa.String(length=64), nullable=False),
        sa.Column("assumptions_version", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["recommendation_id"], ["suitability_records.id"]),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_market_suitability_records_recommendation", TABLE, ["recommendation_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION {TABLE}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP;
            END $$""")
        op.execute(f"""
            CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
            FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse()""")
    else:
        for operation in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER {TABLE}_no_{operation.lower()} BEFORE {operation} ON {TABLE}
                BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {operation} refused'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {TABLE}_append_only ON {TABLE}")
        op.execute(f"DROP FUNCTION {TABLE}_refuse()")
    else:
        for operation in ("update", "delete"):
            op.execute(f"DROP TRIGGER {TABLE}_no_{operation}")
    op.drop_index("ix_market_suitability_records_recommendation", table_name=TABLE)
    op.drop_table(TABLE)
