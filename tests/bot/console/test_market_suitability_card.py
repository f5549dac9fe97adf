"""The staff console shows a China recommendation's class, grade and match on its card, and the
conversation list keeps only those with a recommendation made after a warning and confirmation."""

from __future__ import annotations

import html as markup
import re

import pytest

from db.market_suitability import market_suitability_record
from db.session import make_engine, session_scope
from db.suitability import suitability_record
from engine import InvestorProfile, recommend
from engine.questionnaire import middle_answers


@pytest.fixture
def database_url(review_database_url) -> str:
    return review_database_url


@pytest.fixture(scope="module")
def china_recommendation():
    return recommend(InvestorProfile(age=35, goal="retirement", horizon_years=30,
                                     risk_answers=middle_answers(), initial_amount=200_000),
                     market="cn", paths=1_000)


def store(database_url, rec, conversation_id, *, warned=False):
    if warned:
        rec = rec.model_copy(update={"suitability": rec.suitability.model_copy(update={
            "warnings_shown": ["suitability_warning_beyond_class"],
            "confirmations": ["beyond_class"], "matched": False, "portfolio_grade": "R5"})})
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        record = suitability_record(rec, conversation_id=conversation_id, client_id=None,
                                    trigger="onboarding")
        session.add(record)
        session.flush()
        session.add(market_suitability_record(rec, recommendation_id=record.id,
                                              conversation_id=conversation_id, client_id=None))
    engine.dispose()


def card_fields(page: str) -> dict[str, str]:
    return {name: " ".join(markup.unescape(value).split()) for name, value in
            re.findall(r'<dd data-field="(\w+)">(.*?)</dd>', page, re.S)}


def test_the_card_shows_class_grade_and_match(staff, database_url, china_recommendation):
    store(database_url, china_recommendation, "client-fallback")
    store(database_url, china_recommendation, "wants-person", warned=True)
    s = china_recommendation.suitability
    page = staff.get("/staff/conversations/client-fallback")
    assert page.status_code == 200
    assert card_fields(page.text) == {
        "investor_class": s.investor_class, "portfolio_grade": s.portfolio_grade,
        "matched": f"within the class (at most {s.allowed_grade})"}
    # No history of these classes: the card still draws, without the stress test's figures.
    assert "in market history" not in page.text
    warned = staff.get("/staff/conversations/wants-person").text
    assert card_fields(warned) == {
        "investor_class": s.investor_class, "portfolio_grade": "R5",
        "matched": f"above the class (at most {s.allowed_grade})",
        "after_warning": "shown and confirmed"}


def test_a_default_market_recommendation_has_no_suitability_fields(staff):
    page = staff.get("/staff/conversations/onboarded")
    assert page.status_code == 200 and card_fields(page.text) == {}


def listed(staff, query: str) -> set[str]:
    page = staff.get(f"/staff?{query}")
    assert page.status_code == 200, page.text
    return set(re.findall(r'href="/staff/conversations/([\w-]+)[?"]', page.text))


def test_the_list_filters_recommendations_made_after_a_warning(staff, database_url,
                                                                 china_recommendation):
    store(database_url, china_recommendation, "client-fallback")
    store(database_url, china_recommendation, "wants-person", warned=True)
    everyone = listed(staff, "")
    assert "onboarded" in everyone
    assert listed(staff, "after_warning=yes") == {"wants-person"}
    rest = listed(staff, "after_warning=no")
    assert "wants-person" not in rest and {"onboarded", "client-fallback"} <= rest
    assert staff.get("/staff?after_warning=maybe").status_code == 422
