"""The site's language switch in the middle of a conversation, in real headless Chromium against the
whole product (``system`` of tests/bot/conftest.py: the Rasa server on the trained model, the action
server, the web app).

A prospect on an English page starts the onboarding and gives their age, then clicks 中文. The page
comes back in Chinese with the conversation so far in the widget; the advisor says, in Chinese,
that it goes on in Chinese and asks the open question again, its buttons in Chinese. The answer
given before the switch is kept, and the next answer, typed in Chinese, moves the form on. A reload
without the switch shows the same conversation and says nothing new. Replies are compared with the
whole text of their responses as the locale folders word them.
"""

from __future__ import annotations

import pytest
from support.browser import PHONE, click_reply, restored, type_message, visit
from support.responses import response_name, response_variations

from bot.auth.sessions import COOKIE_NAME
from db.session import make_engine, session_scope
from db.tracker_events import conversation_events, event_data
from harness.system import session_conversation

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.usefixtures("chromium")]


def shown(page) -> list[tuple[str, str]]:
    """Every message of the widget's log as (sender, text)."""
    return page.locator(".chat-log li").evaluate_all(
        "items => items.map(i => [i.classList.contains('msg-user') ? 'user' : 'bot',"
        " (i.querySelector('.msg-text') || {}).textContent || ''])")


def names(texts: list[str], language: str) -> list[str | None]:
    return [response_name(text, language) for text in texts]


def slots(database_url: str, conversation: str) -> dict:
    """The conversation's slots as its events in Rasa's tracker store last set them."""
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            events = conversation_events(session, conversation, {"slot"})
    finally:
        engine.dispose()
    return {data["name"]: data.get("value") for data in (event_data(e[-1]) for e in events)}


def test_the_switch_mid_onboarding_goes_on_in_chinese_with_the_conversation_kept(system, browser):
    tab = visit(browser, system.url, PHONE, locale="en-US")
    page = tab.page
    assert page.get_attribute("html", "lang") == "en"
    assert names(type_message(page, "hello"), "en") == ["utter_greet_prospect"]
    started = click_reply(page, page.locator(".msg-bot").last.locator(".quick-reply").first
                          .inner_text())
    assert names(started, "en") == ["utter_ask_age"]
    assert names(type_message(page, "I'm 35"), "en") == ["utter_ask_goal"]
    before = shown(page)

    page.click(".language-switch a:text('中文')")
    page.wait_for_selector("html[lang='zh']")
    restored(page)
    page.wait_for_function("n => !document.querySelector('#chat').hasAttribute('aria-busy')"
                           " && document.querySelectorAll('.chat-log li').length > n",
                           arg=len(before))
    now = shown(page)
    # The conversation so far, as it was shown, then the advisor in Chinese; the switch itself is
    # not shown as a message of the client's.
    assert now[:len(before)] == before
    assert [sender for sender, _ in now[len(before):]] == ["bot", "bot"]
    assert names([text for _, text in now[len(before):]], "zh") == [
        "utter_language_switched", "utter_ask_goal"]
    # The open question's buttons are in Chinese and can be clicked; the earlier ones are answered.
    goal = page.locator(".msg-bot").last.locator(".quick-reply:enabled").all_inner_texts()
    assert goal == [b["title"] for b in response_variations("utter_ask_goal", "zh")[0]["buttons"]]
    assert page.locator(".msg-bot").nth(0).locator(".quick-reply:enabled").count() == 0

    assert names(type_message(page, "为了养老"), "zh") == ["utter_ask_horizon_years"]
    [cookie] = [c["value"] for c in page.context.cookies() if c["name"] == COOKIE_NAME]
    conversation = session_conversation(system.database_url, cookie)
    state = slots(system.database_url, conversation)
    assert (state["language"], state["age"], state["goal"]) == ("zh", 35, "retirement")

    # A reload, with no switch, shows the same conversation and sends nothing.
    kept = shown(page)
    page.reload()
    restored(page)
    assert shown(page) == kept
    assert tab.violations == []
    page.context.close()
