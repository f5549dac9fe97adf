"""The recommendation action calls the real engine, records what it showed, and handles what-ifs."""

import re

import pytest
from action_harness import SENDER, responses, rows, run, said, tracker
from support.responses import matches_response, response_pattern, response_texts

from actions.advice import ConfirmAnswers, Recommend, WhatIf, what_if_of
from actions.conversation import Explain
from actions.profile_slots import profile_from
from db.models import SuitabilityRecord
from engine.assumptions import DEFAULT_MARKET
from engine.explanation import MissingText, format_value
from engine.questionnaire import middle_answers, questionnaire
from engine.recommendation import recommend

CALM_ANSWERS = {f"q_{question}": option for question, option in middle_answers().items()}
PROFILE = {
    "age": 35, "goal": "retirement", "horizon_years": 30.0, "initial_amount": 50_000.0,
    "monthly_contribution": 500.0, "target_amount": 1_000_000.0, "income_stability": "stable",
    **CALM_ANSWERS,
}


def payload(messages):
    return next(m["custom"] for m in messages if m.get("custom"))


def phrase(name):
    [text] = response_texts(name)
    return text


def phrase_in(language, name):
    [text] = response_texts(name, language)
    return text


def test_a_complete_profile_gets_an_allocation_text_payload_and_a_record(domain, database):
    messages, slots = run(Recommend(), tracker(slots=PROFILE), domain)
    text = next(m for m in messages if m.get("response") == "utter_recommendation")
    data = payload(messages)
    # One line per asset class, the largest first, in the locale files' words.
    ranked = sorted(data["weights"].items(), key=lambda item: -item[1])
    lines = text["allocation"].split("\n")
    assert len(lines) == len(ranked)
    for line, (label, weight) in zip(lines, ranked, strict=True):
        assert matches_response(line, "allocation_line",
                                asset_class=phrase(f"asset_class_{label}"),
                                weight=format_value(weight, "percent.1")), line
    assert text["expected_return"] == format_value(data["expected_return"], "percent.1")
    assert text["bad_year"] == format_value(-data["bad_year"], "percent.1")
    summary = response_pattern("reason_summary", goal=phrase("goal_retirement"), horizon=30)
    assert summary.match(text["explanation"])
    assert response_pattern("reason_risk_score").search(text["explanation"])
    assert phrase("disclosure_no_guarantee") in text["disclosures"].split("\n")
    assert "utter_probability_of_target" in responses(messages)
    assert data["type"] == "allocation"
    assert sum(data["weights"].values()) == pytest.approx(1.0, abs=0.002)
    assert set(data["groups"]) == {"equity", "bonds", "cash", "alternatives"}
    assert 0 < data["probability_of_target"] < 1
    assert data["bad_year"] < 0 < data["expected_return"]
    [record] = rows(database, SuitabilityRecord)
    assert record.conversation_id == SENDER
    assert record.weights == data["weights"]
    assert record.inputs["age"] == 35
    # The record keeps the disclosures as the client read them, with their codes and values.
    assert "\n".join(d["text"] for d in record.disclosures) == text["disclosures"]
    assert "no_guarantee" in {d["code"] for d in record.disclosures}
    assert slots["recommended"] is True and slots["recommendation_id"] == record.id


def test_the_recommendation_says_what_such_a_mix_did_in_market_history(domain, database):
    messages, _ = run(Recommend(), tracker(slots=PROFILE), domain)
    text = next(m for m in messages if m.get("response") == "utter_recommendation")
    history = payload(messages)["history"]
    worst = history["worst_calendar_year"]
    covered = [e for e in history["episodes"] if e["covered"]]
    hardest = min(reversed(covered), key=lambda e: e["worst_fall"])
    # A 30-year retirement mix is mostly shares: it lost money in 1931 and in the episode it fell
    # furthest in, and it had made that up again within the data.
    assert worst["year"] == 1931 and worst["total_return"] < -0.2
    assert hardest["worst_fall"] < 0 and hardest["months_to_recover"] is not None
    months = hardest["months_to_recover"]
    time = (f"{months} months" if months < 24
            else format_value(round(months / 6) / 2, "number") + " years")
    first = response_pattern("history_worst_year", first_year=str(history["first_full_year"]),
                             loss=format_value(-worst["total_return"], "percent"), year="1931")
    second = response_pattern("history_episode_recovered", episode=phrase(f"episode_{hardest['name']}"),
                              fall=format_value(-hardest["worst_fall"], "percent"), time=time)
    assert re.fullmatch(f"{first.pattern} {second.pattern}", text["history"]), text["history"]
    # The disclosure says the bad year is a model's estimate and names the data and their gaps.
    [disclosure] = [d for d in payload_disclosures(database) if d["code"] == "history"]
    assert disclosure["params"]["version"] == history["data_version"]
    assert disclosure["params"]["not_covered"] == ["2020", "2022"]
    assert disclosure["text"] in text["disclosures"].split("\n")
    # The record keeps the figures with the version of the data they come from.
    [record] = rows(database, SuitabilityRecord)
    assert record.history == history
    assert record.history_version == history["data_version"]


def payload_disclosures(database):
    [record] = rows(database, SuitabilityRecord)
    return record.disclosures


def test_no_target_means_no_probability(domain, database):
    messages, _ = run(Recommend(), tracker(slots={**PROFILE, "target_amount": 0.0}), domain)
    assert payload(messages)["probability_of_target"] is None
    assert "utter_probability_of_target" not in responses(messages)


def test_inconsistent_answers_are_explained_and_need_confirmation(domain, database):
    flagged = {**PROFILE, "q_loss_reaction": "sell_all", "q_return_priority": "maximum_growth"}
    messages, slots = run(Recommend(), tracker(slots=flagged), domain)
    assert "utter_flag_sell_on_drop_wants_growth" in responses(messages)
    assert responses(messages)[-1] == "utter_flagged_answers"
    assert slots == {"answers_inconsistent": True}
    assert rows(database, SuitabilityRecord) == []

    _, confirmed = run(ConfirmAnswers(), tracker(slots=flagged), domain)
    messages, _ = run(Recommend(), tracker(slots={**flagged, **confirmed}), domain)
    assert payload(messages)["type"] == "allocation"
    [record] = rows(database, SuitabilityRecord)
    assert record.answers_confirmed
    assert "sell_on_drop_wants_growth" in {flag["code"] for flag in record.flags}


def test_more_and_less_risk_move_the_equity_share(domain, database):
    base, _ = run(Recommend(), tracker(slots=PROFILE), domain)
    more, more_slots = run(WhatIf(), tracker(slots=PROFILE, intent="more_risk",
                                             text="what if I take more risk"), domain)
    less, _ = run(WhatIf(), tracker(slots=PROFILE, intent="less_risk", text="less risk"), domain)
    equity = [payload(m)["groups"]["equity"] for m in (less, base, more)]
    assert equity[0] < equity[1] < equity[2]
    assert more_slots["q_max_loss"] == "loss_30"
    assert [r.trigger for r in rows(database, SuitabilityRecord)] == [
        "onboarding", "what_if:more_risk", "what_if:less_risk"]


def test_retiring_earlier_shortens_the_horizon(domain, database):
    messages, slots = run(WhatIf(), tracker(slots=PROFILE, intent="what_if_retire_at",
                                            text="what if I retire at 60"), domain)
    assert slots["horizon_years"] == 25
    assert payload(messages)["projection"]["years"] == 25


def test_a_monthly_what_if_changes_the_projection(domain, database):
    base, _ = run(Recommend(), tracker(slots=PROFILE), domain)
    more, slots = run(WhatIf(), tracker(slots=PROFILE, intent="what_if_monthly",
                                        text="what if I invest 1,500 a month"), domain)
    assert slots["monthly_contribution"] == 1500
    assert payload(more)["projection"]["median"] > payload(base)["projection"]["median"]


def test_what_if_before_any_answers_asks_to_start(domain, database):
    messages, slots = run(WhatIf(), tracker(intent="more_risk", text="more risk"), domain)
    assert responses(messages) == ["utter_what_if_needs_profile"]
    assert slots == {}


def test_every_word_of_the_recommendation_comes_from_the_locale_files(domain, database, locales):
    # A second language is a folder of the locale files; nothing else.
    locales.write(
        "fr",
        asset_class_us_equity="Actions américaines",
        allocation_line="* {asset_class:asset_class} : {weight:percent}",
        goal_retirement="la retraite",
        reason_summary="Pour {goal:goal} : {equity:percent} en actions.",
        reason_risk_score="Score de risque {score:number.1} sur 10.",
        disclosure_no_guarantee="Ce ne sont pas des promesses.",
    )
    messages, _ = run(Recommend(), tracker(slots={**PROFILE, "language": "fr"}), domain)
    text = next(m for m in messages if m.get("response") == "utter_recommendation")
    assert "* Actions américaines : " in text["allocation"]
    assert text["explanation"].startswith("Pour la retraite : ")
    assert re.search(r"Score de risque \d+\.\d sur 10\.", text["explanation"])
    assert "Your risk score" not in text["explanation"]
    assert "Ce ne sont pas des promesses." in text["disclosures"].split("\n")
    [record] = rows(database, SuitabilityRecord)
    assert "Ce ne sont pas des promesses." in [d["text"] for d in record.disclosures]


def test_a_missing_phrase_stops_the_recommendation_before_it_is_recorded(domain, database,
                                                                        locales):
    locales.remove("en", "disclosure_human_review")
    with pytest.raises(MissingText, match="disclosure_human_review"):
        run(Recommend(), tracker(slots=PROFILE), domain)
    assert rows(database, SuitabilityRecord) == []


def test_why_this_allocation_is_the_explanation_in_the_conversation_words(domain, database,
                                                                           locales):
    why = [{"entity": "concept", "value": "why_allocation"}]
    state = tracker(slots={**PROFILE, "recommended": True}, intent="explain", entities=why)
    [message], _ = run(Explain(), state, domain)
    assert message["response"] == "utter_explain_why_allocation"
    summary = response_pattern("reason_summary", goal=phrase("goal_retirement"), horizon=30)
    assert summary.match(message["explanation"])
    assert response_pattern("reason_risk_score").search(message["explanation"])
    glide_path = response_pattern("reason_glide_path")
    assert glide_path.search(message["explanation"])  # retirement in 30 years: the glide path
    locales.write("fr", reason_glide_path="Le glide path baisse.")
    french = tracker(slots={**PROFILE, "recommended": True, "language": "fr"}, intent="explain",
                     entities=why)
    [message], _ = run(Explain(), french, domain)
    assert "Le glide path baisse." in message["explanation"]
    assert not glide_path.search(message["explanation"])


def test_no_more_risk_than_the_top_answers(domain, database):
    top = {q.id: max(q.options, key=lambda o: o.score).id for q in questionnaire().questions}
    slots = {**PROFILE, **{f"q_{question}": option for question, option in top.items()}}
    messages, changed = run(WhatIf(), tracker(slots=slots, intent="more_risk",
                                              text="more risk please"), domain)
    assert responses(messages) == ["utter_what_if_limit_highest"]
    assert "highest risk level" in response_texts("utter_what_if_limit_highest")[0]
    assert changed == {}


def test_flag_values_are_written_out(domain, database):
    short = {**PROFILE, "horizon_years": 2.0, "q_max_loss": "loss_over_30",
             "q_return_priority": "maximum_growth", "q_risk_self_view": "risk_taker",
             "q_gamble_choice": "quarter_8000", "q_outcome_range": "widest",
             "q_loss_reaction": "buy_more", "q_experience": "extensive"}
    messages, _ = run(Recommend(), tracker(slots=short), domain)
    [flag] = [m for m in messages if m.get("response") == "utter_flag_short_horizon_aggressive"]
    assert flag["horizon"] == "2"


def test_the_clients_language_slot_chooses_the_language_folder(domain, database, locales):
    # A partial translation in place of the repository's complete one.
    locales.drop("zh")
    locales.write("zh", goal_retirement="退休")
    for language, goal in (("zh", "退休"), ("zh-CN", "退休"), ("en", "retirement"),
                           (None, "retirement"), ("fr", "retirement")):
        state = tracker(slots={**PROFILE, "language": language})
        messages, _ = run(Recommend(), state, domain)
        text = next(m for m in messages if m.get("response") == "utter_recommendation")
        assert text["explanation"].startswith(f"For your {goal} goal")


@pytest.mark.parametrize(("text", "what_if"), [
    ("ok, say 800 a month", "what_if_monthly"),
    ("and with 50 a week?", "what_if_monthly"),
    ("retiring at 60 then", "what_if_retire_at"),
    ("hmm interesting", None),
    ("I'm 45", None),  # a figure, but no change the advisor can try
])
def test_a_figure_typed_after_a_recommendation_names_its_what_if(text, what_if):
    assert what_if_of(text) == what_if


@pytest.mark.parametrize(("text", "language", "concept", "expected"), [
    ("why so much in bonds?", "en", "bonds", "utter_explain_why_allocation"),
    ("why only 20% in shares", "en", "stocks", "utter_explain_why_allocation"),
    ("what are bonds", "en", "bonds", "utter_explain_bonds"),
    ("为什么债券这么多？", "zh", "bonds", "utter_explain_why_allocation"),
    # Why it is there at all: what it does in the mix.
    ("why did you put me in gold at all", "en", "gold_commodities",
     "utter_explain_gold_commodities"),
    ("为什么给我配黄金", "zh", "gold_commodities", "utter_explain_gold_commodities"),
    ("为什么要买黄金", "zh", "gold_commodities", "utter_explain_gold_commodities"),
    ("债券是什么？", "zh", "bonds", "utter_explain_bonds"),
])
def test_after_a_recommendation_a_class_is_put_in_figures_then_explained(domain, database, text,
                                                                          language, concept,
                                                                          expected):
    concepts = [{"entity": "concept", "value": concept}]
    state = tracker(slots={**PROFILE, "recommended": True, "language": language}, text=text,
                    intent="explain", entities=concepts)
    messages, _ = run(Explain(), state, domain)
    assert responses(messages) == ["utter_concept_share", expected]
    rec = recommend(profile_from(state), market=DEFAULT_MARKET)
    share = rec.groups["bonds"] if concept == "bonds" else (
        rec.groups["equity"] if concept == "stocks" else rec.weights["gold_commodities"])
    assert share > 0
    assert messages[0]["share"] == format_value(share, "percent.1")
    assert messages[0]["name"] == phrase_in(language, f"concept_name_{concept}")


def test_a_class_the_mix_does_not_hold_is_said_to_be_none(domain, database):
    cautious = {**PROFILE, "horizon_years": 2.0, "goal": "capital_preservation",
                **{f"q_{q.id}": min(q.options, key=lambda o: o.score).id
                   for q in questionnaire().questions}}
    state = tracker(slots={**cautious, "recommended": True, "language": "en"},
                    text="why no real estate?", intent="explain",
                    entities=[{"entity": "concept", "value": "real_estate"}])
    assert "real_estate" not in recommend(profile_from(state), market=DEFAULT_MARKET).weights
    messages, _ = run(Explain(), state, domain)
    # "Why no ...?" asks about the amount: why this mix.
    assert responses(messages) == ["utter_concept_none", "utter_explain_why_allocation"]
    assert messages[0]["name"] == "real estate"


def test_an_idea_that_is_no_holding_is_explained_alone(domain, database):
    state = tracker(slots={**PROFILE, "recommended": True}, text="what is diversification",
                    intent="explain", entities=[{"entity": "concept", "value": "diversification"}])
    messages, _ = run(Explain(), state, domain)
    assert responses(messages) == ["utter_explain_diversification"]


def test_before_a_recommendation_how_much_of_a_class_explains_the_class(domain, database):
    state = tracker(slots={"recommended": None}, text="why so much in bonds?", intent="explain",
                    entities=[{"entity": "concept", "value": "bonds"}])
    [message], _ = run(Explain(), state, domain)
    assert message["response"] == "utter_explain_bonds"


@pytest.mark.parametrize(("text", "language", "concept", "expected"), [
    ("现金会被通胀吃掉吗", "zh", "cash", "utter_faq/inflation"),
    ("does cash lose to inflation?", "en", "cash", "utter_faq/inflation"),
    ("现金是干什么用的", "zh", "cash", "utter_explain_cash"),
])
def test_an_idea_asked_about_with_inflation_gets_the_inflation_answer(domain, database, text,
                                                                      language, concept, expected):
    state = tracker(slots={"recommended": None, "language": language}, text=text, intent="explain",
                    entities=[{"entity": "concept", "value": concept}])
    [message], _ = run(Explain(), state, domain)
    assert message["response"] == expected


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("so can you guarantee me 7% a year?", "en", "utter_boundary/returns_promise"),
    ("will I definitely get 6 percent", "en", "utter_boundary/returns_promise"),
    ("能保证每年6%吗", "zh", "utter_boundary/returns_promise"),
    ("ok 7% then", "en", "utter_what_if_hint"),
    ("I guarantee you I'm 45", "en", "utter_what_if_hint"),  # not put as a question
])
def test_a_figure_asked_for_as_a_promise_after_a_recommendation_meets_the_boundary(
        domain, database, text, language, expected):
    state = tracker(slots={**PROFILE, "recommended": True, "language": language}, text=text)
    messages, slots = run(WhatIf(), state, domain)
    assert said(messages, domain) == [expected]
    assert slots == {}
