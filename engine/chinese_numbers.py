"""Reading the numbers people type in Chinese: ages, amounts, monthly sums, years and shares.

The functions have the names, arguments and return types of :mod:`engine.numbers` and answer the
same questions for Chinese text, in simplified or traditional characters (萬, 億, 兩), with the
banker's digits (壹, 貳, 參萬) and the one-character tens (廿五 is 25, 卅 is 30), with full-width
or half-width digits and punctuation, and digits mixed with characters ("5万", "1.5亿", "3万5").
:mod:`engine.numbers` hands any text with CJK characters to this module, so callers normally keep
calling ``engine.numbers``; calling this module directly is the same thing for Chinese text, and
is the way to read chat shorthand typed without any CJK character in a Chinese conversation
("5w", "4w5", "10k"), which ``engine.numbers`` leaves to the English reader.

How each function is called (``text`` is the message as typed; every function returns ``None``
when the text holds no number it can trust, so the chat can ask again):

* ``parse_number(text)`` -> ``float | None``: the number the text gives ("一万二" -> 12000).
* ``parse_age(text)`` -> ``int | None``: an age in whole years ("三十五岁", "35", "快四十了").
* ``stated_age(text)`` -> ``int | None``: an age only when the sentence says it is the person's age
  ("其实我42岁", "我今年四十二"); a bare "42" or an age to reach ("60岁退休") is not one.
* ``parse_amount(text)`` -> ``float | None``: a sum of money; "没有", "零", "一分钱都没有" are 0.
* ``parse_monthly(text)`` -> ``float | None``: a monthly sum; "每年三万" is 2,500 a month,
  "每周500" is 500 x 52 / 12, "每天100" is 100 x 365 / 12, "每季度" a third.
* ``parse_years(text)`` -> ``float | None``: a number of years ("十年", "半年" -> 0.5, "三年半",
  "18个月" -> 1.5).
* ``target_age(text)`` -> ``float | None``: an age named as a point in time ("60岁退休", "到60岁",
  "等我六十五的时候").
* ``parse_horizon(text, age, retirement_age=None)`` -> ``float | None``: years until the money is
  needed, from a number of years or an age to reach; "退休的时候" / "到退休" need both ``age`` and
  ``retirement_age`` (the caller passes the client's or the default retirement age).
* ``figures_in(text)`` -> ``(written, figures)``: the text with every Chinese number written in
  digits (normalised: simplified characters, half-width digits) and each figure in it, as
  :class:`ChineseFigure` (an :class:`engine.numbers.Figure` with a ``rough`` flag).
* ``approximate(text)`` -> ``bool``: whether the figure ``parse_number`` picks was given as
  approximate, so the chat confirms it before using it.

Documented points for figures that are not exact (each is marked ``rough``):

* a range takes its middle, as the English reader does: "二三十万" -> 250,000, "三五年" -> 4,
  "20到30万" -> 250,000, "一两万" -> 15,000;
* "多" in a sum adds nothing: the sum is what was said for certain, as "500k+" is 500,000 in
  English ("五十多万" -> 500,000, "三千多" -> 3,000, "一万多" -> 10,000); in an age or a count of
  years, months or the like it adds half of the last unit ("四十多岁" -> 45, "十多年" -> 15);
* "几" counts as 5, the middle of one to nine: "十几万" -> 150,000, "几万块" -> 50,000,
  "几十" -> 50 (alone, without a numeral beside it, "几" is no figure);
* "来" ("十来年"), "左右", "上下", "大概", "大约", "差不多", "将近", "吧" ... mark a figure rough
  and keep its value; "出头" adds a fifth of the last unit ("三十出头" -> 32);
* an age "快四十了" / "将近四十岁" / "马上四十" is 39 (one year short of the round age);
* "虚岁36" is the traditional count, one year above the age in full years: 35;
* "七零后", "90后", "00后" name a generation, not an age: they are no figure at all;
* "一成" is 10 %, "两成" 20 %; "百分之五", "5%", "5％", "5个点" are 5 %; "千分之五" is 0.5 %.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import cn2an
from opencc import OpenCC

from engine.numbers import Figure, plan_names
from lexicon.security_codes import security_codes

_T2S = OpenCC("t2s")

#: Banker's and other forms of the digits, read as the everyday ones.
_FORMAL = str.maketrans({
    "壹": "一", "贰": "二", "貳": "二", "叁": "三", "參": "三", "肆": "四", "伍": "五",
    "陆": "六", "陸": "六", "柒": "七", "捌": "八", "玖": "九", "拾": "十", "佰": "百",
    "仟": "千", "〇": "零", "○": "零", "兩": "两", "萬": "万", "億": "亿", "叄": "三",
    # Tens in one character, as dates and Hong Kong and Taiwan chat write them ("廿五" is 25).
    "廿": "二十", "卄": "二十", "卅": "三十", "卌": "四十",
})
# "参" (traditional "參") is the banker's three only before a unit: "参万" is 30,000, "参加" no figure.
_FORMAL_THREE = re.compile(r"参(?=\s*[拾佰仟十百千万亿])")
_DIGIT = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
          "八": 8, "九": 9, "几": 5}
_SMALL = {"十": 10, "百": 100, "千": 1_000}
_BIG = {"万": 10_000, "亿": 100_000_000}
_NUMERAL = "零一二两三四五六七八九十几"
_UNIT = "十百千万亿"

# Words made of number characters that are no number: "万一" (in case), "一下", "一定", "千万不要"
# (by all means), "十分" (very), "一点" (a little) unless a digit follows, "第一" (an order),
# "一笔" and other measure words of one thing.
_NOT_NUMBERS = re.compile(
    r"(?<![\d零一二两三四五六七八九十几百千])万一(?![千百十万])|一下|一起|一般|一些|一直|一定|统一|"
    r"一样|一切|唯一|一旦|一致|一边|一共|一向|一起|一心|一辈子|一部分|一半|一次性|一次|一口气|"
    r"一分钱?(?=\s*(?:都|也|没|不))|一毛钱?(?=\s*(?:都|也|没|不))|十分|千万(?=[不别要得记])|万万|百分百|一点(?:点|儿)?(?![零一二两三四五六七八九\d])|"
    r"第[零一二两三四五六七八九十\d]+|一会儿?|一手|一把|一块儿|一路|一生|一体|一贯|一开始|"
    r"零(?=[花钱用头散碎售食星])|[一二两三四五六七八九十\d]+位数|成千上万|五花八门|七上八下|三心二意|一五一十|乱七八糟|三思|万全|万能|千方百计|百般|一模一样|"
    r"(?:401|403|457)\([kb]\)|"
    # "一笔收入", "一份工作", "一套房": one of something, no sum.
    r"一(?=\s*(?:笔|份|辆|套|栋|间|张|项|条|台)(?![零一二两三四五六七八九十百千万\d]))"
)
# "一个月2000", "3000一年": "一" marks the period, not a number, when another figure is beside it.
_PERIOD_ONE = re.compile(
    r"一\s*(?:个)?\s*(?:月|年|周|星期|礼拜|天|日|季度)(?!\s*(?:后|以后|之后|内|以内|左右|多|半|"
    r"前|以前|之前|时间|的时间|就|再))")
_EVERY_FEW = re.compile(r"每\s*([两二三四五六2-6半])\s*个?\s*(?:周|星期|礼拜|月)")
# A numeral run. "多", "来", "点" and the units count only beside a numeral; "百"/"千" may start
# one before "万"/"亿" ("百万").
_SPAN = re.compile(
    r"(?:\d+(?:\.\d+)?|[零一二两三四五六七八九十]|[百千](?=[万亿])|几(?=[十百千万亿])"
    r"|(?<=[\d零一二两三四五六七八九十几百千万亿多来])(?:[百千万亿]|几|多(?!少)|点(?=[\d零一二两三四五六七八九]))"
    r"|(?<=[\d十百千])来(?=[万亿年岁个块元天周月]))+"
)
_GENERATION = re.compile(r"后(?![年天月周个])")
_MEASURE = "岁年个块元万千天周月次倍"
#: Words before a figure that make it approximate. "上" is one ("上10万") but not as the place
#: in "手上有15万", "账上", "卡上", nor in "加上" (plus); "近" not in "最近" (lately).
_ROUGH_BEFORE = re.compile(
    r"(?:大概|大约|约莫|约|差不多|将近|接近|快要|快|估计|可能|也许|大致|差不离|至少|最多|不到|"
    r"不超过|超过|起码|(?<![手身账卡户头面里加网线路晚早])上|小于|大于|(?<![最附])近|预计|应该|"
    r"或许|左右是|大概是|大约是|最少|最起码|顶多|好像|"
    r"想想|估摸着|大体)\s*(?:是|有|在|能|可以|存|投|攒)?\s*$")
_ROUGH_AFTER = re.compile(
    r"^\s*(?:块钱|块|元|万|人民币|rmb|年|岁|周岁|个月|个|天|周)?\s*(?:左右|上下|出头|以上|以下|以内|开外|吧|的样子|那样|"
    r"差不多|大概|这样|来着|多点|多一点|不到|把)", re.IGNORECASE)
_EXACT_BEFORE = re.compile(r"(?:整整|刚好|正好|恰好|其实|实际上|准确地说|确切地说|准确来说|"
                           r"确切来说|就是|实际)\s*(?:是|有|在)?\s*$")
_EXACT_AFTER = re.compile(r"^\s*(?:块钱|块|元)?\s*(?:整|正好|刚好|整整)")
_RANGE_JOIN = re.compile(r"^\s*(?:到|至|-|~|～|—|–|和)\s*$")
_NOTHING = re.compile(
    r"^\s*(?:暂时|目前|现在|还|都|完全|根本|基本上?|我|手头|手上|账户里|啥|什么|啥也|什么也)*\s*"
    r"(?:没有|没|无|木有|冇|一无所有|零(?![花钱用头散碎售食星零一二三四五六七八九])|0)(?:钱|存款|积蓄|啥|什么|存|闲钱|余钱|多余的钱)?"
    r"|一分(?:钱)?(?:都|也)?(?:没有|没|拿不出)|(?:拿不出|存不下|攒不下|省不下|存不了|投不了|"
    r"没钱|没有钱|没闲钱|没有闲钱|没余钱|没存款|没有存款|没积蓄|没有积蓄|月光)")
_PER_MONTH = re.compile(r"每\s*个?\s*月|一\s*个?\s*月|月存|月投|月供|月入|月定投|按月|月均|包月|"
                        r"/\s*月|每月份|月薪|月收入|月结余|月工资|月攒|月省")
_PER_YEAR = re.compile(r"每\s*一?\s*年|一\s*年(?!\s*(?:后|以后|之后|内|以内|半|多))|年存|年投|按年|"
                       r"年均|/\s*年|年终|年薪|年收入|年攒|一年下来")
_PER_FORTNIGHT = re.compile(r"每\s*(?:两|二|2)\s*(?:个)?\s*(?:周|星期|礼拜)|双周")
_PER_HALF_MONTH = re.compile(r"每\s*半\s*个?\s*月")
_PER_WEEK = re.compile(r"每\s*个?\s*(?:周|星期|礼拜)|一\s*个?\s*(?:周|星期|礼拜)|周存|周投|"
                       r"/\s*周|按周|每周末?")
_PER_DAY = re.compile(r"每\s*(?:天|日)|一\s*天|日存|/\s*天|按天|每一天")
_PER_QUARTER = re.compile(r"每\s*个?\s*季度?|一\s*个?\s*季度|按季")
_RETIREMENT = re.compile(r"退休")
_AGE_UNIT = re.compile(r"^\s*(?:周岁|虚岁|岁)")
_RETIRE_AFTER = re.compile(r"^\s*(?:周岁|岁)?\s*(?:就|再|才|能|想|要|打算|准备|计划|时|的时候|"
                           r"的话|那年|以后|之后|以前|之前|前|后|左右)?\s*(?:提前|提早|早点|就)?\s*(?:退休|的时候|时候|时|那年|"
                           r"以后|之后|以前|之前|前|后)")
_TARGET_BEFORE = re.compile(r"(?:(?<![得感收])到|等到|等|(?<![现存实正好])在|满|活到|干到|做到|工作到|直到|一直到|要到|退休年龄"
                            r"(?:是|为|定在|设为)?|退休年纪(?:是|为)?|退休时|到了)\s*(?:我|了)?\s*$")
_STATED_BEFORE = re.compile(
    r"(?:今年|年龄|年纪|岁数|虚岁|周岁|实岁|我|本人|我已经|我都|我也|我才|我刚|我现在|我今年|已经|现在|都|也|才|刚|"
    r"刚满|已满|今年已经|今年刚|马上|快要|快|将近|眼看|奔)\s*(?:是|有|在|已经|都|也|才|刚|刚满|"
    r"满)?\s*$")
_STATED_AFTER = re.compile(r"^\s*(?:周岁|虚岁|岁|了|啦|喽|咯)|^\s*(?:$|[,.!?;:，。！？；：、~～\s])")
_ALMOST_BEFORE = re.compile(r"(?:快要|快|将近|马上就?|马上要|眼看就?|眼看着|奔|马上就要|即将)\s*"
                            r"(?:到|满)?\s*$")
_SIMPLE_WRITTEN = re.compile(r"\d+(?:\.\d+)?")
_OLDEST = 120


@dataclass(frozen=True)
class ChineseFigure(Figure):
    """A figure found in Chinese text: its value, where it stands in the written text, whether it
    is a percentage, and whether it was given as approximate (a range, "多", "几", "左右" ...)."""

    rough: bool = False


@dataclass(frozen=True)
class _Found:
    value: float
    start: int  # in the written text
    end: int
    percent: bool
    rough: bool
    exact: bool
    before: str  # the normalised text before the figure
    after: str  # the normalised text after it
    unit: float  # the last unit written in the figure ("万" -> 10000), 1 without one
    almost: bool  # "快四十", "将近四十": short of a round age
    lunar: bool  # "虚岁"


def has_chinese(text: str) -> bool:
    """Whether ``text`` holds CJK characters or full-width forms (the Chinese reader's text)."""
    return isinstance(text, str) and bool(_CJK.search(text))


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


@lru_cache(maxsize=512)
def _normalise(text: str) -> str:
    """Half-width digits and punctuation, simplified characters, everyday digit forms, digits
    without thousands separators, and the chat shorthand "5k" / "5w" (a "万") as units."""
    out = unicodedata.normalize("NFKC", text)
    out = _FORMAL_THREE.sub("三", _T2S.convert(out)).translate(_FORMAL)
    out = re.sub(r"(?<![\d.])(\d{1,3}(?:,\d{3})+)(?![\d])", lambda m: m[1].replace(",", ""), out)
    # "401k" names a retirement plan: written "401(k)", which _NOT_NUMBERS blanks.
    out = plan_names(out, lambda m: f"{m['number']}({m['letter'].lower()})")
    # "510300能买吗": a security's code, not a sum; blanked as _NOT_NUMBERS blanks a plan's name.
    out = security_codes(out, lambda m: "_" * len(m[0]))
    out = re.sub(r"(\d)\s*[kK](?![a-zA-Z])", r"\1千", out)
    out = re.sub(r"(\d)\s*个?\s*[wW](?![a-zA-Z])", r"\1万", out)
    # "5 万", "3 千": a unit after a space still belongs to the digits; "2000 十年" is two figures.
    out = re.sub(r"(\d)\s+(?=[万亿])", r"\1", out)
    out = re.sub(r"(?<![\d.])(\d{1,2})\s+(?=[百千])", r"\1", out)
    # "万把块", "千把块": about one of the unit.
    out = re.sub(r"(?<![\d零一二两三四五六七八九十几百千])([百千万])把", r"一\1把", out)
    # "三十有五": thirty and five, the written style.
    out = re.sub(r"十有(?=[一二三四五六七八九])", "十", out)
    # "一个亿", "两个亿": the measure word changes nothing; "上万" is about one 万 or more.
    out = re.sub(r"(?<=[\d零一二两三四五六七八九十百千])\s*个\s*(?=亿)", "", out)
    out = re.sub(r"(?<![成])上([万千百])(?!万)", r"上一\1", out)
    return out


def _masked(text: str) -> str:
    """``text`` with the number characters that are no number blanked out (same length)."""
    chars = list(text)
    for match in _NOT_NUMBERS.finditer(text):
        chars[match.start():match.end()] = "\0" * (match.end() - match.start())
    # "每两周", "每半个月", "每3个月": the count belongs to the period, not to the sum.
    for match in _EVERY_FEW.finditer(text):
        chars[match.start(1):match.end(1)] = "\0" * (match.end(1) - match.start(1))
    blanked = "".join(chars)
    periods = list(_PERIOD_ONE.finditer(blanked))
    for match in periods:
        rest = blanked[:match.start()] + blanked[match.end():]
        if re.search(rf"[\d{_NUMERAL}]", rest):
            chars[match.start()] = "\0"
    return "".join(chars)


# -- one numeral ----------------------------------------------------------------------------------


def _digit_value(run: str) -> float:
    """A run of digit characters without units: one digit, or a digit-by-digit number ("二零二三")."""
    return float("".join(str(_DIGIT[c]) for c in run))


def _evaluate(span: str, floor: bool = False) -> tuple[float, float] | None:
    """The value of a numeral and its last unit, by the place-value rules of Chinese numerals;
    ``floor``: with "多" adding nothing ("五十多万" -> 500,000).

    Written here rather than left to cn2an because cn2an rejects what chat is full of: "一亿二"
    (120,000,000), "一点五万", "多" ("五十多万") and "几" ("十几万"). A single digit after a unit
    stands for the next lower place ("一万二" = 12,000, "三千五" = 3,500, "一亿二" = 1.2 亿) unless
    a "零" comes between ("一万零二" = 10,002).
    """
    total = wan = sec = 0.0
    num: float | None = None
    single = zero = False
    last = 1.0
    i = 0
    while i < len(span):
        char = span[i]
        if char.isdigit() and char.isascii():
            match = _SIMPLE_WRITTEN.match(span, i)
            if num is not None:
                return None
            num = float(match.group())
            single = len(match.group()) == 1
            i = match.end()
            continue
        if char in _DIGIT and char != "零":
            j = i
            while j < len(span) and span[j] in _DIGIT:
                j += 1
            if num is not None:
                return None
            num = _digit_value(span[i:j].lstrip("零")) if j - i > 1 else float(_DIGIT[char])
            single = j - i == 1
            i = j
            continue
        if char == "零":
            zero = True
        elif char == "点":
            j = i + 1
            while j < len(span) and (span[j] in _DIGIT or (span[j].isdigit() and span[j].isascii())):
                j += 1
            digits = "".join(str(_DIGIT[c]) if c in _DIGIT else c for c in span[i + 1:j])
            if num is None or not digits:
                return None
            num = float(f"{int(num)}.{digits}")
            single = False
            i = j
            continue
        elif char in _SMALL:
            sec += (1.0 if num is None else num) * _SMALL[char]
            num, single, zero, last = None, False, False, float(_SMALL[char])
        elif char in _BIG:
            group = sec + (num or 0.0)
            if char == "万":
                wan += (group or 1.0) * _BIG[char]
            else:
                total += ((wan + group) or 1.0) * _BIG[char]
                wan = 0.0
            sec, num, single, zero, last = 0.0, None, False, False, float(_BIG[char])
        elif char == "多":
            if num is not None:
                whole = int(num) if num == int(num) else 0
                place = 1
                while whole and whole % (place * 10) == 0:
                    place *= 10
                sec += num + (0 if floor else place / 2)
                last = float(place)
                num, single = None, False
            elif floor:
                pass
            elif last >= 10_000 and sec == 0:
                if last == _BIG["亿"]:
                    total += last / 2
                else:
                    wan += last / 2
            else:
                sec += last / 2
        elif char == "来":
            pass
        else:
            return None
        i += 1
    if num is not None:
        if single and not zero and last >= 100:
            num *= last / 10
        sec += num
    return total + wan + sec, last


_PAIR = re.compile(r"(?:^|(?<=[十百千万亿]))([一二两三四五六七八九])([二两三四五六七八九])"
                   r"(?=[十百千万亿]|$)")


#: After a figure, a unit of age, time or count: its "多" is half the last unit.
_COUNTED_AFTER = re.compile(r"\s*(?:个)?\s*(?:岁|周岁|虚岁|年|月|周|星期|礼拜|天|日|小时|分钟|次|倍|"
                            r"人|孩子)")


def _value(span: str, after: str) -> tuple[float, float, bool] | None:
    """The value of a numeral run, its last unit and whether it is approximate."""
    pair = _PAIR.search(span)
    if pair:
        low, high = _DIGIT[pair[1]], _DIGIT[pair[2]]
        at_end = pair.end() == len(span)
        if 0 < high - low <= 2 and (not at_end or span[:pair.start()] or after[:1] in _MEASURE):
            ends = [_value(span[:pair.start()] + d + span[pair.end():], after) for d in pair.groups()]
            if ends[0] and ends[1]:
                return (ends[0][0] + ends[1][0]) / 2, ends[1][1], True
    rough = any(c in span for c in "多几来")
    if not rough:
        # cn2an reads well-formed numerals and digits with units ("十万八千", "1.5亿", "3万5").
        try:
            value = float(cn2an.cn2an(span, "smart"))
        except (ValueError, KeyError, IndexError, TypeError):
            value = None
        if value is not None:
            evaluated = _evaluate(span)
            return value, (evaluated[1] if evaluated else 1.0), False
    # "多" says "and more": a sum is taken at what was said for certain ("五十多万" is 500,000,
    # as "500k+" is in English), an age or a count of years at the middle ("四十多岁" is 45).
    evaluated = _evaluate(span, floor="多" in span and not _COUNTED_AFTER.match(after))
    if evaluated is None:
        return None
    return evaluated[0], evaluated[1], rough


def _written(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


# -- every figure in a message --------------------------------------------------------------------


@lru_cache(maxsize=512)
def _read(text: str) -> tuple[str, tuple[_Found, ...]]:
    norm = _normalise(text)
    scan = _masked(norm)
    # "半年", "半个月": half of the unit, a figure without a numeral.
    scan_halves = re.finditer(r"(?<![\d零一二两三四五六七八九十年个])半\s*(?=个?\s*(?:年|月|小时))",
                              scan)
    spans = [(m.start(), m.end(), None) for m in _SPAN.finditer(scan)]
    spans += [(m.start(), m.end(), 0.5) for m in scan_halves]
    spans.sort()
    out: list[str] = []
    found: list[_Found] = []
    pos = 0
    for start, end, fixed in spans:
        if start < pos:
            continue
        raw = norm[start:end]
        after_raw = norm[end:]
        before_raw = norm[:start]
        if fixed is None and re.fullmatch(r"\d{2}|[零一二三四五六七八九]{2}", raw) and \
                _GENERATION.match(after_raw):
            continue  # "90后", "七零后": a generation
        if fixed is None:
            read = _value(raw, after_raw)
            if read is None:
                continue
            value, unit, rough = read
        else:
            value, unit, rough = fixed, 1.0, False
        percent = False
        cut_start, cut_end = start, end
        prefix = re.search(r"(百|千)分之\s*$", before_raw)
        if prefix:
            percent = True
            value = value if prefix[1] == "百" else value / 10
            cut_start = prefix.start()
        suffix = re.match(r"\s*(?:%|个点|个百分点)", after_raw)
        if suffix and not percent:
            percent = True
            cut_end = end + suffix.end()
        tenth = re.match(r"成(半)?(?![本功为立熟员绩长交年人果就绩])", after_raw)
        if tenth and not percent and value <= 10 and re.fullmatch(rf"[{_NUMERAL}]|\d", raw):
            percent = True
            value = value * 10 + (5 if tenth[1] else 0)
            cut_end = end + tenth.end()
        half = re.match(r"\s*(?:年半|个半|岁半)", after_raw)
        if half and fixed is None:
            value += 0.5
        if re.match(r"\s*个多", after_raw):
            value += 0.5
            rough = True
        head = re.match(r"\s*出头", after_raw)
        if head and value >= 1:
            value += 10 ** (len(str(int(value))) - 1) / 5
        after = norm[cut_end:]
        before = norm[:cut_start]
        rough = rough or bool(_ROUGH_BEFORE.search(before) or _ROUGH_AFTER.match(after))
        exact = bool(_EXACT_BEFORE.search(before) or _EXACT_AFTER.match(after)) and not rough
        almost = bool(_ALMOST_BEFORE.search(before))
        lunar = bool(re.search(r"虚岁\s*(?:是|有)?\s*$", before) or re.match(r"\s*虚岁", after))
        out.append(norm[pos:cut_start])
        digits = _written(value) + ("%" if percent else "")
        written_start = sum(len(part) for part in out)
        out.append(digits)
        pos = cut_end
        found.append(_Found(value, written_start, written_start + len(digits), percent, rough,
                            exact, before, after, unit, almost, lunar))
    out.append(norm[pos:])
    written = "".join(out)
    return written, tuple(_join_ranges(written, norm, found))


def _join_ranges(written: str, norm: str, found: list[_Found]) -> list[_Found]:
    """"20到30万", "三到五年", "5万-10万": a pair written as a range counts as its middle."""
    joined: list[_Found] = []
    i = 0
    while i < len(found):
        low = found[i]
        high = found[i + 1] if i + 1 < len(found) else None
        gap = written[low.end:high.start] if high else ""
        if high is not None and low.percent and not high.percent and high.unit < 10_000 and \
                _RANGE_JOIN.match(gap):
            # "百分之三十到四十": the second end is a percentage too.
            high = _Found(high.value, high.start, high.end, True, high.rough, high.exact,
                          high.before, high.after, high.unit, False, False)
        if high is not None and _RANGE_JOIN.match(gap) and low.percent == high.percent and (
                "和" not in gap or re.match(r"\s*(?:万|千|块|元)?\s*之间", high.after)):
            low_value = low.value
            # "20到30万": the unit written only after the second end applies to both.
            if low.unit < high.unit and low.unit == 1 and low_value < high.value / high.unit * 10:
                low_value *= high.unit
            joined.append(_Found((low_value + high.value) / 2, low.start, high.end, high.percent,
                                 True, False, low.before, high.after, high.unit, False, False))
            i += 2
            continue
        joined.append(low)
        i += 1
    return joined


def _best(found: tuple[_Found, ...] | list[_Found]) -> _Found | None:
    """A figure marked exact ("其实是六万") wins, then one not rough, then the first."""
    amounts = [f for f in found if not f.percent] or list(found)
    if not amounts:
        return None
    for kept in ([f for f in amounts if f.exact], [f for f in amounts if not f.rough]):
        if kept:
            return kept[0]
    return amounts[0]


# -- the reader's questions -----------------------------------------------------------------------


def figures_in(text: str) -> tuple[str, list[ChineseFigure]]:
    """``text`` normalised with every number written in digits, and every figure in it, ranges
    joined; each figure says whether it was given as approximate (``rough``)."""
    written, found = _read(text)
    return written, [ChineseFigure(f.value, f.start, f.end, f.percent, f.rough) for f in found]


def parse_number(text: str) -> float | None:
    """The number ``text`` gives ("一万二" -> 12000, "1.5亿" -> 150000000, "5w" -> 50000,
    "二三十万" -> 250000); an exact figure wins over a rough one, otherwise the first; a percentage
    only when nothing else is given."""
    if not isinstance(text, str):
        return None
    best = _best(_read(text)[1])
    return None if best is None else best.value


def approximate(text: str) -> bool:
    """Whether the figure ``parse_number`` reads was given as approximate (a range, "多", "几",
    "左右", "大概" ...), so the chat should confirm it."""
    if not isinstance(text, str):
        return False
    best = _best(_read(text)[1])
    return bool(best and best.rough)


def _age_figure(found: tuple[_Found, ...]) -> _Found | None:
    """The figure that states an age: one followed by "岁" that is no age to reach ("60岁退休"),
    else the first plain figure."""
    plain = [f for f in found if not f.percent]
    aged = [f for f in plain if _AGE_UNIT.match(f.after) and not _is_target(f)]
    return (aged or plain or [None])[0]


#: After a figure, a word that counts something other than money ("两个孩子", "3年后", "35岁").
_NOT_MONEY_AFTER = re.compile(r"^\s*(?:个|岁|周岁|虚岁|年|月|周|星期|礼拜|天|次|倍|套|口|人|孩子|"
                              r"小时|分钟|号|后)")


def _money(text: str) -> list[_Found]:
    """The figures of ``text`` that may be sums of money: no percentage, no count of years,
    children or the like, and no stated age, unless nothing else is given."""
    found = [f for f in _read(text)[1] if not f.percent]
    money = [f for f in found if not _NOT_MONEY_AFTER.match(f.after)
             and not (_STATED_BEFORE.search(f.before) and f.unit < 10_000 and f.value <= _OLDEST
                      and re.match(r"^\s*[,.;:!?]", f.after) and len(found) > 1)]
    return money or found


def _as_age(figure: _Found) -> int | None:
    value = figure.value
    short = figure.almost and bool(_AGE_UNIT.match(figure.after) or re.match(r"\s*了", figure.after))
    if figure.lunar or short:
        value -= 1
    if value != int(value) or value < 0:
        return None
    return int(value)


def parse_age(text: str) -> int | None:
    """An age in whole years ("三十五岁", "35岁", "35", "快四十了" -> 39, "虚岁36" -> 35).
    A percentage or a generation ("90后") is never an age."""
    if not isinstance(text, str):
        return None
    figure = _age_figure(_read(text)[1])
    return None if figure is None else _as_age(figure)


def _is_target(figure: _Found) -> bool:
    return bool(_RETIRE_AFTER.match(figure.after) or _TARGET_BEFORE.search(figure.before))


def stated_age(text: str) -> int | None:
    """The age in a sentence that says it is the person's age ("其实我42岁", "我今年四十二",
    "快四十了"); a bare "42" and an age to reach ("60岁退休", "到65岁") are not."""
    if not isinstance(text, str):
        return None
    for figure in _read(text)[1]:
        if figure.percent or _is_target(figure) or figure.unit >= 10_000 or figure.value > _OLDEST:
            continue
        if _AGE_UNIT.match(figure.after) or (
                _STATED_BEFORE.search(figure.before) and _STATED_AFTER.match(figure.after)):
            return _as_age(figure)
    return None


def parse_amount(text: str) -> float | None:
    """A sum of money ("5万", "五万块", "20万元", "¥5000", "1.5亿", "一万二"); "没有", "零",
    "暂时没有", "一分钱都没有" are 0."""
    if not isinstance(text, str):
        return None
    found = _money(text)
    if _NOTHING.search(_normalise(text)) and not [f for f in found if f.value]:
        return 0.0
    best = _best(found) if found else _best(_read(text)[1])
    if best is None or best.value < 0:
        return None
    return best.value


def _near_period(text: str, found: list[_Found]) -> _Found | None:
    """Of several sums, the one written beside the period ("每月3000", "3000一个月")."""
    norm = _normalise(text)
    periods = [m for pattern in (_PER_HALF_MONTH, _PER_FORTNIGHT, _PER_MONTH, _PER_QUARTER,
                                 _PER_YEAR, _PER_WEEK, _PER_DAY) for m in pattern.finditer(norm)]
    for period in sorted(periods, key=lambda m: m.start()):
        for figure in found:  # after the period: "每月能存3000"
            between = norm[period.end():len(figure.before)]
            if len(figure.before) >= period.end() and len(between) <= 12 and not re.search(
                    r"[,.;:!?/]", between):
                return figure
        for figure in found:  # just before it: "3000块一个月"
            between = norm[len(norm) - len(figure.after):period.start()]
            if len(norm) - len(figure.after) <= period.start() and re.fullmatch(
                    r"\s*(?:块钱|块|元|人民币|rmb)?\s*", between, re.IGNORECASE):
                return figure
    return None


def parse_monthly(text: str) -> float | None:
    """A monthly sum: "每月三千" and "一个月2000" as they are, "每年三万" -> 2500, "每周500" ->
    500 x 52 / 12, "每天100" -> 100 x 365 / 12, "每季度三千" -> 1000; "没有" is 0."""
    value = parse_amount(text)
    if value is None:
        return None
    money = _money(text)
    if len(money) > 1 and (near := _near_period(text, money)) is not None:
        value = near.value
    norm = _normalise(text)
    if _PER_HALF_MONTH.search(norm):
        return value * 2
    if _PER_FORTNIGHT.search(norm):
        return value * 26 / 12.0
    if _PER_MONTH.search(norm):
        return value
    if _PER_QUARTER.search(norm):
        return value / 3.0
    if _PER_YEAR.search(norm):
        return value / 12.0
    if _PER_WEEK.search(norm):
        return value * 52 / 12.0
    if _PER_DAY.search(norm):
        return value * 365 / 12.0
    return value


def parse_yearly(text: str) -> float | None:
    """A yearly sum such as an income: "三十万" and "年收入三十万" as they are, a sum given for a
    shorter period made a year's ("月入两万" -> 24万, "每周三千" -> 3000 x 52); "没有" is 0."""
    value = parse_amount(text)
    norm = _normalise(text) if isinstance(text, str) else ""
    if value is None or _PER_YEAR.search(norm) or not any(
            period.search(norm) for period in (_PER_HALF_MONTH, _PER_FORTNIGHT, _PER_MONTH,
                                               _PER_QUARTER, _PER_WEEK, _PER_DAY)):
        return value
    return parse_monthly(text) * 12


def parse_years(text: str) -> float | None:
    """A number of years ("十年", "半年" -> 0.5, "三年半" -> 3.5, "十来年" -> 10, "18个月" -> 1.5,
    "两三年" -> 2.5). A calendar year ("2035年") is not a number of years."""
    if not isinstance(text, str):
        return None
    found = [f for f in _read(text)[1] if not f.percent]
    if not found:
        return None
    timed = [f for f in found if re.match(r"\s*(?:个)?\s*(?:半|多)?\s*(?:年|月|周|星期|礼拜|天)",
                                          f.after)]
    figure = (timed or found)[0]
    unit = re.match(r"\s*(?:个)?\s*(?:半|多)?\s*(年|月|周|星期|礼拜|天)", figure.after)
    if unit and unit[1] == "年" and figure.value >= 1900 and not figure.rough:
        return None  # "到2035年": a date
    if not unit or unit[1] == "年":
        return figure.value
    if unit[1] == "月":
        return figure.value / 12.0
    if unit[1] == "天":
        return figure.value / 365.0
    return figure.value / 52.0


def target_age(text: str) -> float | None:
    """The age named as a point in time ("60岁退休", "到60岁", "等我六十五的时候", "退休年龄60")."""
    if not isinstance(text, str):
        return None
    for figure in _read(text)[1]:
        if figure.percent or figure.unit >= 10_000 or not 0 < figure.value <= _OLDEST:
            continue
        if re.match(r"\s*(?:万|千|块|元|个|年|月|周|天|%)", figure.after):
            continue
        if _is_target(figure):
            return float(figure.value)
    return None


def parse_horizon(text: str, age: float | None,
                  retirement_age: float | None = None) -> float | None:
    """Years until the money is needed, from a number of years or an age to reach.

    "十年" -> 10; "60岁退休" from a 40-year-old -> 20; "退休的时候" / "到退休" -> ``retirement_age``
    less ``age``. An age to reach that is not above ``age``, or given while ``age`` (or, for
    retirement, ``retirement_age``) is unknown, is not a horizon we can trust: ``None``.
    """
    if not isinstance(text, str):
        return None
    reach = target_age(text)
    if reach is None and _RETIREMENT.search(_normalise(text)) and not any(
            re.match(r"\s*(?:个)?\s*(?:半|多)?\s*(?:年|月)", f.after) for f in _read(text)[1]):
        reach = None if retirement_age is None else float(retirement_age)
        if reach is None:
            return None
    if reach is None:
        return parse_years(text)
    if age is None or reach <= float(age):
        return None
    return reach - float(age)
