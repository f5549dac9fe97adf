"""The field set (tests/field/en.yml) is never trained on, and it is large and well formed enough
for bench/field_set to judge.

Every field message is compared with every training example of data/, read by Rasa's own loaders
and normalised as the intent classifier reads them, with the held-out NLU set's measure
(tests/support/held_out.py): no message may equal a training example or come within
``NEAR_COPY`` of one.
"""

from __future__ import annotations

from collections import Counter

import pytest
import yaml
from support.held_out import fail_on_copies, fail_on_near_copies, rasa_examples

from bench.field_set.schema import FIELD_SET, form_slots, load, load_domain
from bench.nlu_quality import ROOT

MIN_MESSAGES = 400
#: Free-word answers to each question of the onboarding form.
MIN_PER_QUESTION = 25
#: Messages of each everyday-question topic (faq_*).
MIN_PER_EVERYDAY_TOPIC = 12


@pytest.fixture(scope="module")
def field_set():
    return load()


@pytest.fixture(scope="module")
def pairs(field_set):
    """(text, topic) of each field message, and (text, intent) of each training example."""
    (training,) = rasa_examples(ROOT / "data")
    assert training, "Rasa read no intent examples from data/"
    return [(m.text, m.topic) for m in field_set.messages], training


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


def test_the_schema_check_names_each_problem(tmp_path):
    data = yaml.safe_load(FIELD_SET.read_text(encoding="utf-8"))
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
    path = tmp_path / "en.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = "\n".join(load(path).problems)
    for fragment in ["context 'asked: favourite_colour': the bench cannot put a conversation",
                     "the same text as message 0", "topic 'gossip' is not in the topics list",
                     "slot goal: 'yacht' is not one of", "flow 'explain:crypto' is not one of",
                     "expect must be one of slot, intent", "prefill age: 140 is outside 18 to 100",
                     "keys ['context', 'expect', 'mood', 'text', 'topic']"]:
        assert fragment in problems
    assert len(load(path).problems) == 8


def test_a_field_set_without_its_lists_is_refused(tmp_path):
    data = yaml.safe_load(FIELD_SET.read_text(encoding="utf-8"))
    del data["topics"]
    path = tmp_path / "en.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="missing top-level key.s. topics"):
        load(path)
