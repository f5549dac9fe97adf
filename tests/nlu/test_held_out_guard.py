"""The held-out phrasings (tests/nlu/unseen.yml in English, unseen_zh.yml in Chinese) are really
held out: none of them is, to the intent classifier, a training example or a near copy of one.

Both sides are read by Rasa's own loaders, as `rasa train` and `rasa test nlu` read them (entity
annotations removed, repeated examples merged, every file under data/), and compared as the
classifier sees them: :func:`rasa_components.linear_intents.words`, i.e. lower-cased, every number
one token, punctuation dropped. "I'm 27" and "actually, I'm 39" are therefore the same phrasings as
the training examples "I'm 42" and "actually I'm 50". Chinese phrasings are compared by their words
as jieba cuts them with the domain's dictionary, numbers (三十五, 一万二) as one token
(support.chinese_words).
"""

from __future__ import annotations

import pytest
from support.held_out import NEAR_COPY, copies, fail_on_copies, fail_on_near_copies, rasa_examples

from bench.nlu_quality import HELD_OUT, ROOT

#: The Chinese held-out phrasings, worded apart from data/zh/.
HELD_OUT_ZH = ROOT / "tests" / "nlu" / "unseen_zh.yml"


@pytest.fixture(scope="module", params=[HELD_OUT, HELD_OUT_ZH], ids=["en", "zh"])
def examples(request) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    held_out, training = rasa_examples(request.param, ROOT / "data")
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


def test_the_measure_reads_chinese_by_words_and_numbers_by_value():
    training = [("我今年42岁", "inform"), ("转人工", "request_human"),
                ("如果我每月投500呢", "what_if_monthly"), ("茅台股票能买吗？", "individual_security"),
                ("我想做个理财规划", "start_onboarding")]
    held_out = [("我今年三十五岁！", "inform"),  # equal once numbers are one token
                ("轉人工", "request_human"),  # 繁體 equals simplified
                ("如果我每月投一万二呢", "what_if_monthly"),  # 一万二 is a number
                ("五粮液股票能买吗", "individual_security"),  # one word changed in four
                ("我想找人帮我做理财规划", "start_onboarding"),  # a frame only
                ("我想找真人聊聊", "request_human")]
    found = {(text, other): ratio for ratio, text, _, other, _ in copies(held_out, training)}
    assert found == {
        ("我今年三十五岁！", "我今年42岁"): 1.0,
        ("轉人工", "转人工"): 1.0,
        ("如果我每月投一万二呢", "如果我每月投500呢"): 1.0,
        ("五粮液股票能买吗", "茅台股票能买吗？"): pytest.approx(0.8),
    }


def test_a_phrasing_opening_with_a_greeting_is_compared_without_it_too():
    # The classifier reads what follows a greeting on its own (lexicon/greetings.py), so
    # "您好，我想开户" is the example "我想开户" to it; greetings come from the greet examples.
    training = [("您好", "greet"), ("hi there", "greet"), ("我想开户", "start_onboarding"),
                ("what are your fees", "faq"), ("有人在吗", "greet")]
    held_out = [("您好！我想开户", "start_onboarding"), ("hi there, what are your fees?", "faq"),
                ("hi there, are you busy", "greet"),
                # The rest is compared with other intents' examples only: no copy of "有人在吗".
                ("您好，有人在吗", "greet")]
    found = {(text, other): ratio for ratio, text, _, other, _ in copies(held_out, training)}
    assert found == {("您好！我想开户", "我想开户"): 1.0,
                     ("hi there, what are your fees?", "what are your fees"): 1.0,
                     ("您好，有人在吗", "有人在吗"): pytest.approx(6 / 7)}


def test_the_checks_fail_naming_each_copy_once():
    training = [("I'm 42", "inform"), ("stop the questionnaire", "stop")]
    held_out = [("I'M 27!", "inform"), ("stop the questionnaire please", "stop"),
                ("I'm done answering", "stop")]
    with pytest.raises(pytest.fail.Exception) as copy:
        fail_on_copies(held_out, training, "phrasings")
    assert str(copy.value).splitlines() == [
        "1 phrasings equal a training example once normalised (lower case, numbers as one "
        "token, no punctuation):",
        "  1.00  a inform message  ~  \"I'm 42\" (inform)"]
    with pytest.raises(pytest.fail.Exception) as near:
        fail_on_near_copies(held_out, training, "phrasings")
    assert str(near.value).splitlines() == [
        f"1 phrasings are near copies of training examples (word similarity >= {NEAR_COPY}):",
        "  0.86  a stop message  ~  'stop the questionnaire' (stop)"]
    fail_on_copies(held_out[1:], training, "phrasings")
    fail_on_near_copies(held_out[2:], training, "phrasings")


def test_no_held_out_phrasing_is_a_training_example(examples):
    fail_on_copies(*examples, "held-out phrasings")


def test_no_held_out_phrasing_is_a_near_copy_of_a_training_example(examples):
    fail_on_near_copies(*examples, "held-out phrasings")
