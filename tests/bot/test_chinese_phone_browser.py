"""A Chinese prospect on a phone, then the reviewer who reads that conversation, in real headless
Chromium (Debian's package, driven by Playwright) against the whole product: ``system`` of
tests/bot/conftest.py (the Rasa server on the trained model, the action server, the web app).

A browser that prefers Chinese (``locale="zh-CN"``, its ``Accept-Language``) on a 390x844 screen
gets the widget in Chinese, types the onboarding's questions in Chinese (figures in words) and
clicks the Chinese buttons of the risk questions, to the recommendation. The card's legend,
captions, figure names and axis labels are read from its DOM and SVG and compared with the
catalog and the locale files; Chinese characters must draw as glyphs (Debian's
``fonts-noto-cjk``). A reviewer's browser, also preferring Chinese, signs in to the staff console,
filters the list to Chinese conversations, finds this one by what the prospect typed and opens its
transcript. Expected words come from the catalogs and locale files, never copied here.
Screenshots go to artifacts/browser/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from support.browser import PHONE, Visit, glyphs_render, onboard, visit
from support.responses import matches_response, response_name

from bot import i18n
from bot.auth.sessions import COOKIE_NAME
from db.models import SuitabilityRecord
from db.session import make_engine, session_scope
from engine.wording import texts
from harness.advisor import ROOT
from harness.system import session_conversation

ARTIFACTS = ROOT / "artifacts" / "browser"
TRANSLATIONS = i18n.load_translations()
# Chromium is checked before the system starts.
pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.usefixtures("chromium")]

#: What the prospect types for the questions that ask for words or figures; the risk questions
#: and the income question are answered by clicking a button.
TYPED = {
    "utter_greet_prospect": "可以，开始吧",
    "utter_ask_age": "三十五岁了",
    "utter_ask_goal": "想给自己存点养老钱",
    "utter_ask_horizon_years": "三十年",
    "utter_ask_initial_amount": "先投五万块",
    "utter_ask_monthly_contribution": "一个月两千",
    "utter_ask_target_amount": "目标一百万",
}
FIRST_MESSAGE = "你好"
#: An amount of money as Chinese writes it: counted in 万 or 亿, with the yuan's word.
CHINESE_AMOUNT = re.compile(r"\d+(?:\.\d{1,2})?[万亿]元")
CJK = re.compile(r"[\u4e00-\u9fff]")


def word(msgid: str) -> str:
    """The Chinese of a web catalog msgid; one the catalog lacks fails the test."""
    said = TRANSLATIONS["zh"].gettext(msgid)
    assert said != msgid, f"{msgid!r} has no Chinese in the catalog"
    return said


@pytest.fixture(scope="module")
def prospect(system, browser) -> Iterator[tuple[Visit, list[str], str]]:
    """The prospect's tab after the onboarding, what the bot said and the conversation's id."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab = visit(browser, system.url, PHONE, locale="zh-CN")
    said = onboard(tab.page, FIRST_MESSAGE, TYPED, language="zh")
    [cookie] = [c["value"] for c in tab.page.context.cookies() if c["name"] == COOKIE_NAME]
    yield tab, said, session_conversation(system.database_url, cookie)
    tab.page.context.close()


def test_a_chinese_prospect_onboards_on_a_phone_and_reads_the_charts_in_chinese(system, prospect):
    tab, said, conversation = prospect
    page = tab.page
    assert page.get_attribute("html", "lang") == "zh"
    assert page.get_attribute("#chat-input", "placeholder") == word("Type a message, e.g. hello")
    assert page.inner_text(".chat-form button") == word("Send")
    # The bot asked every question in Chinese, the recommendation's amounts in 万元.
    for name in TYPED:
        assert any(matches_response(t, name, language="zh") for t in said), (name, said)
    [projection] = [t for t in said if matches_response(t, "utter_projection", language="zh",
                                                        years=30)]
    assert len(CHINESE_AMOUNT.findall(projection)) == 3, projection
    assert any(matches_response(t, "utter_probability_of_target", language="zh",
                                target="100万元") for t in said), said

    # The card: its words from the catalog, the names of the classes from locales/zh.
    card = page.locator(".allocation-card")
    names = texts("zh")
    engine = make_engine(system.database_url)
    try:
        with session_scope(engine) as session:
            [record] = session.scalars(select(SuitabilityRecord).where(
                SuitabilityRecord.conversation_id == conversation)).all()
            weights, inputs = dict(record.weights), dict(record.inputs)
    finally:
        engine.dispose()
    assert (inputs["age"], inputs["initial_amount"], inputs["monthly_contribution"],
            inputs["target_amount"]) == (35, 50_000, 2_000, 1_000_000)
    legend = card.locator(".legend .legend-label").all_inner_texts()
    assert sorted(legend) == sorted(names(f"asset_class_{k}") for k, w in weights.items() if w > 0)
    assert all(CJK.search(name) for name in legend), legend
    assert card.locator(".legend li").count() == card.locator(".donut circle").count()
    donut = card.locator("svg.donut").get_attribute("aria-label")
    assert all(name in donut for name in legend), donut
    assert card.locator("figcaption").all_inner_texts() == [word("Recommended mix"),
                                                             word("Projected balance")]
    assert card.locator(".figures dt").all_inner_texts() == [
        word("Expected return (a year)"), word("Volatility (a year)"),
        word("A bad year (1 in 20)"), word("Chance of reaching the target")]
    assert card.locator(".chart-key").inner_text() == word(
        "Shaded: 10th to 90th percentile; line: median; dashed: target.")
    # The fan chart's axes: years in Chinese, amounts counted in 万.
    ticks = card.locator("svg.fan text.tick").all_text_contents()
    years = word("{years} y").replace("{years}", "")
    assert [t for t in ticks if t.endswith(years)] == [
        word("{years} y").replace("{years}", str(y)) for y in (0, 15, 30)], ticks
    assert any(re.fullmatch(r"\d+(?:\.\d+)?万", t) for t in ticks), ticks
    assert glyphs_render(page, ".allocation-card .chart-donut figcaption")
    assert glyphs_render(page, ".allocation-card .legend .legend-label")
    # Everything fits the phone's width: nothing scrolls sideways.
    assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(ARTIFACTS / "chinese-onboarding-phone.png"), full_page=True)
    # Each chart on its own: the whole card is taller than the chat log that scrolls it.
    card.locator(".chart-donut").screenshot(path=str(ARTIFACTS / "chinese-mix-phone.png"))
    card.locator(".chart-fan").screenshot(path=str(ARTIFACTS / "chinese-fan-phone.png"))
    assert tab.violations == [] and tab.outside == []


def test_a_reviewer_opens_that_transcript_in_the_chinese_console(system, browser, prospect):
    _, _, conversation = prospect
    tab = visit(browser, system.url + "/staff/signin", {"width": 1280, "height": 900},
                locale="zh-CN")
    page = tab.page
    assert page.get_attribute("html", "lang") == "zh"
    assert page.inner_text("h1") == word("Staff sign-in")
    page.fill("#username", "reviewer")
    page.fill("#password", "review-demo-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff$"))
    assert page.inner_text("h1") == word("Conversations")

    # The Chinese conversations, searched for what the prospect typed.
    page.select_option("select[name=language]", label="中文")
    page.fill("input[name=q]", TYPED["utter_ask_goal"])
    page.get_by_role("button", name=word("Filter"), exact=True).click()
    page.wait_for_url(re.compile(r"/staff\?.*language=zh"))
    rows = page.locator("tr.triage-row")
    assert rows.count() == 1
    assert rows.first.locator("td.language").inner_text() == "中文"
    assert rows.first.locator("td.first-message").inner_text() == FIRST_MESSAGE
    rows.first.locator("a.open-conversation").click()
    page.wait_for_url(re.compile(rf"/staff/conversations/{conversation}\?"))

    assert page.inner_text(".conversation-language") == f"{word('Language:')} 中文"
    chat = page.locator("#chat-view")
    typed = chat.locator("li.msg-user .msg-text").all_inner_texts()
    # Every message typed, in order (the clicked buttons between them).
    wanted = [FIRST_MESSAGE, *TYPED.values()]
    assert [t for t in typed if t in wanted] == wanted, typed
    # Every question the prospect answered by typing, as the bot asked it in Chinese.
    bot = chat.locator("li.msg-bot .msg-text").all_inner_texts()
    assert response_name(bot[0], "zh") == "utter_greet_prospect"
    for name in TYPED:
        assert any(matches_response(t, name, language="zh") for t in bot), (name, bot)
    assert glyphs_render(page, "#chat-view li.msg-user .msg-text")
    # The recommendation the conversation made, with the console's Chinese words.
    record = chat.locator("li.record-recommendation article")
    assert record.count() == 1
    assert record.locator("dt").all_inner_texts()[:3] == [word("Risk score"), word("Willingness"),
                                                         word("Capacity")]
    page.screenshot(path=str(ARTIFACTS / "chinese-transcript-console.png"), full_page=True)
    assert tab.violations == [] and tab.outside == []
    tab.page.context.close()
