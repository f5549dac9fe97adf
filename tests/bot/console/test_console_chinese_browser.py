"""The staff console in Chinese in real headless Chromium (Debian's package, driven by Playwright),
on conversations written by Rasa's own SQL tracker store (``review_db`` and
chinese_conversations.py). A browser that prefers Chinese signs in, sees each conversation's
language, filters the list to the Chinese conversation and opens it. Chinese characters must draw
as glyphs (Debian's ``fonts-noto-cjk``), every control has a label and the text keeps its contrast.
Expected words come from the catalogs. Screenshots go to artifacts/screenshots/. No chat is held,
so no Rasa server runs; the web app runs under uvicorn on a local port.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from chinese_conversations import ASK_AGE, PLANNING_FIRST, review_db_with_chinese
from support.browser import glyphs_render, run_server
from test_triage_browser import CONTRAST, UNLABELLED

from bot import i18n
from bot.app import create_app
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
TRANSLATIONS = i18n.load_translations()
CHINESE = "zh-planning"
# Chromium is checked before the review database is written.
pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.usefixtures("chromium")]


def word(msgid: str) -> str:
    said = TRANSLATIONS["zh"].gettext(msgid)
    assert said != msgid, f"{msgid!r} has no Chinese in the catalog"
    return said


@pytest.fixture(scope="module")
def site(review_db, tmp_path_factory) -> Iterator[str]:
    with review_db_with_chinese(review_db, tmp_path_factory.mktemp("console-zh")) as url:
        app = create_app(Settings(database_url=url, rasa_url="http://127.0.0.1:9"))
        server, thread, address = run_server(app)
        try:
            yield address
        finally:
            server.should_exit = True
            thread.join(timeout=10)


@pytest.fixture
def page(browser):
    """A tab of a browser that prefers Chinese, recording Content-Security-Policy violations."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    tab.violations = []
    tab.on("console", lambda m: tab.violations.append(m.text)
           if "Content Security Policy" in m.text else None)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield tab
    context.close()


def readable(page, selector: str, minimum: float = 4.5) -> None:
    found = page.evaluate(CONTRAST, selector)
    assert found, f"nothing shown matches {selector}"
    poor = [f for f in found if f["ratio"] < minimum]
    assert not poor, f"contrast below {minimum}:1 for {selector}: {poor}"


def languages(page) -> dict[str, str]:
    """Each listed conversation's language as the list's cell says it."""
    return page.evaluate("""() => Object.fromEntries(Array.from(
        document.querySelectorAll("tr.triage-row")).map((row) => [
          decodeURIComponent(row.querySelector("a.open-conversation").pathname.split("/").pop()),
          row.querySelector("td.language").textContent.trim()]))""")


def test_a_reviewer_reads_a_chinese_conversation_in_the_chinese_console(page, site):
    page.goto(site + "/staff/signin")
    assert page.get_attribute("html", "lang") == "zh"
    assert page.inner_text("h1") == word("Staff sign-in")
    assert page.inner_text("label[for=username]") == word("User name")
    assert page.evaluate(UNLABELLED) == []
    assert glyphs_render(page, "h1"), "Chinese characters draw as boxes: install fonts-noto-cjk"
    page.screenshot(path=str(SCREENSHOTS / "console-signin-zh.png"), full_page=True)
    page.fill("#username", "reviewer")
    page.fill("#password", "review-demo-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff$"))

    # The list: every conversation with its language, named in Chinese.
    assert page.inner_text("h1") == word("Conversations")
    english = i18n.language_name("en", "zh")
    shown = languages(page)
    assert shown[CHINESE] == "中文" and shown["switched-to-en"] == english
    assert {shown[c] for c in ("wants-person", "client-fallback", "onboarded")} == {english}
    header = page.locator("table.triage-list thead th").all_inner_texts()
    assert word("Language") in header and word("First message") in header
    assert page.evaluate(UNLABELLED) == []
    readable(page, "td, th, label, .filter-words, .filter-chips a, .shortcuts-help")

    # Filtered by language with the list's own form.
    page.select_option("select[name=language]", label="中文")
    page.get_by_role("button", name=word("Filter"), exact=True).click()
    page.wait_for_url(re.compile(r"/staff\?.*language=zh"))
    assert list(languages(page)) == [CHINESE]
    assert page.locator("select[name=language]").input_value() == "zh"
    said = word("%(field)s: %(value)s") % {"field": word("language"), "value": "中文"}
    assert page.inner_text(".filter-words") == said
    first = page.locator("tr.triage-row td.first-message").first
    assert first.inner_text() == PLANNING_FIRST
    assert glyphs_render(page, "tr.triage-row td.first-message")
    page.screenshot(path=str(SCREENSHOTS / "console-list-zh-filtered.png"), full_page=True)

    # Its transcript, with its language in the header.
    page.locator("a.open-conversation").first.click()
    page.wait_for_url(re.compile(rf"/staff/conversations/{CHINESE}\?list="))
    assert page.inner_text(".conversation-language") == f"{word('Language:')} 中文"
    bubbles = page.locator("#chat-view .msg-text").all_inner_texts()
    assert bubbles[:2] == [PLANNING_FIRST, ASK_AGE]
    assert page.inner_text("#slot-panel-title") == word("Slots after message %(n)s of %(total)d") % {
        "n": "1", "total": 2}
    assert glyphs_render(page, "#chat-view .msg-user .msg-text")
    # The script's words are the page's: the slot panel's mark and the raw events' toggle.
    page.locator("h1").click()
    page.keyboard.press("j")
    age = page.locator('#slot-panel tr[data-slot="age"]')
    assert age.locator(".slot-value").inner_text() == "35"
    assert age.locator(".changed-mark").inner_text() == word("changed")
    page.keyboard.press("g")
    assert page.inner_text("#raw-toggle") == word("Show the conversation")
    assert page.locator("#raw-events td", has_text=PLANNING_FIRST).count() == 1
    page.keyboard.press("g")
    assert page.inner_text("#raw-toggle") == word("Show raw events")
    assert page.evaluate(UNLABELLED) == []
    readable(page, ".conversation-language, .msg-text, .who, .triage-place, #slot-panel td, th")
    page.screenshot(path=str(SCREENSHOTS / "console-transcript-zh.png"), full_page=True)
    assert page.violations == []
