"""The public pages' language: negotiation, the switch and its cookie, and complete catalogs.

Expected words are looked up in the catalogs (locales/<lang>/LC_MESSAGES/web.po) by their msgid,
never copied here, and each check is made where the two languages differ, so a page in the wrong
language fails it.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from jinja2 import Environment
from starlette.requests import Request

from bot import i18n
from bot.auth.demo_passwords import CLIENT_PASSWORD
from bot.pages import asset_class_names
from db.session import session_scope
from demo.accounts import seed_accounts
from engine.assumptions import GROUPS
from engine.wording import texts

ROOT = Path(__file__).resolve().parents[2]
#: The pages and modules whose words go through the catalogs: every template, the staff
#: console's modules that name CSV columns, chart labels and refusals, and the chat gateway's
#: refusals (routes.py, schemas.py).
CONVERTED = {path.name for path in (ROOT / "bot" / "templates").glob("*.html")} | {
    path.name for path in (ROOT / "bot" / "templates" / "staff").glob("*.html")} | {
    "export.py", "overview.py", "staff_accounts.py"} | {"routes.py", "schemas.py"}
CATALOGS = {language: i18n.read_catalog(language) for language in i18n.LANGUAGES}
TRANSLATIONS = i18n.load_translations()


def word(language: str, msgid: str) -> str:
    """What the page in ``language`` shows for ``msgid`` (the compiled catalog's answer)."""
    return TRANSLATIONS[language].gettext(msgid)


def h1(response) -> str:
    return html.unescape(re.search(r"<h1>(.*?)</h1>", response.text, re.S).group(1).strip())


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)">', response.text).group(1)


def widget_texts(response) -> dict:
    return json.loads(html.unescape(re.search(r'data-texts="([^"]+)"', response.text).group(1)))


# -- negotiation -------------------------------------------------------------------------------

@pytest.mark.parametrize(("header", "expected"), [
    ("zh-CN,zh;q=0.9,en;q=0.8", ["zh-CN", "zh", "en"]),
    ("en;q=0.5, zh-TW;q=0.8, fr", ["fr", "zh-TW", "en"]),
    ("zh;q=0, en", ["en"]),                      # q=0 means "not acceptable"
    ("de;q=abc, en-GB", ["en-GB"]),              # an unreadable weight drops its tag
    ("*, zh", ["zh"]),
    ("", []),
    (None, []),
])
def test_accept_language_is_read_most_wanted_first(header, expected):
    assert i18n.accepted_languages(header) == expected


@pytest.mark.parametrize(("header", "expected"), [
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
    ("zh-Hans-CN", "zh"),
    ("en-US,en;q=0.9,zh;q=0.5", "en"),
    ("fr-FR, zh;q=0.3", "zh"),                   # the best language the site has
    ("fr-FR, de", "en"),                         # none: English
    ("zh;q=0", "en"),
    ("", "en"),
])
def test_the_browser_language_is_negotiated_among_the_sites(header, expected):
    assert i18n.negotiated_language(header) == expected


def bare_request(headers: dict[str, str]) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": raw})


@pytest.mark.parametrize(("headers", "expected"), [
    ({"Cookie": "lang=en", "Accept-Language": "zh-CN"}, "en"),   # the choice beats the browser
    ({"Cookie": "lang=zh", "Accept-Language": "en"}, "zh"),
    ({"Cookie": "lang=ZH"}, "zh"),
    ({"Cookie": "lang=klingon", "Accept-Language": "zh-CN"}, "zh"),  # a bad cookie is ignored
    ({"Accept-Language": "zh-CN"}, "zh"),
    ({}, "en"),
])
def test_request_language_for_the_chat_gateway(headers, expected):
    assert i18n.request_language(bare_request(headers)) == expected


def test_an_unknown_code_is_refused_with_the_codes_there_are():
    with pytest.raises(i18n.UnknownLanguage) as refused:
        i18n.checked_language("fr")
    assert str(refused.value) == "'fr' is not a language of this site; the languages are en, zh"


# -- the catalogs ------------------------------------------------------------------------------

def extracted() -> dict[tuple[str | None, str], set[str]]:
    """Every msgid (with its context) the templates use, extracted as `pybabel extract -F
    babel.cfg` does, with the files it is in."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file)
    found: dict[tuple[str | None, str], set[str]] = {}
    for filename, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault((context, msgid), set()).add(Path(filename).name)
    return found


USED = extracted()


def test_the_extraction_covers_every_converted_template():
    files = set().union(*USED.values())
    assert files == CONVERTED


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_msgid_the_templates_use_is_in_every_catalog(language):
    catalog: Catalog = CATALOGS[language]
    missing = sorted(msgid for context, msgid in USED if catalog.get(msgid, context) is None)
    assert not missing, (f"locales/{language}/LC_MESSAGES/web.po lacks {missing}: run "
                         "`pybabel update` (README, 'Adding a language')")
    ids = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}
    stale = sorted(msgid for context, msgid in ids - set(USED))
    assert not stale, f"locales/{language}/LC_MESSAGES/web.po has msgids no template uses: {stale}"


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_every_word_is_translated_and_keeps_its_placeholders(language):
    catalog = CATALOGS[language]
    untranslated = [m.id for m in catalog if m.id and (
        m.fuzzy or not (m.string if isinstance(m.string, str) else all(m.string)))]
    assert not untranslated, f"{language}: untranslated or fuzzy: {untranslated}"
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert not problems, problems
    for message in catalog:
        if message.id and isinstance(message.id, str):
            braces = set(re.findall(r"\{\w+\}", message.id))
            assert set(re.findall(r"\{\w+\}", message.string)) == braces, message.id


def test_chinese_words_address_the_client_politely():
    said = " ".join(m.string if isinstance(m.string, str) else " ".join(m.string)
                    for m in CATALOGS["zh"] if m.id)
    assert "您" in said
    assert "你" not in said


def test_no_compiled_catalog_is_kept():
    assert not list((ROOT / "locales").glob("*/LC_MESSAGES/*.mo"))


def test_translations_are_marked_safe_and_fill_escaped_values():
    functions = i18n.page_words(TRANSLATIONS)["zh"]
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    template = env.from_string('{{ _("Signed in as %(username)s", username=name) }}|'
                               '{{ ngettext("Too many failed sign-ins for this user name. Try '
                               'again in %(num)d minute.", "Too many failed sign-ins for this '
                               'user name. Try again in %(num)d minutes.", 3) }}')
    shown = template.render(name="<b>x</b>", **functions)
    signed_in, locked = shown.split("|")
    assert signed_in == word("zh", "Signed in as %(username)s") % {"username": "&lt;b&gt;x&lt;/b&gt;"}
    assert "3" in locked and locked == TRANSLATIONS["zh"].ngettext(
        "Too many failed sign-ins for this user name. Try again in %(num)d minute.",
        "Too many failed sign-ins for this user name. Try again in %(num)d minutes.", 3) % {"num": 3}


# -- the pages ---------------------------------------------------------------------------------

TITLE = "Your strategic asset allocation, explained"


def test_the_landing_page_follows_accept_language(make_client):
    client = make_client()
    chinese = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert chinese.status_code == 200
    assert html_lang(chinese) == "zh"
    assert h1(chinese) == word("zh", TITLE) != TITLE
    english = client.get("/", headers={"Accept-Language": "en-GB"})
    assert html_lang(english) == "en" and h1(english) == TITLE
    assert html_lang(client.get("/")) == "en"  # no header: English


def test_the_switch_keeps_the_choice_and_goes_back(make_client):
    client = make_client()
    switched = client.get("/language/zh", params={"next": "/signin"}, follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == "/signin"
    cookie = switched.headers["set-cookie"]
    assert cookie.startswith("lang=zh;") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = client.get("/signin", headers={"Accept-Language": "en"})  # the choice wins
    assert html_lang(page) == "zh" and h1(page) == word("zh", "Client sign-in")
    # The switch back to English is on the page, pointing back to it.
    assert '<a href="/language/en?next=/signin" lang="en"' in page.text
    client.get("/language/en", params={"next": "/"})
    assert h1(client.get("/", headers={"Accept-Language": "zh-CN"})) == TITLE


@pytest.mark.parametrize("target", ["//elsewhere.example/", "https://elsewhere.example/",
                                    "/\\elsewhere.example", "signin"])
def test_the_switch_goes_back_only_to_this_site(make_client, target):
    response = make_client().get("/language/en", params={"next": target}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_an_unknown_language_code_gets_400_naming_it(make_client):
    client = make_client()
    response = client.get("/language/fr", follow_redirects=False,
                          headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 400
    assert "set-cookie" not in response.headers
    assert html_lang(response) == "zh"  # said in the visitor's language
    expected = word("zh", "This site has no language with the code “%(code)s”. Please choose one "
                          "of the languages at the top of the page.") % {"code": "fr"}
    assert f'<p role="alert">{expected}</p>' in response.text
    assert "/language/en?next=/\"" in response.text  # the switch leads home, not back here


def test_the_widget_gets_the_catalogs_words_and_the_locale_files_class_names(make_client):
    client = make_client()
    for language, header in (("en", "en-US"), ("zh", "zh-CN")):
        blob = widget_texts(client.get("/", headers={"Accept-Language": header}))
        assert blob["you"] == word(language, "You:")
        assert blob["fan_label"] == word(language, "{title}: after {years} years the median is "
                                         "{median}, with a 10%% chance of less than {low} and a "
                                         "10%% chance of more than {high}").replace("%%", "%")
        assert set(blob["group_names"]) == set(GROUPS)
        words = texts(language)
        assert blob["asset_names"] == {k: words(f"asset_class_{k}") for k in blob["asset_names"]}
        assert blob["asset_names"] == asset_class_names(language)


def test_every_word_the_scripts_ask_for_is_in_the_page(make_client):
    blob = widget_texts(make_client().get("/"))
    asked = set()
    for script in ("widget.js", "charts.js"):
        source = (ROOT / "bot" / "static" / script).read_text(encoding="utf-8")
        asked |= set(re.findall(r"\btexts\.(\w+)", source))
        asked |= set(re.findall(r"\b(?:word|phrase)\(\"(\w+)\"", source))
        asked |= set(re.findall(r"\bTEXTS\.(\w+)", source))
    assert asked, "the scripts' look-ups were not found"
    assert asked <= set(blob), sorted(asked - set(blob))


def test_a_refused_sign_in_is_said_in_the_page_language(make_client, db_engine):
    with session_scope(db_engine) as session:
        seed_accounts(session)
    client = make_client()
    client.get("/language/zh")
    form = client.get("/signin").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    refused = client.post("/signin", data={"username": "client1", "password": "wrong",
                                           "csrf_token": token})
    assert refused.status_code == 401
    assert f'<p class="error" role="alert">{word("zh", "Wrong user name or password.")}</p>' \
        in refused.text
    signed_in = client.post("/signin", data={"username": "client1", "password": CLIENT_PASSWORD,
                                             "csrf_token": token}, follow_redirects=True)
    assert word("zh", "Signed in as %(username)s") % {"username": "client1"} in signed_in.text


def test_pages_of_two_languages_in_turn_do_not_mix(make_client):
    client = make_client()
    for header, language in [("zh-CN", "zh"), ("en", "en"), ("zh-CN", "zh"), ("en", "en")]:
        page = client.get("/", headers={"Accept-Language": header})
        assert h1(page) == word(language, TITLE)
        assert widget_texts(page)["you"] == word(language, "You:")


def test_the_staff_console_follows_accept_language_and_the_switch(make_client):
    client = make_client()
    page = client.get("/staff/signin", headers={"Accept-Language": "zh-CN"})
    assert html_lang(page) == "zh" and h1(page) == word("zh", "Staff sign-in") != "Staff sign-in"
    assert f'<label for="username">{word("zh", "User name")}</label>' in page.text
    assert '<a href="/language/en?next=/staff/signin" lang="en"' in page.text
    client.get("/language/en", params={"next": "/staff/signin"})
    english = client.get("/staff/signin", headers={"Accept-Language": "zh-CN"})
    assert html_lang(english) == "en" and h1(english) == "Staff sign-in"


def test_the_site_languages_are_the_locale_folders_with_page_words(tmp_path):
    for code in ("zh", "en", "fr"):
        (tmp_path / code / "LC_MESSAGES").mkdir(parents=True)
        (tmp_path / code / "LC_MESSAGES" / "web.po").write_text("", encoding="utf-8")
    (tmp_path / "de").mkdir()  # answer words or responses only: no pages in it yet
    assert i18n.site_languages(tmp_path) == ("en", "fr", "zh")
    assert i18n.LANGUAGES == i18n.site_languages() == ("en", "zh")
