"""The locale files (locales/<language>/*.yml) against the domain, the engine and each other.

Every language of the folder is checked, so a language added by adding its folder is checked too:
it must have every name of the reference language (English), with the same placeholders and
button payloads; every response the domain declares must have words, and every chat response of
the locale files must be declared (Rasa would never send one that is not).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from support.locale_files import LocaleFolder

from actions.answers import vocabulary_problems
from engine.lifecycle.offers import load_catalog, offer_phrase
from engine.wording import (
    DEFAULT_LANGUAGE,
    answer_words,
    locales,
    placeholders,
    translation_problems,
)

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
DECLARED = set(DOMAIN["responses"])
LANGUAGES = sorted(locales())


def test_every_language_has_every_name_placeholder_and_button_of_the_reference():
    assert translation_problems() == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_declared_response_has_words_in_every_language(language):
    missing = DECLARED - set(locales()[language])
    assert not missing, f"locales/{language}/ has no text for {sorted(missing)}"


def test_every_chat_response_of_the_locale_files_is_declared_in_the_domain():
    chat = {name for name in locales()[DEFAULT_LANGUAGE] if name.startswith("utter_")}
    assert chat - DECLARED == set(), "not in domain.yml's responses"


def test_the_domain_declares_names_only():
    # The words live in the locale files alone; a text left in the domain would be a second copy.
    assert all(variations == [{"custom": {"words": "locales"}}]
               for variations in DOMAIN["responses"].values())


def test_every_offer_of_the_catalog_has_its_words_once_and_no_other_offer_has():
    names = set(locales()[DEFAULT_LANGUAGE])
    offers = {offer.id for offer in load_catalog().offers}
    worded = {n for n in names if n.startswith("offer_")}
    retention = {n for n in names if n.startswith("utter_retention_offer_")}
    assert worded | retention == {offer_phrase(offer) for offer in offers}
    # An offer with a chat response has no second phrase of its own.
    assert not {f"offer_{n.removeprefix('utter_retention_offer_')}" for n in retention} & worded


def test_chat_responses_take_plain_placeholders_only():
    # Rasa fills a chat response's {name} with a value the action wrote out; a format such as
    # {x:percent} is the phrases' and Rasa would not apply it.
    formatted = {name for name, variations in locales()[DEFAULT_LANGUAGE].items()
                 if name.startswith("utter_")
                 for v in variations for _, spec in placeholders(v["text"]) if spec}
    assert formatted == set()


def test_rasa_words_the_responses_with_the_locale_generator_and_a_language_slot():
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    assert endpoints["nlg"] == {"type": "rasa_components.nlg.LocaleNaturalLanguageGenerator"}
    slot = DOMAIN["slots"]["language"]
    assert (slot["type"], slot["initial_value"], slot["influence_conversation"]) == (
        "text", DEFAULT_LANGUAGE, False)


# -- the words clients answer with (answers: in locales/<language>/answers.yml) ---------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_answer_words_for_every_choice_and_no_unknown_id(language):
    assert vocabulary_problems(language) == []


@pytest.fixture
def answer_folder(tmp_path, monkeypatch):
    """A copy of the locale files with a language "xx" whose answers.yml a test may change."""
    folder = LocaleFolder.copy_of_repository(tmp_path)
    monkeypatch.setenv("LOCALES_DIR", str(folder.path))
    folder.copy_language("en", "xx")
    path = folder.path / "xx" / "answers.yml"
    return path, yaml.safe_load(path.read_text(encoding="utf-8"))


def _save(path, data):
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_answer_words_that_lack_an_option_or_name_an_unknown_one_are_reported(answer_folder):
    path, data = answer_folder
    words = data["answers"]
    del words["risk_questions"]["max_loss"]["loss_20"]
    words["risk_questions"]["max_loss"]["loss_50"] = ["half"]
    words["risk_questions"]["mood"] = {"happy": ["great"]}
    words["goal"]["yacht"] = ["boat"]
    del words["income_stability"]
    words["goal"]["income"].append("house")  # also a word of major_purchase
    del words["negations"]
    _save(path, data)
    assert sorted(vocabulary_problems("xx")) == sorted([
        "locales/xx/answers.yml: no negations",
        "locales/xx/answers.yml: risk_questions.mood is not a question of the questionnaire",
        "locales/xx/answers.yml: goal.yacht is not an option of goal",
        "locales/xx/answers.yml: goal: 'house' is under both major_purchase and income",
        "locales/xx/answers.yml: no words for income_stability",
        "locales/xx/answers.yml: risk_questions.max_loss.loss_50 is not an option of "
        "risk_questions.max_loss",
        "locales/xx/answers.yml: risk_questions.max_loss.loss_20 has no words",
    ])


def test_a_language_without_answer_words_is_reported_and_borrows_none(answer_folder):
    path, _ = answer_folder
    path.unlink()
    for other in path.parent.glob("*.yml"):  # words kept beside their concern (leaving.yml)
        data = yaml.safe_load(other.read_text(encoding="utf-8"))
        if data.pop("answers", None) is not None:
            _save(other, data)
    assert vocabulary_problems("xx") == ["locales/xx/ has no 'answers:' section (answers.yml)"]
    assert answer_words("xx") == {}
    # A language with no folder at all is served, words included, by the default language.
    assert answer_words("fr") == answer_words(DEFAULT_LANGUAGE) != {}


def test_answer_words_are_read_beside_the_responses_and_once_per_name(answer_folder):
    path, data = answer_folder
    assert data["responses"] == {}  # no sentence of the chat lives there
    assert set(locales()["xx"]) == set(locales()[DEFAULT_LANGUAGE])
    (path.parent / "more.yml").write_text(
        "responses: {}\nanswers:\n  negations: [nope]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"answers.negations is also in answers.yml"):
        answer_words("xx")
    (path.parent / "more.yml").write_text("responses: {}\nanswers: [nope]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"more.yml: expected 'answers:', a mapping"):
        answer_words("xx")


def test_a_language_may_borrow_the_letter_words_of_a_known_language_only(answer_folder):
    path, data = answer_folder
    data["answers"]["borrowed_from"] = ["zh", "xx", "klingon"]
    _save(path, data)
    assert sorted(vocabulary_problems("xx")) == [
        "locales/xx/answers.yml: borrowed_from: 'klingon' is not a language of locales/",
        "locales/xx/answers.yml: borrowed_from: 'xx' is not a language of locales/",
    ]
    data["answers"]["borrowed_from"] = "zh"
    _save(path, data)
    assert vocabulary_problems("xx") == ["locales/xx/answers.yml: borrowed_from must be a list"]


def test_a_language_typed_by_sound_names_a_known_transcription(answer_folder):
    path, data = answer_folder
    data["answers"]["homophones"] = "morse"
    _save(path, data)
    assert vocabulary_problems("xx") == [
        "locales/xx/answers.yml: homophones must be one of pinyin, not 'morse'"]


@pytest.mark.parametrize("key", ["negation_reach", "gap_reach"])
@pytest.mark.parametrize("reach", [0, "six", True])
def test_a_reach_is_a_whole_number_of_words(answer_folder, key, reach):
    path, data = answer_folder
    data["answers"][key] = reach
    _save(path, data)
    assert vocabulary_problems("xx") == [
        f"locales/xx/answers.yml: {key} must be a whole number of words, 1 or more, "
        f"not {reach!r}"]


@pytest.mark.parametrize("threshold", [0, 1.5, "half", True])
def test_a_likeness_threshold_is_a_probability(answer_folder, threshold):
    path, data = answer_folder
    data["answers"]["likeness_threshold"] = threshold
    _save(path, data)
    assert vocabulary_problems("xx") == [
        "locales/xx/answers.yml: likeness_threshold must be a probability over 0 and at most 1, "
        f"not {threshold!r}"]
