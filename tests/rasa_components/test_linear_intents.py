"""The intent model behind the NLU pipeline (rasa_components/linear_intents.py), trained on the
project's own training data: what it understands, how it is stored and what it refuses.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import yaml

from bench.nlu_quality import ROOT
from rasa_components.linear_intents import (
    CODE_TOKEN,
    NUMBER_TOKEN,
    LinearIntentModel,
    normalise,
    pattern_text,
    words,
)

ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def _training_data() -> tuple[list[str], list[str], dict[str, str]]:
    texts, intents, grouped = [], [], {}
    for path in sorted((ROOT / "data").glob("nlu*.yml")):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            lines = [line.strip().removeprefix("- ").strip()
                     for line in block["examples"].splitlines() if line.strip()]
            if "intent" in block:
                texts += [ANNOTATION.sub(r"\1", line) for line in lines]
                intents += [block["intent"]] * len(lines)
            elif "regex" in block:
                grouped.setdefault(block["regex"], []).extend(lines)
    patterns = {name: "|".join(f"(?:{p})" for p in rows) for name, rows in grouped.items()}
    return texts, intents, patterns


@pytest.fixture(scope="module")
def model() -> LinearIntentModel:
    texts, intents, patterns = _training_data()
    return LinearIntentModel.fit(texts, intents, patterns)


def test_the_data_names_the_direction_cues():
    _, _, patterns = _training_data()
    assert {"cue_too_safe", "cue_too_risky", "cue_towards_safe", "cue_towards_risky"} <= set(patterns)


@pytest.mark.parametrize(("text", "intent"), [
    ("make it more conservative", "less_risk"),
    ("this is too conservative for someone my age", "more_risk"),
    ("put more into bonds", "less_risk"),
    ("far too much in bonds for me", "more_risk"),
    ("that's more volatility than I can take", "less_risk"),
    ("I'd like to know more about shares", "explain"),
])
def test_the_direction_of_a_risk_change_comes_from_how_the_words_combine(model, text, intent):
    assert model.rank(text, 1)[0][0] == intent


def _chinese_patterns() -> dict[str, str]:
    grouped: dict[str, list[str]] = {}
    for block in yaml.safe_load((ROOT / "data/zh/nlu_direction.yml").read_text())["nlu"]:
        if "regex" not in block:
            continue
        grouped.setdefault(block["regex"], []).extend(
            line.strip().removeprefix("- ") for line in block["examples"].splitlines() if line.strip())
    return {name: "|".join(f"(?:{p})" for p in rows) for name, rows in grouped.items()}


@pytest.mark.parametrize(("words_cut", "cue"), [
    ("太 激进 了", "cue_too_risky"), ("太 保守 了", "cue_too_safe"),
    ("别 这么 保守", "cue_away_from_safe"), ("不要 那么 多 股票", "cue_away_from_risky"),
    ("能 不能 再 冒险 一些", "cue_towards_risky"), ("再稳 一点 吧", "cue_towards_safe"),
    ("股票 比例 降 一 降", "cue_away_from_risky"), ("债券 多 一点", "cue_towards_safe"),
    # A notch, a change of kind, a cut, risk taken in fewer or more words.
    ("降 一档", "cue_away_from_risky"), ("高 一级", "cue_towards_risky"),
    ("换成 低 风险", "cue_towards_safe"), ("换个 高收益 的", "cue_towards_risky"),
    ("股票 砍 一半", "cue_away_from_risky"), ("少 冒点 险", "cue_away_from_risky"),
    ("多 冒点 险", "cue_towards_risky"), ("不想 承担 那么 大 的 风险", "cue_too_risky"),
    ("太 温吞 了", "cue_too_safe"), ("悠着点", "cue_towards_safe"),
    ("进攻型 一点", "cue_towards_risky"), ("风险 调到 最低", "cue_away_from_risky"),
])
def test_chinese_direction_patterns_read_jieba_s_words_as_typed(words_cut, cue):
    """A Chinese message reaches the model as jieba's words joined by spaces; its direction
    patterns match the message as typed, and only the named cue fires."""
    patterns = _chinese_patterns()
    assert pattern_text(words_cut) == words_cut.replace(" ", "")
    model = LinearIntentModel.fit(["太 激进 了", "太 保守 了", "hello there", "bye now"],
                                  ["less_risk", "more_risk", "greet", "goodbye"], patterns)
    cues = model.features([words_cut]).toarray()[0, -len(patterns):]
    assert [name for name, on in zip(patterns, cues, strict=True) if on] == [cue]


def test_pattern_text_keeps_the_spaces_of_other_scripts():
    assert pattern_text("too risky 太 激进") == "too risky 太激进"
    assert pattern_text("more in shares") == "more in shares"


def test_amounts_look_alike_to_the_classifier():
    assert normalise("I can put in $1,200 a month") == normalise("I can put in 45 a month")
    assert NUMBER_TOKEN.strip() in normalise("about 1.5 million")
    # A number inside a word is not an amount.
    assert normalise("3rd of may") == "3rd of may"


def test_a_security_s_code_is_one_token_and_a_sum_another():
    assert normalise("510300能买吗") == CODE_TOKEN + "能买吗"
    assert normalise("should I buy 600519") == normalise("should I buy 000001")
    assert CODE_TOKEN.strip() not in normalise("I have 300750 saved")
    # Chinese is read as jieba's words joined by spaces: a code is still told by its neighbours.
    assert normalise("510300 现在 可以 入手 吗") == CODE_TOKEN + " 现在 可以 入手 吗"


def test_the_whole_text_character_block_reads_across_words_and_is_stored(tmp_path):
    texts = ["怎么 开户", "开户 流程", "在 哪里 开户", "你们 怎么 运作", "运作 方式 是 什么",
             "怎么 帮 我 配置"]
    intents = ["open_account"] * 3 + ["how_it_works"] * 3
    plain = LinearIntentModel.fit(texts, intents)
    whole = LinearIntentModel.fit(texts, intents, text_char_ngrams=(1, 2))
    # One column per character and character pair of the text without spaces ("么开" included).
    assert "么开" in whole.text_char_vocabulary and "么开" not in whole.char_vocabulary
    assert whole.features(texts).shape[1] == plain.features(texts).shape[1] + len(
        whole.text_char_vocabulary)
    whole.save(tmp_path)
    again = LinearIntentModel.load(tmp_path)
    assert again.text_char_ngrams == (1, 2)
    assert np.allclose(again.probabilities(texts), whole.probabilities(texts))
    # A model saved without the block reads back without it.
    plain.save(tmp_path / "plain")
    assert LinearIntentModel.load(tmp_path / "plain").text_char_ngrams is None


def test_words_are_the_words_the_word_analyser_counts(model):
    texts, _, _ = _training_data()
    unigrams = {gram for gram in model.word_vocabulary if " " not in gram}
    assert unigrams == {word for text in texts for word in words(text)}
    assert words("Actually, I'M 39!") == ["actually", "i", "m", NUMBER_TOKEN.strip()]


def test_probabilities_cover_every_intent_and_sum_to_one(model):
    rows = model.probabilities(["hello", "", "what if I retire at 60", "zzzz qqqq"])
    assert rows.shape == (4, len(model.classes))
    assert np.allclose(rows.sum(axis=1), 1.0)
    assert (rows >= 0).all()
    ranking = model.rank("hello", 5)
    assert [name for name, _ in ranking][0] == "greet"
    assert [p for _, p in ranking] == sorted((p for _, p in ranking), reverse=True)


def test_a_saved_model_reads_back_identical_and_holds_no_pickles(model, tmp_path):
    model.save(tmp_path)
    again = LinearIntentModel.load(tmp_path)
    texts = ["hi there", "too risky for me", "I want to close my account", "500 a month"]
    assert np.allclose(model.probabilities(texts), again.probabilities(texts))
    assert again.classes == model.classes and again.patterns == model.patterns
    # Plain arrays: loading never unpickles (np.load refuses object arrays without allow_pickle).
    with np.load(tmp_path / "arrays.npz", allow_pickle=False) as arrays:
        assert all(arrays[name].dtype != object for name in arrays.files)


def test_training_refuses_bad_input_with_a_clear_message():
    with pytest.raises(ValueError, match="cue_broken"):
        LinearIntentModel.fit(["hi", "bye"], ["greet", "goodbye"], {"cue_broken": "(unclosed"})
    with pytest.raises(ValueError, match="two intents"):
        LinearIntentModel.fit(["hi", "hello"], ["greet", "greet"])
    with pytest.raises(ValueError, match="as many intents as texts"):
        LinearIntentModel.fit(["hi"], ["greet", "goodbye"])


def test_a_text_with_nothing_the_model_knows_gets_no_intent_over_another():
    toy = LinearIntentModel.fit(["yes", "sure thing", "ok", "yep", "no", "hello there"],
                                ["affirm", "affirm", "affirm", "affirm", "deny", "greet"])
    unknown, emoji, known = toy.probabilities(["诶", "🤔", "yes"])
    # The intercepts alone would favour one intent; with no feature, each is as likely.
    assert unknown == pytest.approx([1 / 3] * 3)
    assert emoji == pytest.approx([1 / 3] * 3)
    assert toy.classes[int(np.argmax(known))] == "affirm"
    # The padding spaces every word gets are no feature: "诶" shares only them with the data.
    assert toy.features(["诶"]).nnz > 0
