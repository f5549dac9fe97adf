"""The whole product in real headless Chromium (Debian's package, driven by Playwright).

The system of tests/bot/conftest.py: the action server and the Rasa server with the trained model,
a fresh SQLite database seeded as ``make run`` seeds it (a scored synthetic client base and the
demo accounts), and the web app under uvicorn on a local port pointing at both. The journeys: a
prospect onboards by typing and clicking and sees the charts; each demo client signs in and is
greeted for its lifecycle stage; a member of staff filters, opens the transcripts those
conversations left, flags one and exports it, and corrects a message the bot misunderstood and
downloads the correction as NLU data. The bot's texts are matched in full against the Rasa
domain's responses, never copied here. Screenshots go to artifacts/browser/.

Chromium is Debian's package (``apt-get install chromium fonts-noto-cjk``), at /usr/bin/chromium
or wherever ``CHROMIUM`` says. Without it every test here fails, saying so: a skip would let
`make test` pass without the checks a browser user depends on.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import yaml
from support.browser import (
    Visit,
    click_reply,
    messages,
    middle,
    onboard,
    run_server,
    type_message,
    visit,
    wait_for_reply,
)
from support.responses import matches_response

from bot.app import create_app
from bot.auth.demo_passwords import ACTION_USERNAMES, CLIENT_PASSWORD, STAGE_USERNAMES
from bot.chat.routes import UNAVAILABLE
from bot.settings import Settings
from harness.advisor import ROOT

ARTIFACTS = ROOT / "artifacts" / "browser"
PHONE = {"width": 375, "height": 740}
# Chromium is checked before the system starts.
pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.usefixtures("chromium")]

#: What a person types when the bot asks a question that has no buttons.
TYPED_ANSWERS = {"utter_ask_age": "35", "utter_ask_initial_amount": "$50k",
                 "utter_ask_monthly_contribution": "500 a month",
                 "utter_ask_target_amount": "1 million"}
#: Buttons a prospect prefers when offered; otherwise it picks the middle option.
PREFERRED_BUTTONS = ("Yes, let's start", "Get my recommendation", "Retirement",
                     "Yes, keep my answers", "Stable")


def preferred(titles: Sequence[str]) -> str:
    """The button a prospect clicks: one it prefers when offered, else the middle one."""
    return next((t for t in PREFERRED_BUTTONS if t in titles), middle(titles))


def staff_sign_in(page, url: str) -> None:
    page.goto(url + "/staff")
    page.fill("#username", "reviewer")
    page.fill("#password", "review-demo-2026")
    page.press("#password", "Enter")
    page.wait_for_selector("h1:text('Conversations')")


@pytest.fixture(scope="module")
def onboarded(system, browser) -> Iterator[Visit]:
    """A prospect on a phone-width screen who onboarded, then rated the advice 4 of 5."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab = visit(browser, system.url, PHONE)
    said = onboard(tab.page, "hello", TYPED_ANSWERS, preferred)
    tab.page.screenshot(path=str(ARTIFACTS / "prospect-onboarding-phone.png"), full_page=True)
    tab.page.locator(".allocation-card").screenshot(path=str(ARTIFACTS / "allocation-card-phone.png"))
    asked = type_message(tab.page, "thank you")
    assert any(matches_response(t, "utter_ask_rating") for t in asked), asked
    thanks = click_reply(tab.page, "4")
    assert any(matches_response(t, "utter_thanks_for_rating") for t in thanks), (said, thanks)
    yield tab
    tab.page.context.close()


@pytest.fixture(scope="module")
def stage_greetings(system, browser) -> Iterator[dict[str, list[str]]]:
    """Each stage's demo client signs in and says hello; what the bot answered, by stage."""
    answered = {}
    for stage, username in STAGE_USERNAMES.items():
        tab = visit(browser, system.url)
        tab.page.click("text=Client sign-in")
        tab.page.fill("#username", username)
        tab.page.fill("#password", CLIENT_PASSWORD)
        tab.page.press("#password", "Enter")
        tab.page.wait_for_selector(f"text=Signed in as {username}")
        answered[stage] = type_message(tab.page, "hello")
        if stage == "decline":  # accepts the retention offer the greeting made
            answered["decline accepted"] = type_message(tab.page, "yes please")
        tab.page.screenshot(path=str(ARTIFACTS / f"client-{stage}.png"), full_page=True)
        assert tab.violations == [] and tab.outside == []
        tab.page.context.close()
    yield answered


def test_a_prospect_onboards_by_typing_and_clicking_and_sees_both_charts(onboarded):
    page = onboarded.page
    card = page.locator(".allocation-card")
    assert card.locator(".donut circle").count() >= 3
    assert card.locator(".legend li").count() == card.locator(".donut circle").count()
    assert "US equities" in card.locator(".legend").inner_text()  # names from the assumptions
    assert card.locator("svg.fan polygon").count() >= 1
    assert "Chance of reaching the target" in card.locator(".figures").inner_text()
    # Everything fits a phone's width: nothing scrolls sideways.
    assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
    assert onboarded.violations == [] and onboarded.outside == []


def test_each_demo_client_gets_the_greeting_of_its_stage(stage_greetings):
    for stage in STAGE_USERNAMES:
        said = stage_greetings[stage]
        assert any(matches_response(t, f"utter_stage_{stage}") for t in said), (stage, said)
        others = [s for s in STAGE_USERNAMES if s != stage]
        assert not any(matches_response(t, f"utter_stage_{o}") for o in others for t in said)
    accepted = stage_greetings["decline accepted"]
    assert any(matches_response(t, "utter_retention_accepted") for t in accepted), accepted


def test_keyboard_alone_reaches_the_input_the_send_button_and_the_quick_replies(system, browser):
    tab = visit(browser, system.url)
    page = tab.page
    for _ in range(15):  # from the top of the page, Tab reaches the chat input
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "chat-input":
            break
    assert page.evaluate("document.activeElement.id") == "chat-input"
    page.keyboard.type("hello")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"  # the send button
    before = messages(page)
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    assert page.evaluate("document.activeElement.id") == "chat-input"  # focus comes back
    for _ in range(10):  # onwards from the input, Tab reaches the quick replies
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('quick-reply')"):
            break
    chosen = page.evaluate("document.activeElement.textContent")
    assert chosen in ("Yes, let's start", "Get my recommendation")
    before = messages(page)
    page.keyboard.press("Enter")
    said = wait_for_reply(page, before)
    assert any(matches_response(t, "utter_ask_age") for t in said), said
    assert tab.violations == [] and tab.outside == []
    tab.page.context.close()


def test_markup_typed_in_the_chat_is_shown_as_text(system, browser):
    tab = visit(browser, system.url)
    type_message(tab.page, "<img src=x onerror=alert(1)><script>alert(2)</script>")
    assert tab.page.locator(".chat-log img, .chat-log script").count() == 0
    assert "<script>alert(2)</script>" in tab.page.inner_text(".msg-user")
    assert tab.violations == []
    tab.page.context.close()


def test_staff_filter_open_flag_and_export_the_conversations_just_held(
    system, browser, onboarded, stage_greetings
):
    tab = visit(browser, system.url)
    page = tab.page
    staff_sign_in(page, system.url)
    # The decline client's conversation: filtered by audience and stage, with its offers.
    page.select_option("select[name=audience]", "client")
    page.select_option("select[name=stage]", "decline")
    page.click("button:text('Filter')")
    page.wait_for_url("**stage=decline**")
    links = page.locator("a[href^='/staff/conversations/']")
    assert links.count() == 1
    links.first.click()
    page.wait_for_selector("h2:text('Offers')")
    # The greeting's offer, then the yes: "<time> · <offer> · made", then "... · accepted".
    offers = [item.rsplit(" · ", 2)[1:]
              for item in page.locator("h2:text('Offers') + ul li").all_inner_texts()]
    assert len(offers) == 2 and offers == [[offers[0][0], "made"], [offers[0][0], "accepted"]]
    # The prospect's conversation: found by full-text search of what it typed.
    page.goto(system.url + "/staff?audience=prospect&q=500+a+month")
    links = page.locator("a[href^='/staff/conversations/']")
    assert links.count() == 1
    links.first.click()
    page.wait_for_selector("h2:text('Transcript')")
    body = page.inner_text("body")
    assert "satisfaction / rating: 4" in body
    assert "Recommendation card:" in body  # the allocation the bot sent, in the transcript
    assert page.locator("h2:text('Recommendations')").count() == 1  # the suitability record
    page.click("button:text-is('Flag')")
    page.wait_for_selector(".pill.flagged")
    assert "reviewer · flag" in page.inner_text("body")
    page.screenshot(path=str(ARTIFACTS / "staff-transcript.png"), full_page=True)
    with page.expect_download() as download:
        page.click("a:text('CSV')")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [r["text"] for r in rows if r["kind"] == "user"][:1] == ["hello"]
    assert any(r["kind"] == "slot" and r["name"] == "age" and r["value"] == "35" for r in rows)
    with page.expect_download() as download:
        page.click("a:text('JSON')")
    exported = json.loads(Path(download.value.path()).read_text())
    assert exported["review"]["flagged"] is True
    assert exported["surveys"] == [{"survey": "satisfaction", "question": "rating", "answer": "4"}]
    assert len(exported["recommendations"]) == 1
    # The flag shows in the list, and the overview counts the offers made and accepted.
    page.goto(system.url + "/staff?flagged=yes")
    assert page.locator("a[href^='/staff/conversations/']").count() == 1
    page.goto(system.url + "/staff/overview")
    chart = page.locator("figure.chart", has_text="Offers made and accepted")
    counted = chart.locator("svg").get_attribute("aria-label")
    offer = re.escape(offers[0][0])
    assert re.search(rf"\b{offer}: made [1-9]", counted), counted
    assert re.search(rf"\b{offer}: accepted [1-9]", counted), counted
    page.screenshot(path=str(ARTIFACTS / "staff-overview.png"), full_page=True)
    assert tab.violations == [] and tab.outside == []
    tab.page.context.close()


def test_staff_correct_a_misunderstood_message_and_download_it_as_nlu_data(system, browser):
    said = "could somebody ring me back tomorrow afternoon"
    chat = visit(browser, system.url)
    type_message(chat.page, said)
    chat.page.context.close()
    tab = visit(browser, system.url)
    page = tab.page
    staff_sign_in(page, system.url)
    page.goto(system.url + "/staff?q=" + said.replace(" ", "+"))
    links = page.locator("a[href^='/staff/conversations/']")
    assert links.count() == 1
    links.first.click()
    row = page.locator("#chat-view li.msg-user", has_text=said)
    understood = row.locator(".intent").inner_text().split(" (")[0]
    assert understood  # what the bot read, shown before the correction
    # Keyboard only: open the form, pick the intent by its label, save.
    row.locator("summary").focus()
    page.keyboard.press("Enter")
    row.get_by_label("Right intent").focus()
    row.get_by_label("Right intent").select_option("request_human")
    row.get_by_label("Right intent").press("Tab")  # to the slot, then its value, then Save
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Save correction"
    page.keyboard.press("Enter")
    page.wait_for_selector("text=reviewer corrected this to")
    page.click("nav a:text-is('Corrections')")
    page.wait_for_selector("h1:text('Corrections')")
    first = page.locator("tbody tr").first
    cells = first.locator("td").all_inner_texts()
    assert cells[1] == "reviewer" and cells[3] == said
    assert cells[4].split(" (")[0] == understood and cells[5] == "intent request_human"
    assert "never writes to data/" in " ".join(page.inner_text("main").split())
    page.screenshot(path=str(ARTIFACTS / "staff-corrections.png"), full_page=True)
    with page.expect_download() as download:
        page.click("a:text('Download as Rasa NLU training data')")
    exported = yaml.safe_load(Path(download.value.path()).read_text())
    assert exported["version"] == "3.1"
    blocks = {b["intent"]: b["examples"].splitlines() for b in exported["nlu"]}
    assert f"- {said}" in blocks["request_human"]
    assert tab.violations == [] and tab.outside == []
    tab.page.context.close()


def test_the_api_docs_render_offline(system, browser):
    tab = visit(browser, system.url + "/docs")
    tab.page.wait_for_selector(".swagger-ui .opblock")
    assert "/api/v1/allocation" in tab.page.inner_text(".swagger-ui")
    tab.page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
    assert tab.violations == [] and tab.outside == []
    tab.page.context.close()


def test_rasa_down_shows_the_unavailable_notice(database_url, browser):
    server, thread, url = run_server(create_app(Settings(database_url=database_url,
                                                         rasa_url="http://127.0.0.1:9")))
    try:
        tab = visit(browser, url)
        type_message(tab.page, "hello")
        assert tab.page.locator(".msg-notice").last.inner_text() == UNAVAILABLE
        assert tab.page.evaluate("document.activeElement.id") == "chat-input"
        tab.page.context.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def client_sign_in(browser, url: str, username: str) -> Visit:
    tab = visit(browser, url)
    tab.page.click("text=Client sign-in")
    tab.page.fill("#username", username)
    tab.page.fill("#password", CLIENT_PASSWORD)
    tab.page.press("#password", "Enter")
    tab.page.wait_for_selector(f"text=Signed in as {username}")
    return tab


#: A button each demo client's greeting ends with, and the response clicking it leads to.
NEXT_STEPS = {
    "client-onboarding": ("5", "utter_thanks_for_rating"),
    "client-first-weeks": ("4", "utter_thanks_for_rating"),
    "client-growth": ("Yes, show me", "utter_ask_age"),
    "client-portfolio-review": ("No, thanks", "utter_anything_else"),
    "client-mature": ("Yes, arrange a review", "utter_handoff"),
    "client-priority-line": ("Not now", "utter_anything_else"),
    "client-decline": ("No, thanks", "utter_ask_exit_reason"),
    "client-fee-waiver": ("Yes, apply it", "utter_retention_accepted"),
    "client-premium-service": ("Yes, please", "utter_retention_accepted"),
    "client-callback": ("No, thanks", "utter_ask_exit_reason"),
    "client-exit-survey": ("The fees", "utter_ask_exit_return_likelihood"),
}


# Last: the staff test above counts the conversations held before it.
def test_every_demo_clients_greeting_ends_with_a_next_step_that_works_when_clicked(system, browser):
    assert set(NEXT_STEPS) == {*STAGE_USERNAMES.values(), *ACTION_USERNAMES.values()}
    for username, (title, then) in NEXT_STEPS.items():
        tab = client_sign_in(browser, system.url, username)
        page = tab.page
        said = type_message(page, "hello")
        # The greeting's last message carries the buttons, and they can be clicked.
        last = page.locator(".msg-bot").last
        titles = last.locator(".quick-reply:enabled").all_inner_texts()
        assert title in titles, (username, said, titles)
        answered = click_reply(page, title)
        assert any(matches_response(t, then) for t in answered), (username, title, answered)
        page.screenshot(path=str(ARTIFACTS / f"next-step-{username}.png"), full_page=True)
        assert tab.violations == [] and tab.outside == []
        page.context.close()


def test_an_exit_interview_by_clicks_and_words_shows_in_the_transcript_and_overview(system,
                                                                                     browser):
    tab = client_sign_in(browser, system.url, "client-exit-survey")
    page = tab.page
    type_message(page, "hello")
    asked = click_reply(page, "The fees")
    assert any(matches_response(t, "utter_ask_exit_return_likelihood") for t in asked), asked
    asked = click_reply(page, "5")
    assert any(matches_response(t, "utter_ask_exit_improvement") for t in asked), asked
    thanked = type_message(page, "a cheaper plan for small accounts")
    assert any(matches_response(t, "utter_exit_survey_thanks") for t in thanked), thanked
    page.context.close()
    tab = visit(browser, system.url)
    page = tab.page
    staff_sign_in(page, system.url)
    page.goto(system.url + "/staff?q=cheaper+plan+for+small+accounts")
    links = page.locator("a[href^='/staff/conversations/']")
    assert links.count() == 1
    links.first.click()
    page.wait_for_selector("h2:text('Transcript')")
    body = page.inner_text("body")
    for line in ("exit / reason: fees", "exit / return_likelihood: 5",
                 "exit / improvement: a cheaper plan for small accounts"):
        assert line in body, line
    page.goto(system.url + "/staff/overview")
    chart = page.locator("figure.chart", has_text="Why clients leave")
    assert re.search(r"\bfees [1-9]", chart.locator("svg").get_attribute("aria-label"))
    assert "a cheaper plan for small accounts" in page.inner_text(".exit-suggestions")
    page.screenshot(path=str(ARTIFACTS / "staff-overview-exit-interviews.png"), full_page=True)
    assert tab.violations == [] and tab.outside == []
    page.context.close()
