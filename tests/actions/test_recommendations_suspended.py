"""While an admin has suspended automated recommendations (the stop switch, kept in the database),
the chat explains the pause and offers a person instead of a recommendation, in the conversation's
language; nothing is recorded and the rest of the action runs as before. Resumed, it recommends."""

from __future__ import annotations

from datetime import datetime

import pytest
from action_harness import run, said, tracker
from support.responses import response_variations

from actions.advice import Recommend, WhatIf
from db.accounts import StaffUser
from db.automation import switch_recommendations
from db.models import SuitabilityRecord
from db.session import session_scope
from engine.questionnaire import middle_answers

PROFILE = {
    "age": 35, "goal": "retirement", "horizon_years": 30.0, "initial_amount": 50_000.0,
    "monthly_contribution": 500.0, "target_amount": 1_000_000.0, "income_stability": "stable",
    **{f"q_{question}": option for question, option in middle_answers().items()},
}


def set_switch(engine, *, suspend: bool) -> None:
    with session_scope(engine) as session:
        admin = session.query(StaffUser).filter_by(username="admin").one_or_none()
        if admin is None:
            admin = StaffUser(username="admin", password_hash="x", role="admin", active=True,
                              created_at=datetime(2026, 1, 1))
            session.add(admin)
            session.flush()
        switch_recommendations(session, admin.id, suspend=suspend, reason="test")


def count(engine) -> int:
    with session_scope(engine) as session:
        return session.query(SuitabilityRecord).count()


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_suspended_switch_offers_a_person_instead(language, domain, database):
    set_switch(database, suspend=True)
    messages, slots = run(Recommend(), tracker(slots={**PROFILE, "language": language}), domain)
    assert said(messages, domain) == ["utter_recommendations_suspended"]
    assert not any(m.get("custom") for m in messages)
    assert "recommended" not in slots and count(database) == 0
    what_if, _ = run(WhatIf(), tracker(slots={**PROFILE, "language": language, "recommended": True},
                                       intent="more_risk"), domain)
    assert said(what_if, domain) == ["utter_recommendations_suspended"]
    assert count(database) == 0


def test_resumed_it_recommends_again(domain, database):
    set_switch(database, suspend=True)
    set_switch(database, suspend=False)
    messages, slots = run(Recommend(), tracker(slots={**PROFILE, "language": "en"}), domain)
    assert "utter_recommendation" in said(messages, domain)
    assert slots["recommended"] is True and count(database) == 1


def test_the_offer_is_a_button_to_a_person():
    for language in ("en", "zh"):
        [variation] = response_variations("utter_recommendations_suspended", language)
        assert [b["payload"] for b in variation["buttons"]] == ["/request_human"]
