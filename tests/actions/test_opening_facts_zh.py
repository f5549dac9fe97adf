"""What a Chinese opening message already says: a goal only where it speaks of a purpose, and its
income's stability only where it speaks of pay, by the locale files' cues."""

import pytest

from actions.opening_facts import opening_facts


@pytest.mark.parametrize(("text", "facts"), [
    ("你好，我想为退休做个理财规划", {"goal": "retirement"}),
    ("為了退休", {"goal": "retirement"}),
    ("我想给孩子存教育金", {"goal": "education"}),
    # Income wanted by someone retired is the income goal.
    ("我已经退休了，想要每个月有稳定的收入", {"goal": "income"}),
    ("退休后想每月领点利息", {"goal": "income"}),
    # A steady income wished for says nothing of the client's pay; one had does.
    ("退休后想每个月有一笔稳定收入", {"goal": "income"}),
    ("我每月有稳定收入，想存点养老钱", {"goal": "retirement", "income_stability": "stable"}),
    # Where the money comes from is no purpose; keeping it safe is.
    ("卖房的钱想找个稳妥的地方放着", {"goal": "capital_preservation"}),
    ("我工作很稳定，想为买房攒首付", {"goal": "major_purchase", "income_stability": "stable"}),
    ("我在上班，收入不太稳定，想为养老做准备",
     {"goal": "retirement", "income_stability": "unstable"}),
    ("我在上班，收入不完全稳定，想为养老做准备",
     {"goal": "retirement", "income_stability": "somewhat_stable"}),
    # Making money grow, or beating inflation, is building wealth.
    ("你好，我想让钱生钱", {"goal": "wealth_building"}),
    ("手上有点闲钱，想多赚点", {"goal": "wealth_building"}),
    ("想找个办法跑赢通胀", {"goal": "wealth_building"}),
    # Retirement named as a time beside keeping the money safe: the goal is keeping it safe.
    ("我58岁，两年后退休，想保本", {"goal": "capital_preservation"}),
    ("再过两年就退休了，钱要稳妥，不能亏", {"goal": "capital_preservation"}),
    ("58岁，离退休还有两年，想保住本金", {"goal": "capital_preservation"}),
    # Saving for it, or retirement alone, is the retirement goal.
    ("我两年后退休，想为退休多存点钱", {"goal": "retirement"}),
    ("快退休了", {"goal": "retirement"}),
    # Wanting to invest names no goal, nor do children without a purpose.
    ("我想開始投資", {}),
    ("我有两个孩子", {}),
])
def test_a_chinese_opening_gives_its_goal_and_income_only_with_their_words(text, facts):
    found = opening_facts(text)
    assert {k: v for k, v in found.items() if k in ("goal", "income_stability")} == facts


def test_income_as_a_goal_says_nothing_of_pay():
    assert "income_stability" not in opening_facts("退休后希望有稳定的收入")


@pytest.mark.parametrize(("text", "facts"), [
    # A retirement plan's name is no sum; a sum beside it is.
    ("我在美国有401k，想再投一些", {}),
    ("我有401K，另外还有20万想投", {"initial_amount": 200000.0}),
    ("I have a 401k and want to invest more", {}),
    ("I'm 40 with 50k in my 403(b)", {"age": 40, "initial_amount": 50000.0}),
    # With a currency sign, 401k is an amount.
    ("I have $401k saved up", {"initial_amount": 401000.0}),
])
def test_a_retirement_plan_s_name_is_no_amount(text, facts):
    found = opening_facts(text)
    assert {k: v for k, v in found.items() if k in ("age", "initial_amount")} == facts


@pytest.mark.parametrize(("text", "facts"), [
    # The code of a share or a fund, asked about or traded, is no sum; a sum beside it is.
    ("510300能买吗", {}),
    ("我想买600519", {}),
    ("000001怎么样", {}),
    ("510300现在可以入手吗", {}),
    ("想投510300，有20万", {"initial_amount": 200000.0}),
    ("510300这个ETF怎么样，我有5万", {"initial_amount": 50000.0}),
    ("is 300750 a good stock, I'm 35", {"age": 35}),
    ("thinking of selling 000001, I have 20k", {"initial_amount": 20000.0}),
    # Six digits held as money, written with a unit, round, or all the answer are a sum.
    ("我有300750", {"initial_amount": 300750.0}),
    ("I have 300750 saved", {"initial_amount": 300750.0}),
    ("我有600519元", {"initial_amount": 600519.0}),
    ("我想投300000", {"initial_amount": 300000.0}),
    ("600519", {"initial_amount": 600519.0}),
    ("I have 600,519 saved", {"initial_amount": 600519.0}),
])
def test_a_security_s_code_is_no_amount(text, facts):
    found = opening_facts(text)
    assert {k: v for k, v in found.items() if k in ("age", "initial_amount")} == facts
