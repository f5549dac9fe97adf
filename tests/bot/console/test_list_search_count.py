"""A search's count on the list page: past the bound (``SEARCH_COUNT_AT_MOST``) the page says
"more than" in the page's language, and its pages go on until the last; on conversations written
by Rasa's own SQL tracker store (``review_db``)."""

from __future__ import annotations

import re

import pytest

from bot.console import routes
from db import conversation_list

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


@pytest.fixture
def database_url(review_database_url) -> str:
    return review_database_url


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def next_page(html: str) -> str | None:
    found = re.search(r'<a href="(/staff\?[^"]*)" rel="next">', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_past_the_bound_a_search_says_more_than_and_pages_on_to_the_last(staff, monkeypatch):
    # One conversation a page, counted up to one: the three the search finds take three pages.
    monkeypatch.setattr(routes, "PAGE_SIZE", 1)
    monkeypatch.setattr(conversation_list, "SEARCH_COUNT_AT_MOST", 1)
    assert staff.get("/staff", params={"q": "e"}).status_code == 200
    seen = []
    path = "/staff?q=e"
    for page, (count, pages) in enumerate((
            ("More than 1 conversations (a search stops counting there).",
             "Page 1 of more than 1"),
            ("More than 2 conversations (a search stops counting there).",
             "Page 2 of more than 2"),
            ("3 conversations.", "Page 3 of 3")), start=1):
        html = staff.get(path).text
        said = words(html)
        assert count in said and pages in said, page
        seen += re.findall(r'href="/staff/conversations/([^"/?]+)\?', html)
        path = next_page(html)
        assert (path is None) == (page == 3)
    assert seen == ["wants-person", "client-fallback", "onboarded"]
    chinese = words(staff.get("/staff", params={"q": "e"}, headers=ZH).text)
    assert "超过 1 条会话（搜索计数到此为止）。" in chinese and "第 1 页，共超过 1 页" in chinese
    unbounded = words(staff.get("/staff", params={"audience": "prospect"}).text)
    assert "2 conversations." in unbounded and "Page 1 of 2" in unbounded  # no search: exact
