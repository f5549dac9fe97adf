"""The engine's JSON API: questions, allocation, rebalancing, and how bad input is answered."""

from __future__ import annotations

import pytest

from engine.assumptions import load_assumptions
from engine.history import stress
from engine.questionnaire import questionnaire


def cautious_answers() -> dict[str, str]:
    return {q.id: q.options[0].id for q in questionnaire().questions}


def bold_answers() -> dict[str, str]:
    return {q.id: q.options[-1].id for q in questionnaire().questions}


def messages(response) -> str:
    return " ".join(error["msg"] for error in response.json()["detail"])


def test_questions_list_every_risk_question_with_options(make_client):
    body = make_client().get("/api/v1/questions").json()
    assert [q["id"] for q in body] == questionnaire().ids
    assert all(q["text"] and len(q["options"]) >= 2 for q in body)


def test_questions_reject_a_malformed_language_naming_the_parameter(make_client):
    response = make_client().get("/api/v1/questions", params={"language": "english!"})
    assert response.status_code == 422
    assert messages(response).startswith("language:")


@pytest.mark.slow
def test_allocation_gives_more_equity_to_a_bold_young_saver(make_client):
    client = make_client()
    base = {"age": 30, "goal": "retirement", "initial_amount": 20_000,
            "monthly_contribution": 500, "target_amount": 1_000_000}
    bold = client.post("/api/v1/allocation", json={**base, "risk_answers": bold_answers()})
    cautious = client.post("/api/v1/allocation", json={**base, "risk_answers": cautious_answers()})
    assert bold.status_code == 200, bold.text
    assert cautious.status_code == 200, cautious.text
    bold, cautious = bold.json(), cautious.json()
    assert sum(bold["weights"].values()) == pytest.approx(1.0, abs=1e-3)
    assert bold["volatility"] > cautious["volatility"]
    assert 0.0 <= bold["projection"]["probability_of_target"] <= 1.0
    assert bold["disclosures"]


def test_allocation_carries_what_the_mix_did_in_market_history(make_client):
    body = {"age": 30, "goal": "retirement", "initial_amount": 20_000,
            "monthly_contribution": 500, "risk_answers": bold_answers()}
    response = make_client().post("/api/v1/allocation", json=body)
    assert response.status_code == 200, response.text
    data = response.json()
    history = data["history"]
    # The same figures as replaying the returned mix through the data, nothing rounded away.
    assert history == stress(data["weights"]).model_dump(mode="json")
    assert history["data_version"].startswith("history-2026-12+arch-8.0.0+")
    assert (history["first_month"], history["last_month"]) == ("1926-07", "2018-11")
    # A bold young saver's mix is mostly shares: its worst year is 1931, a loss of over a third,
    # and its deepest fall the crash of 1929-32.
    assert history["worst_calendar_year"]["year"] == 1931
    assert history["worst_calendar_year"]["total_return"] < -0.33
    assert history["deepest_drawdown"]["peak"] == "1929-08"
    assert history["deepest_drawdown"]["depth"] <= history["worst_12_months"]["total_return"]
    episodes = {e["name"]: e for e in history["episodes"]}
    assert episodes["2008"]["covered"] and episodes["2008"]["total_return"] < -0.25
    assert not episodes["2020"]["covered"] and episodes["2020"]["total_return"] is None
    assert [d["code"] for d in data["disclosures"]].count("history") == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"age": 12}, "age"),
        ({"goal": "lottery"}, "goal"),
        ({"horizon_years": -3}, "horizon_years"),
        ({"shoe_size": 44}, "shoe_size"),
        ({"risk_answers": {"loss_reaction": "hold"}}, "risk_answers"),
        ({"initial_amount": "a lot"}, "initial_amount"),
    ],
)
def test_allocation_rejects_bad_profiles_naming_the_field(make_client, change, field):
    profile = {"age": 40, "goal": "retirement", "risk_answers": bold_answers(), **change}
    response = make_client().post("/api/v1/allocation", json=profile)
    assert response.status_code == 422
    assert any(e["field"] == field and e["msg"].startswith(f"{field}:")
               for e in response.json()["detail"])


def test_malformed_json_gets_a_400_that_says_so(make_client):
    response = make_client().post(
        "/api/v1/allocation", content=b'{"age": 40,', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The request body is not valid JSON (")


def test_a_body_that_is_not_json_gets_a_415(make_client):
    client = make_client()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {"content-type": content_type} if content_type else {}
        response = client.post("/api/v1/rebalance", content=b"age=40", headers=headers)
        assert response.status_code == 415
        assert response.json()["detail"].startswith("Content-Type must be application/json, got ")


def test_an_empty_or_non_object_body_names_the_problem(make_client):
    client = make_client()
    empty = client.post("/api/v1/allocation", content=b"", headers={"content-type": "application/json"})
    listed = client.post("/api/v1/allocation", json=[1, 2])
    assert empty.status_code == 422 and messages(empty).startswith("body: ")
    assert listed.status_code == 422


def test_rebalance_sells_the_overweight_class_when_drift_is_large(make_client):
    response = make_client().post("/api/v1/rebalance", json={
        "holdings": {"us_equity": 8_000, "aggregate_bonds": 2_000},
        "targets": {"us_equity": 0.6, "aggregate_bonds": 0.4},
    })
    assert response.status_code == 200, response.text
    plan = response.json()
    assert plan["rebalanced"] is True
    assert plan["drift_before"] == pytest.approx(0.2)
    assert plan["trades"] == {"us_equity": -2_000.0, "aggregate_bonds": 2_000.0}


def test_rebalance_uses_new_money_before_selling(make_client):
    response = make_client().post("/api/v1/rebalance", json={
        "holdings": {"us_equity": 6_500, "aggregate_bonds": 3_500},
        "targets": {"us_equity": 0.6, "aggregate_bonds": 0.4},
        "contribution": 1_000,
    })
    plan = response.json()
    assert plan["rebalanced"] is False
    assert all(amount > 0 for amount in plan["trades"].values())


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"holdings": {"bitcoin": 10}, "targets": {"cash": 1}}, "holdings"),
        ({"holdings": {"cash": 10}, "targets": {"cash": 0.5}}, "targets"),
        ({"holdings": {"cash": -5}, "targets": {"cash": 1}}, "holdings"),
        ({"holdings": {"cash": 10}, "targets": {"cash": 1}, "threshold": 2}, "threshold"),
        ({"targets": {"cash": 1}}, "holdings"),
    ],
)
def test_rebalance_rejects_bad_input_naming_the_field(make_client, body, named):
    response = make_client().post("/api/v1/rebalance", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    text = detail if isinstance(detail, str) else " ".join(e["msg"] for e in detail)
    assert text.startswith(named), text  # the message begins with the field it is about


def test_the_china_market_allocates_in_its_classes_with_the_clients_suitability(make_client):
    # The situation the class scores: 600k of assets, 360k of income, the basics (6 + 6 + 3).
    body = {"age": 35, "goal": "retirement", "initial_amount": 50_000,
            "monthly_contribution": 500, "risk_answers": bold_answers(),
            "investable_assets": 600_000, "household_income": 360_000,
            "investment_knowledge": "basic"}
    china = make_client(market="cn").post("/api/v1/allocation", json=body)
    assert china.status_code == 200, china.text
    data = china.json()
    assert (data["market"], data["currency"]) == ("cn", "CNY")
    assert set(data["weights"]) <= set(load_assumptions(market="cn").classes.index)
    suitability = data["suitability"]
    assert suitability["matched"] is True
    assert (suitability["points"]["investable_assets"], suitability["points"]["household_income"],
            suitability["points"]["investment_knowledge"]) == (6, 6, 3)
    # The default market's answer is unchanged: its classes, no suitability.
    default = make_client().post("/api/v1/allocation", json=body).json()
    assert "suitability" not in default
    assert set(default["weights"]) <= set(load_assumptions().classes.index)


def test_the_china_market_rebalances_its_own_classes(make_client):
    holdings = {"cn_a_shares": 60_000.0, "cn_government_bonds": 40_000.0}
    targets = {"cn_a_shares": 0.5, "cn_government_bonds": 0.5}
    response = make_client(market="cn").post(
        "/api/v1/rebalance", json={"holdings": holdings, "targets": targets})
    assert response.status_code == 200, response.text
    assert response.json()["rebalanced"] is True
    # The default market does not know these classes, and says so.
    refused = make_client().post("/api/v1/rebalance", json={"holdings": holdings,
                                                            "targets": targets})
    assert refused.status_code == 422
