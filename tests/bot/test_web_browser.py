"""The widget in real headless Chromium (Debian's package, driven by Playwright).

The web app runs under uvicorn on a local port. Rasa is replaced by ``rasa_stand_in``, a real HTTP
server answering like Rasa's REST channel with the allocation payload built by the action server's
own ``allocation_payload`` from a real recommendation: this checks the widget's rendering, not the
dialogue, whose end-to-end tests run against the trained model. Screenshots go to artifacts/.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from bot.app import create_app
from bot.demo import DEMO_CLIENT_IDS
from bot.settings import Settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)"),
]


def allocation_reply() -> list[dict]:
    from actions.advice import allocation_payload
    from engine import InvestorProfile, recommend
    from engine.questionnaire import questionnaire

    answers = {q.id: q.options[len(q.options) // 2].id for q in questionnaire().questions}
    rec = recommend(InvestorProfile(age=35, goal="retirement", risk_answers=answers,
                                    initial_amount=25_000, monthly_contribution=600,
                                    target_amount=900_000))
    return [{"recipient_id": "x", "text": "Here is the mix I recommend."},
            {"recipient_id": "x", "custom": allocation_payload(rec)}]


def dialogue(body: dict) -> list[dict]:
    text = body["message"]
    if text == "/start_onboarding":
        return allocation_reply()
    if text.startswith("<"):
        return [{"recipient_id": "x", "text": f"You said {text}"}]
    return [{"recipient_id": "x", "text": "Hello! Shall we start?",
             "buttons": [{"title": "Yes, let's start", "payload": "/start_onboarding"},
                         {"title": "Talk to a person", "payload": "/request_human"}]}]


def run_server(app) -> tuple[uvicorn.Server, threading.Thread, str]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture
def site(database_url, rasa_stand_in):
    rasa_stand_in.reply = dialogue
    server, thread, url = run_server(create_app(Settings(database_url=database_url,
                                                         rasa_url=rasa_stand_in.url)))
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def open_page(browser, url, width=1024, height=800):
    page = browser.new_page(viewport={"width": width, "height": height})
    violations = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.goto(url)
    return page, violations


def test_a_prospect_reaches_the_charts_by_keyboard_alone(site, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page, violations = open_page(browser, site)
    page.keyboard.press("Tab")  # skip link
    page.focus("#chat-input")
    page.keyboard.type("hi")
    page.keyboard.press("Enter")
    page.wait_for_selector(".quick-reply")
    assert page.inner_text(".msg-bot .msg-text") == "Hello! Shall we start?"
    # From the input, Tab reaches the quick replies; Enter picks one.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('quick-reply')"):
            break
    assert page.evaluate("document.activeElement.textContent") == "Yes, let's start"
    page.keyboard.press("Enter")
    page.wait_for_selector(".allocation-card svg.fan polygon")
    assert page.locator(".donut circle").count() >= 3
    assert page.locator(".legend li").count() == page.locator(".donut circle").count()
    assert "US equities" in page.inner_text(".legend")  # names from the assumptions file
    assert "Chance of reaching the target" in page.inner_text(".figures")
    assert page.locator(".quick-reply:disabled").count() == 2
    page.screenshot(path=str(ARTIFACTS / "prospect-allocation.png"), full_page=True)
    assert violations == []


def test_markup_in_messages_is_shown_as_text(site, browser):
    page, violations = open_page(browser, site)
    page.fill("#chat-input", "<img src=x onerror=alert(1)><script>alert(2)</script>")
    page.press("#chat-input", "Enter")
    page.wait_for_selector(".msg-bot")
    assert page.locator(".chat-log img, .chat-log script").count() == 0
    assert "<script>alert(2)</script>" in page.inner_text(".msg-user")
    assert "<script>alert(2)</script>" in page.inner_text(".msg-bot")
    assert violations == []


def test_the_widget_fits_a_phone_screen(site, browser):
    page, _ = open_page(browser, site, width=360, height=740)
    page.fill("#chat-input", "hi")
    page.press("#chat-input", "Enter")
    page.wait_for_selector(".quick-reply")
    page.click(".quick-reply")
    page.wait_for_selector(".allocation-card svg.fan")
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.screenshot(path=str(ARTIFACTS / "phone-allocation.png"), full_page=True)


def test_a_client_signs_in_and_its_id_reaches_rasa(database_url, seeded, rasa_stand_in, browser):
    rasa_stand_in.reply = dialogue
    server, thread, url = run_server(create_app(Settings(database_url=database_url,
                                                         rasa_url=rasa_stand_in.url)))
    try:
        page, violations = open_page(browser, url)
        page.click("text=Client sign-in")
        page.fill("#username", "client1")
        page.fill("#password", "client-demo-2026")
        page.press("#password", "Enter")
        page.wait_for_selector("text=Signed in as client1")
        page.fill("#chat-input", "hello")
        page.press("#chat-input", "Enter")
        page.wait_for_selector(".msg-bot")
        assert rasa_stand_in.received[-1]["body"]["metadata"]["client_id"] == DEMO_CLIENT_IDS[0]
        assert violations == []
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_staff_filter_open_flag_and_export(review_database_url, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    server, thread, url = run_server(create_app(Settings(database_url=review_database_url)))
    try:
        page, violations = open_page(browser, url + "/staff")
        page.fill("#username", "reviewer")
        page.fill("#password", "review-demo-2026")
        page.press("#password", "Enter")
        page.wait_for_selector("h1:text('Conversations')")
        page.select_option("select[name=fallback]", "yes")
        page.click("button:text('Filter')")
        page.wait_for_url("**fallback=yes**")
        links = page.locator("a[href^='/staff/conversations/']")
        assert links.count() == 1
        links.first.click()
        page.wait_for_selector("text=Transcript")
        # The user's <script> shows as text and does not run.
        assert "<script>alert('x')</script>" in page.inner_text("table")
        page.click("button:text-is('Flag')")
        page.wait_for_selector(".pill.flagged")
        assert "reviewer · flag" in page.inner_text("body")
        with page.expect_download() as download:
            page.click("a:text('CSV')")
        saved = ARTIFACTS / "client-fallback.csv"
        download.value.save_as(saved)
        assert "nlu_fallback" in saved.read_text()
        page.screenshot(path=str(ARTIFACTS / "staff-transcript.png"), full_page=True)
        assert violations == []
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_rasa_down_shows_the_unavailable_notice(database_url, browser):
    server, thread, url = run_server(create_app(Settings(database_url=database_url,
                                                         rasa_url="http://127.0.0.1:9")))
    try:
        page, _ = open_page(browser, url)
        page.fill("#chat-input", "hello")
        page.press("#chat-input", "Enter")
        page.wait_for_selector(".msg-notice")
        assert "temporarily unavailable" in page.inner_text(".msg-notice")
        assert page.evaluate("document.activeElement.id") == "chat-input"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
