"""Typed answers in Chinese, read with locales/zh/answers.yml: Chinese has no spaces, so every
character is a word and a cue is its characters in order; negations such as 不 turn the cue after
them; figures in Chinese numerals or with a bound after them ("30%以上") are read as figures."""

from __future__ import annotations

import pytest

from actions.answers import match_figure_words, match_goal, match_income_stability, match_option
from engine.questionnaire import option_titles, questionnaire
from engine.wording import texts

QUESTIONS = {q.id: q for q in questionnaire().questions}


def option(question_id: str, text: str) -> str | None:
    question = QUESTIONS[question_id]
    return match_option(question, text, option_titles(question, texts("zh")), "zh")


@pytest.mark.parametrize(("text", "goal"), [
    ("养老", "retirement"), ("为了退休以后的生活", "retirement"), ("存点钱以后养老", "retirement"),
    ("买房首付", "major_purchase"), ("想三年后买车", "major_purchase"),
    ("子女教育", "education"), ("想给孩子攒教育金", "education"),
    ("财富增值", "wealth_building"), ("没有具体目标，就是让钱增值", "wealth_building"),
    ("每个月有点被动收入", "income"), ("保本就行", "capital_preservation"),
])
def test_goals_in_chinese(text, goal):
    found = match_goal(text, "zh")
    assert found is not None and found.value == goal


@pytest.mark.parametrize(("text", "stability"), [
    ("稳定", "stable"), ("很稳定，公务员", "stable"), ("是的", "stable"),
    ("比较稳定", "somewhat_stable"), ("不太稳定", "unstable"), ("不完全稳定", "somewhat_stable"), ("底薪加提成", "somewhat_stable"),
    ("还行吧", "somewhat_stable"),
    ("不稳定", "unstable"), ("合同快到期了", "unstable"), ("自由职业，收入不固定", "unstable"),
])
def test_income_stability_in_chinese(text, stability):
    found = match_income_stability(text, "zh")
    assert found is not None and found.value == stability


@pytest.mark.parametrize(("question", "text", "answer"), [
    ("loss_reaction", "全部卖出", "sell_all"), ("loss_reaction", "清仓", "sell_all"),
    ("loss_reaction", "我会卖掉一部分", "sell_some"), ("loss_reaction", "不全卖，卖一点", "sell_some"),
    ("loss_reaction", "拿着不动", "hold"), ("loss_reaction", "不会卖，等反弹", "hold"),
    ("loss_reaction", "想卖，但还是拿着吧", "hold"), ("loss_reaction", "可能持有吧", "hold"),
    ("loss_reaction", "加仓抄底", "buy_more"),
    ("loss_reaction", "第二个", "sell_some"), ("loss_reaction", "3", "hold"),
    ("loss_reaction", "最后一个", "buy_more"),
    ("max_loss", "10%", "loss_10"), ("max_loss", "百分之十", "loss_10"),
    ("max_loss", "最多亏20%", "loss_20"), ("max_loss", "一点都不能亏", "loss_5"),
    ("max_loss", "5%以内", "loss_5"), ("max_loss", "无所谓", "loss_over_30"),
    ("max_loss", "超过30%", "loss_over_30"), ("max_loss", "能接受30%以上", "loss_over_30"),
    ("max_loss", "三分之一", "loss_over_30"), ("max_loss", "五分之一", "loss_20"),
    ("return_priority", "保本", "protect_capital"), ("return_priority", "保守", "protect_capital"),
    ("return_priority", "稳健", "steady_income"), ("return_priority", "平衡", "balanced_growth"),
    ("return_priority", "兼顾增长和稳定", "balanced_growth"),
    ("return_priority", "积极", "strong_growth"), ("return_priority", "激进", "maximum_growth"),
    ("return_priority", "追求最大增长", "maximum_growth"),
    ("risk_self_view", "保守", "avoider"), ("risk_self_view", "比较谨慎", "cautious"),
    ("risk_self_view", "稳健", "cautious"), ("risk_self_view", "理性", "calculated"),
    ("risk_self_view", "平衡", "calculated"), ("risk_self_view", "敢于冒险", "risk_taker"),
    ("risk_self_view", "不怕风险", "risk_taker"), ("risk_self_view", "激进", "risk_taker"),
    ("gamble_choice", "确定拿1000", "sure_1000"), ("gamble_choice", "稳拿一千", "sure_1000"),
    ("gamble_choice", "50%的那个", "half_2500"), ("gamble_choice", "2500", "half_2500"),
    ("gamble_choice", "赌一把8000", "quarter_8000"),
    ("outcome_range", "最窄的", "narrow"), ("outcome_range", "中等", "moderate"),
    ("outcome_range", "最多亏1500", "wide"), ("outcome_range", "8500到12300", "wide"),
    ("outcome_range", "最宽", "widest"),
    # Both ends in Chinese number words: each end is read, not their middle.
    ("outcome_range", "八千五到一万二", "wide"), ("outcome_range", "九千八到一万零五百", "narrow"),
    ("outcome_range", "七千二至一万三千八", "widest"), ("outcome_range", "大概8500到12000之间", "wide"),
    ("experience", "没有经验", "none"), ("experience", "小白", "none"), ("experience", "没有", "none"),
    ("experience", "买过基金", "some"), ("experience", "有一些", "some"), ("experience", "3年", "some"),
    ("experience", "经验丰富", "extensive"), ("experience", "炒股10年了", "extensive"),
    ("experience", "炒股十年了", "extensive"),
])
def test_risk_answers_in_chinese(question, text, answer):
    assert option(question, text) == answer


@pytest.mark.parametrize(("question", "text"), [
    ("loss_reaction", "什么是加仓？"),  # a question back
    ("loss_reaction", "不知道"),  # not knowing
    ("loss_reaction", "不卖也不持有"),  # a negation spoken against the only option named
])
def test_no_answer_in_chinese_is_asked_again(question, text):
    assert option(question, text) is None


def test_a_negation_turns_the_cue_after_it():
    assert option("loss_reaction", "我会清仓") == "sell_all"
    assert option("loss_reaction", "我不会清仓") is None
    assert option("loss_reaction", "不想清仓，等反弹") == "hold"
    assert option("loss_reaction", "我不加仓，拿着") == "hold"


def test_a_bound_after_a_figure_is_read_as_a_bound():
    # "30%" alone is the option "about 30 %"; "30%以上" is above it, "10%以下" below 10 %.
    assert option("max_loss", "30%") == "loss_30"
    assert option("max_loss", "30%以上") == "loss_over_30"
    assert option("max_loss", "大概20%以下吧") == "loss_20"


@pytest.mark.parametrize(("slot", "text", "answer"), [
    ("target_amount", "没有目标", "none"), ("target_amount", "翻倍", "double"),
    ("horizon_years", "退休的时候", "retirement"), ("horizon_years", "按您说的", "default"),
])
def test_figure_questions_answered_in_chinese_words(slot, text, answer):
    assert match_figure_words(slot, text, "zh") == answer


@pytest.mark.parametrize(("question", "text", "answer"), [
    # A Chinese numeral alone names an option's place where the options are no figures.
    ("loss_reaction", "三", "hold"), ("loss_reaction", "二", "sell_some"),
    # Said as a place ("选", "选项", "号"), a numeral or digit is one wherever it stands.
    ("loss_reaction", "选三吧", "hold"), ("loss_reaction", "2号", "sell_some"),
    ("max_loss", "选三", "loss_20"), ("max_loss", "三号", "loss_20"),
    ("max_loss", "我选2", "loss_10"), ("max_loss", "选项三", "loss_20"),
    ("outcome_range", "选三", "wide"), ("outcome_range", "2号", "moderate"),
    # A bare numeral where the options are figures may be either: asked again.
    ("max_loss", "三", None), ("max_loss", "5", None), ("outcome_range", "三", None),
    # With a unit it is a figure.
    ("max_loss", "三个点", "loss_5"),
])
def test_a_place_said_with_a_chinese_numeral(question, text, answer):
    assert option(question, text) == answer


@pytest.mark.parametrize(("question", "text"), [
    ("max_loss", "20%是什么意思"), ("max_loss", "亏20%是指本金亏20%吗？"),
    ("max_loss", "最多能亏多少？"), ("loss_reaction", "拿着不动是啥意思"),
    ("outcome_range", "这几个区间怎么算"), ("return_priority", "稳健和平衡有什么不同？"),
])
def test_a_chinese_question_in_an_answer_s_place_is_no_answer(question, text):
    assert option(question, text) is None


@pytest.mark.parametrize(("question", "text", "answer"), [
    # A question mark alone does not make a question of an answer.
    ("loss_reaction", "拿着吧？", "hold"), ("max_loss", "20%吧", "loss_20"),
])
def test_a_tentative_answer_is_still_an_answer(question, text, answer):
    assert option(question, text) == answer


@pytest.mark.parametrize(("question", "text", "answer"), [
    # Digits and Chinese units together read as one figure: 7,200 is the widest range's fall,
    # 11,000 the moderate range's top.
    ("outcome_range", "亏到7千2也行", "widest"), ("outcome_range", "1万1左右", "moderate"),
    # "一个" after a place counts options; "一个点" is a percentage point.
    ("outcome_range", "行吧最后一个", "widest"), ("max_loss", "最多亏一个点", "loss_5"),
    # Self-views in words a client might use.
    ("risk_self_view", "不喜欢风险", "cautious"), ("risk_self_view", "没把握的不碰", "calculated"),
    ("risk_self_view", "风险什么的离我远点", "avoider"), ("risk_self_view", "存银行最放心", "avoider"),
    ("risk_self_view", "有点担心风险", "cautious"), ("risk_self_view", "胆子不大", "cautious"),
    ("risk_self_view", "喜欢刺激但不会乱来", "calculated"),
    ("risk_self_view", "敢拼但讲方法", "calculated"),
])
def test_figures_and_places_in_chinese_answers(question, text, answer):
    assert option(question, text) == answer
