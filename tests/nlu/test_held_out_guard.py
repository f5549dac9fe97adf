"""The held-out phrasings (tests/nlu/unseen.yml) are really held out: none of them is, to the intent
classifier, a training example or a near copy of one.

Both sides are read by Rasa's own loaders, as `rasa train` and `rasa test nlu` read them (entity
annotations removed, repeated examples merged, every file under data/), and compared as the
classifier sees them: :func:`rasa_components.linear_intents.words`, i.e. lower-cased, every number
one token, punctuation dropped. "I'm 27" and "actually, I'm 39" are therefore the same phrasings as
the training examples "I'm 42" and "actually I'm 50".
"""

from __future__ import annotations

import pytest
from support.held_out import NEAR_COPY, copies, fail_on_copies, fail_on_near_copies, rasa_examples

from bench.nlu_quality import HELD_OUT, ROOT


@pytest.fixture(scope="module")
def examples() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    held_out, training = rasa_examples(HELD_OUT, ROOT / "data")
    assert held_out and training, "Rasa read no intent examples"
    return held_out, training


def test_the_measure_catches_copies_and_near_copies_but_not_shared_topics():
    training = [("I'm 42", "inform"), ("stop the questionnaire", "stop"),
                ("what if I invest 500 a month", "what_if_monthly"),
                ("should I buy Tesla stock?", "individual_security"),
                ("I want to put my savings to work", "start_onboarding")]
    held_out = [("I'M 27!", "inform"),  # equal once normalised
                ("stop the questionnaire please", "stop"),  # one word more
                ("what if I invested 1,200 a month", "what_if_monthly"),  # one word and a number
                ("should I buy Nvidia stock now", "individual_security"),  # one changed, one more
                ("I want advice on where to put my savings", "start_onboarding"),  # a frame only
                ("I'm done answering", "stop")]
    found = {(text, other): ratio for ratio, text, _, other, _ in copies(held_out, training)}
    assert found == {
        ("I'M 27!", "I'm 42"): 1.0,
        ("stop the questionnaire please", "stop the questionnaire"): pytest.approx(6 / 7),
        ("what if I invested 1,200 a month", "what if I invest 500 a month"): pytest.approx(6 / 7),
        ("should I buy Nvidia stock now", "should I buy Tesla stock?"): pytest.approx(8 / 11),
    }


def test_the_checks_fail_naming_each_copy_once():
    training = [("I'm 42", "inform"), ("stop the questionnaire", "stop")]
    held_out = [("I'M 27!", "inform"), ("stop the questionnaire please", "stop"),
                ("I'm done answering", "stop")]
    with pytest.raises(pytest.fail.Exception) as copy:
        fail_on_copies(held_out, training, "phrasings")
    assert str(copy.value).splitlines() == [
        "1 phrasings equal a training example once normalised (lower case, numbers as one "
        "token, no punctuation):",
        "  1.00  \"I'M 27!\" (inform)  ~  \"I'm 42\" (inform)"]
    with pytest.raises(pytest.fail.Exception) as near:
        fail_on_near_copies(held_out, training, "phrasings")
    assert str(near.value).splitlines() == [
        f"1 phrasings are near copies of training examples (word similarity >= {NEAR_COPY}):",
        "  0.86  'stop the questionnaire please' (stop)  ~  'stop the questionnaire' (stop)"]
    fail_on_copies(held_out[1:], training, "phrasings")
    fail_on_near_copies(held_out[2:], training, "phrasings")


def test_no_held_out_phrasing_is_a_training_example(examples):
    fail_on_copies(*examples, "held-out phrasings")


def test_no_held_out_phrasing_is_a_near_copy_of_a_training_example(examples):
    fail_on_near_copies(*examples, "held-out phrasings")
