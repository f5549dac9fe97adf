"""Keyboard triage, saved filters and the overview in real headless Chromium (Debian's package,
driven by Playwright), on conversations written by Rasa's own SQL tracker store (``review_db``):
wants-person (Nov 24), client-fallback (Nov 22) and onboarded (Nov 20). No chat is held here, so
no Rasa server runs; the web app runs under uvicorn on a local port. Screenshots go to
artifacts/screenshots/.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from support.browser import run_server
from support.databases import (
    POSTGRESQL_URL,
    drop_postgresql_database,
    fresh_postgresql_database,
)

from bot.app import create_app
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
# Chromium is checked before the web app starts.
pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.usefixtures("chromium")]

#: WCAG 2.1 contrast of a text's colour (or an SVG text's fill) on the background behind it.
CONTRAST = """(selector) => {
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const luminance = (c) => { const [r, g, b] = rgb(c).map(channel); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const behind = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (c && c !== "transparent" && !/rgba\\(.*, 0\\)$/.test(c)) return c;
    }
    return "rgb(255, 255, 255)";
  };
  return Array.from(document.querySelectorAll(selector)).filter((el) => el.getClientRects().length)
    .map((el) => {
      const style = getComputedStyle(el);
      const ink = el instanceof SVGElement ? style.fill : style.color;
      const [a, b] = [luminance(ink), luminance(behind(el))];
      return { text: (el.textContent || "").trim().slice(0, 40),
               ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
    });
}"""
#: Form controls without an accessible name (a <label>, aria-label or aria-labelledby).
UNLABELLED = """() => Array.from(document.querySelectorAll(
    "input:not([type=hidden]), select, textarea, button"))
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
    && !el.getAttribute("aria-labelledby") && !(el.tagName === "BUTTON" && el.textContent.trim()))
  .map((el) => el.outerHTML.slice(0, 80))"""


@pytest.fixture(scope="module")
def database(review_db, tmp_path_factory) -> Iterator[str]:
    """A copy of the review database for this module's tests."""
    if POSTGRESQL_URL:
        url = fresh_postgresql_database(template=review_db)
        yield url
        drop_postgresql_database(url)
        return
    path = tmp_path_factory.mktemp("triage") / "advisor.db"
    shutil.copy(sa.make_url(review_db).database, path)
    yield f"sqlite:///{path}"


@pytest.fixture(scope="module")
def site(database) -> Iterator[str]:
    app = create_app(Settings(database_url=database, rasa_url="http://127.0.0.1:9"))
    server, thread, url = run_server(app)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser, site):
    """A new browser session signed in to the staff console as the reviewer."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.goto(site + "/staff/signin")
    tab.fill("#username", "reviewer")
    tab.fill("#password", "review-demo-2026")
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"/staff$"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield tab
    context.close()


def current_row(page) -> str | None:
    return page.evaluate("""() => {
      const row = document.querySelector("tr.triage-row.current a.open-conversation");
      return row ? decodeURIComponent(row.pathname.split("/").pop()) : null; }""")


def place(page) -> str:
    return " ".join(page.locator("nav.triage-bar .triage-place").inner_text().split())


def assert_readable(page, selector: str, minimum: float = 4.5) -> None:
    found = page.evaluate(CONTRAST, selector)
    assert found, f"nothing shown matches {selector}"
    poor = [f for f in found if f["ratio"] < minimum]
    assert not poor, f"contrast below {minimum}:1 for {selector}: {poor}"


def test_step_through_a_filtered_list_by_keyboard(page, site):
    page.goto(site + "/staff?handoff=no")
    assert "j next row" in " ".join(page.locator("#list-shortcuts").inner_text().split())
    # Letters typed into a field stay in the field.
    page.focus('input[name="q"]')
    page.keyboard.type("jk")
    assert page.input_value('input[name="q"]') == "jk" and current_row(page) is None
    page.fill('input[name="q"]', "")
    page.locator("h1").click()
    page.keyboard.press("j")
    assert current_row(page) == "client-fallback"
    page.keyboard.press("j")
    page.keyboard.press("j")  # stays on the last row
    assert current_row(page) == "onboarded"
    page.keyboard.press("k")
    assert current_row(page) == "client-fallback"
    page.screenshot(path=str(SCREENSHOTS / "triage-list-keyboard.png"), full_page=True)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff/conversations/client-fallback\?list=handoff%3Dno$"))
    assert place(page) == "1 of 2 in handoff: no"
    assert page.locator('nav.triage-bar a[rel="prev"]').count() == 0
    page.screenshot(path=str(SCREENSHOTS / "triage-transcript-bar.png"), full_page=True)
    page.keyboard.press("n")
    page.wait_for_url(re.compile(r"/staff/conversations/onboarded\?"))
    assert place(page) == "2 of 2 in handoff: no"
    page.keyboard.press("p")
    page.wait_for_url(re.compile(r"/staff/conversations/client-fallback\?"))
    page.keyboard.press("u")
    page.wait_for_url(re.compile(r"/staff\?handoff=no$"))
    assert_readable(page, ".shortcuts-help, kbd, .filter-chips a, td, th, .muted")


def test_a_reviewed_conversation_leaves_the_not_reviewed_list_and_the_list_says_who(page, site):
    page.goto(site + "/staff?reviewed=no")
    page.locator("h1").click()
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/staff/conversations/wants-person\?list=reviewed%3Dno$"))
    assert place(page) == "1 of 3 in reviewed: no"
    page.get_by_role("button", name="Mark reviewed").click()
    page.wait_for_load_state()
    page.goto(site + "/staff/conversations/client-fallback?list=reviewed%3Dno")
    assert place(page) == "1 of 2 in reviewed: no"  # the list no longer holds wants-person
    page.keyboard.press("u")
    page.wait_for_url(re.compile(r"/staff\?reviewed=no$"))
    assert page.locator("a.open-conversation").count() == 2
    page.goto(site + "/staff")
    row = page.locator("tr.triage-row", has=page.locator('a[href^="/staff/conversations/wants-person?"]'))
    reviewer = " ".join(row.locator("td.reviewer").inner_text().split())
    assert re.fullmatch(r"reviewer \d{4}-\d\d-\d\d \d\d:\d\d", reviewer)
    page.screenshot(path=str(SCREENSHOTS / "triage-reviewed-by.png"), full_page=True)


def test_save_a_filter_by_keyboard_and_open_it(page, site):
    page.goto(site + "/staff?fallback=yes")
    assert page.evaluate(UNLABELLED) == []
    for _ in range(80):  # Tab to the name field: keyboard only
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "name":
            break
    else:
        pytest.fail("Tab never reached the saved filter's name field")
    page.keyboard.type("Fallbacks to read")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == site + "/staff?fallback=yes"
    own = page.locator(".filter-chips li.own-filter a")
    assert own.all_inner_texts() == ["Fallbacks to read"]
    assert own.get_attribute("aria-current") == "true"
    page.screenshot(path=str(SCREENSHOTS / "triage-saved-filter.png"), full_page=True)
    page.goto(site + "/staff")
    page.locator(".filter-chips a", has_text="Fallbacks to read").click()
    page.wait_for_url(re.compile(r"/staff\?fallback=yes$"))
    links = page.locator("a.open-conversation")
    assert links.count() == 1 and "client-fallback" in links.get_attribute("href")
    page.get_by_role("button", name="Delete saved filter Fallbacks to read").click()
    page.wait_for_url(re.compile(r"/staff$"))
    assert page.locator(".filter-chips li.own-filter").count() == 0


def test_overview_charts_are_readable_with_their_tables(page, site):
    page.goto(site + "/staff/overview?date_from=2026-11-19&date_to=2026-11-25")
    assert page.evaluate(UNLABELLED) == []
    charts = page.locator("figure.overview-chart svg.chart-svg")
    assert charts.count() == 6  # every chart but the exit reasons (no interview here)
    sizes = page.evaluate("""() => Array.from(document.querySelectorAll("svg.chart-svg")).map((svg) => ({
        drawn: svg.getBoundingClientRect().width, width: Number(svg.getAttribute("width")),
        smallest: Math.min(...Array.from(svg.querySelectorAll("text")).map(
          (t) => parseFloat(getComputedStyle(t).fontSize) * svg.getBoundingClientRect().width
                 / svg.viewBox.baseVal.width)),
        axes: svg.querySelectorAll("line.axis").length }))""")
    for size in sizes:
        assert abs(size["drawn"] - size["width"]) < 1  # drawn at its own size, not shrunk
        assert size["smallest"] >= 12
        assert size["axes"] >= 2
    assert_readable(page, "svg.chart-svg text")
    # Each chart's table view: closed at first, opened by keyboard, with the chart's figures.
    figure = page.locator("#chart-conversations")
    table = figure.locator("details.chart-table table")
    assert not table.is_visible()
    figure.locator("summary").focus()
    page.keyboard.press("Enter")
    assert table.is_visible()
    rows = [" ".join(r.split()) for r in table.locator("tbody tr").all_inner_texts()]
    assert rows == ["2026-11-19 0", "2026-11-20 1", "2026-11-21 0", "2026-11-22 1",
                    "2026-11-23 0", "2026-11-24 1", "2026-11-25 0"]
    funnel = page.locator("#chart-funnel")
    funnel.locator("summary").click()
    assert [" ".join(r.split()) for r in funnel.locator("tbody tr").all_inner_texts()] == [
        "Started 2 100 %", "Age given 1 50 %", "Goal given 1 50 %", "Horizon given 1 50 %",
        "Recommendation shown 1 50 %"]
    bar_labels = funnel.locator("svg text.value").all_text_contents()
    assert bar_labels[0] == "2 (100 %)" and bar_labels[-1] == "1 (50 %)"
    href = figure.locator(".chart-actions a").get_attribute("href")
    download = page.request.get(site + href)
    assert list(csv.reader(io.StringIO(download.text())))[1:] == [
        r.split(" ") for r in rows]
    page.screenshot(path=str(SCREENSHOTS / "overview-charts.png"), full_page=True)
    page.locator(".period a", has_text="Last 30 days").click()
    page.wait_for_url(re.compile(r"/staff/overview\?days=30$"))
    assert page.locator('.period a[aria-current="true"]').inner_text() == "Last 30 days"
