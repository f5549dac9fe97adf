"""Colloquial Chinese answers to the form's questions, read with locales/zh/answers.yml: the ways
people put a goal (提车, 凑首付, 救急), how steady their pay is (稳得很, 没谱, 被优化), what they would
do in a fall (全清, 先出一部分, 拿住不动, 趁跌买), how they see themselves (怂, 稳字当头, 心里有数,
胆子很大), the range they accept and how long they have invested (零基础, 老江湖), and English words
mixed in (我比较conservative), and cues typed with a character of the same sound (保手 for 保守)."""

from __future__ import annotations

import pytest

from actions.answers import (
    _evidence,
    _respelled,
    match_goal,
    match_income_stability,
    match_option,
    vocabulary,
)
from engine.questionnaire import option_titles, questionnaire
from engine.wording import texts

QUESTIONS = {q.id: q for q in questionnaire().questions}


def option(question_id: str, text: str) -> str | None:
    question = QUESTIONS[question_id]
    return match_option(question, text, option_titles(question, texts("zh")), "zh")


@pytest.mark.parametrize(("text", "goal"), [
    ("攒钱买房子", "major_purchase"), ("想明年提车", "major_purchase"),
    ("凑首付用的", "major_purchase"), ("两年后办婚礼", "major_purchase"),
    ("想换大房子", "major_purchase"), ("带爸妈出国旅游", "major_purchase"),
    ("安全第一吧", "capital_preservation"), ("不亏就行，别的无所谓", "capital_preservation"),
    ("留着急用的钱", "capital_preservation"), ("家里人看病钱，亏不起", "capital_preservation"),
    ("稳稳当当就好", "capital_preservation"),
    # A purpose named with a way of investing is the purpose.
    ("为了养老，稳健一点", "retirement"), ("每个月有点稳定收入", "income"),
])
def test_colloquial_goals(text, goal):
    found = match_goal(text, "zh")
    assert found is not None and found.value == goal


@pytest.mark.parametrize(("text", "stability"), [
    ("稳得很，我是老师", "stable"), ("挺稳的", "stable"), ("医院上班，工资稳定", "stable"),
    ("收入有浮动", "somewhat_stable"), ("一般般吧", "somewhat_stable"),
    ("时多时少", "somewhat_stable"), ("不太稳", "unstable"),
    ("很不稳", "unstable"), ("没谱，靠接单", "unstable"), ("摆摊的，看天吃饭", "unstable"),
    ("刚被优化了，在找工作中", "unstable"),
])
def test_colloquial_income_stability(text, stability):
    found = match_income_stability(text, "zh")
    assert found is not None and found.value == stability


@pytest.mark.parametrize(("question_id", "text", "answer"), [
    ("loss_reaction", "全清了，保命要紧", "sell_all"), ("loss_reaction", "赶紧撤", "sell_all"),
    ("loss_reaction", "直接卖了", "sell_all"), ("loss_reaction", "先出一部分", "sell_some"),
    ("loss_reaction", "减一半吧", "sell_some"), ("loss_reaction", "抛一些", "sell_some"),
    ("loss_reaction", "啥也不干，等它涨回来", "hold"), ("loss_reaction", "拿住不动", "hold"),
    ("loss_reaction", "该干嘛干嘛，不看账户", "hold"), ("loss_reaction", "不割肉", "hold"),
    ("loss_reaction", "趁跌买点", "buy_more"), ("loss_reaction", "加点仓", "buy_more"),
    ("loss_reaction", "别人恐惧我贪婪", "buy_more"),
    ("risk_self_view", "胆小鬼一个", "avoider"), ("risk_self_view", "我很怂的", "avoider"),
    ("risk_self_view", "只敢存银行", "avoider"), ("risk_self_view", "小心谨慎型", "cautious"),
    ("risk_self_view", "不太喜欢冒险", "cautious"), ("risk_self_view", "稳字当头", "cautious"),
    ("risk_self_view", "冷静理性，心里有数", "calculated"),
    ("risk_self_view", "不盲目", "calculated"), ("risk_self_view", "风险可控就行", "calculated"),
    # A fear said, then a small loss accepted after 但/不过: careful, not averse.
    ("risk_self_view", "怕风险，但也能接受一点小波动", "cautious"),
    ("risk_self_view", "怕亏钱，不过可以承受小亏", "cautious"),
    ("risk_self_view", "完全保守型", "avoider"), ("risk_self_view", "我从来不炒股", "avoider"),
    ("risk_self_view", "只要有风险我就不碰", "avoider"), ("risk_self_view", "偏稳健吧", "cautious"),
    ("risk_self_view", "属于慢慢来的那种人", "cautious"),
    ("risk_self_view", "我会评估一下值不值得再决定", "calculated"),
    ("risk_self_view", "我敢投，但会先看数据", "calculated"),
    ("risk_self_view", "他们都说我胆子特别大", "risk_taker"),
    ("risk_self_view", "风险偏好很高", "risk_taker"),
    ("risk_self_view", "胆子很大", "risk_taker"), ("risk_self_view", "喜欢刺激，敢赌", "risk_taker"),
    ("risk_self_view", "冲冲冲", "risk_taker"),
    ("risk_self_view", "对风险一向敬而远之", "avoider"),
    ("risk_self_view", "一看到跌就心慌", "avoider"), ("risk_self_view", "完全接受不了亏损", "avoider"),
    ("risk_self_view", "小心是小心，但也不是一点风险都不碰", "cautious"),
    ("risk_self_view", "以安全为主，兼顾一点收益", "cautious"),
    ("risk_self_view", "能接受一点点亏，多了不行", "cautious"),
    ("risk_self_view", "会把风险算进去再出手", "calculated"),
    ("risk_self_view", "分散着投，不把鸡蛋放一个篮子", "calculated"),
    ("risk_self_view", "风险能扛，但得算得过来", "calculated"),
    ("risk_self_view", "朋友嫌我胆子太大", "risk_taker"), ("risk_self_view", "胆子不大", "cautious"),
    ("risk_self_view", "期货杠杆都玩过", "risk_taker"),
    ("risk_self_view", "亏了就亏了，无所谓", "risk_taker"),
    ("risk_self_view", "风险偏好比较高", "risk_taker"),
    # A fear, then a little risk accepted after 但 or 不过, is careful; daring, then restraint,
    # is calculated.
    ("risk_self_view", "胆子小，但可以少投一点", "cautious"),
    ("risk_self_view", "保守，不过也想有点收益", "cautious"),
    ("risk_self_view", "一般吧，不敢太冒险", "cautious"),
    ("risk_self_view", "不喜欢大起大落", "cautious"),
    ("risk_self_view", "敢冒险，但不会乱冒险", "calculated"),
    ("risk_self_view", "会冒险，但只拿闲钱", "calculated"),
    ("risk_self_view", "别人都说我太小心了，什么都不敢碰", "avoider"),
    ("risk_self_view", "钱还是攥在手里最踏实", "avoider"),
    # 别人 (others) and 不少 (many) begin with a negation character and negate nothing.
    ("risk_self_view", "别人说我胆大", "risk_taker"),
    ("risk_self_view", "别人说我保守", "avoider"),
    ("risk_self_view", "不少人说我胆大", "risk_taker"),
    ("risk_self_view", "只买货币基金和定期", "avoider"),
    ("risk_self_view", "大钱不敢动，小钱可以玩玩", "cautious"),
    ("risk_self_view", "跌了也没慌，按计划来", "calculated"),
    ("risk_self_view", "炒过币，也玩过期权", "risk_taker"),
    ("outcome_range", "最安全的那个", "narrow"), ("outcome_range", "少亏点就行", "narrow"),
    ("outcome_range", "温和一点的", "moderate"), ("outcome_range", "中规中矩", "moderate"),
    ("outcome_range", "激进一点", "wide"), ("outcome_range", "波动大一点没事", "wide"),
    ("outcome_range", "最激进的", "widest"),
    ("experience", "不炒股", "none"), ("experience", "零基础", "none"),
    ("experience", "啥也不懂", "none"), ("experience", "几乎没有", "none"),
    ("experience", "没投资过", "none"), ("experience", "纯新手一枚", "none"),
    ("experience", "十多年了", "extensive"), ("experience", "老江湖了", "extensive"),
    ("experience", "在券商上班", "extensive"), ("experience", "经历过几轮牛熊", "extensive"),
    ("experience", "炒了二十多年", "extensive"),
    # The cues for the ends leave the middle where it was.
    ("experience", "买过一点基金", "some"), ("experience", "两三年", "some"),
])
def test_colloquial_risk_answers(question_id, text, answer):
    assert option(question_id, text) == answer


# Chinese clients type English words into Chinese sentences: the English answer words written in
# letters are read too (``borrowed_from``), under the Chinese grammar of negation and contrast.
@pytest.mark.parametrize(("question_id", "text", "answer"), [
    ("risk_self_view", "朋友说我risk averse", "avoider"),
    ("risk_self_view", "偏conservative一点吧", "cautious"),
    ("risk_self_view", "我算是calculated risk taker", "calculated"),
    ("risk_self_view", "朋友说我是risk taker", "risk_taker"),
    ("risk_self_view", "我是YOLO型的", "risk_taker"),
    ("experience", "完全是newbie", "none"),
    ("experience", "买过ETF，也玩过options", "extensive"),
    ("return_priority", "我要growth", "strong_growth"),
    ("return_priority", "主要是safety", "protect_capital"),
    ("gamble_choice", "选sure thing", "sure_1000"),
    ("outcome_range", "最narrow的那个", "narrow"),
    # A Chinese negation turns an English cue, and the words after a Chinese "but" decide.
    ("risk_self_view", "我不是risk taker，能不冒险就不冒险", "avoider"),
    ("risk_self_view", "有点risk averse，但会先研究清楚再冒险", "calculated"),
])
def test_english_words_in_chinese_answers(question_id, text, answer):
    assert option(question_id, text) == answer


def test_only_borrowed_cues_of_letters_alone_are_read():
    cues = vocabulary("zh").cue_topics["risk_self_view"]
    english = {cue.words for cue in vocabulary("en").cue_topics["risk_self_view"]}
    borrowed = [cue for cue in cues if cue.words in english]
    assert ("risk", "averse") in {cue.words for cue in borrowed}
    assert all(word.isascii() for cue in borrowed for word in cue.words)
    # English reads no Chinese: a language borrows only what it lists.
    assert not any(any("\u4e00" <= ch <= "\u9fff" for w in cue.words for ch in w)
                   for cue in vocabulary("en").cue_topics["risk_self_view"])


# Chinese is typed by sound, and a slip picks a character that sounds the same (homophones:
# pinyin). A cue of two characters or more, one typed as written and the other sounding alike
# in syllable and tone, is read as the cue, when nothing in the answer is read as written.
@pytest.mark.parametrize(("question_id", "text", "answer"), [
    ("risk_self_view", "保手的", "avoider"),
    ("risk_self_view", "稳建型", "cautious"),
    ("risk_self_view", "我很礼性", "calculated"),
    ("experience", "我是个新首", "none"),
])
def test_cues_typed_with_a_homophone(question_id, text, answer):
    assert option(question_id, text) == answer


@pytest.mark.parametrize(("question_id", "text"), [
    # 笨 (bèn) is not 本 (běn): the tone differs, so 保笨 is not 保本.
    ("return_priority", "保笨最重要"),
    # 手 alone sounds like 守, but one character is too little to guess from.
    ("risk_self_view", "手"),
])
def test_no_cue_is_heard_in_another_tone_or_in_one_character(question_id, text):
    vocab = vocabulary("zh")
    assert _respelled(vocab.tokens(vocab.normalise(text)), question_id, vocab) is None
    # Nor by likeness: one character is too little, and 保笨最重要 has no two characters in a row
    # in common with the words of the option it is most like.
    assert option(question_id, text) is None


def test_what_is_read_as_written_is_not_respelled():
    # 胆子小 is read as written (avoider), so 保手 is not taken for 保守 (cautious with 比较).
    assert option("risk_self_view", "胆子小，比较保手") == "avoider"


# 有点, 稍微, 比较 just before words for the most careful end make the answer cautious; 一点点 is
# no softener ("一点点风险都不碰" touches none), and a daring word said with "not very" is cautious.
@pytest.mark.parametrize(("text", "answer"), [
    ("有一点点胆小", "cautious"), ("稍微有点不敢", "cautious"), ("有些怕输", "cautious"),
    ("胆小", "avoider"), ("一点点风险都不碰", "avoider"), ("稍微亏一点我都受不了", "avoider"),
    ("不是很敢冒险", "cautious"), ("不算激进", "cautious"), ("不怎么敢冒险", "cautious"),
])
def test_softened_and_negated_self_views(text, answer):
    assert option("risk_self_view", text) == answer


# A negation turns the words up to six characters after it (negation_reach: a character is about
# half a word): what the client says they would not do is never read as their answer.
@pytest.mark.parametrize(("question_id", "text", "answer"), [
    ("risk_self_view", "绝不拿血汗钱去冒险", None),
    ("loss_reaction", "不会因为跌了就全部卖掉", None),
    ("gamble_choice", "不想去赌那个八千", None),
    ("return_priority", "不想拿本金去博高收益", None),
    # A cue that holds its own negation spends it: 不会动 is holding, and so is 拿着 after it.
    ("loss_reaction", "不会动它一直拿着", "hold"),
    # A comma ends the negation's reach.
    ("loss_reaction", "不管它，继续持有", "hold"),
])
def test_a_negation_reaches_over_a_chinese_verb_phrase(question_id, text, answer):
    assert option(question_id, text) == answer


# The "..." of a cue stands for up to six characters in Chinese (gap_reach: a character is about
# half a word), so "了解...敢" holds over 透彻之后; a negation, a contrast or a comma still ends it.
@pytest.mark.parametrize(("text", "answer"), [
    ("了解透彻之后敢于投资", "calculated"),
    ("只要风险收益比合适，我愿意冒险", "calculated"),
    ("朋友都说我胆子太小了，一点风险也不愿意碰", "avoider"),
    ("我一般不冒大的风险", "cautious"),
])
def test_a_cue_gap_spans_a_chinese_phrase(text, answer):
    assert option("risk_self_view", text) == answer


def test_a_cue_gap_stops_at_a_comma_and_english_keeps_three_words():
    assert vocabulary("zh").gap_reach == 6
    assert vocabulary("en").gap_reach == 3
    # 了解 and 敢 are in two clauses: the second alone decides (胆子大 is daring).
    assert option("risk_self_view", "了解得不多，胆子大，什么都敢") == "risk_taker"


# How a friend would describe them, in words no cue list was written from: the four ends of the
# scale, with degrees ("亏太多", "大的风险"), conditions ("前提是", "才下手") and habits ("满仓").
@pytest.mark.parametrize(("text", "answer"), [
    ("我对风险是零容忍的", "avoider"),
    ("朋友说我是存钱狂，从来不投资", "avoider"),
    ("我就是那种一看到亏损就睡不好觉的人", "avoider"),
    ("一听到股票就躲", "avoider"),
    ("我宁愿钱放着贬值也不愿拿去冒险", "avoider"),
    ("朋友说我做什么都要留后路", "cautious"),
    ("不想亏太多，小亏可以接受", "cautious"),
    ("我不太喜欢大风险", "cautious"),
    ("可以接受一些小的起伏", "cautious"),
    ("以保本为主，少量搏一下收益", "cautious"),
    ("我是那种宁可慢一点也要稳的人", "cautious"),
    ("做足了调研才下手", "calculated"),
    ("能接受风险，前提是我明白自己在买什么", "calculated"),
    ("先看清楚再出手", "calculated"),
    ("懂的东西我才投，投了就能扛住波动", "calculated"),
    ("风险我能扛，但得是想明白了的", "calculated"),
    ("不赌运气，只做有依据的决策", "calculated"),
    ("愿意为了高回报承担很大的风险", "risk_taker"),
    ("我炒股经常满仓", "risk_taker"),
    ("一把梭", "risk_taker"),
    ("他们叫我股神，天天短线", "risk_taker"),
    ("亏了再赚回来呗", "risk_taker"),
])
def test_self_views_in_a_friends_words(text, answer):
    assert option("risk_self_view", text) == answer


# An answer with no cue in it is read by its likeness to each option's words (likeness_threshold in
# locales/zh/answers.yml; actions/answer_likeness.py): characters close to the cues name the option.
@pytest.mark.parametrize(("question_id", "text", "answer"), [
    ("risk_self_view", "玩的就是心跳", "risk_taker"),
    ("risk_self_view", "我喜欢追涨", "risk_taker"),
    ("risk_self_view", "我只相信存款", "avoider"),
    ("risk_self_view", "稍微有点风险能接受", "cautious"),
    ("risk_self_view", "风险要在我能控制的范围内", "calculated"),
    ("loss_reaction", "出掉一半落袋", "sell_some"),
    ("return_priority", "每年稳稳拿点收益", "steady_income"),
])
def test_an_answer_with_no_cue_is_read_by_likeness(question_id, text, answer):
    vocab = vocabulary("zh")
    question = QUESTIONS[question_id]
    tokens = vocab.tokens(vocab.normalise(text))
    titles = option_titles(question, texts("zh"))
    # No cue is found in it, as written or by sound: the likeness reads it.
    assert not _evidence(tokens, question_id, [o.id for o in question.options], titles,
                         question.middle, vocab)
    assert _respelled(tokens, question_id, vocab) is None
    assert option(question_id, text) == answer


def test_a_language_read_by_likeness_does_not_count_characters_shared_with_titles():
    # 属于 shares 于 with the risk taker's title 敢于冒险的人: counted so, a saver who sleeps well
    # only with money in the bank was a risk taker.
    assert option("risk_self_view", "我属于那种钱存着才睡得着的人") != "risk_taker"


@pytest.mark.parametrize("text", [
    # A negation: character n-grams do not see what 不 turns, so the answer is asked again.
    "我不喜欢追涨",
    # A question back is no answer, however alike its words.
    "追涨是什么意思",
    # Nothing like any option's words.
    "今天天气不错啊",
    # A greeting: its 好 is in many cues, but no two characters in a row of one option.
    "你好",
])
def test_likeness_reads_no_negated_asked_or_unrelated_answer(text):
    assert option("risk_self_view", text) is None


def test_likeness_is_a_setting_of_the_language():
    assert vocabulary("zh").likeness_threshold == 0.5
    assert vocabulary("en").likeness_threshold is None


@pytest.mark.parametrize(("text", "answer"), [
    # 别 inside 特别 negates nothing: a very timid friend is an avoider.
    ("怂，特别怂", "avoider"), ("特别谨慎", "cautious"),
    # A double negation turns a cue that holds its own negation round, and is spent on it.
    ("不是那种不敢冒险的人，有机会就冲", "risk_taker"),
    ("我从来不怕冒险，期货杠杆都玩过", "risk_taker"),
    # Words after a cue that deny it: the high-risk kind is what this client dares not buy.
    ("可以买点稳健的理财，高风险的不太敢", "cautious"),
    ("虽然也会买点基金，但是仓位很小，不敢多放", "cautious"),
    ("不怕一万就怕万一", "avoider"),
])
def test_negations_that_hold_no_denial_or_deny_twice(text, answer):
    assert option("risk_self_view", text) == answer


@pytest.mark.parametrize("text", [
    # Denied, so no longer an avoider; nothing else is said clearly enough to guess.
    "没什么不敢的", "保守？跟我不沾边",
])
def test_a_denied_end_of_the_scale_is_not_read_as_that_end(text):
    assert option("risk_self_view", text) != "avoider"
    assert option("risk_self_view", text.replace("没什么", "").replace("？跟我不沾边", "")) \
        == "avoider"


@pytest.mark.parametrize(("text", "answer"), [
    ("两个都想要吧", "balanced_growth"),
    ("鱼和熊掌都想要", "balanced_growth"),
    ("既要稳定又要增长", "balanced_growth"),
    # Both refused, or one of them named: not the balance.
    ("两个都不要", None),
    ("我都想要保本", "protect_capital"),
])
def test_wanting_both_growth_and_stability_is_the_balance(text, answer):
    assert option("return_priority", text) == answer
