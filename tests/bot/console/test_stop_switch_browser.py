"""The stop switch in real headless Chromium (Debian's package, driven by Playwright): an admin
suspends automated recommendations with a reason by keyboard and mouse, the staff accounts page and
the public algorithm statement say so, the audit trail shows the switch, and the admin resumes.
The web app runs under uvicorn on a local port on the review database (no Rasa server).
Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

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
# Debian's Chromium and the module's browser come from tests/bot/conftest.py.
pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.usefixtures("chromium")]


@pytest.fixture(scope="module")
def database(review_db, tmp_path_factory) -> Iterator[str]:
    if POSTGRESQL_URL:
        url = fresh_postgresql_database(template=review_db)
        yield url
        drop_postgresql_database(url)
        return
    path = tmp_path_factory.mktemp("stop-switch") / "advisor.db"
    shutil.copy(sa.make_url(review_db).database, path)
    yield f"sqlite:///{path}"


@pytest.fixture(scope="module")
def site(database) -> Iterator[str]:
    app = create_app(Settings(database_url=database, rasa_url="http://127.0.0.1:9", market="cn"))
    server, thread, url = run_server(app)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


def words(page, selector: str) -> str:
    return " ".join(page.locator(selector).inner_text().split())


def test_an_admin_suspends_and_resumes_recommendations(browser, site):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.goto(site + "/staff/signin")
    tab.fill("#username", "admin")
    tab.fill("#password", "admin-demo-2026")
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"/staff$"))
    tab.goto(site + "/staff/users")
    assert words(tab, ".automation-state").startswith("Running:")
    tab.fill("#automation-reason", "market shock")
    tab.get_by_role("button", name="Suspend automated recommendations").click()
    tab.wait_for_url(re.compile(r"/staff/users#automation$"))
    state = words(tab, ".automation-state")
    assert state.startswith("Suspended:") and "Last switched by admin" in state
    assert "market shock" in state
    [entry] = [words(row, "td:nth-child(4)") for row in tab.locator("tr.audit-entry").all()
               if "recommendations" in row.inner_text()]
    assert entry == "recommendations suspended"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "stop-switch-suspended.png"), full_page=True)
    # The public statement, in another browser session, says so.
    visitor = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    public = visitor.new_page()
    public.goto(site + "/algorithm")
    assert public.locator("h1").inner_text() == "算法说明"
    assert public.locator('[data-suspended="yes"]').count() == 1
    public.screenshot(path=str(SCREENSHOTS / "algorithm-statement-zh.png"), full_page=True)
    visitor.close()
    # Resumed by the keyboard: focus the button and press Enter.
    tab.get_by_role("button", name="Resume automated recommendations").focus()
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert words(tab, ".automation-state").startswith("Running:")
    shown = [words(row, "td:nth-child(4)") for row in tab.locator("tr.audit-entry").all()]
    assert shown[:2] == ["recommendations resumed", "recommendations suspended"]
    context.close()
