"""The staff transcript page in real headless Chromium (Debian's package, driven by Playwright):
the conversation as bubbles with folded lines, the recommendation card inline with its mix drawn
and tabled, the raw events behind a toggle, the slots after the chosen message in the side panel,
pages of a long conversation, and review by keyboard alone. The events are written by Rasa's own
SQL tracker store; the web app runs under uvicorn on them. Screenshots go to
artifacts/screenshots/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from support.browser import run_server
from transcript_events import at, long_conversation, onboarding_with_a_reset, puzzled, write

from bot.app import create_app
from bot.settings import Settings
from db.conversations import OfferRecord, SurveyAnswer
from db.migrate import upgrade
from db.session import make_engine, session_scope
from db.suitability import suitability_record
from demo.accounts import seed_accounts
from engine import InvestorProfile, recommend
from engine.questionnaire import middle_answers

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SHOTS = os.path.join(ROOT, "artifacts", "screenshots")
pytestmark = [pytest.mark.slow, pytest.mark.browser]


def naive(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)


@pytest.fixture(scope="module")
def recommendation():
    return recommend(InvestorProfile(age=35, goal="retirement", horizon_years=30,
                                     risk_answers=middle_answers(), initial_amount=50_000))


@pytest.fixture(scope="module")
def app_url(chromium, tmp_path_factory, recommendation) -> Iterator[str]:
    """The web app on the conversations written for these tests; Chromium is checked first."""
    folder = tmp_path_factory.mktemp("transcript-view")
    path = folder / "advisor.db"
    write(path, [onboarding_with_a_reset("reset-twice"), long_conversation("long-chat", 250),
                 puzzled()], folder)
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        seed_accounts(session)
        record = suitability_record(recommendation, conversation_id="reset-twice", client_id=None,
                                    trigger="onboarding")
        record.created_at = naive(at(45))  # after "asdfgh" and its fallback, before "35"
        session.add(record)
        session.add(OfferRecord(conversation_id="reset-twice", offer="portfolio_review",
                                created_at=naive(at(53))))
        session.add(SurveyAnswer(conversation_id="reset-twice", survey="satisfaction",
                                 question="rating", answer="4", created_at=naive(at(54))))
    engine.dispose()
    server, thread, address = run_server(create_app(Settings(database_url=url)))
    yield address
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    violations: list[str] = []
    tab.on("console", lambda m: violations.append(m.text)
           if "Content Security Policy" in m.text else None)
    tab.goto(app_url + "/staff")
    tab.fill("#username", "reviewer")
    tab.fill("#password", "review-demo-2026")
    tab.press("#password", "Enter")
    tab.wait_for_selector("h1:text('Conversations')")
    tab.goto(app_url + "/staff/conversations/reset-twice")
    yield tab
    assert violations == []
    context.close()


def shot(tab, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    tab.screenshot(path=os.path.join(SHOTS, name), full_page=True)


def test_the_conversation_reads_as_bubbles_with_folded_lines(page):
    chat = page.locator("#chat-view")
    users = chat.locator("li.msg-user")
    assert users.count() == 6 and chat.locator("li.msg-bot").count() == 6
    assert users.nth(0).locator(".intent").inner_text() == "greet (0.98)"
    assert users.nth(0).locator(".msg-text").inner_text() == "hello"
    # doubtful messages say so in words, not by colour alone
    doubts = [users.nth(i).locator(".doubt").all_inner_texts() for i in range(6)]
    assert doubts[2] == ["⚠ low confidence: below 0.4"]
    assert doubts[4] == ["⚠ low confidence: below 0.4", "⚠ fallback: the bot did not understand"]
    assert doubts[0] == doubts[1] == doubts[3] == doubts[5] == []
    chips = chat.locator("li.msg-bot").first.locator(".chip").all_inner_texts()
    assert chips == ["Retirement", "Education"]
    lines = [" ".join(t.split()) for t in chat.locator("li.fold summary").all_inner_texts()]
    assert lines == ["form: age 42, goal retirement (onboarding_form)",
                     "actions: onboarding_form",
                     "form reset: 15 answers cleared; failed_attempts 0, answers_inconsistent "
                     "false, answers_confirmed false (action_reset_onboarding, onboarding_form)",
                     "actions: action_default_fallback",
                     "form: age 35 (onboarding_form)"]
    # a folded line opens to every action and slot change in it
    reset = chat.locator("li.fold", has_text="form reset")
    reset.locator("summary").click()
    assert reset.locator(".fold-detail li").count() == 2 + 18
    shot(page, "staff-transcript-chat.png")


def test_the_recommendation_card_sits_at_its_turn(page, app_url, recommendation):
    items = page.locator("#chat-view > li")
    order = items.evaluate_all("els => els.map(e => e.className)")
    card_at = order.index(next(c for c in order if "record-recommendation" in c))
    texts = items.evaluate_all("els => els.map(e => (e.querySelector('.msg-text') || {}).textContent)")
    assert texts[card_at - 1] == "Sorry, I did not understand." and texts[card_at + 1] == "35"
    card = page.locator("li.record-recommendation article")
    figures = dict(zip(card.locator("dt").all_inner_texts(), card.locator("dd").all_inner_texts(),
                       strict=True))
    risk = recommendation.risk
    assert figures["Risk score"] == f"{risk.score:.1f}"
    assert figures["Willingness"] == f"{risk.willingness:.1f}"
    assert figures["Capacity"] == f"{risk.capacity:.1f}"
    assert figures["Expected return"] == f"{recommendation.expected_return * 100:.1f} %"
    assert figures["Bad year (1 in 20)"] == f"{recommendation.bad_year * 100:.1f} %"
    held = {k: w for k, w in recommendation.weights.items() if w > 0}
    svg = card.locator("svg.mix-bars")
    assert svg.get_attribute("role") == "img" and svg.locator("rect").count() == len(held)
    widths = [float(w) for w in svg.locator("rect").evaluate_all(
        "rs => rs.map(r => r.getAttribute('width'))")]
    assert widths == sorted(widths, reverse=True) and widths[0] == pytest.approx(
        max(held.values()) * 200, abs=0.06)
    card.locator("summary", has_text="Mix as a table").click()
    rows = card.locator("table[id^=mix-table] tbody tr")
    table = dict(zip(rows.locator("th").all_inner_texts(), rows.locator("td").all_inner_texts(),
                     strict=True))
    assert table == {k: f"{w * 100:.1f} %" for k, w in held.items()}
    history = " ".join(card.locator(".history").inner_text().split())
    worst = recommendation.history.worst_calendar_year
    assert f"worst calendar year {worst.year} {worst.total_return * 100:.1f} %" in history
    assert f"engine {recommendation.engine_version}" in card.locator(".versions").inner_text()
    link = card.locator("a", has_text="Suitability record")
    record = page.request.get(app_url + link.get_attribute("href")).json()
    assert record["conversation_id"] == "reset-twice" and record["weights"] == recommendation.weights
    assert record["risk_score"] == pytest.approx(risk.score)
    # the offer and the rating follow the last message, each a card of its own
    assert "record-offer" in order[-2] and "record-survey" in order[-1]
    assert items.last.inner_text() == "Rating satisfaction / rating: 4"
    shot(page, "staff-transcript-card.png")


def test_the_raw_events_toggle(page):
    toggle = page.get_by_role("button", name="Show raw events")
    assert page.locator("#raw-events").is_hidden()
    toggle.click()
    assert page.locator("#raw-events").is_visible() and page.locator("#chat-view").is_hidden()
    assert page.locator("#raw-toggle").get_attribute("aria-pressed") == "true"
    rows = page.locator("#raw-events tbody tr.turn-slot")
    assert rows.count() == 2 + 18 + 1
    assert page.locator("#raw-events tr.turn-slot").first.inner_text().split("\t")[1:3] == [
        "Slot", "age = 42"]
    shot(page, "staff-transcript-raw.png")
    page.keyboard.press("g")
    assert page.locator("#raw-events").is_hidden() and page.locator("#chat-view").is_visible()
    assert page.locator("#raw-toggle").inner_text() == "Show raw events"


def slots(page) -> dict[str, str]:
    rows = page.locator("#slot-panel tbody tr")
    return dict(zip(rows.locator("th").all_inner_texts(),
                    rows.locator(".slot-value").all_inner_texts(), strict=True))


def changed(page) -> list[str]:
    """The slots marked changed, in words as well as by their background."""
    marked = page.locator("#slot-panel tr.changed")
    assert set(marked.locator(".changed-mark").all_inner_texts()) <= {"changed"}
    assert page.locator("#slot-panel tr:not(.changed) .changed-mark:not(:empty)").count() == 0
    return marked.locator("th").all_inner_texts()


def test_the_side_panel_follows_the_chosen_message(page):
    assert page.locator("#slot-turn").inner_text() == "1" and slots(page)["age"] == "–"
    page.locator("li.msg-user").nth(1).get_by_role("button", name="Slots here").click()
    assert page.locator("#slot-turn").inner_text() == "2"
    shown = slots(page)
    assert shown["age"] == "42" and shown["goal"] == "retirement"
    assert sorted(changed(page)) == ["age", "goal"]
    page.keyboard.press("j")
    assert page.locator("#slot-turn").inner_text() == "3" and changed(page) == []
    page.keyboard.press("j")  # "let me start over": the reset
    shown = slots(page)
    assert shown["age"] == "–" and shown["goal"] == "–" and shown["answers_confirmed"] == "false"
    assert "age" in changed(page)
    assert page.locator("li.msg-user.selected .msg-text").inner_text() == "let me start over"
    page.keyboard.press("k")
    assert page.locator("#slot-turn").inner_text() == "3" and slots(page)["age"] == "42"
    shot(page, "staff-transcript-slots.png")


def test_flag_review_and_tag_by_keyboard_alone(page):
    page.keyboard.press("f")
    page.wait_for_selector(".pill.flagged")
    page.keyboard.press("r")
    page.wait_for_selector(".pill:text-is('reviewed')")
    page.keyboard.press("t")
    assert page.evaluate("document.activeElement.id") == "value-tag"
    page.keyboard.type("fr")  # typed into the field: no flag, no review
    page.keyboard.press("Enter")
    page.wait_for_selector(".pill:text-is('#fr')")
    assert page.locator(".pill.flagged").count() == 1
    trail = page.locator("h2:text('Review trail') + ul li").all_inner_texts()
    assert [t.split(" · ", 2)[2] for t in trail] == ["flag", "reviewed", "tag: fr"]
    page.keyboard.press("f")
    page.wait_for_selector(".pill.flagged", state="detached")
    assert "j" in page.locator("#transcript-keys").inner_text()


def test_a_long_conversation_opens_in_pages(page, app_url):
    page.goto(app_url + "/staff/conversations/long-chat")
    assert page.locator("#chat-view li.msg").count() == 100
    assert page.locator(".transcript-pages").inner_text().count("Page 1 of 3 (250 messages)") == 1
    page.click("a.page-later")
    page.wait_for_url("**page=2**")
    assert page.locator("#chat-view li.msg .msg-text").first.inner_text() == "message 100"
    assert slots(page)["age"] == str(20 + 100 % 50)
    # a correction on page 2 comes back to page 2, at the corrected message
    first = page.locator("#chat-view li.msg-user").first
    first.locator("summary", has_text="Misunderstood?").click()
    first.get_by_label("Right intent").select_option("greet")
    first.get_by_role("button", name="Save correction").click()
    page.wait_for_url("**page=2#event-*")
    assert "reviewer corrected this to intent greet" in " ".join(
        page.locator("#chat-view li.msg-user").first.inner_text().split())
    posted = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    page.keyboard.press("f")  # flagged by key: the same page again
    page.wait_for_selector(".pill.flagged")
    assert "page=2" in page.url and posted == [app_url + "/staff/conversations/long-chat/review"]
    assert page.goto(app_url + "/staff/conversations/long-chat?page=4").status == 404


CONTRAST = """
() => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => { for (; el; el = el.parentElement) {
    const c = getComputedStyle(el).backgroundColor;
    if (!c.startsWith("rgba(0, 0, 0, 0)") && c !== "transparent") return c; }
    return "rgb(255, 255, 255)"; };
  const sel = "#chat-view .msg-text, #chat-view .intent, #chat-view .doubt, #chat-view .chip,"
    + " #chat-view .fold summary, #chat-view .msg-head time, #chat-view dt, #chat-view dd,"
    + " #slot-panel td, #slot-panel th, .transcript-keys, #slot-panel .muted";
  return Array.from(document.querySelectorAll(sel)).map((el) => {
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(rgb(background(el)));
    return [el.className || el.tagName, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  });
}
"""
UNLABELLED = """
() => Array.from(document.querySelectorAll("main input:not([type=hidden]), main select,"
  + " main button, main summary, main a")).filter((el) => !(
    (el.labels && el.labels.length) || el.getAttribute("aria-label")
    || el.textContent.trim())).map((el) => el.outerHTML)
"""


def test_colours_contrast_and_every_control_is_labelled(page):
    ratios = page.evaluate(CONTRAST)
    assert len(ratios) > 50
    low = [(name, round(r, 2)) for name, r in ratios if r < 4.5]
    assert low == []
    assert page.evaluate(UNLABELLED) == []


def test_a_message_the_client_did_not_follow_says_so(page, app_url):
    page.goto(app_url + "/staff/conversations/puzzled")
    users = page.locator("#chat-view li.msg-user")
    doubts = [users.nth(i).locator(".doubt").all_inner_texts() for i in range(users.count())]
    assert doubts == [[], ["⚠ not followed: the client did not understand the bot's last message"],
                      []]
    assert "msg-doubtful" in (users.nth(1).get_attribute("class") or "")
