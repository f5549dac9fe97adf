"""The stop switch in real headless Chromium (Debian's package, driven by Playwright): an admin
suspends automated recommendations with a reason by keyboard and mouse, the staff accounts page and
the public algorithm statement say so, the audit trail shows the switch, and the admin resumes.
The web app runs under uvicorn on a local port on the review database (no Rasa server).
Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import uvicorn
from support.databases import (
    POSTGRESQL_URL,
    drop_postgresql_database,
    fresh_postgresql_database,
)

from bot.app import create_app
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module", autouse=True)
def chromium() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"The browser tests need Debian's Chromium, and there is none at {CHROMIUM}: "
                    "apt-get install chromium fonts-noto-cjk (or set CHROMIUM to its path).",
                    pytrace=False)
    return CHROMIUM


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
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(chromium) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


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
