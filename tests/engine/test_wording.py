"""The locale files as the engine reads them: languages by folder, English for what a language
lacks, and the check that a translation keeps every name, placeholder and button payload."""

from __future__ import annotations

import pytest
from support.locale_files import LocaleFolder

from engine import InvestorProfile, recommend, wording
from engine.lifecycle.offers import offer_text
from engine.questionnaire import middle_answers, questions
from engine.wording import MissingText, served_language, texts, translation_problems


@pytest.fixture
def folder(tmp_path, monkeypatch) -> LocaleFolder:
    """A copy of the repository's locale files, read in place of them (LOCALES_DIR)."""
    copy = LocaleFolder.copy_of_repository(tmp_path)
    monkeypatch.setenv("LOCALES_DIR", str(copy.path))
    return copy


@pytest.fixture
def second_language(folder) -> LocaleFolder:
    """A complete second language "xx": the English texts, every name and placeholder kept."""
    folder.copy_language("en", "xx")
    return folder


def test_the_folder_is_the_repositorys_unless_locales_dir_names_another(tmp_path, monkeypatch):
    monkeypatch.delenv("LOCALES_DIR", raising=False)
    assert wording.locales_dir() == wording.REPOSITORY_LOCALES
    assert (wording.REPOSITORY_LOCALES / "en").is_dir()
    monkeypatch.setenv("LOCALES_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="set LOCALES_DIR"):
        texts("en")


def test_a_folder_without_the_default_language_is_refused(tmp_path, monkeypatch):
    (tmp_path / "fr").mkdir()
    monkeypatch.setenv("LOCALES_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="no en/ folder"):
        texts("fr")


def test_a_name_in_two_files_or_a_variation_without_text_is_refused(folder):
    (folder.path / "en" / "twice.yml").write_text(
        'responses:\n  utter_greet_client:\n    - text: "Hi"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="'utter_greet_client' is also in dialogue.yml"):
        wording.read_language(folder.path / "en")
    (folder.path / "en" / "twice.yml").write_text(
        "responses:\n  utter_new:\n    - image: x.png\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'utter_new' must be a list of variations, each with a text"):
        wording.read_language(folder.path / "en")


def test_a_language_is_served_by_its_folder_or_its_primary_subtag_else_the_default(folder):
    folder.write("zh", goal_retirement="退休")
    assert served_language("zh") == served_language("zh-CN") == served_language("ZH_cn") == "zh"
    assert served_language("fr") == served_language(None) == served_language("") == "en"


def test_a_name_the_language_lacks_is_the_default_languages(folder):
    # A partial translation in place of the repository's complete one.
    folder.drop("zh")
    folder.write("zh", goal_retirement="退休")
    chinese, english = texts("zh"), texts("en")
    assert chinese("goal_retirement") == "退休"
    assert english("goal_retirement") == "retirement"
    assert chinese("goal_education") == english("goal_education") == "education"
    with pytest.raises(MissingText, match="goal_astronomy"):
        chinese("goal_astronomy")


def test_the_engine_words_its_explanation_questions_and_offers_in_the_language_asked(folder):
    folder.drop("zh")
    folder.write("zh", goal_retirement="退休",
                 reason_summary="{goal:goal}：股票 {equity:percent}。",
                 utter_risk_question_max_loss="一年内最多能接受多大跌幅？",
                 risk_option_max_loss_loss_5="5% 或更少",
                 offer_newsletter="订阅月报吗？")
    profile = InvestorProfile(age=40, goal="retirement", risk_answers=middle_answers())
    chinese = recommend(profile, paths=1_000, language="zh")
    english = recommend(profile, paths=1_000)
    equity = chinese.explanation.summary_statement.params["equity"]
    assert chinese.explanation.summary == f"退休：股票 {wording.format_value(equity, 'percent')}。"
    assert english.explanation.summary.startswith("For your retirement goal")
    # Untranslated statements are written in English.
    assert chinese.disclosures[-1].text == english.disclosures[-1].text
    [max_loss] = [q for q in questions("zh") if q["id"] == "max_loss"]
    assert max_loss["text"] == "一年内最多能接受多大跌幅？"
    assert [o["text"] for o in max_loss["options"]][:2] == ["5% 或更少", "About 10%"]
    assert offer_text("newsletter", "zh") == "订阅月报吗？"
    assert offer_text("newsletter").startswith("Our monthly newsletter")


def test_a_complete_translation_has_no_problems(second_language):
    assert translation_problems() == []


def test_a_translation_that_lacks_a_phrase_fails_the_check(second_language):
    second_language.remove("xx", "reason_glide_path")
    assert translation_problems() == ["xx: no reason_glide_path (the en folder has it)"]


def test_a_renamed_placeholder_fails_the_check(second_language):
    second_language.write("xx", utter_handoff="Your reference is {number}.")
    [problem] = translation_problems()
    assert problem.startswith("xx: utter_handoff, variation 1, has placeholders [{number}]; "
                              "en has placeholders [{reference}]")


def test_a_placeholder_with_another_format_fails_the_check(second_language):
    second_language.write("xx", reason_goal_cap="{goal:goal}: {cap:number}")
    [problem] = translation_problems()
    assert "reason_goal_cap" in problem and "{cap:number}" in problem and "{cap:percent}" in problem


def test_a_changed_button_payload_fails_the_check(second_language):
    english = wording.locales()["en"]["utter_review_ask_adviser"]
    changed = [{**english[0], "buttons": [{"title": "Oui", "payload": "/affirm"},
                                          {"title": "Non", "payload": "/stop"}]}]
    second_language.write("xx", utter_review_ask_adviser=changed)
    [problem] = translation_problems()
    assert problem.startswith("xx: utter_review_ask_adviser, variation 1, has placeholders [] "
                              "and button payloads [/affirm, /stop]")


def test_a_name_unknown_to_the_reference_fails_the_check(second_language):
    second_language.write("xx", utter_bonjour="Bonjour")
    assert translation_problems() == ["xx: utter_bonjour is not a name of the en folder"]


def test_variations_may_differ_in_number_but_each_must_match_one_of_the_reference(second_language):
    # utter_greet_prospect has two English variations with different buttons.
    english = wording.locales()["en"]["utter_greet_prospect"]
    second_language.write("xx", utter_greet_prospect=[english[1]])
    assert translation_problems() == []
