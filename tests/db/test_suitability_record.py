"""The suitability record keeps the limits that bound a recommendation, with their figures, and
reads them back from the database. Runs on SQLite, and on PostgreSQL when TEST_POSTGRESQL_URL is
set."""

from __future__ import annotations

import sqlalchemy as sa
from support.assumptions import volatile_cash_and_bonds

from db.conversations import SuitabilityRecord
from db.migrate import upgrade
from db.session import make_engine, session_scope
from db.suitability import suitability_record
from engine import InvestorProfile, recommend
from engine.questionnaire import questionnaire

FORM = questionnaire()
BOLDEST = {q.id: q.options[-1].id for q in FORM.questions}


def stored(database_url: str, rec, conversation_id: str) -> list | None:
    """The binding constraints of ``rec``'s record as written to and read back from the database."""
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            session.add(suitability_record(rec, conversation_id=conversation_id, client_id=None,
                                           trigger="onboarding"))
        with session_scope(engine) as session:
            return session.scalars(sa.select(SuitabilityRecord.binding_constraints).where(
                SuitabilityRecord.conversation_id == conversation_id)).one()
    finally:
        engine.dispose()


def test_the_record_keeps_the_stated_loss_limit_and_the_share_it_allowed(database_url):
    upgrade(database_url)
    rec = recommend(InvestorProfile(age=30, goal="wealth_building", horizon_years=30,
                                    risk_answers=BOLDEST | {"max_loss": "loss_10"}), paths=1_000)
    assert rec.groups["equity"] == 0.637 and rec.bad_year >= -0.10
    assert stored(database_url, rec, "c-loss") == [
        {"code": "loss_limit", "params": {"limit": 0.1, "equity": 0.637}}
    ]


def test_the_record_keeps_every_cap_that_bound_and_none_when_none_did(database_url):
    upgrade(database_url)
    soon = recommend(InvestorProfile(age=40, goal="capital_preservation", horizon_years=1,
                                     risk_answers=BOLDEST), paths=1_000)
    assert stored(database_url, soon, "c-soon") == [
        {"code": "horizon_cap", "params": {"cap": 0.1, "short_money": 0.725}}
    ]
    free = recommend(InvestorProfile(age=30, goal="wealth_building", horizon_years=30,
                                     risk_answers=BOLDEST), paths=1_000)
    assert stored(database_url, free, "c-free") == []


def test_an_unreachable_limit_is_kept_as_a_note_for_staff_beside_the_constraint(database_url,
                                                                             tmp_path):
    upgrade(database_url)
    lowest = {q.id: q.options[0].id for q in FORM.questions}
    rec = recommend(InvestorProfile(age=30, goal="wealth_building", horizon_years=20,
                                    risk_answers=lowest),
                    assumptions=volatile_cash_and_bonds(tmp_path), paths=1_000)
    assert stored(database_url, rec, "c-unreachable") == [
        {"code": "loss_limit_unreachable", "params": {"limit": 0.05, "equity": 0.0}}
    ]
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            flags = session.scalars(sa.select(SuitabilityRecord.flags).where(
                SuitabilityRecord.conversation_id == "c-unreachable")).one()
    finally:
        engine.dispose()
    assert flags == [{"code": "loss_limit_unreachable", "severity": "note",
                      "questions": ["max_loss"],
                      "params": {"limit": 0.05, "bad_year": round(rec.bad_year, 4)}}]
