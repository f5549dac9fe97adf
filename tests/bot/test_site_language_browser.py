"""The public pages in Chinese and English, in real headless Chromium on a phone-sized screen.

A browser that prefers Chinese (Playwright's ``locale="zh-CN"``, which sets ``Accept-Language``)
gets the landing page in Chinese; the switch changes it to English and back, on the landing page
and on the sign-in page, and the choice outlives a reload. The recommendation card is drawn by the
page's own charts.js from the payload the chat sends for a real recommendation of the engine, so
its labels, legend and number words are checked in both languages. Chinese characters must render
as glyphs, not as the empty boxes of a missing font (Debian's ``fonts-noto-cjk``). Expected words
come from the catalogs and the locale files, never copied here. Screenshots go to
artifacts/screenshots/.

The web app runs under uvicorn on a local port with a fresh migrated SQLite database; the chat is
not used here (the Chinese conversation is tested with the Rasa server), so no Rasa is started.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.browser import PHONE, glyphs_render, run_server

from actions.advice import allocation_payload
from bot import i18n
from bot.app import create_app
from bot.settings import Settings
from db.migrate import upgrade
from engine import InvestorProfile, recommend
from engine.questionnaire import questionnaire
from engine.wording import texts

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
TRANSLATIONS = i18n.load_translations()
TITLE = "Your strategic asset allocation, explained"
pytestmark = [pytest.mark.browser]


def word(language: str, msgid: str) -> str:
    return TRANSLATIONS[language].gettext(msgid)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('site-language') / 'advisor.db'}"
    upgrade(database_url)
    server, thread, url = run_server(create_app(Settings(database_url=database_url)))
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def phone(browser) -> Iterator:
    """A tab on a phone-sized screen of a browser that prefers Chinese, recording CSP
    violations."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2)
    page = context.new_page()
    page.violations = []
    page.on("console", lambda m: page.violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    yield page
    context.close()


@pytest.fixture(scope="module")
def payload() -> dict:
    """What the chat sends with a real recommendation: a 35-year-old saving for retirement."""
    answers = {q.id: q.options[len(q.options) // 2].id for q in questionnaire().questions}
    profile = InvestorProfile(age=35, goal="retirement", initial_amount=500_000,
                              monthly_contribution=3_000, target_amount=3_000_000,
                              risk_answers=answers, income_stability="stable",
                              liquidity_needs="low")
    return allocation_payload(recommend(profile, paths=1_000))


def language_of(page) -> str:
    return page.get_attribute("html", "lang")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0


def test_a_chinese_browser_gets_chinese_pages_and_switches_to_english_and_back(site, phone):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = phone
    page.goto(site)
    assert language_of(page) == "zh"
    assert page.inner_text("h1") == word("zh", TITLE) != TITLE
    assert page.get_attribute("#chat-input", "placeholder") == word("zh", "Type a message, e.g. hello")
    assert page.inner_text(".chat-form button") == word("zh", "Send")
    assert page.get_attribute("#chat", "aria-label") == word("zh", "Chat with the advisor")
    assert page.inner_text(".language-switch [aria-current]") == "中文"
    assert glyphs_render(page, "h1"), "Chinese characters draw as boxes: install fonts-noto-cjk"
    assert no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "landing-zh-phone.png"), full_page=True)
    # widget.js words its notices from the page's catalog words too.
    page.click(f"button:text('{word('zh', 'Start over')}')")
    notice = page.locator(".chat-log .msg-notice")
    notice.wait_for()
    assert notice.inner_text() == word("zh", "New conversation started.")

    page.click(".language-switch a:text('English')")
    page.wait_for_selector("html[lang='en']")
    assert page.url == site + "/"
    assert page.inner_text("h1") == TITLE
    assert page.inner_text(".chat-form button") == "Send"
    assert no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "landing-en-phone.png"), full_page=True)
    page.reload()  # the choice is kept, though the browser still prefers Chinese
    assert language_of(page) == "en"

    page.click(".language-switch a:text('中文')")
    page.wait_for_selector("html[lang='zh']")
    assert page.inner_text("h1") == word("zh", TITLE)

    # The sign-in page: reached by its Chinese link; the switch returns to it.
    page.click(f"header a:text('{word('zh', 'Client sign-in')}')")
    page.wait_for_url(site + "/signin")
    assert page.inner_text("h1") == word("zh", "Client sign-in")
    assert page.inner_text("label[for=username]") == word("zh", "User name")
    assert glyphs_render(page, "h1")
    page.screenshot(path=str(SCREENSHOTS / "signin-zh-phone.png"), full_page=True)
    page.click(".language-switch a:text('English')")
    page.wait_for_selector("html[lang='en']")
    assert page.url == site + "/signin"
    assert page.inner_text("h1") == "Client sign-in"
    assert page.violations == []


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_recommendation_card_speaks_the_page_language(site, phone, payload, language):
    page = phone
    page.goto(site + f"/language/{language}")
    page.wait_for_selector(f"html[lang='{language}']")
    page.wait_for_function("window.AdvisorCharts !== undefined")
    page.evaluate("""payload => {
        const item = document.createElement("li");
        item.className = "msg msg-bot";
        item.appendChild(window.AdvisorCharts.allocationCard(payload));
        document.querySelector("[data-chat-log]").appendChild(item);
    }""", payload)
    card = page.locator(".allocation-card")
    names = texts(language)
    shown = [k for k, w in payload["weights"].items() if w > 0]
    legend = card.locator(".legend .legend-label").all_inner_texts()
    assert sorted(legend) == sorted(names(f"asset_class_{k}") for k in shown)
    captions = card.locator("figcaption").all_inner_texts()
    assert captions == [word(language, "Recommended mix"), word(language, "Projected balance")]
    assert card.locator(".figures dt").all_inner_texts() == [
        word(language, "Expected return (a year)"), word(language, "Volatility (a year)"),
        word(language, "A bad year (1 in 20)"), word(language, "Chance of reaching the target")]
    assert card.locator(".chart-key").inner_text() == word(
        language, "Shaded: 10th to 90th percentile; line: median; dashed: target.")
    ticks = card.locator("svg.fan text.tick").all_text_contents()
    years = word(language, "{years} y").replace("{years}", "")
    assert sum(t.endswith(years) for t in ticks) == 3, ticks
    groups = card.locator(".groups").inner_text()
    assert groups.startswith(word(language, "By group: {groups}").replace("{groups}", ""))
    assert word(language, "Shares") in groups
    if language == "zh":
        # The legend names every class in Chinese (locales/zh/advice.yml), none in English.
        assert all(re.search(r"[\u4e00-\u9fff]", name) for name in legend), legend
        # Amounts on the axis are counted the Chinese way, in 万 (the top is millions of yuan).
        assert any(t.endswith("万") for t in ticks), ticks
        assert glyphs_render(page, ".chart-donut figcaption")
        assert glyphs_render(page, ".legend .legend-label")
    assert no_sideways_scroll(page)
    card.screenshot(path=str(SCREENSHOTS / f"allocation-card-{language}-phone.png"))
    card.locator(".chart-fan").screenshot(path=str(SCREENSHOTS / f"fan-{language}-phone.png"))
    assert page.violations == []
