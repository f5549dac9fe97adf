"""Triage and the overview through the web app, on conversations written by Rasa's own SQL
tracker store (``review_db``): wants-person (Nov 24), client-fallback (Nov 22), onboarded (Nov 20).
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from staff_session import csrf_token, sign_in

from bot.console.list_query import ListQuery
from db.saved_filters import BUILT_IN


@pytest.fixture
def database_url(review_database_url) -> str:
    return review_database_url


def triage_bar(html: str) -> str:
    found = re.search(r'<nav class="triage-bar".*?</nav>', html, re.S)
    assert found, "no triage bar on the page"
    return found.group(0)


def link(bar: str, rel: str) -> str | None:
    found = re.search(rf'<a rel="{rel}" href="([^"]+)"', bar)
    return found.group(1) if found else None


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_list_rows_open_the_transcript_with_the_list_filters(staff):
    html = staff.get("/staff", params={"fallback": "no", "page": "1"}).text
    assert re.findall(r'href="/staff/conversations/([^"?]+)\?list=([^"]*)"', html) == [
        ("wants-person", "fallback%3Dno"), ("onboarded", "fallback%3Dno")]


def test_the_triage_bar_steps_through_the_whole_list(staff):
    # An empty filter is the whole list.
    bar = triage_bar(staff.get("/staff/conversations/client-fallback",
                               params={"list": "audience="}).text)
    assert "2 of 3 in" in words(bar)
    assert link(bar, "prev") == "/staff/conversations/wants-person?list="
    assert link(bar, "next") == "/staff/conversations/onboarded?list="
    last = triage_bar(staff.get("/staff/conversations/onboarded", params={"list": "q="}).text)
    assert "3 of 3 in" in words(last) and link(last, "next") is None
    assert "Last in the list" in words(last)


def test_the_bar_names_the_filter_and_keeps_it_on_its_links(staff):
    query = "handoff=no&period=&q="
    page = staff.get("/staff/conversations/onboarded", params={"list": query}).text
    bar = triage_bar(page)
    assert "2 of 2 in handoff: no" in words(bar)
    assert link(bar, "prev") == "/staff/conversations/client-fallback?list=handoff%3Dno"
    assert link(bar, "next") is None
    assert 'href="/staff?handoff=no" class="triage-back"' in bar


def test_a_conversation_the_filter_leaves_out_says_so(staff):
    bar = triage_bar(staff.get("/staff/conversations/onboarded",
                               params={"list": "fallback=yes"}).text)
    assert "Not in the list (1 conversations): fallback: yes" in words(bar)
    assert link(bar, "prev") is None and link(bar, "next") is None


def test_no_list_no_bar_and_a_bad_list_is_named(staff):
    assert 'class="triage-bar"' not in staff.get("/staff/conversations/onboarded").text
    bad = staff.get("/staff/conversations/onboarded", params={"list": "fallback=maybe"})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("fallback:")
    both = staff.get("/staff/conversations/onboarded",
                     params={"list": "period=this_week&date_from=2026-11-01"})
    assert both.status_code == 422
    assert both.json()["detail"] == "period: give a period or dates (from, to), not both."


def test_a_relative_period_filters_by_today(staff):
    # The conversations are from November 2026; this week (from the clock's today) has none.
    html = staff.get("/staff", params={"period": "this_week"}).text
    assert "0 conversations." in html
    assert staff.get("/staff", params={"period": "fortnight"}).status_code == 422


def test_staff_save_see_and_delete_their_filters(staff, make_client):
    page = staff.get("/staff", params={"fallback": "yes", "reviewed": "no"}).text
    assert '<input type="hidden" name="query" value="fallback=yes&amp;reviewed=no">' in page
    saved = staff.post("/staff/filters", data={"name": "Fallbacks to read", "query": "fallback=yes&reviewed=no",
                                               "csrf_token": csrf_token(page)},
                       follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/staff?fallback=yes&reviewed=no"
    listing = staff.get("/staff").text
    own = re.findall(r'<li class="own-filter"><a href="([^"]+)"[^>]*>([^<]+)</a>', listing)
    assert own == [("/staff?fallback=yes&amp;reviewed=no", "Fallbacks to read")]
    again = staff.post("/staff/filters", data={"name": "Fallbacks to read", "query": "flagged=yes",
                                               "csrf_token": csrf_token(listing)})
    assert again.status_code == 422
    assert again.json()["detail"] == "name: you already have a saved filter called 'Fallbacks to read'."
    bad = staff.post("/staff/filters", data={"name": "x", "query": "stage=" + "s" * 40,
                                             "csrf_token": csrf_token(listing)})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("stage:")
    # Another member of staff neither sees nor deletes it.
    admin = make_client()
    assert sign_in(admin, "admin", "admin-demo-2026").status_code == 303
    admin_page = admin.get("/staff").text
    assert "Fallbacks to read" not in admin_page
    filter_id = re.search(r'action="/staff/filters/(\d+)/delete"', listing).group(1)
    refused = admin.post(f"/staff/filters/{filter_id}/delete",
                         data={"csrf_token": csrf_token(admin_page)})
    assert refused.status_code == 404
    deleted = staff.post(f"/staff/filters/{filter_id}/delete",
                         data={"csrf_token": csrf_token(listing)}, follow_redirects=False)
    assert deleted.status_code == 303
    assert "Fallbacks to read" not in staff.get("/staff").text


def test_built_in_filters_are_on_the_list_and_keep_relative_periods(staff):
    html = staff.get("/staff").text
    built_in = dict((name, href) for href, name in re.findall(
        r'<li><a href="(/staff\?[^"]+)"[^>]*>([^<]+)</a></li>', html))
    assert built_in["Fallbacks this week, not reviewed"] == (
        "/staff?period=this_week&amp;fallback=yes&amp;reviewed=no")
    opened = staff.get("/staff", params={"fallback": "yes", "reviewed": "no", "period": "this_week"})
    assert opened.status_code == 200 and 'aria-current="true">Fallbacks this week' in opened.text


def test_the_list_shows_who_reviewed_and_when(staff):
    page = staff.get("/staff/conversations/onboarded").text
    staff.post("/staff/conversations/onboarded/review",
               data={"action": "reviewed", "csrf_token": csrf_token(page)})
    html = staff.get("/staff").text
    rows = re.findall(r'<tr class="triage-row">.*?</tr>', html, re.S)
    onboarded = next(r for r in rows if "/staff/conversations/onboarded?" in r)
    assert re.search(r'<td class="reviewer">reviewer<br><small>\d{4}-\d\d-\d\d \d\d:\d\d</small>',
                     onboarded)
    others = [r for r in rows if r is not onboarded]
    assert all('<td class="reviewer"><span class="muted">not yet</span>' in r for r in others)


def chart_table(html: str, key: str) -> list[list[str]]:
    figure = re.search(rf'<figure class="chart overview-chart" id="chart-{key}">.*?</figure>',
                       html, re.S).group(0)
    body = re.search(r"<tbody>(.*?)</tbody>", figure, re.S).group(1)
    return [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_overview_per_day_over_a_chosen_period(staff):
    html = staff.get("/staff/overview", params={"date_from": "2026-11-20",
                                                "date_to": "2026-11-23"}).text
    assert "<dt>Conversations</dt><dd>2</dd>" in html  # wants-person started on the 24th
    assert chart_table(html, "conversations") == [
        ["2026-11-20", "1"], ["2026-11-21", "0"], ["2026-11-22", "1"], ["2026-11-23", "0"]]
    assert chart_table(html, "fallback_rate") == [
        ["2026-11-20", "1", "0.0000"], ["2026-11-21", "0", ""], ["2026-11-22", "1", "1.0000"],
        ["2026-11-23", "0", ""]]
    assert chart_table(html, "ratings") == [
        ["2026-11-20", "1", "4.0000"], ["2026-11-21", "0", ""], ["2026-11-22", "0", ""],
        ["2026-11-23", "0", ""]]
    label = re.search(r'aria-label="Conversations per day: ([^"]*)"', html).group(1)
    assert label == "2026-11-20 1; 2026-11-21 0; 2026-11-22 1; 2026-11-23 0"
    # The y axis of the fallback chart runs from 0 % to 100 %.
    figure = re.search(r'id="chart-fallback_rate">.*?</figure>', html, re.S).group(0)
    assert re.findall(r'text-anchor="end">(\d+ %)</text>', figure) == [
        "0 %", "25 %", "50 %", "75 %", "100 %"]
    csv_link = re.search(r'href="(/staff/overview/conversations\.csv[^"]*)"', html).group(1)
    assert csv_link == "/staff/overview/conversations.csv?date_from=2026-11-20&amp;date_to=2026-11-23"


def test_every_overview_chart_downloads_as_csv(staff):
    period = {"date_from": "2026-11-20", "date_to": "2026-11-24"}
    funnel = staff.get("/staff/overview/funnel.csv", params=period)
    assert funnel.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(funnel.content.decode("utf-8-sig"))))
    assert rows[0] == ["step", "prospects", "share_of_started"]
    assert rows[1] == ["Started", "2", "100 %"] and rows[-1] == ["Recommendation shown", "1", "50 %"]
    offers = list(csv.reader(io.StringIO(
        staff.get("/staff/overview/offers.csv").content.decode("utf-8-sig"))))
    assert offers == [["offer", "made", "accepted"], ["portfolio_review", "1", "0"]]
    days = list(csv.reader(io.StringIO(staff.get("/staff/overview/conversations.csv",
                                                 params=period).content.decode("utf-8-sig"))))
    assert days[0] == ["day", "conversations"] and len(days) == 6
    html = staff.get("/staff/overview", params=period).text
    for key in ("conversations", "fallback_rate", "ratings", "funnel", "stages", "offers"):
        assert staff.get(f"/staff/overview/{key}.csv", params=period).status_code == 200
        assert f'href="/staff/overview/{key}.csv?' in html
    assert staff.get("/staff/overview/pie.csv").status_code == 404


@pytest.mark.parametrize(("params", "detail"), [
    ({"days": "14"}, "days: '14' is not one of 7, 30, 90."),
    ({"days": "7", "date_from": "2026-11-01"},
     "days: choose a number of days or the dates (from, to), not both."),
    ({"date_from": "2026-11-30", "date_to": "2026-11-01"},
     "date_to: the last day comes before the first."),
    ({"date_from": "2024-01-01", "date_to": "2026-01-01"}, "date_to: a period is at most 366 days."),
    ({"date_from": "yesterday"}, "date_from: cannot read 'yesterday' as a date (YYYY-MM-DD)."),
])
def test_a_period_the_overview_cannot_use_is_named(staff, params, detail):
    response = staff.get("/staff/overview", params=params)
    assert response.status_code == 422 and response.json()["detail"] == detail


def test_the_last_days_end_today(staff):
    # The conversations are from November 2026: none in the 7 days up to the clock's today.
    html = staff.get("/staff/overview", params={"days": "7"}).text
    assert "<dt>Conversations</dt><dd>0</dd>" in html
    assert re.search(r"Conversations per day</figcaption>\s*<p>No data yet.</p>", html)
    assert 'aria-current="true">Last 7 days' in html


def test_built_in_queries_are_written_as_the_list_writes_them():
    for f in BUILT_IN:
        assert ListQuery.parse(f.query).query_string() == f.query


def test_a_tag_added_in_a_filtered_list_returns_to_the_same_place(staff):
    page = staff.get("/staff/conversations/client-fallback", params={"list": "fallback=yes"}).text
    assert 'name="list" value="fallback=yes"' in page
    response = staff.post("/staff/conversations/client-fallback/review", follow_redirects=False,
                          data={"action": "tag", "value": "fees", "list": "fallback=yes",
                                "csrf_token": csrf_token(page)})
    assert response.status_code == 303
    assert response.headers["location"] == ("/staff/conversations/client-fallback"
                                            "?list=fallback%3Dyes")
    bar = triage_bar(staff.get(response.headers["location"]).text)
    assert "in fallback: yes" in words(bar)
