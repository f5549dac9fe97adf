"""The field sets (tests/field/<language>.yml) are never trained on, and each is large and well
formed enough for bench/field_set to judge.

Every field message is compared with every training example of data/ (every language), read by
Rasa's own loaders and normalised as the intent classifier reads them, with the held-out NLU set's
measure (tests/support/held_out.py): no message may equal a training example or come within
``NEAR_COPY`` of one. Chinese is written without spaces, so a run of Han characters is one word to
the word analyser: there each character counts as a word (the classifier's character n-grams see
them one by one), and a message one character away from a training example is a near copy.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml
from support.held_out import copies, fail_on_copies, fail_on_near_copies, rasa_examples

from bench.field_set.schema import FIELD_SET, LANGUAGES, form_slots, load, load_domain
from bench.nlu_quality import ROOT
from rasa_components.linear_intents import words

MIN_MESSAGES = 400
#: Free-word answers to each question of the onboarding form.
MIN_PER_QUESTION = 25
#: Messages of each everyday-question topic (faq_*).
MIN_PER_EVERYDAY_TOPIC = 12


#: A Han character (CJK unified ideographs, extension A and the compatibility block).
HAN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")


def by_character(text: str) -> str:
    """``text`` with each Han character set apart, so that the classifier's words are characters
    there (other text is left as it is)."""
    return HAN.sub(r" \1 ", text)


@pytest.fixture(scope="module")
def training():
    """(text, intent) of each training example of data/, as Rasa reads them."""
    (examples,) = rasa_examples(ROOT / "data")
    assert examples, "Rasa read no intent examples from data/"
    return [(by_character(text), intent) for text, intent in examples]


@pytest.fixture(scope="module", params=LANGUAGES)
def field_set(request):
    return load(language=request.param)


@pytest.fixture(scope="module")
def pairs(field_set, training):
    """(text, topic) of each field message, and (text, intent) of each training example."""
    return [(by_character(m.text), m.topic) for m in field_set.messages], training


def test_a_chinese_message_a_character_away_from_a_training_example_is_a_near_copy():
    assert by_character("Is now a good time?") == "Is now a good time?"
    assert words(by_character("我想买ETF，3万")) == ["我", "想", "买", "etf", "0num0", "万"]
    trained = [("我想开户", "faq")]
    # One character added: a near copy on characters, an unrelated word to the word analyser.
    assert copies([(by_character("我想开个户"), "t")], [(by_character(t), i) for t, i in trained])
    assert not copies([("我想开个户", "t")], trained)
    assert not copies([(by_character("账户怎么弄"), "t")], [(by_character(t), i) for t, i in trained])


def test_no_field_message_is_a_training_example(pairs):
    fail_on_copies(*pairs, "field messages")


def test_no_field_message_is_a_near_copy_of_a_training_example(pairs):
    fail_on_near_copies(*pairs, "field messages")


def test_every_message_has_a_known_topic_context_and_expectation(field_set):
    assert field_set.problems == [], "\n".join(field_set.problems)


def test_the_set_is_large_enough(field_set):
    topics = Counter(m.topic for m in field_set.messages)
    assert len(field_set.messages) >= MIN_MESSAGES
    everyday = {t: n for t, n in topics.items() if t.startswith("faq_")}
    assert set(everyday) == {f"faq_{t}" for t in field_set.expectations["faq"]}
    few = {t: n for t, n in everyday.items() if n < MIN_PER_EVERYDAY_TOPIC}
    assert not few, f"everyday-question topics under {MIN_PER_EVERYDAY_TOPIC} messages: {few}"


@pytest.mark.parametrize("slot", form_slots(load_domain()))
def test_every_form_question_has_enough_free_word_answers(field_set, slot):
    answers = [m for m in field_set.messages if m.topic == f"answer_{slot}"]
    assert len(answers) >= MIN_PER_QUESTION
    wrong = [m.text for m in answers if m.context != f"asked: {slot}"
             or m.expect.get("slot", {}).get("name") != slot]
    assert not wrong, f"answers to {slot} not asked there or not expecting that slot: {wrong}"


def test_every_message_of_the_chinese_set_is_written_in_chinese():
    field_set = load(language="zh")
    assert field_set.language == "zh"
    assert not [m.text for m in field_set.messages if not HAN.search(m.text)]
    traditional = [m.text for m in field_set.messages if set(m.text) & set("們麼嗎個這錢買賣還")]
    assert len(traditional) >= 5, f"only {len(traditional)} messages in traditional characters"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_schema_check_names_each_problem(tmp_path, language):
    data = yaml.safe_load(FIELD_SET[language].read_text(encoding="utf-8"))
    first = dict(data["messages"][0])
    data["messages"] += [
        {**first},  # the same text again
        {**first, "text": "a", "topic": "gossip"},
        {**first, "text": "b", "context": "asked: favourite_colour"},
        {**first, "text": "c", "context": "asked: goal", "expect": {"slot": {"name": "goal",
                                                                             "value": "yacht"}}},
        {**first, "text": "d", "expect": {"flow": "explain:crypto"}},
        {**first, "text": "e", "expect": {"faq": "fees", "flow": "welcome"}},
        {**first, "text": "f", "expect": {"prefill": {"age": 140}}},
        {**first, "text": "g", "mood": "grumpy"},
    ]
    data["contexts"].append("asked: favourite_colour")
    data["language"] = "tlh"
    path = tmp_path / f"{language}.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = "\n".join(load(path).problems)
    for fragment in ["context 'asked: favourite_colour': the bench cannot put a conversation",
                     "the same text as message 0", "topic 'gossip' is not in the topics list",
                     "slot goal: 'yacht' is not one of", "flow 'explain:crypto' is not one of",
                     "expect must be one of slot, intent", "prefill age: 140 is outside 18 to 100",
                     "keys ['context', 'expect', 'mood', 'text', 'topic']",
                     "language 'tlh' is not one of en, zh"]:
        assert fragment in problems
    assert len(load(path).problems) == 9


def test_a_field_set_of_another_language_than_asked_for_is_named(monkeypatch, tmp_path):
    path = tmp_path / "zh.yml"
    path.write_text(FIELD_SET["en"].read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setitem(FIELD_SET, "zh", path)
    assert load(language="zh").problems == ["zh.yml says its language is 'en', not 'zh'"]
    with pytest.raises(ValueError, match="no field set for language 'fr'; languages: en, zh"):
        load(language="fr")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_field_set_without_its_lists_is_refused(tmp_path, language):
    data = yaml.safe_load(FIELD_SET[language].read_text(encoding="utf-8"))
    del data["topics"]
    path = tmp_path / f"{language}.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="missing top-level key.s. topics"):
        load(path)
