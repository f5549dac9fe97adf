"""The reason a leaving client gives in their own words, in English, Chinese (simplified or
traditional) or a mix of both, read by the cues of the locale files."""

from __future__ import annotations

import pytest
import yaml
from action_harness import run, said, tracker

from actions.leaving import REASON_CUES, REASONS, ValidateLeavingForm, match_reason, reason_words
from engine.wording import answer_words
from engine.wording import locales as languages


@pytest.mark.parametrize(("text", "reason"), [
    ("手续费太贵了", "fees"),
    ("你们收费太高", "fees"),
    ("管理费比别家高多了", "fees"),
    # Moving elsewhere because it is cheaper is about the fees, as in English.
    ("别家更便宜，我要换一家", "fees"),
    # A longer cue of another reason wins over the shorter one inside it.
    ("服务费太高", "fees"),
    ("这两年一直亏钱", "performance"),
    ("收益差，还不如存银行", "performance"),
    ("买了就跌，被套了", "performance"),
    ("急用钱", "need_money"),
    ("家里要用钱，买房付首付", "need_money"),
    ("我失业了，需要把钱取出来", "need_money"),
    ("准备转到别的平台", "moving"),
    ("以后想自己投", "moving"),
    ("服务太差了，客服不回消息", "service"),
    ("app老是闪退", "service"),
    ("ＡＰＰ太卡顿", "service"),
    # Traditional characters read as simplified ones.
    ("手續費太貴了", "fees"),
    ("這兩年一直虧錢", "performance"),
    ("急用錢", "need_money"),
    ("準備轉到別的平台", "moving"),
    ("服務太差了", "service"),
    # Service that cannot be reached, returns below a deposit's, money needed for a family matter.
    ("客服电话一直打不进去", "service"), ("有问题总是推来推去", "service"),
    ("放你们这还不如存定期", "performance"), ("家里有急事", "need_money"),
    ("要做生意", "need_money"),
    # English words in a Chinese message, and the English cues as before.
    ("fee太高了", "fees"),
    ("your fees are way too high", "fees"),
    ("I lost my job", "need_money"),
    ("the app is slow", "service"),
])
def test_a_typed_reason_is_read_in_either_language(text, reason):
    assert match_reason(text) == reason


@pytest.mark.parametrize("text", [
    # Asking for a person names no reason: the form leaves the question to the handoff rules.
    "转人工", "找客服", "我要人工服务", "我要跟真人说", "帮我找客户经理",
    # Words that only contain a cue's letters, and reasons the cues do not know.
    "feeling bored", "我老婆管钱了", "没什么特别的原因",
])
def test_words_that_name_no_reason_give_none(text):
    assert match_reason(text) is None


def test_a_chinese_reason_fills_the_leaving_form(domain):
    text = "你们的管理费太贵了"
    state = tracker(slots={"requested_slot": "leaving_reason", "language": "zh"}, text=text,
                    candidates={"leaving_reason": text}, active_loop="leaving_form")
    messages, slots = run(ValidateLeavingForm(), state, domain)
    assert slots["leaving_reason"] == "fees"
    assert said(messages, domain) == []


def test_an_unknown_chinese_reason_is_kept_in_the_client_s_words(domain):
    text = "家里人不同意"
    state = tracker(slots={"requested_slot": "leaving_reason", "language": "zh"}, text=text,
                    candidates={"leaving_reason": text}, active_loop="leaving_form")
    _, slots = run(ValidateLeavingForm(), state, domain)
    assert slots["leaving_reason"] == "other: 家里人不同意"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_language_has_cues_for_every_reason_but_other(language):
    cues = answer_words(language)[REASON_CUES]
    assert list(cues) == [r for r in REASONS if r != "other"]
    assert all(cues[r] and all(isinstance(c, str) and c.strip() for c in cues[r]) for r in cues)


def test_the_cues_of_every_language_are_read_in_the_engine_s_order():
    words = reason_words()
    assert list(words) == [r for r in REASONS if r != "other"]
    for language in languages():
        for reason, cues in answer_words(language)[REASON_CUES].items():
            assert {" ".join(c.lower().split()) for c in cues} <= set(words[reason])


def test_cues_for_a_reason_the_engine_does_not_know_are_refused_by_name(locales):
    path = locales.path / "zh" / "leaving.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["answers"][REASON_CUES]["boredom"] = ["无聊"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match=r"locales/zh/: leaving_reasons names unknown leaving "
                                         r"reasons: boredom; the reasons are fees, performance"):
        match_reason("太无聊了")
