"""The facts a Chinese first message states: "我35岁，手头有20万，每个月能投三千",
"快四十了，打算十年后买房，首付想攒到一百万", "还有三年退休，有八十多万".

:mod:`engine.opening` hands any text with CJK characters here, as :mod:`engine.numbers` hands it
to :mod:`engine.chinese_numbers`. The numbers are read by that module (simplified or traditional
characters, "一万二", "五十多万", "5w"), which writes each in digits in a normalised copy of the
text; this module then reads each figure by the words around it, within its clause:

* an age by "岁" after it ("35岁", "快四十了" is 39) or "年纪" / "年龄" / "今年" before it;
  an age followed by "退休" or after "到" is an age to reach, which gives the horizon when the
  age itself is known ("我40岁，想60岁退休" is 20 years);
* a horizon by "年" after it ("十年后", "还有三年退休", "投五年", "半年内"), or "个月" with
  "后" / "内" ("18个月后" is 1.5 years); a span in the past ("工作了十年") is none, a calendar
  year ("2030年") neither;
* a monthly sum by its period before or after it ("每月能投三千", "月投2000", "定投1000",
  "3000一个月", "每年三万" is 2,500 a month; "每个月工资一万，能存四千" takes the period of the
  clause before); a sum said as more or less than today's ("每月多投500", "每个月再加500",
  "每月少投300", but not "加到5000") is marked as a change (:attr:`Opening.monthly_change`); pay,
  rent, spending, a loss and someone else's age ("月薪两万", "房租三千", "亏了三千", "孩子5岁")
  are left unread;
* a target by what it is to become ("攒到一百万", "目标是两百万", "凑够首付50万");
* an amount to start with by having or putting in ("手头有20万", "存了五万块", "本金", "拿出"),
  or, with no other words, by its size (from 1,000) or a money word ("块", "元", "¥").

A span of years said as a move of the retirement date ("晚5年退休", "推迟三年退休", "早两年退休",
"延迟退休半年", "多工作五年") is no horizon: it is read as :attr:`Opening.retirement_shift` (years,
negative for earlier), which a what-if applies to the retirement age the profile implies.

A figure nothing claims is left unread: the form asks for it rather than guess. A fact given as
approximate ("八十多万", "三五年", "三十万左右") is named in :attr:`Opening.rough`.
"""

from __future__ import annotations

import re

from engine.chinese_numbers import ChineseFigure, figures_in, parse_age, parse_monthly
from engine.opening import CUT, NEW_SUM, RAISE, Opening

#: What ends a clause: a figure's words are read within its own clause.
_CLAUSE_END = re.compile(r"[,;:!?。；：！？、\n~～]|\.(?!\d)|\s{2,}")
_AGE_AFTER = re.compile(r"^\s*(?:周岁|虚岁|岁)")
_AGE_BEFORE = re.compile(r"(?:年纪|年龄|岁数|今年|虚岁|周岁)\s*(?:是|有|已经|都|也|才|刚|刚满|已满|"
                         r"快|快要|将近|马上|大概|差不多|约)?\s*$")
#: "我35", "快四十了": a bare figure that is the person's age by the words around it.
_BARE_AGE_BEFORE = re.compile(r"(?:^|我|本人|我今年|我都|我已经|我才|我也|我刚|今年已经|已经|"
                              r"快要?|将近|马上就?|奔|眼看)\s*(?:是|有|满|刚满)?\s*$")
_BARE_AGE_AFTER = re.compile(r"^\s*(?:了|啦|喽|咯|多了|出头)?\s*$")
_YOUNGEST, _OLDEST = 16, 110
#: Someone else's age or plans: "孩子今年5岁", "我爸65了".
_SOMEONE_ELSE = re.compile(r"孩子|小孩|儿子|女儿|闺女|宝宝|老大|老二|老公|老婆|爱人|对象|先生|太太|"
                           r"爸|妈|父亲|母亲|父母|老人|爷爷|奶奶|外公|外婆|哥|姐|弟|妹|朋友|同事|她|(?<!其)他")
#: An age to reach: "60岁退休", "60岁的时候", "到65岁", "干到六十".
_REACH_AFTER = re.compile(r"^\s*(?:周岁|岁)?\s*(?:就|再|才|能|想|要|打算|准备|计划|左右|前后)?\s*"
                          r"(?:提前|提早|早点|就)?\s*(?:退休|退下来|不上班|不工作|的时候|时候|时|那年|"
                          r"以后|之后|以前|之前|前|后)")
_REACH_BEFORE = re.compile(r"(?:(?<![得感收])到|等到|等我|(?<![现存实正好])在|(?<![刚已])满|活到|干到|做到|"
                           r"工作到|直到|一直到|要到|退休年龄|退休年纪)\s*(?:是|为|了)?\s*$")
_YEARS_AFTER = re.compile(r"^\s*(?:个)?\s*(?:半|多)?\s*(?P<unit>年|个月|月)"
                          r"(?!龄|纪|级|薪|化|收入|终|费|利|金|货|底|初|中|代|度|前|了)")
_MONTHS_NEED = re.compile(r"^\s*(?:个)?\s*(?:半|多)?\s*(?:个月|月)\s*(?:后|以后|之后|内|以内|左右|"
                          r"就|的时间)")
_PAST_BEFORE = re.compile(r"了\s*$|过去\s*$|已经\s*$")
_PERIOD_BEFORE = re.compile(r"(?:每|一)\s*$")
_CALENDAR_YEAR = (1900, 2200)
#: A period of a regular sum, before the figure ("每月", "月投", "定投") or after it ("一个月").
_PERIOD = re.compile(r"每\s*(?:两|二|2|半)?\s*个?\s*(?:月|年|周|星期|礼拜|天|日|季度|季)|"
                     r"一\s*个?\s*(?:月|年|周|星期|礼拜|天|季度)|(?<!个)月(?=投|存|定投|供|攒|省|结余)|"
                     r"定投|按月|按年|按周|按季")
_PERIOD_AFTER = re.compile(r"^\s*(?:块钱|块|元|人民币|rmb)?\s*(?:/|每|一)\s*(?:两|二|2|半)?\s*个?\s*"
                           r"(?:月|年|周|星期|礼拜|天|日|季度)(?!\s*(?:后|以后|之后|内|以内))"
                           # "存款60w 每月能存8k": a period followed by its own verb is the next sum's.
                           r"(?!\s*(?:能|可以|可|会|想|要|打算|准备|再|都|存|投|定投|攒|拿|省|还|"
                           r"工资|收入|挣|赚|花))",
                           re.IGNORECASE)
_GAP_CHARS = 8
#: A move of the retirement date: "晚5年退休", "退休推迟三年", "延迟退休两年", "提前三年退休",
#: "多工作五年"; the figure is a number of years (or months) after one of these words.
_LATER = r"再晚|晚点|晚|推迟|延迟|延后|推后|往后推|往后|多工作|多干|多上|再工作|再干|多做"
_EARLIER = r"提前|提早|早点|(?<![最])早|少工作|少干|少上|少做"
_SHIFT_BEFORE = re.compile(rf"(?:(?P<later>{_LATER})|(?P<earlier>{_EARLIER}))\s*(?:退休)?\s*"
                           r"(?:个|上)?\s*$")
_SHIFT_UNIT = re.compile(r"^\s*(?:个)?\s*(?:半)?\s*(?P<unit>年|个月|月)(?!\s*(?:前|以前|之前|了))")
#: "我早3年就退休了": a retirement in the past, no move of it.
_RETIRED = re.compile(r"退休了\s*$")
_RETIRING = re.compile(r"退休|退下来|工作|上班|干")
#: A clause that only says what is saved ("能存四千"), whose period the clause before gave.
_SAVING_ONLY = re.compile(r"\s*(?:还|大概|大约|差不多|估计)?\s*(?:能|可以|可|会)?\s*(?:再)?\s*"
                          r"(?:存|投|攒|定投|剩|结余|省|存下|剩下|省下|攒下)\s*(?:下|个|出)?\s*")
#: How far back the clause before may give the period.
_EARLIER_CHARS = 16
#: Approximate words the number reader does not see for a verb between ("大概能存1500").
_ROUGH_GAP = re.compile(r"(?:大概|大约|约|差不多|估计|可能|也许|左右)\s*(?:能|可以|会|要)?\s*"
                        r"(?:存|投|攒|拿出|定投|有)?\s*(?:个)?\s*$")
#: Money that is not put aside to invest: pay, rent, spending, debt, a loss.
_NOT_SAVED = re.compile(r"月薪|月入|收入|工资|薪水|薪资|挣|赚|拿到|领到|领取|能领|房租|租金|房贷|"
                        r"车贷|月供|贷款|还款|"
                        r"开销|花销|开支|花|生活费|消费|支出|欠|负债|利息|分红|养老金|退休金|亏|赔|"
                        r"损失|跌|套牢|(?<!价)值(?!得)|价值|市值|估值|还\s*$")
_NOT_SAVED_AFTER = re.compile(r"^\s*(?:块钱|块|元)?\s*(?:的)?\s*(?:被动|稳定|固定|额外|现金)?\s*"
                              r"(?:收入|工资|薪水|开销|花销|生活费|房租|"
                              r"利息|养老金|退休金|起投|起购|起步|起|门槛)")
#: A sum said as more than today's: "每月多投500", "每个月再加500", "多存500一个月".
_RAISE = re.compile(r"(?:(?<![最很许好顶至])多|再|追加|加投|加存|额外|增加|提高|另外|加)\s*"
                    r"(?:拿出|投入|定投|投|存|放|拿|攒|出)?\s*(?:个)?\s*$")
_CUT = re.compile(r"(?:(?<![最至多很])少|减少|降低|减|少拿|削减|砍)\s*"
                  r"(?:拿出|投入|定投|投|存|放|拿|攒)?\s*(?:个)?\s*$")
#: "加到5000", "减到2000": the new sum itself.
_TO = re.compile(r"(?:增加|提高|加|提|减少|降低|减|降|少|调|改)\s*(?:成|为)?\s*到\s*$|(?:调|改)\s*(?:成|为)\s*$")
#: "想三年后有50万", "希望退休时有500万": a sum wished for, not one at hand.
_WISH_TO_HAVE = re.compile(r"(?:想|希望|要|争取|盼)(?:(?!但|可是|不过|只)[^,;:!?。；：！？、])*?(?<!只)有\s*$")
_TARGET = re.compile(r"(?:攒|存|凑|涨|增值|增长|翻|滚|积累|变|达|升)\s*(?:到|够|成)|达到|目标|想攒|"
                     r"要攒|希望有|想要有|想有|要有|需要|准备好|备好|够|(?:要|得|需)准备")
_INITIAL = re.compile(r"有|存了|存有|攒了|攒下|存下|手头|手上|手里|本金|投入|拿出|拿|积蓄|存款|"
                      r"闲钱|余钱|准备了|一笔|资金|现金|存着|放着|投|理财|¥|￥|\$")
#: "手上", "账上": a place, where the number reader would see "上" (over) as approximate.
_PLACE_ON = re.compile(r"(?<=[手身账卡户])上(?=\s*(?:有|还有|大概有|就|只|共|一共|存|放))")
#: "投个一年", "放一年": a span of one year, which the number reader leaves unread when another
#: figure stands in the message (there "一年" is most often a period, as in "一年3万").
_ONE_SPAN = re.compile(r"(?:放|存|投|持有)\s*(?:个|上)?\s*一\s*年"
                       r"(?!\s*(?:的|\d|[零一二两三四五六七八九十]))")
_MONEY_AFTER = re.compile(r"^\s*(?:块钱|块|元|人民币|rmb|rmb)", re.IGNORECASE)
_COUNT_AFTER = re.compile(r"^\s*(?:个|套|口|人|孩子|次|倍|岁|号|本|只|家|辆|平|层|楼|天|周|星期|"
                          r"月|年|小时|分钟|点|分|%|份|支|张|条|项|种|位|名)")
#: A figure with a money word may be a count below this ("有2只基金"); a sum starts here.
_SMALLEST_AMOUNT = 50
#: From this a figure no other words claim is a sum to invest ("20万", "5000").
_LARGE = 1_000


def _clause(written: str, figures: list[ChineseFigure], index: int) -> tuple[str, str, str]:
    """The words before and after figure ``index`` within its clause and between its
    neighbours, and its clause up to it (``lead``, other figures included)."""
    figure = figures[index]
    breaks = list(_CLAUSE_END.finditer(written, 0, figure.start))
    lead = written[breaks[-1].end() if breaks else 0:figure.start]
    start = figures[index - 1].end if index else 0
    before = written[max(start, figure.start - len(lead)):figure.start]
    end = figures[index + 1].start if index + 1 < len(figures) else len(written)
    after = written[figure.end:end]
    cut = _CLAUSE_END.search(after)
    return lead, before, after if cut is None else after[:cut.start()]


def _near(pattern: re.Pattern, before: str) -> re.Match | None:
    """The last match of ``pattern`` at most a few characters before the figure."""
    found = [m for m in pattern.finditer(before) if len(before) - m.end() <= _GAP_CHARS]
    return found[-1] if found else None


def _shift(figure: ChineseFigure, before: str, after: str, written: str) -> float | None:
    """The move of the retirement date a figure states ("晚5年退休" is 5, "早两年退休" -2)."""
    said = _SHIFT_BEFORE.search(before)
    unit = _SHIFT_UNIT.match(after)
    if said is None or unit is None or not _RETIRING.search(written) or _RETIRED.search(after):
        return None
    years = figure.value if unit["unit"] == "年" else figure.value / 12
    return years if said["later"] else -years


def _years(figure: ChineseFigure, before: str, after: str) -> float | None:
    unit = _YEARS_AFTER.match(after)
    if unit is None or _PERIOD_BEFORE.search(before) or _PAST_BEFORE.search(before):
        return None
    rest = after[unit.end():]
    if re.match(r"\s*(?:了|前|以前|之前)", rest):
        return None  # "十年了", "三年前": time past
    if unit["unit"] == "年":
        if _CALENDAR_YEAR[0] <= figure.value <= _CALENDAR_YEAR[1]:
            return None
        return figure.value
    if not _MONTHS_NEED.match(after):
        return None  # "三个月" alone is more often a period than when the money is needed
    return figure.value / 12


def _age(figure: ChineseFigure, before: str, after: str, digits: str) -> int | None:
    if not _YOUNGEST <= figure.value <= _OLDEST:
        return None  # "一个8岁": a child's age, not a client's
    if _REACH_AFTER.match(after) or _REACH_BEFORE.search(before):
        return None
    said = _AGE_AFTER.match(after) or _AGE_BEFORE.search(before) or (
        _BARE_AGE_BEFORE.search(before)
        and _BARE_AGE_AFTER.match(after) and (before.strip() or after.strip()))
    if not said:
        return None
    # The reader's own age rules: "快40了" is 39, "虚岁36" 35 ("出头" is in the figure already).
    return parse_age(before + digits + re.sub(r"^\s*出头", "", after))


def _monthly(figure: ChineseFigure, before: str, after: str, digits: str,
             earlier: str) -> tuple[float, int] | None:
    period = _near(_PERIOD, before)
    said_after = _PERIOD_AFTER.match(after)
    if period is None and said_after is None and _SAVING_ONLY.fullmatch(before):
        # "每个月工资一万，能存四千": the period said in the clause before.
        periods = list(_PERIOD.finditer(earlier))
        if periods:
            return parse_monthly(periods[-1].group() + digits), _change(before)
    if period is None and said_after is None:
        return None
    gap = before[period.end():] if period is not None else before
    if _NOT_SAVED.search(before) or _NOT_SAVED_AFTER.match(after):
        return None  # "房租每月三千", "退休金每月六千", "每月一万的收入"
    words = period.group() if period is not None else said_after.group()
    value = parse_monthly(re.sub(r"^[\s块钱元人民币rmb/]*", "", words, flags=re.I) + digits
                          if period is None else words + digits)
    if value is None:
        return None
    return value, _change(gap)


def _change(gap: str) -> int:
    """Whether the words before a monthly sum make it more than today's, less, or the new one."""
    if _TO.search(gap):
        return NEW_SUM
    if _CUT.search(gap):
        return CUT
    return RAISE if _RAISE.search(gap) else NEW_SUM


def _is_target(lead: str, before: str) -> bool:
    return _near(_TARGET, before) is not None or bool(_WISH_TO_HAVE.search(lead))


def _is_initial(figure: ChineseFigure, before: str, after: str) -> bool:
    if _COUNT_AFTER.match(after):
        return False
    if _NOT_SAVED.search(before):
        return False
    if figure.value >= _LARGE and not (
            _CALENDAR_YEAR[0] <= figure.value <= _CALENDAR_YEAR[1]
            and re.match(r"\s*年", after)):
        return True
    cued = _MONEY_AFTER.match(after) or _near(_INITIAL, before)
    return bool(cued) and figure.value >= _SMALLEST_AMOUNT


def read_chinese_opening(text: str) -> Opening:
    """The age, horizon and amounts a Chinese ``text`` states, each only where its words make it
    clear; see the module notes."""
    written, figures = figures_in(_PLACE_ON.sub("里", text))
    facts: dict[str, float] = {}
    rough: set[str] = set()
    change = NEW_SUM
    reach: float | None = None
    shift: float | None = None

    def take(name: str, value: float, figure: ChineseFigure, before: str) -> None:
        if name not in facts:
            facts[name] = value
            if figure.rough or _ROUGH_GAP.search(before):
                rough.add(name)

    for index, figure in enumerate(figures):
        if figure.percent:
            continue
        lead, before, after = _clause(written, figures, index)
        digits = written[figure.start:figure.end]
        if _SOMEONE_ELSE.search(lead) and (_AGE_AFTER.match(after) or _AGE_BEFORE.search(before)):
            continue  # "孩子今年5岁": not the client's age
        moved = _shift(figure, before, after, written)
        if moved is not None:
            shift = shift if shift is not None else moved  # not a horizon: a what-if's move
            continue
        if _SHIFT_BEFORE.search(before) and _RETIRED.search(after):
            continue  # "我早3年就退休了": retired years ago, neither a move nor a horizon
        years = _years(figure, before, after)
        if years is not None:
            take("horizon_years", years, figure, before)
            continue
        age = _age(figure, before, after, digits)
        if age is not None:
            take("age", age, figure, before)
            continue
        if figure.value <= _OLDEST and (_REACH_AFTER.match(after) or (
                _REACH_BEFORE.search(before) and not _MONEY_AFTER.match(after))):
            reach = reach if reach is not None else figure.value  # "60岁退休": an age to reach
            continue
        earlier = written[max(0, figure.start - len(lead) - _EARLIER_CHARS):
                          figure.start - len(lead)]
        monthly = _monthly(figure, before, after, digits, earlier)
        if monthly is not None:
            if "monthly_contribution" not in facts:
                change = monthly[1]
            take("monthly_contribution", monthly[0], figure, before)
            continue
        if _PERIOD_AFTER.match(after) or _NOT_SAVED.search(before) or _NOT_SAVED_AFTER.match(
                after):
            continue  # pay, rent, an income wished for, or a sum per period that is no saving
        if _is_target(lead, before) and figure.value >= _SMALLEST_AMOUNT and not _COUNT_AFTER.match(
                after):
            take("target_amount", figure.value, figure, before)
            continue
        if _is_initial(figure, before, after):
            take("initial_amount", figure.value, figure, before)
    if "horizon_years" not in facts and _ONE_SPAN.search(written):
        facts["horizon_years"] = 1.0
    age = facts.get("age")
    if "horizon_years" not in facts and age is not None and reach is not None and reach > age:
        facts["horizon_years"] = reach - age
    return Opening(age=None if age is None else int(age), horizon_years=facts.get("horizon_years"),
                   initial_amount=facts.get("initial_amount"),
                   monthly_contribution=facts.get("monthly_contribution"),
                   target_amount=facts.get("target_amount"), rough=frozenset(rough),
                   monthly_change=change, retirement_shift=shift)
