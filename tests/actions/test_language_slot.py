"""action_validate_slot_mappings sets the conversation's language after each message
(actions/language.py), on trackers as Rasa sends them: the session's events, the latest message
with its intent and the web app's metadata."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.language import ValidateSlotMappings

SENDER = "language-under-test"


def user(text: str, intent: str = "inform", metadata: dict | None = None) -> dict:
    return {"event": "user", "text": text, "metadata": metadata or {},
            "parse_data": {"intent": {"name": intent, "confidence": 0.9}}}


def slot(name: str, value) -> dict:
    return {"event": "slot", "name": name, "value": value}


STARTED = [{"event": "action", "name": "action_session_start"}, {"event": "session_started"},
           {"event": "action", "name": "action_listen"}]


def state(history: list[dict], text: str, *, intent: str = "inform", page: str | None = None,
          language: str = "en", slots: dict | None = None) -> dict:
    """A tracker as Rasa sends it: ``history`` (events before the message) then the message
    ``text`` read as ``intent``, sent from a page in ``page``."""
    metadata = {"page_language": page} if page else {}
    latest = user(text, intent, metadata)
    return {
        "sender_id": SENDER,
        "slots": {"language": language, "session_started_metadata": metadata or None,
                  **(slots or {})},
        "latest_message": {"text": text, "intent": latest["parse_data"]["intent"],
                           "entities": [], "metadata": metadata},
        "events": [*history, latest],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }


def run(tracker_state: dict, domain: dict) -> list[dict]:
    tracker = Tracker.from_dict(tracker_state)
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateSlotMappings().run(dispatcher, tracker, domain))
    assert dispatcher.messages == []  # it says nothing: the rules answer
    return events


def language_set(events: list[dict]) -> list:
    return [e["value"] for e in events if e.get("event") == "slot" and e["name"] == "language"]


@pytest.mark.parametrize("page", [None, "en"])
def test_a_chinese_first_message_makes_the_conversation_chinese(domain, page):
    events = run(state(STARTED, "你好，我想做个理财规划", intent="greet", page=page), domain)
    assert events == [{"event": "slot", "timestamp": None, "name": "language", "value": "zh"}]


def test_the_page_language_sets_the_conversation_at_its_start(domain):
    assert language_set(run(state(STARTED, "hi", intent="greet", page="zh"), domain)) == ["zh"]
    assert language_set(run(state(STARTED, "hi", intent="greet", page="zh-CN"), domain)) == ["zh"]
    # An English conversation on an English page: nothing to change.
    assert run(state(STARTED, "hi", intent="greet", page="en"), domain) == []


def test_a_clear_first_message_overrides_the_page(domain):
    # On a Chinese page "ok" is too short to say otherwise; a sentence in English stays English
    # (the slot's initial value).
    assert language_set(run(state(STARTED, "ok", page="zh"), domain)) == ["zh"]
    assert run(state(STARTED, "hello, I'd like some advice", intent="greet", page="zh"),
               domain) == []


@pytest.mark.parametrize("text", ["ok", "ETF", "sure, 50k", "I'd hold on"])
def test_a_text_in_the_other_script_later_does_not_flip_a_chinese_chat(domain, text):
    history = [*STARTED, user("你好", "greet", {"page_language": "en"}), slot("language", "zh")]
    assert run(state(history, text, page="en", language="zh"), domain) == []


@pytest.mark.parametrize(("text", "language", "then"), [
    ("你们有牌照吗？", "en", "zh"),
    ("Could you tell me what the fees are?", "zh", "en"),
])
def test_a_whole_message_in_the_other_language_later_switches_to_it(domain, text, language, then):
    history = [*STARTED, user("hello" if language == "en" else "你好", "greet"),
               slot("language", language)]
    assert language_set(run(state(history, text, language=language), domain)) == [then]


@pytest.mark.parametrize("text, intent, language", [
    ("English please", "switch_language", "en"),
    ("can you speak English", "switch_language", "en"),
    ("English please", "inform", "en"),   # the cue decides even when the intent is misread
])
def test_an_explicit_request_switches_a_chinese_chat_to_english(domain, text, intent, language):
    history = [*STARTED, user("您好", "greet", {"page_language": "zh"}), slot("language", "zh")]
    events = run(state(history, text, intent=intent, page="zh", language="zh"), domain)
    assert language_set(events) == [language]


@pytest.mark.parametrize("text", ["请用中文", "说中文吧"])
def test_an_explicit_request_switches_an_english_chat_to_chinese(domain, text):
    history = [*STARTED, user("hello", "greet"), user("I'm 35")]
    events = run(state(history, text, intent="switch_language", page="en"), domain)
    assert language_set(events) == ["zh"]


def test_a_language_named_is_a_request_only_when_read_as_one(domain):
    history = [*STARTED, user("hello", "greet")]
    asked = state(history, "could you reply in mandarin?", intent="switch_language")
    assert language_set(run(asked, domain)) == ["zh"]
    told = state(history, "my wife speaks mandarin", intent="inform")
    assert run(told, domain) == []


def test_a_button_is_not_the_opening_message(domain):
    # A payload sets the page's language but decides nothing itself; the first message typed
    # with letters still does.
    assert language_set(run(state(STARTED, "/greet", intent="greet", page="zh"), domain)) == ["zh"]
    history = [*STARTED, user("/greet", "greet", {"page_language": "zh"}), slot("language", "zh")]
    typed = state(history, "hello, I would like advice", intent="greet", page="zh", language="zh")
    assert language_set(run(typed, domain)) == ["en"]


def test_a_message_without_letters_leaves_the_opening_to_the_next(domain):
    history = [*STARTED, user("35")]
    assert language_set(run(state(history, "我三十五岁"), domain)) == ["zh"]


def test_a_language_set_before_the_first_message_without_a_page_is_kept(domain):
    # An integrator (or a replayed conversation) that sets the slot has chosen the language.
    history = [*STARTED, slot("language", "zh")]
    assert run(state(history, "I want ETF funds", language="zh"), domain) == []
    assert language_set(run(state(history, "English please", language="zh"), domain)) == ["en"]


def test_each_session_opens_again(domain):
    earlier = [*STARTED, user("hello", "greet"), user("I'm 35")]
    assert run(state(earlier, "你好"), domain) == []
    assert language_set(run(state([*earlier, *STARTED], "你好"), domain)) == ["zh"]


def test_the_action_server_runs_it_under_rasas_name(domain):
    executor = ActionExecutor()
    executor.register_package("actions")
    call = {"next_action": "action_validate_slot_mappings", "sender_id": SENDER,
            "tracker": state(STARTED, "请问手续费多少", intent="faq"), "domain": domain,
            "version": "3.6.21"}
    result = asyncio.run(executor.run(call))
    assert result.events == [{"event": "slot", "timestamp": None, "name": "language",
                              "value": "zh"}]
    assert result.responses == []


def test_a_message_from_a_page_switched_to_another_language_switches_the_conversation(domain):
    history = [*STARTED, user("hello", metadata={"page_language": "en"}),
               user("I'm 40", metadata={"page_language": "en"})]
    # The widget's switch payload, and a typed answer, from the page now in Chinese.
    for text, intent in [("/switch_language", "switch_language"), ("ok", "affirm"),
                         ("for my retirement", "inform")]:
        assert language_set(run(state(history, text, intent=intent, page="zh"),
                                domain)) == ["zh"]
    back = [*history, user("/switch_language", metadata={"page_language": "zh"})]
    assert language_set(run(state(back, "hi", page="en", language="zh"), domain)) == ["en"]


def test_a_page_that_stays_in_its_language_changes_nothing(domain):
    # An English conversation typed on a Chinese page stays English: the page never changed.
    history = [*STARTED, user("hello there", metadata={"page_language": "zh"}),
               user("I'm 40", metadata={"page_language": "zh"})]
    assert language_set(run(state(history, "for my retirement", page="zh"), domain)) == []
    # An earlier message without the page's language says nothing of a switch.
    unknown = [*STARTED, user("hello there")]
    assert language_set(run(state(unknown, "for my retirement", page="zh"), domain)) == []


def test_a_request_typed_on_the_switched_page_comes_first(domain):
    history = [*STARTED, user("你好", metadata={"page_language": "zh"})]
    events = run(state(history, "English please", intent="switch_language", page="en",
                       language="zh"), domain)
    assert language_set(events) == ["en"]
    events = run(state(history, "请用中文", intent="switch_language", page="en",
                       language="zh"), domain)
    assert language_set(events) == []
