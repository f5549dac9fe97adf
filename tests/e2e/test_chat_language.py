"""A conversation's language on the real servers: a Chinese first message is answered in Chinese,
the page's language (the web app's ``page_language`` metadata) starts a conversation in it, a
text in the other script changes nothing, and a request mid-onboarding (or when asked why one
leaves) switches the language with the answers kept and the open question asked again in it.

Each reply is compared with the whole text of its response as the locale folder of the expected
language words it (tests/support/responses.py); a reply in the other language names no response
there. The dialogue state is read from Rasa's tracker.
"""

from __future__ import annotations

import httpx
import pytest
from support.responses import response_name, response_names

pytestmark = pytest.mark.slow


def tracker_state(advisor, sender: str) -> dict:
    response = httpx.get(f"{advisor.url}/conversations/{sender}/tracker",
                         params={"token": advisor.token})
    response.raise_for_status()
    state = response.json()
    return {**state["slots"], "active_loop": (state.get("active_loop") or {}).get("name")}


def in_chinese(reply: list[dict]) -> bool:
    """Whether every text of ``reply`` is, in full, a Chinese response and none an English one
    (which response depends on how the model reads the message, the language does not)."""
    texts = [m["text"] for m in reply if m.get("text")]
    return bool(texts) and all(_name(text, "zh") is not None and _name(text, "en") is None
                               for text in texts)


def _name(text: str, language: str) -> str | None:
    try:
        return response_name(text, language)
    except ValueError:  # a phrase and a response of the same words: either is the language's
        return "ambiguous"


def test_a_chinese_first_message_gets_a_chinese_reply(advisor):
    sender = "language-chinese-opening"
    reply = advisor.say(sender, "你好", metadata={"page_language": "en"})
    assert in_chinese(reply)
    assert tracker_state(advisor, sender)["language"] == "zh"


def test_the_page_language_starts_the_conversation_in_it(advisor):
    sender = "language-page"
    reply = advisor.say(sender, "hi", metadata={"page_language": "zh-CN"})
    assert response_names(reply, "zh") == ["utter_greet_prospect"]
    english = advisor.say("language-page-en", "hi", metadata={"page_language": "en"})
    assert response_names(english, "en") == ["utter_greet_prospect"]


def test_english_please_mid_onboarding_switches_with_the_answers_kept(advisor):
    sender = "language-switch"
    assert in_chinese(advisor.say(sender, "你好"))
    assert response_names(advisor.say(sender, "/start_onboarding"), "zh") == ["utter_ask_age"]
    assert response_names(advisor.say(sender, "35"), "zh") == ["utter_ask_goal"]
    # "ok" in a Chinese conversation is a (failed) answer in Chinese, not a change of language.
    assert response_names(advisor.say(sender, "ok"), "zh") == ["utter_invalid_goal", "utter_ask_goal"]
    assert tracker_state(advisor, sender)["language"] == "zh"

    reply = advisor.say(sender, "English please")
    assert response_names(reply, "en") == ["utter_language_switched", "utter_ask_goal"]
    state = tracker_state(advisor, sender)
    assert (state["language"], state["age"]) == ("en", 35)
    assert (state["active_loop"], state["requested_slot"]) == ("onboarding_form", "goal")

    # The form goes on in English, the earlier answer still there.
    reply = advisor.say(sender, "for my retirement")
    assert response_names(reply, "en") == ["utter_ask_horizon_years"]
    state = tracker_state(advisor, sender)
    assert (state["age"], state["goal"], state["language"]) == (35, "retirement", "en")


def test_a_request_for_chinese_switches_back(advisor):
    sender = "language-back"
    assert response_names(advisor.say(sender, "hello"), "en") == ["utter_greet_prospect"]
    assert response_names(advisor.say(sender, "/start_onboarding"), "en") == ["utter_ask_age"]
    reply = advisor.say(sender, "could you carry on in Chinese please")
    assert response_names(reply, "zh") == ["utter_language_switched", "utter_ask_age"]
    assert tracker_state(advisor, sender)["language"] == "zh"


def test_a_request_for_chinese_when_asked_why_one_leaves_is_no_reason(advisor):
    sender = "language-leaving"
    assert response_names(advisor.say(sender, "I want to close my account"), "en") == [
        "utter_leaving_ack", "utter_ask_leaving_reason"]
    reply = advisor.say(sender, "请用中文")
    assert response_names(reply, "zh") == ["utter_language_switched", "utter_ask_leaving_reason"]
    state = tracker_state(advisor, sender)
    assert (state["language"], state["leaving_reason"]) == ("zh", None)
    assert state["active_loop"] == "leaving_form"
    assert response_names(advisor.say(sender, "手续费太贵了"), "zh")[0] == "utter_leaving_heard_fees"


#: A whole onboarding in figures and buttons, which read the same in every language.
ONBOARDING = ["/start_onboarding", "35", '/inform{"choice": "retirement"}', "30", "50000", "500",
              "1000000", *(f'/inform{{"choice": "{option}"}}' for option in (
                  "hold", "loss_20", "balanced_growth", "cautious", "half_2500", "moderate",
                  "some", "stable"))]


def shape(value):
    """The keys and kinds of a JSON value, without its figures and words."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value[:1]]
    return "number" if isinstance(value, int | float) else type(value).__name__


def says(reply: list[dict], name: str | None, language: str) -> bool:
    """Whether a message of ``reply`` is, in full, the response ``name`` in ``language``."""
    return name is not None and any(_name(m["text"], language) == name
                                    for m in reply if m.get("text"))


def recommended(advisor, sender: str, page: str) -> tuple[list[dict], dict]:
    for text in ONBOARDING:
        reply = advisor.say(sender, text, metadata={"page_language": page})
    [payload] = [m["custom"] for m in reply if m.get("custom")]
    return reply, payload


def test_the_allocation_payload_has_the_same_shape_in_both_languages(advisor):
    chinese_reply, chinese = recommended(advisor, "language-payload-zh", "zh")
    english_reply, english = recommended(advisor, "language-payload-en", "en")
    assert tracker_state(advisor, "language-payload-zh")["language"] == "zh"
    # The projection, one paragraph, says which language the recommendation came in.
    assert says(chinese_reply, "utter_projection", "zh")
    assert says(english_reply, "utter_projection", "en")
    assert not says(chinese_reply, "utter_projection", "en")
    assert chinese["type"] == english["type"] == "allocation"
    assert shape(chinese) == shape(english)
    assert chinese["weights"] == english["weights"]
