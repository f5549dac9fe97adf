"""The bad-input corpus (bad_input.yml) and the checks shared by the tests that send it."""

from __future__ import annotations

from pathlib import Path

import yaml

CORPUS = yaml.safe_load(Path(__file__).with_name("bad_input.yml").read_text(encoding="utf-8"))
#: First characters that make a spreadsheet run a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def chat_text(entry: str | dict) -> str:
    """A corpus text; ``{repeat, times}`` builds a long one."""
    return entry["repeat"] * entry["times"] if isinstance(entry, dict) else entry


#: Chat texts the gateway refuses (422 naming "text"), and texts it passes on to Rasa.
REFUSED = {name: chat_text(t) for name, t in CORPUS["chat"]["refused"].items()}
ACCEPTED = {name: chat_text(t) for name, t in CORPUS["chat"]["accepted"].items()}


def assert_escaped(html: str) -> None:
    """No markup from the corpus runs in a page: it is all shown as text."""
    for raw in ("<script>alert", "<img src=x", "onerror=alert(1)>"):
        assert raw not in html
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
