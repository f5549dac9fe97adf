"""Driving the web app in real headless Chromium (Debian's package, through Playwright).

The ``chromium`` and ``browser`` fixtures are in tests/bot/conftest.py; these are the helpers the
browser tests share: the web app under uvicorn on a local port (:func:`run_server`), a tab that
records Content-Security-Policy violations and requests leaving 127.0.0.1 (:func:`visit`), the
chat widget typed into and clicked (:func:`type_message`, :func:`click_reply`, :func:`onboard`),
and whether characters draw as glyphs rather than a missing font's boxes (:func:`glyphs_render`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import uvicorn

from support.responses import response_name

#: A phone's screen in CSS pixels (an iPhone 12 to 14's viewport).
PHONE = {"width": 390, "height": 844}


def run_server(app) -> tuple[uvicorn.Server, threading.Thread, str]:
    """Serve ``app`` with uvicorn on a free port of 127.0.0.1 in a thread; stop it by setting
    ``server.should_exit`` and joining the thread."""
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


@dataclass
class Visit:
    """A browser tab, with every CSP violation and every request that left 127.0.0.1."""

    page: object
    violations: list[str]
    outside: list[str]


def visit(browser, url: str, viewport: dict | None = None, locale: str | None = None) -> Visit:
    """A new browser session on ``url``; ``locale`` ("zh-CN") sets the language the browser
    prefers (its ``Accept-Language``)."""
    options = {"locale": locale} if locale else {}
    context = browser.new_context(viewport=viewport or {"width": 1024, "height": 800},
                                  accept_downloads=True, **options)
    page = context.new_page()
    page.set_default_timeout(60_000)  # a turn with the optimizer and the database is slow-ish
    found = Visit(page, [], [])
    page.on("console", lambda m: found.violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: found.outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    page.goto(url)
    restored(page)
    return found


def restored(page) -> None:
    """Wait until the chat widget, if the page has one, has shown the conversation so far."""
    page.wait_for_function("() => !document.querySelector('#chat')"
                           " || document.querySelector('#chat').dataset.restored === 'true'")


def messages(page) -> int:
    return page.locator(".chat-log li").count()


def wait_for_reply(page, before: int) -> list[str]:
    """Wait until the message sent after ``before`` messages is answered; the bot's new texts."""
    page.wait_for_function(
        "n => document.querySelectorAll('.chat-log li').length > n"
        " && !document.querySelector('#chat').hasAttribute('aria-busy')", arg=before)
    return page.locator(".chat-log li").evaluate_all(
        "(items, n) => items.slice(n).filter(i => i.classList.contains('msg-bot'))"
        ".map(i => (i.querySelector('.msg-text') || {}).textContent || '')", before)


def type_message(page, text: str) -> list[str]:
    before = messages(page)
    page.click("#chat-input")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    return wait_for_reply(page, before)


def click_reply(page, title: str) -> list[str]:
    before = messages(page)
    page.locator(".msg-bot").last.locator(".quick-reply:enabled", has_text=title).first.click()
    return wait_for_reply(page, before)


def middle(titles: Sequence[str]) -> str:
    return titles[(len(titles) - 1) // 2]


def onboard(page, first_message: str, typed_answers: Mapping[str, str],
            pick: Callable[[Sequence[str]], str] = middle, language: str | None = None,
            turns: int = 40) -> list[str]:
    """Answer the onboarding as a person would until the recommendation card shows.

    A question whose response (as the locale folder of ``language`` words it) has an answer in
    ``typed_answers`` is answered by typing it; any other question with buttons by clicking the
    title ``pick`` chooses. Returns every text the bot sent.
    """
    said = type_message(page, first_message)
    for _ in range(turns):
        if page.locator(".allocation-card svg.fan").count():
            return said
        last = said[-1] if said else ""
        answer = typed_answers.get(response_name(last, language) or "")
        if answer is not None:
            said += type_message(page, answer)
            continue
        titles = page.locator(".msg-bot").last.locator(".quick-reply:enabled").all_inner_texts()
        assert titles, f"the onboarding stopped at a question it cannot answer: {last!r}"
        said += click_reply(page, pick(titles))
    raise AssertionError(f"no recommendation after {turns} turns; the bot said last: {said[-3:]}")


def glyphs_render(page, selector: str) -> bool:
    """Whether the first two characters of ``selector``'s text draw as two different glyphs in
    its font. A font without them draws each as the same empty box (.notdef), so two different
    characters drawn alike, or drawn like a private-use code point no font has, mean boxes."""
    return page.evaluate("""selector => {
        const element = document.querySelector(selector);
        const font = getComputedStyle(element).font;
        const [first, second] = Array.from(element.textContent.trim());
        const draw = (text) => {
            const canvas = document.createElement("canvas");
            canvas.width = 64; canvas.height = 64;
            const context = canvas.getContext("2d");
            context.font = font.replace(/\\d+(\\.\\d+)?px/, "40px");
            context.fillStyle = "#000";
            context.fillText(text, 4, 48);
            return Array.from(context.getImageData(0, 0, 64, 64).data).join(",");
        };
        const blank = draw("");
        const missing = draw("\\u{10FFFD}");
        const a = draw(first), b = draw(second);
        return a !== blank && b !== blank && a !== b && a !== missing && b !== missing;
    }""", selector)
