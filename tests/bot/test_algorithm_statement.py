"""The algorithm statement (算法说明) page: the model's principle, its main parameters, the
deployment market's assumptions with sources and dates read from the assumptions file, its limits,
and that people review it and can stop it; in English and Chinese, linked from the chat widget,
and saying so while automated recommendations are suspended."""

from __future__ import annotations

import html as markup
import re

import pytest
from support.responses import _variations

from bot import i18n
from db.accounts import StaffUser
from db.automation import switch_recommendations
from db.session import session_scope
from engine.assumptions import load_assumptions
from engine.projection import DEFAULT_PATHS
from engine.questionnaire import questionnaire
from engine.recommendation import FALLBACK_OBJECTIVE, OBJECTIVE
from engine.suitability.rules import suitability_rules
from engine.wording import texts

TRANSLATIONS = i18n.load_translations()


def word(language: str, msgid: str) -> str:
    return TRANSLATIONS[language].gettext(msgid)


def page(client, language: str) -> str:
    response = client.get("/algorithm", headers={"Cookie": f"lang={language}"})
    assert response.status_code == 200
    return markup.unescape(response.text)


def rows(text: str) -> dict[str, list[str]]:
    """The assumptions table's cells, by asset class key."""
    found = {}
    for key, body in re.findall(r'<tr data-asset-class="(\w+)">(.*?)</tr>', text, re.S):
        found[key] = [" ".join(re.sub(r"<[^>]+>", "", cell).split())
                      for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, re.S)]
    return found


def parameter(text: str, name: str) -> str:
    [value] = re.findall(rf'<dd data-parameter="{name}">(.*?)</dd>', text, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", value).split())


@pytest.mark.parametrize("market", ["cn", "us"])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_statement_reads_the_market_s_assumptions(make_client, market, language):
    text = page(make_client(market=market), language)
    assert f"<h1>{word(language, 'Algorithm statement')}</h1>" in text
    for heading in ("The model's principle", "Main parameters",
                    "Assumptions, with sources and dates", "Limits",
                    "People review it and can stop it"):
        assert word(language, heading) in text, heading
    cma = load_assumptions(market=market)
    shown = rows(text)
    assert set(shown) == set(cma.classes.index)
    names = texts(language)
    for key, row in cma.classes.iterrows():
        source = cma.sources[row["source"]]
        assert shown[key] == [names(f"asset_class_{key}"),
                              f"{row['expected_return'] * 100:.1f} %",
                              f"{row['volatility'] * 100:.1f} %", source["title"],
                              source["date"]], key
    assert cma.version in parameter(text, "assumptions_version")
    assert cma.as_of in parameter(text, "assumptions_version")
    assert parameter(text, "paths") == f"{DEFAULT_PATHS:,}"
    assert parameter(text, "objective") == (
        f"{OBJECTIVE} ("
        + word(language, "when no mix beats cash: %(objective)s") % {
            "objective": FALLBACK_OBJECTIVE} + ")")
    assert parameter(text, "questionnaire_version") == questionnaire().version
    china = word(language, "No market history of these asset classes is available here, so no "
                           "historical stress test is shown.")
    if market == "cn":
        assert parameter(text, "suitability_version") == suitability_rules().version
        assert china in text
    else:
        assert 'data-parameter="suitability_version"' not in text and china not in text
    if language == "zh":
        assert "算法说明" in text and word("zh", "Limits") != "Limits"


def test_the_chat_widget_links_to_it(make_client):
    for language in ("en", "zh"):
        landing = make_client().get("/", headers={"Cookie": f"lang={language}"}).text
        link = word(language, "How the recommendations are made (algorithm statement)")
        assert f'<a href="/algorithm">{markup.escape(link)}</a>' in landing


def test_it_says_when_recommendations_are_suspended(make_client, seeded, db_engine):
    client = make_client(market="cn")
    notice = word("en", "Automated recommendations are suspended at the moment by our staff; "
                        "the chat offers you an adviser instead.")
    assert notice not in page(client, "en")
    with session_scope(db_engine) as db:
        admin = db.query(StaffUser).filter_by(username="admin").one()
        switch_recommendations(db, admin.id, suspend=True)
    assert notice in page(client, "en")


def test_an_unknown_market_is_refused_naming_the_setting(make_client):
    with pytest.raises(ValueError, match="market"):
        make_client(market="mars")


#: A site path named in the bot's words ("/algorithm"), not a button's payload ("/affirm").
SITE_PATH = re.compile(r"(?<![\w/.])/[a-z][a-z0-9_-]*(?:/[a-z0-9_-]+)*")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_chat_points_to_it_and_every_page_it_names_is_served(make_client, language):
    said = {name: v["text"] for name, variations in _variations(language).items()
            for v in variations if v.get("text")}
    named = {name: set(SITE_PATH.findall(text)) for name, text in said.items()}
    # "How does it work?" and every recommendation's disclosure point to the statement.
    assert "/algorithm" in named["utter_faq/how_it_works"]
    assert "/algorithm" in named["disclosure_algorithm"]
    client = make_client()
    for path in set().union(*named.values()):
        assert client.get(path, headers={"Cookie": f"lang={language}"}).status_code == 200, path
