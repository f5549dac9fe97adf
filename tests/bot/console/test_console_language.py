"""The staff console in Chinese and each conversation's language, on conversations written by
Rasa's own SQL tracker store (``review_db`` and chinese_conversations.py): the language column,
filter and saved filter, the transcript's header, search for Chinese text as Rasa stores it (and as
a UTF-8 store would), CSV bytes, and the overview's labels. Runs on SQLite, and on PostgreSQL when
TEST_POSTGRESQL_URL is set. Expected words come from the catalogs, never copied here.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest
import sqlalchemy as sa
from chinese_conversations import (
    ASK_AGE,
    PLANNING_AGE,
    PLANNING_FIRST,
    copy_of,
    review_db_with_chinese,
)
from staff_session import csrf_token

from bot import i18n
from bot.console.export import BOM, COLUMN_KEYS, CSV_COLUMN
from bot.console.overview import FUNNEL_STEPS
from db.conversation_list import ONBOARDING_STEPS, conversation_language
from db.session import make_engine, session_scope

TRANSLATIONS = i18n.load_translations()
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
CHINESE = "zh-planning"
REVIEW_CONVERSATIONS = ("wants-person", "client-fallback", "onboarded")


def word(language: str, msgid: str) -> str:
    return TRANSLATIONS[language].gettext(msgid)


def column(language: str, key: str) -> str:
    return TRANSLATIONS[language].pgettext(CSV_COLUMN, key)


@pytest.fixture(scope="module")
def chinese_db(review_db, tmp_path_factory):
    with review_db_with_chinese(review_db, tmp_path_factory.mktemp("chinese")) as url:
        yield url


@pytest.fixture
def database_url(chinese_db, tmp_path):
    with copy_of(chinese_db, tmp_path) as url:
        yield url


def listed(client, headers=None, **params) -> list[str]:
    page = client.get("/staff", params=params, headers=headers or {})
    assert page.status_code == 200, page.text
    return re.findall(r'href="/staff/conversations/([^"/?]+)\?list=', page.text)


def languages_shown(page: str) -> dict[str, str]:
    """Each listed conversation's language cell: (code, words shown)."""
    rows = re.findall(r'href="/staff/conversations/([^"/?]+)\?list=.*?'
                      r'<td class="language"[^>]*data-language="(\w+)">([^<]*)</td>', page, re.S)
    return {cid: (code, html.unescape(text)) for cid, code, text in rows}


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# -- the language of a conversation -------------------------------------------------------------

def test_a_conversations_language_is_its_language_slots_last_value(database_url):
    engine = make_engine(database_url)
    with session_scope(engine) as db:
        assert conversation_language(db, CHINESE) == "zh"
        assert conversation_language(db, "switched-to-en") == "en"  # zh, then English please
        assert conversation_language(db, "onboarded") == "en"  # never set
        assert conversation_language(db, "no-such-conversation") == "en"
    engine.dispose()


def test_the_list_shows_each_conversations_language_in_the_consoles_language(staff):
    chinese = staff.get("/staff", headers=ZH).text
    shown = languages_shown(chinese)
    assert shown[CHINESE] == ("zh", "中文")
    english_in_chinese = i18n.language_name("en", "zh")
    assert english_in_chinese != "English"
    assert shown["switched-to-en"] == ("en", english_in_chinese)
    assert all(shown[c] == ("en", english_in_chinese) for c in REVIEW_CONVERSATIONS)
    assert f'<th scope="col">{word("zh", "Language")}</th>' in chinese
    english = languages_shown(staff.get("/staff", headers={"Accept-Language": "en"}).text)
    assert english[CHINESE] == ("zh", "Chinese") and english["onboarded"] == ("en", "English")


def test_the_transcript_names_the_conversations_language(staff):
    page = staff.get(f"/staff/conversations/{CHINESE}", headers=ZH).text
    header = re.search(r'<p class="conversation-language">(.*?)</p>', page, re.S).group(1)
    assert re.sub(r"<[^>]+>|\s", "", header) == word("zh", "Language:") + "中文"
    assert f'<p class="msg-text" lang="zh">{PLANNING_FIRST}</p>' in page
    english = staff.get("/staff/conversations/switched-to-en").text
    assert 'data-language="en">English</strong>' in english


@pytest.mark.parametrize(("language", "expected"), [
    ("zh", [CHINESE]),
    ("en", ["switched-to-en", *REVIEW_CONVERSATIONS]),
])
def test_the_list_filters_by_language(staff, language, expected):
    assert listed(staff, language=language) == expected
    assert listed(staff, language=language, audience="prospect", q="你好") == (
        [CHINESE] if language == "zh" else ["switched-to-en"])


def test_an_unknown_language_filter_is_refused_naming_the_field(staff):
    response = staff.get("/staff", params={"language": "fr"})
    assert response.status_code == 422
    assert response.json()["detail"] == ("language: 'fr' is not a language of the assistant; the "
                                         "languages are en, zh.")


def test_a_saved_filter_keeps_the_language(staff):
    page = staff.get("/staff", params={"language": "zh", "q": "理财"}).text
    query = re.search(r'name="query" value="([^"]*)"', page).group(1)
    saved = staff.post("/staff/filters", data={"name": "中文会话", "query": html.unescape(query),
                                               "csrf_token": csrf_token(page)},
                       follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/staff?q=%E7%90%86%E8%B4%A2&language=zh"
    listing = staff.get("/staff", headers=ZH).text
    chip = re.search(r'<li class="own-filter"><a href="([^"]+)"[^>]*>中文会话</a>', listing)
    assert chip and html.unescape(chip.group(1)) == saved.headers["location"]
    assert listed(staff, q="理财", language="zh") == [CHINESE]
    # The filter's words say the language in the console's language.
    words = staff.get(saved.headers["location"], headers=ZH).text
    described = re.search(r'<span class="filter-words">(.*?)</span>', words).group(1)
    said = word("zh", "%(field)s: %(value)s") % {"field": word("zh", "language"), "value": "中文"}
    assert said != "language: 中文" and said in html.unescape(described)


# -- search --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("search", "expected"), [
    ("理财规划", [CHINESE]),             # a user message, stored by Rasa as \u escapes
    ("多大年纪", [CHINESE]),              # a bot message
    ("买etf", [CHINESE]),                # Chinese and Latin letters, in any case
    ("三十五岁，想买ETF", [CHINESE]),      # full-width punctuation
    ("你好", ["switched-to-en", CHINESE]),
    ("养老金", []),
])
def test_search_finds_chinese_text_as_rasa_stores_it(staff, search, expected):
    assert listed(staff, q=search) == expected


def test_rasa_stores_chinese_as_escapes_and_a_utf8_store_is_searched_too(database_url, staff):
    engine = make_engine(database_url)
    with engine.begin() as c:
        stored = c.execute(sa.text("SELECT data FROM events WHERE sender_id = :s AND type_name = "
                                   "'user' ORDER BY id"), {"s": CHINESE}).scalars().first()
        assert "\\u7406\\u8d22" in stored and "理财" not in stored  # 理财, escaped by json.dumps
        # A tracker store that writes UTF-8 as it is (no escapes) keeps the characters.
        data = {"event": "user", "timestamp": 1.7e9, "text": "请帮我看看养老金怎么配置"}
        c.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, intent_name, data)"
                          " VALUES ('utf8-store', 'user', 1.7e9, 'inform', :d)"),
                  {"d": json.dumps(data, ensure_ascii=False)})
    engine.dispose()
    assert listed(staff, q="养老金") == ["utf8-store"]
    assert listed(staff, q="看看养老") == ["utf8-store"]


def test_search_takes_like_wildcards_and_escapes_as_they_are(database_url, staff):
    engine = make_engine(database_url)
    with engine.begin() as c:
        data = {"event": "user", "timestamp": 1.7e9, "text": 'A 50%_Share, "quoted" \\ 理财'}
        c.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, intent_name, data)"
                          " VALUES ('wildcards', 'user', 1.7e9, 'inform', :d)"),
                  {"d": json.dumps(data)})
    engine.dispose()
    for found in ("50%_share", '"QUOTED" \\ 理', "a 5"):
        assert listed(staff, q=found) == ["wildcards"], found
    for missing in ("5%", "a_5", "\\u7406", "a%"):
        assert listed(staff, q=missing) == [], missing


# -- CSV -------------------------------------------------------------------------------------------

def test_csv_downloads_are_utf8_with_a_byte_order_mark(staff):
    for path in ("/staff/export.csv", f"/staff/conversations/{CHINESE}/export.csv",
                 "/staff/overview/funnel.csv"):
        body = staff.get(path).content
        assert body.startswith(b"\xef\xbb\xbf") and not body.startswith(b"\xef\xbb\xbf\xef\xbb\xbf")
        body.decode("utf-8")  # the whole file is UTF-8
    transcript = staff.get(f"/staff/conversations/{CHINESE}/export.csv").content
    assert PLANNING_FIRST.encode("utf-8") in transcript and ASK_AGE.encode("utf-8") in transcript
    assert BOM == "\ufeff"


def test_csv_columns_are_named_in_the_consoles_language(staff):
    english = csv_rows(staff.get("/staff/export.csv", params={"language": "zh"}))
    assert english[0][:6] == ["conversation_id", "started", "last", "audience", "client_id",
                              "language"]
    assert [r[0] for r in english[1:]] == [CHINESE]
    assert english[1][5] == "zh" and english[1][-1] == PLANNING_FIRST
    chinese = csv_rows(staff.get("/staff/export.csv", params={"language": "zh"}, headers=ZH))
    assert chinese[0] == [column("zh", key) for key in english[0]]
    assert chinese[0][0] != "conversation_id" and chinese[1:] == english[1:]
    transcript = csv_rows(staff.get(f"/staff/conversations/{CHINESE}/export.csv", headers=ZH))
    assert transcript[0][:3] == [column("zh", "time"), column("zh", "kind"), column("zh", "text")]
    assert [r[2] for r in transcript[1:] if r[1] == "user"] == [PLANNING_FIRST, PLANNING_AGE]


def test_every_csv_column_has_a_word_in_every_catalog():
    from bot.console.routes import LIST_COLUMNS

    keys = set(COLUMN_KEYS)
    assert set(LIST_COLUMNS) <= keys
    catalog = i18n.read_catalog("zh")
    for key in keys:
        entry = catalog.get(key, CSV_COLUMN)
        assert entry is not None and entry.string and re.search(r"[\u4e00-\u9fff]", entry.string)


# -- overview ----------------------------------------------------------------------------------

def test_the_funnels_steps_are_the_catalogs_words():
    assert tuple(label for label, _ in ONBOARDING_STEPS) == FUNNEL_STEPS


def test_the_overview_labels_its_charts_and_their_csv_in_chinese(staff):
    page = staff.get("/staff/overview", headers=ZH).text
    assert f"<h1>{word('zh', 'Overview')}</h1>" in page
    started, shown = word("zh", "Started"), word("zh", "Recommendation shown")
    assert started != "Started" and f">{started}</text>" in page and f">{shown}</text>" in page
    assert f"<figcaption>{word('zh', 'Onboarding funnel (prospects)')}</figcaption>" in page
    made = word("zh", "%(offer)s: made") % {"offer": "portfolio_review"}
    assert f">{made}</text>" in page
    rows = csv_rows(staff.get("/staff/overview/funnel.csv", headers=ZH))
    assert rows[0] == [column("zh", k) for k in ("step", "prospects", "share_of_started")]
    assert [r[0] for r in rows[1:]] == [word("zh", label) for label in FUNNEL_STEPS]


# -- staff accounts --------------------------------------------------------------------------------

def test_a_refused_staff_account_change_is_said_in_the_consoles_language(make_client):
    from staff_session import sign_in

    from bot.console.staff_accounts import MIN_PASSWORD_LENGTH

    admin = make_client()
    assert sign_in(admin, "admin", "admin-demo-2026").status_code == 303
    page = admin.get("/staff/users", headers=ZH)
    assert f"<h1>{word('zh', 'Staff accounts')}</h1>" in page.text
    refused = admin.post("/staff/users", headers=ZH, data={
        "username": "new.reviewer", "role": "reviewer", "password": "short",
        "csrf_token": csrf_token(page.text)})
    assert refused.status_code == 422
    said = word("zh", "The password needs at least %(n)d characters.") % {"n": MIN_PASSWORD_LENGTH}
    assert re.search(r"[\u4e00-\u9fff]", said)
    assert f'<p class="error" role="alert">{said}</p>' in refused.text
    english = admin.post("/staff/users", data={
        "username": "new.reviewer", "role": "auditor", "password": "a-long-enough-password",
        "csrf_token": csrf_token(page.text)})
    assert ("<p class=\"error\" role=\"alert\">Unknown role &#39;auditor&#39;: choose reviewer or "
            "admin.</p>") in english.text


def test_every_word_the_console_scripts_ask_for_is_in_the_page(staff):
    from pathlib import Path

    page = staff.get(f"/staff/conversations/{CHINESE}", headers=ZH).text
    blob = json.loads(html.unescape(re.search(r'data-texts="([^"]+)"', page).group(1)))
    static = Path(__file__).resolve().parents[3] / "bot" / "static"
    asked = set()
    for script in static.glob("console*.js"):
        asked |= set(re.findall(r"\btexts\.(\w+)", script.read_text(encoding="utf-8")))
    assert asked, "the scripts' look-ups were not found"
    assert asked <= set(blob), sorted(asked - set(blob))
    assert blob["changed"] == word("zh", "changed") != "changed"


@pytest.mark.parametrize(("path", "title"), [
    ("/staff", "Conversations"),
    ("/staff/handoffs", "Handoff queue"),
    ("/staff/overview", "Overview"),
    ("/staff/corrections", "Corrections"),
])
def test_every_console_page_follows_the_browsers_language(staff, path, title):
    page = staff.get(path, headers=ZH).text
    assert re.search(r'<html lang="([^"]+)">', page).group(1) == "zh"
    assert f"<h1>{word('zh', title)}</h1>" in page and word("zh", title) != title
    for link in ("Conversations", "Handoff queue", "Overview", "Corrections", "Sign out"):
        assert f">{word('zh', link)}<" in page, link
    assert '<a href="/language/en?next=' in page  # the switch back to English
    english = staff.get(path, headers={"Accept-Language": "en-GB"}).text
    assert f"<h1>{title}</h1>" in english


def test_the_handoff_queue_names_each_conversations_language(staff):
    page = staff.get("/staff/handoffs", headers=ZH).text
    cell = re.search(r'<td class="language" data-language="(\w+)">([^<]*)</td>', page)
    assert cell.groups() == ("en", i18n.language_name("en", "zh"))  # wants-person never set it
