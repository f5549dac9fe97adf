"""A whole onboarding typed in Chinese through the real servers: the web app's ``POST /api/chat``
(under uvicorn, with its cookie session), the Rasa server on the product's model, the action server
and one database (``harness.system.running_system``).

The prospect's browser states no language: the first message, in Chinese, makes the conversation
Chinese. Every answer is Chinese as people type it, figures in words (``harness.advisor.
ONBOARDING_ZH``). Each reply is compared with the whole text of the response it should be as
locales/zh/ words it (tests/support/responses.py), the figures of the recommendation written the
Chinese way (20万元); what the bot understood is read from Rasa's tracker and the suitability
record. An English onboarding with the same answers, on the same servers, gives an allocation
payload of the same shape and the same mix, and so do the risk answers typed with English words
and homophone slips.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from support.responses import (
    matches_reply,
    reply_text,
    response_names,
    response_pattern,
    response_texts,
)
from test_chat_language import shape

from db.models import SuitabilityRecord
from db.session import make_engine, session_scope
from engine.wording import format_value, texts
from harness.advisor import ONBOARDING, ONBOARDING_ZH
from harness.system import conversation_id, running_system, say

pytestmark = pytest.mark.slow

#: The response each message of ONBOARDING_ZH but the last is answered with.
ASKED_NEXT = [
    "utter_greet_prospect", "utter_ask_age", "utter_ask_goal", "utter_ask_horizon_years",
    "utter_ask_initial_amount", "utter_ask_monthly_contribution", "utter_ask_target_amount",
    "utter_risk_question_loss_reaction", "utter_risk_question_max_loss",
    "utter_risk_question_return_priority", "utter_risk_question_risk_self_view",
    "utter_risk_question_gamble_choice", "utter_risk_question_outcome_range",
    "utter_risk_question_experience", "utter_ask_income_stability",
]
#: Answers given as approximate, said back with the figure taken before the next question.
SAID_BACK = {"大概三十年以后": "大约30年后要用"}
#: What the Chinese answers say, as the tracker's slots hold it.
UNDERSTOOD = {
    "language": "zh", "age": 35, "goal": "retirement", "horizon_years": 30,
    "initial_amount": 50_000, "monthly_contribution": 2_000, "target_amount": 1_000_000,
    "q_loss_reaction": "hold", "q_max_loss": "loss_20", "q_return_priority": "balanced_growth",
    "q_risk_self_view": "cautious", "q_gamble_choice": "half_2500",
    "q_outcome_range": "moderate", "q_experience": "some", "income_stability": "stable",
}
#: The risk answers of ONBOARDING_ZH as clients also type them: an English word inside the Chinese
#: (hold, balanced, moderate) and a homophone slip (稳建 for 稳健). They mean the same options.
TYPED_LOOSELY = {"不卖，等它涨回来": "打算hold住", "增长和稳定都要兼顾": "balanced一点吧",
                 "朋友都说我比较谨慎": "朋友说我是稳建型的",
                 "最少九千三，最多一万一千二": "moderate的就行"}
#: The English onboarding with the Chinese one's monthly sum: the same answers throughout.
ONBOARDING_EN = ["2,000 a month" if text == "500 a month" else text for text in ONBOARDING]
#: An amount of money as Chinese writes it: counted in 万 or 亿, with the yuan's word.
CHINESE_AMOUNT = re.compile(r"\d+(?:\.\d{1,2})?[万亿]元")
ZH = texts("zh")


def expected_replies(text: str, asked: str) -> list[str]:
    """The responses an onboarding answer gets: the next question, after the figure taken when
    the answer was approximate."""
    return ["utter_noted_facts", asked] if text in SAID_BACK else [asked]


def phrase(name: str) -> str:
    [text] = response_texts(name, language="zh")
    return text


def money(amount: float) -> str:
    return format_value(amount, "money", ZH)


def messages(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["messages"]


def allocation(reply: list[dict]) -> dict:
    [payload] = [m["custom"] for m in reply if m.get("custom")]
    return payload


@pytest.fixture(scope="module")
def system(trained_model, tmp_path_factory):
    with running_system(tmp_path_factory.mktemp("chinese-onboarding")) as running:
        yield running


@pytest.fixture(scope="module")
def chinese(system) -> tuple[str, list[list[dict]]]:
    """A prospect's onboarding in Chinese: its conversation id and the reply to each message."""
    visitor = system.browser()
    replies = [messages(say(visitor, text)) for text in ONBOARDING_ZH]
    return conversation_id(system, visitor), replies


def test_each_chinese_answer_is_understood_and_the_next_question_asked_in_chinese(system, chinese):
    sender, replies = chinese
    for text, reply, asked in zip(ONBOARDING_ZH, replies, ASKED_NEXT, strict=False):
        assert response_names(reply, "zh") == expected_replies(text, asked), (text, reply)
        if text in SAID_BACK:
            assert matches_reply(reply[:1], "utter_noted_facts", language="zh",
                                 facts=SAID_BACK[text]), reply
    slots = system.tracker(sender)["slots"]
    assert {name: slots[name] for name in UNDERSTOOD} == UNDERSTOOD


def test_risk_answers_with_english_words_and_homophone_slips_are_understood(system, chinese):
    _, replies = chinese
    visitor = system.browser()
    loose = [TYPED_LOOSELY.get(text, text) for text in ONBOARDING_ZH]
    assert loose != ONBOARDING_ZH
    loose_replies = [messages(say(visitor, text)) for text in loose]
    for text, reply, asked in zip(loose, loose_replies, ASKED_NEXT, strict=False):
        assert response_names(reply, "zh") == expected_replies(text, asked), (text, reply)
    slots = system.tracker(conversation_id(system, visitor))["slots"]
    assert {name: slots[name] for name in UNDERSTOOD} == UNDERSTOOD
    assert allocation(loose_replies[-1])["weights"] == allocation(replies[-1])["weights"]


def test_the_recommendation_is_written_in_chinese_with_chinese_amounts(system, chinese):
    sender, replies = chinese
    final = replies[-1]
    payload = allocation(final)
    projection = payload["projection"]
    amounts = {"median": money(projection["median"]), "low": money(projection["p10"]),
               "high": money(projection["p90"])}
    assert all(CHINESE_AMOUNT.fullmatch(amount) for amount in amounts.values()), amounts
    # Each paragraph is a Chinese response in full, the figures filled as the client reads them.
    assert matches_reply(
        final, "utter_recommendation", "utter_projection", "utter_probability_of_target",
        "utter_what_if_hint", language="zh",
        expected_return=format_value(payload["expected_return"], "percent.1"),
        volatility=format_value(payload["volatility"], "percent.1"),
        bad_year=format_value(-payload["bad_year"], "percent.1"),
        years=30, target="100万元", **amounts,
        probability=format_value(payload["probability_of_target"], "percent"))
    recommendation = reply_text(final)
    for label, weight in payload["weights"].items():
        line = response_pattern("allocation_line", language="zh",
                                asset_class=phrase(f"asset_class_{label}"),
                                weight=format_value(weight, "percent.1"))
        assert line.search(recommendation), f"no Chinese allocation line for {label}"
    summary = response_pattern("reason_summary", language="zh", goal=phrase("goal_retirement"),
                               horizon=30)
    assert summary.search(recommendation)
    assert phrase("disclosure_no_guarantee") in recommendation.split("\n")
    # Nothing of the English recommendation: its amounts would read "2,345,100".
    assert not re.search(r"\d,\d{3}", recommendation.split("\n\n", 1)[0])

    engine = make_engine(system.database_url)
    try:
        with session_scope(engine) as session:
            [record] = session.scalars(select(SuitabilityRecord).where(
                SuitabilityRecord.conversation_id == sender)).all()
            assert record.weights == payload["weights"]
            assert {key: record.inputs[key] for key in ("age", "initial_amount",
                                                         "monthly_contribution", "target_amount")
                    } == {"age": 35, "initial_amount": 50_000, "monthly_contribution": 2_000,
                          "target_amount": 1_000_000}
    finally:
        engine.dispose()


def test_the_allocation_payload_has_the_shape_and_mix_of_the_english_one(system, chinese):
    _, replies = chinese
    chinese_payload = allocation(replies[-1])
    visitor = system.browser()
    english_replies = [messages(say(visitor, text)) for text in ONBOARDING_EN]
    assert response_names(english_replies[0]) == ["utter_greet_prospect"]
    english_payload = allocation(english_replies[-1])
    assert system.tracker(conversation_id(system, visitor))["slots"]["language"] == "en"
    assert chinese_payload["type"] == english_payload["type"] == "allocation"
    assert shape(chinese_payload) == shape(english_payload)
    assert chinese_payload["weights"] == english_payload["weights"]
    assert chinese_payload["projection"]["years"] == english_payload["projection"]["years"] == 30


def test_a_puzzled_reply_hears_the_offer_again_and_a_yes_then_accepts_it(system):
    # "嗯？" is read as "嗯", a yes, once the question mark is dropped; it must not accept the offer.
    visitor = system.browser()
    greeting = messages(say(visitor, "您好"))
    assert response_names(greeting, "zh") == ["utter_greet_prospect"]
    again = messages(say(visitor, "嗯？"))
    assert response_names(again, "zh") == ["utter_say_again", "utter_greet_prospect"]
    assert again[1]["text"] == greeting[0]["text"]
    assert again[1]["buttons"] == greeting[0]["buttons"]
    sender = conversation_id(system, visitor)
    assert system.tracker(sender)["slots"]["requested_slot"] is None
    # The offer still stands: a yes now starts the questions.
    assert response_names(messages(say(visitor, "好的")), "zh") == ["utter_ask_age"]
    # A question not followed is asked again, and the answer still counts.
    assert response_names(messages(say(visitor, "没看懂")), "zh") == [
        "utter_say_again_question", "utter_ask_age"]
    assert response_names(messages(say(visitor, "三十五岁")), "zh") == ["utter_ask_goal"]
    assert system.tracker(sender)["slots"]["age"] == 35


def test_a_puzzled_first_message_is_welcomed_and_one_after_the_mix_gets_it_explained(system):
    # Each case answers in one turn: nothing more follows (no "not understood" after it). The
    # opening has words enough to make the conversation Chinese on the browser's English page.
    newcomer = system.browser()
    first = messages(say(newcomer, "啊？你说啥"))
    assert response_names(first, "zh") == ["utter_default_first"], first
    visitor = system.browser()
    for text in ONBOARDING_ZH:
        reply = messages(say(visitor, text))
    assert allocation(reply)["type"] == "allocation"  # the recommendation
    assert response_names(messages(say(visitor, "没看懂")), "zh") == [
        "utter_say_again_plainly", "utter_explain_why_allocation"]
