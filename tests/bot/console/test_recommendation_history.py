"""The staff console shows, with each recommendation, the model's bad year beside what the mix did
in market history, from the suitability record (engine.history through db.suitability)."""

from __future__ import annotations

import html as markup
import re

import pytest

from db.session import make_engine, session_scope
from db.suitability import suitability_record
from engine import InvestorProfile, recommend
from engine.history import stress
from engine.questionnaire import middle_answers


@pytest.fixture
def database_url(review_database_url) -> str:
    return review_database_url


def percent(x: float) -> str:
    return f"{x * 100:.1f} %"


def test_the_transcript_shows_the_history_of_the_recommended_mix(staff, database_url):
    rec = recommend(InvestorProfile(age=35, goal="retirement", horizon_years=30,
                                    risk_answers=middle_answers(), initial_amount=50_000))
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        session.add(suitability_record(rec, conversation_id="onboarded", client_id=None,
                                       trigger="onboarding"))
    engine.dispose()
    page = staff.get("/staff/conversations/onboarded")
    assert page.status_code == 200
    [section] = re.findall(r'<p class="history"><small>(.*?)</small></p>', page.text, re.S)
    shown = " ".join(markup.unescape(section).split())
    h = rec.history
    worst, drop = h.worst_calendar_year, h.deepest_drawdown
    assert shown.startswith(f"bad year (model, 1 in 20) {percent(rec.bad_year)} · in market "
                            f"history 1926-07 to 2018-11: worst calendar year {worst.year} "
                            f"{percent(worst.total_return)} · worst 12 months "
                            f"{h.worst_12_months.start} to {h.worst_12_months.end} "
                            f"{percent(h.worst_12_months.total_return)} · deepest fall "
                            f"{percent(drop.depth)} ({drop.peak} to {drop.trough}, recovered "
                            f"{drop.recovered} after {drop.months_to_recover} months)"), shown
    eight = next(e for e in h.episodes if e.name == "2008")
    assert (f"· 2008: {percent(eight.total_return)}, at worst {percent(eight.worst_fall)} "
            f"· 2020: not covered by the data · 2022: not covered by the data") in shown
    assert shown.endswith(f"· data {h.data_version}")
    export = staff.get("/staff/conversations/onboarded/export.json").json()
    [record] = export["recommendations"]
    assert record["history"] == h.model_dump(mode="json")
    assert record["history_version"] == h.data_version


def test_the_recommendation_card_shows_the_bad_year_beside_the_history(staff):
    page = staff.get("/staff/conversations/onboarded").text
    [card] = re.findall(r"Recommendation card:(.*?)</small>", page, re.S)
    shown = " ".join(markup.unescape(card).split())
    h = stress({"us_equity": 0.7, "aggregate_bonds": 0.3})
    worst = h.worst_calendar_year
    assert shown.startswith("us_equity 70.0 %, aggregate_bonds 30.0 % <br> bad year (model, 1 in 20) "
                            f"-15.0 % · in market history 1926-07 to 2018-11: worst calendar year "
                            f"1931 {percent(worst.total_return)} · worst 12 months"), shown
    assert worst.year == 1931
    assert "· 2022: not covered by the data" in shown
