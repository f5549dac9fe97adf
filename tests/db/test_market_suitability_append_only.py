"""The China market's suitability records are append-only: a row is written with its class, grade,
match, warnings and confirmations, and neither the ORM nor plain SQL can change or delete it (the
migration's triggers). Runs on SQLite, and on PostgreSQL when TEST_POSTGRESQL_URL is set."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from db.market_suitability import (
    AppendOnlyError,
    MarketSuitabilityRecord,
    conversations_after_warning,
    market_suitability_record,
    suitability_of,
)
from db.migrate import upgrade
from db.session import make_engine, session_scope
from db.suitability import suitability_record
from engine import InvestorProfile, recommend
from engine.questionnaire import middle_answers

PROFILE = InvestorProfile(age=40, goal="wealth_building", horizon_years=15,
                          initial_amount=200_000, risk_answers=middle_answers())


@pytest.fixture(scope="module")
def china_recommendation():
    return recommend(PROFILE, market="cn", paths=1_000)


def write(engine, rec, conversation_id: str, *, warned: bool = False) -> int:
    suitability = rec.suitability
    if warned:
        suitability = suitability.model_copy(update={
            "warnings_shown": ["suitability_warning_beyond_class"],
            "confirmations": ["beyond_class"], "matched": False})
    shown = rec.model_copy(update={"suitability": suitability})
    with session_scope(engine) as session:
        recommendation = suitability_record(shown, conversation_id=conversation_id,
                                            client_id=None, trigger="onboarding")
        session.add(recommendation)
        session.flush()
        row = market_suitability_record(shown, recommendation_id=recommendation.id,
                                        conversation_id=conversation_id, client_id=None)
        session.add(row)
        session.flush()
        return row.id


def test_a_row_keeps_what_was_shown_and_cannot_be_changed_or_deleted(database_url,
                                                                      china_recommendation):
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        row_id = write(engine, china_recommendation, "c-kept")
        with session_scope(engine) as session:
            row = session.get(MarketSuitabilityRecord, row_id)
            s = china_recommendation.suitability
            assert (row.investor_class, row.portfolio_grade, row.allowed_grade, row.matched,
                    row.lowest_category) == (s.investor_class, s.portfolio_grade,
                                             s.allowed_grade, True, s.lowest_category)
            assert row.assumptions_version == china_recommendation.assumptions_version
            assert row.questionnaire_version == china_recommendation.questionnaire_version
            assert row.created_at is not None and row.after_warning is False
        # Through the ORM.
        with (
            pytest.raises(AppendOnlyError, match="cannot be changed"),
            session_scope(engine) as session,
        ):
            session.get(MarketSuitabilityRecord, row_id).investor_class = "C5"
        with (
            pytest.raises(AppendOnlyError, match="cannot be deleted"),
            session_scope(engine) as session,
        ):
            session.delete(session.get(MarketSuitabilityRecord, row_id))
        # Through plain SQL, as any other writer would: the database's triggers refuse.
        table = MarketSuitabilityRecord.__table__
        for statement in (table.update().values(matched=False), table.delete()):
            with (
                pytest.raises(sa.exc.DatabaseError, match="append-only"),
                engine.begin() as connection,
            ):
                connection.execute(statement.where(table.c.id == row_id))
        with session_scope(engine) as session:
            row = session.get(MarketSuitabilityRecord, row_id)
            assert (row.investor_class, row.matched) == (
                china_recommendation.suitability.investor_class, True)
    finally:
        engine.dispose()


def test_recommendations_after_a_warning_and_confirmation_are_found(database_url,
                                                                    china_recommendation):
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        plain = write(engine, china_recommendation, "c-plain")
        warned = write(engine, china_recommendation, "c-warned", warned=True)
        with session_scope(engine) as session:
            assert conversations_after_warning(session) == {"c-warned"}
            rows = {r.id: r for r in session.scalars(sa.select(MarketSuitabilityRecord))}
            assert rows[warned].after_warning and not rows[warned].matched
            assert rows[warned].warnings_shown == ["suitability_warning_beyond_class"]
            assert rows[warned].confirmations == ["beyond_class"]
            by_recommendation = suitability_of(session, [rows[plain].recommendation_id])
            assert list(by_recommendation.values()) == [rows[plain]]
    finally:
        engine.dispose()
