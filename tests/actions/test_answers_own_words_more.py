"""More answers in people's own words: how long and how widely they have invested (futures and
options set a long experience apart from the shares it also names), how they see themselves
(搏一把, 算清楚再说, "I'd lose sleep over any loss"), goals (换辆车, 稳定的现金流) and pay
(退休金, 看项目), read with locales/<language>/answers.yml."""

from __future__ import annotations

import pytest

from actions.answers import match_goal, match_income_stability, match_option
from engine.questionnaire import option_titles, questionnaire
from engine.wording import texts

QUESTIONS = {q.id: q for q in questionnaire().questions}


def option(question_id: str, text: str, language: str) -> str | None:
    question = QUESTIONS[question_id]
    return match_option(question, text, option_titles(question, texts(language)), language)


@pytest.mark.parametrize(("language", "question_id", "text", "answer"), [
    ("zh", "experience", "没有任何投资经验", "none"), ("zh", "experience", "一直存死期", "none"),
    ("zh", "experience", "只会存钱", "none"),
    ("zh", "experience", "炒过股，不过没几年", "some"),
    ("zh", "experience", "买过基金，时间不长", "some"),
    ("zh", "experience", "买过一点基金，经验不算丰富", "some"),
    ("zh", "experience", "股票期货都做过", "extensive"),
    ("zh", "experience", "基金股票债券都玩了很多年", "extensive"),
    ("zh", "experience", "各种产品都买过", "extensive"),
    ("zh", "experience", "做过期权", "extensive"),
    ("en", "experience", "some stocks, nothing fancy", "some"),
    ("en", "experience", "some funds, a few years", "some"),
    ("en", "experience", "I've traded options", "extensive"),
    ("en", "experience", "shares and futures for twenty years", "extensive"),
    ("en", "experience", "no, I've never bought options or anything", "none"),
    ("zh", "risk_self_view", "胆子很小", "avoider"),
    ("zh", "risk_self_view", "亏一点都睡不着", "avoider"),
    ("zh", "risk_self_view", "能接受一点点波动", "cautious"),
    ("zh", "risk_self_view", "风险和收益算清楚再说", "calculated"),
    ("zh", "risk_self_view", "进可攻退可守", "calculated"),
    ("zh", "risk_self_view", "有把握的风险才冒", "calculated"),
    ("zh", "risk_self_view", "愿意搏一把", "risk_taker"),
    ("zh", "risk_self_view", "追求高收益，波动无所谓", "risk_taker"),
    ("en", "risk_self_view", "I can't stomach losses", "avoider"),
    ("en", "risk_self_view", "safety first, always", "avoider"),
    ("en", "risk_self_view", "I'd lose sleep over any loss", "avoider"),
])
def test_options_in_own_words(language, question_id, text, answer):
    assert option(question_id, text, language) == answer


def test_a_negated_cue_names_no_option():
    assert option("risk_self_view", "I don't lose sleep over market dips", "en") is None


@pytest.mark.parametrize(("text", "goal"), [
    ("换辆车", "major_purchase"), ("让钱多生点钱", "wealth_building"),
    ("想要稳定的现金流", "income")])
def test_goals_in_own_words(text, goal):
    found = match_goal(text, "zh")
    assert found is not None and found.value == goal


@pytest.mark.parametrize(("text", "stability"), [
    ("退休金每月按时到账", "stable"), ("偶尔有波动", "somewhat_stable"), ("看项目", "unstable")])
def test_pay_in_own_words(text, stability):
    found = match_income_stability(text, "zh")
    assert found is not None and found.value == stability


@pytest.mark.parametrize(("text", "answer"), [
    # A denial that turns round a description holding its own negation: this client takes risks.
    ("not someone who never takes risks, I go for it", "risk_taker"),
    # Denied descriptions are not read as what they deny; nothing else is said, so none is read.
    ("I'm not someone who never takes risks", None),
    ("I'm not the type who is afraid of risk", None),
    ("Cautious? Not me.", None),
    ("playing it safe is not me", None),
])
def test_english_descriptions_denied_before_or_after(text, answer):
    assert option("risk_self_view", text, "en") == answer
