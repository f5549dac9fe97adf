"""Reading the numbers people type: ages, amounts, monthly contributions and years.

People write "thirty-five", "35 years old", "$50k", "one point five million", "40 000", "20ish",
"about 50 a week", "between 10 and 15k" or "none". These functions turn such text into plain
numbers, or return ``None`` when the text holds no number they can trust, so the chat can ask
again. Amounts are in the account currency; years are years; a yearly, weekly, fortnightly or daily
contribution is converted to a monthly one.

How a message with several numbers is read:

* number words become digits first ("two and a half" -> 2.5, "ten k" -> 10 k, "a couple of" -> 2);
* a range ("between 10 and 15k", "10-15k", "10 to 15 thousand") counts as its middle (12,500), and
  a multiplier written only after the second end applies to both;
* a percentage ("10%", "10 percent") is not an amount: it is used only when nothing else is given;
* a figure marked as exact wins over a rough one ("nearly 30, 29 atm" -> 29); otherwise the first
  figure wins.

Text with CJK characters or full-width forms goes to the Chinese reader,
:mod:`engine.chinese_numbers`, which answers the same questions with the same return types
("三十五岁", "一万二", "每年三万", "五十多万"); ``reader_for`` names the reader for a text.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from types import ModuleType

from lexicon.security_codes import security_codes

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "oh": 0,
    "nought": 0,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
#: Words that stand for a number by themselves ("a couple of hundred", "half a million").
_COUNT_WORDS = {"couple": 2, "dozen": 12, "half": 0.5, "quarter": 0.25}
#: Suffixes and words that multiply the number before them ("50k", "1.5 million", "2 grand").
_MULTIPLIERS = {
    "k": 1_000, "thousand": 1_000, "grand": 1_000, "m": 1_000_000, "mm": 1_000_000,
    "mn": 1_000_000, "mil": 1_000_000, "million": 1_000_000, "millions": 1_000_000,
    "b": 1_000_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000,
}
_NOTHING = re.compile(
    r"^\s*(none|nothing|zero|nil|zilch|nada|zip|no|nope|not? (any|anything|really)|n/?a|-)\b"
    r"|\b(can'?t|cannot|couldn'?t|won'?t|unable to)\s+(really\s+)?"
    r"(add|afford|spare|save|put (in|away)|invest|contribute)\s+(anything|a thing|a penny|a cent)\b",
    re.IGNORECASE,
)
# Thousands separators: comma, space, thin or no-break space, apostrophe ("40 000", "1'250'000");
# a dot only for two or more groups ("1.250.000") or a single "000" group ("40.000"), since
# "1.500" could as well be one and a half.
_SEP = r"[,\u0020\u00a0\u2009\u202f'’]"
_DIGITS = (
    rf"\d{{1,3}}(?:{_SEP}\d{{3}})+(?![\d])"
    r"|\d{1,3}(?:\.\d{3}){2,}(?![\d.])"
    r"|\d{1,3}\.000(?![\d.])"
    r"|\d+(?:\.\d+)?"
)
_MULT = r"k|thousand|grand|mm|mn|mil|millions?|m|bn|billion|b"
_FIGURE = re.compile(
    rf"(?<![\w.])[$€£~]?\s*(?P<digits>{_DIGITS})(?![\d])"
    rf"(?:\s*(?:of\s+)?(?P<mult>{_MULT})(?![a-z]))?"
    r"(?P<ish>\s*-?\s*ish\b)?"
    r"(?P<pct>\s*(?:%|per\s?cent\b|pc\b))?",
    re.IGNORECASE,
)
#: The names of American retirement plans, "401k", "401(k)", "403b", "457(b)": no amount, unless a
#: currency sign or word says so ("$401k", "401k块钱") or it is the whole answer ("401k" asked for
#: a sum).
PLAN_NAMES = re.compile(r"(?<![A-Za-z0-9_.$€£¥])(?P<number>401|403|457)\s?\(?(?P<letter>[kb])\)?"
                        r"(?![a-z])(?!\s*(?:块|元|人民币|美元|刀|dollars?\b|bucks\b|usd\b|rmb\b))",
                        re.IGNORECASE)


def plan_names(text: str, replace) -> str:
    """``text`` with each retirement plan's name replaced by ``replace(match)``, unless the name
    is all the text says."""
    if re.fullmatch(rf"\W*{PLAN_NAMES.pattern}\W*", text, re.IGNORECASE):
        return text
    return PLAN_NAMES.sub(replace, text)


#: "a grand", "a cool mil": one of the scale, with an adjective that changes nothing ("half a
#: million" is left to the number words).
_ONE_SCALE = re.compile(r"(?<!half )(?<!quarter )(?<!third )(?<!of )\b(?:a|one)\s+"
                        r"(?:(?:cool|whole|round|clean|full|solid|nice)\s+)?"
                        r"(?P<scale>mil|million|grand|k|bn|billion)\b", re.IGNORECASE)
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|to|and|or)\s*$", re.IGNORECASE)
_ROUGH_BEFORE = re.compile(
    r"\b(?:about|around|roughly|approx(?:\.|imately)?|nearly|almost|maybe|perhaps|probably|circa|"
    r"ca\.?|some|like|say|give or take|something like|close to|just under|just over|over|under|"
    r"more than|less than|at least|at most|up to)\s*$|~\s*$",
    re.IGNORECASE,
)
_ROUGH_AFTER = re.compile(r"^\s*(?:-?\s*ish\b|or so\b|give or take\b|odd\b|plus\b|\+)", re.I)
_EXACT_AFTER = re.compile(r"^\s*(?:exactly|precisely|atm|at the moment|now|right now|actually)\b", re.I)
_EXACT_BEFORE = re.compile(r"\b(?:exactly|precisely|actually|really|in fact)\s*$", re.I)
_PER_YEAR = re.compile(r"\b(a|per|each|every|/)\s*(year|yr|annum)\b|\b(yearly|annually)\b", re.I)
_PER_MONTH = re.compile(r"\b(a|per|each|every|/)\s*(month|mo)\b|\bmonthly\b", re.I)
_PER_FORTNIGHT = re.compile(
    r"\b(a|per|each|every|/)\s*fortnight\b|\bfortnightly\b|\bbi-?weekly\b"
    r"|\bevery (two|2|other) weeks?\b", re.I)
_PER_WEEK = re.compile(r"\b(a|per|each|every|/)\s*(week|wk)\b|\bweekly\b", re.I)
_PER_DAY = re.compile(r"\b(a|per|each|every|/)\s*day\b|\bdaily\b", re.I)
_AGE_STATEMENT = re.compile(
    r"\b(?:i'?\s?a?m|i am|im|my age is|age(?: is)?|aged)\s+(?:now\s+|actually\s+)?([a-z\d-]+(?:[ -][a-z]+)?)"
    r"|\b([a-z\d-]+(?:[ -][a-z]+)?)\s*(?:years? old|yrs? old|y/?o)\b",
    re.IGNORECASE,
)
#: "until I'm 60", "when I hit 60", "by 60", "at 60", "retire at age 60": an age to reach.
_TARGET_AGE = re.compile(
    r"\b(?:until|till|til|when|by the time|by|at|once|before)\s+"
    r"(?:(?:i'?m|i am|im|i hit|i turn|i reach|i get to|i'?ll be|i will be|i retire at|"
    r"age|the age of|aged|turning|reaching|hitting)\s+)*"
    r"(?:age\s+)?(?P<age>\d{1,3}(?:\.\d+)?)(?!\d|[,.'’]\d|\s*(?:-|to|and)?\s*\d)"
    r"(?!\s*(?:years?|yrs?|months?|mos?|%|k\b|\.\d))",
    re.IGNORECASE,
)


_BEFORE_TARGET = re.compile(r"\b(?:until|till|til|when|by the time|once|before)\s*$", re.I)
#: Above this a number after "by" or "at" is a calendar year or an amount, not an age.
_OLDEST = 120


#: CJK characters, CJK punctuation and full-width forms: text for the Chinese reader.
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _chinese(text: object) -> ModuleType | None:
    """The Chinese reader when ``text`` holds CJK characters or full-width forms, else ``None``."""
    if isinstance(text, str) and _CJK.search(text):
        # Imported on the first Chinese text only: cn2an takes most of a second to load.
        from engine import chinese_numbers

        return chinese_numbers
    return None


def reader_for(text: str) -> ModuleType:
    """The module that reads ``text``: :mod:`engine.chinese_numbers` for text with CJK
    characters or full-width forms, this module otherwise. Both offer the same functions."""
    return _chinese(text) or sys.modules[__name__]


@dataclass(frozen=True)
class _Figure:
    value: float
    start: int
    end: int
    percent: bool
    rough: bool
    exact: bool


def words_to_number(text: str) -> float | None:
    """The value of a number written in English words.

    "thirty-five" -> 35, "two hundred thousand" -> 200000, "one point five" -> 1.5,
    "two and a half" -> 2.5, "a couple" -> 2, "half a million" -> 500000. Returns ``None`` when
    any word is not part of a number.
    """
    words = [w for w in re.split(r"[\s-]+", text.strip().lower().replace(",", " ")) if w]
    if not words or all(w in ("a", "an", "and", "of") for w in words):
        return None
    total, current, seen = 0.0, 0.0, False
    i = 0
    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        if word in ("and", "of"):
            pass
        elif word in ("a", "an"):
            # "a" counts as one only before a scale ("a hundred"); before "half" it is filler.
            if nxt in _SCALES and not seen:
                current, seen = 1.0, True
            elif nxt not in _COUNT_WORDS and nxt not in _SCALES:
                return None
        elif word in _UNITS:
            current += _UNITS[word]
            seen = True
        elif word in _TENS:
            current += _TENS[word]
            seen = True
        elif word in _COUNT_WORDS and i == 0 and _COUNT_WORDS[word] < 1 and not (
                set(words[1:]) & set(_SCALES)):
            return None  # a bare "half" is a share of something unsaid, not a number
        elif word in _COUNT_WORDS:
            current += _COUNT_WORDS[word]  # "two and a half", "a couple"
            seen = True
        elif word == "point" and seen and nxt in _UNITS:
            digits = ""
            while i + 1 < len(words) and words[i + 1] in _UNITS and _UNITS[words[i + 1]] < 10:
                i += 1
                digits += str(_UNITS[words[i]])
            if not digits:
                return None
            current += float("0." + digits)
        elif word == "hundred" and seen:
            current = (current or 1) * 100
        elif word in _SCALES and seen:
            total += (current or 1) * _SCALES[word]
            current = 0.0
        else:
            return None
        i += 1
    return float(total + current) if seen else None


_WORDS = (set(_UNITS) | set(_TENS) | set(_SCALES) | set(_COUNT_WORDS)
          | {"and", "a", "an", "of", "point"})
_WORD_RUN = re.compile(r"[a-z]+(?:[\s-]+[a-z]+)*", re.IGNORECASE)


def _digits(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def _words_as_digits(text: str) -> str:
    """``text`` with every run of number words written in digits ("ten k" -> "10 k")."""
    out: list[str] = []
    pos = 0
    for match in re.finditer(r"[a-z]+", text, re.IGNORECASE):
        if match.start() < pos:
            continue
        # Grow a run of number words joined by spaces or hyphens from this word on.
        run_end, tokens = match.start(), []
        for token in re.finditer(r"[a-z]+", text[match.start():], re.IGNORECASE):
            gap = text[match.start() + (run_end - match.start()):match.start() + token.start()]
            if tokens and not re.fullmatch(r"[\s-]*", gap):
                break
            if token.group().lower() not in _WORDS:
                break
            tokens.append(token.group().lower())
            run_end = match.start() + token.end()
        # Trim filler words at either end ("and", "of", a trailing "a").
        while tokens and tokens[-1] in ("and", "of", "a", "an", "point"):
            tokens.pop()
        while tokens and tokens[0] in ("and", "of", "point"):
            tokens.pop(0)
        value = words_to_number(" ".join(tokens)) if tokens else None
        if value is None:
            continue
        # Find where the trimmed run ends in the original text.
        end = match.start()
        for token in tokens:
            found = re.compile(re.escape(token), re.I).search(text, end)
            end = found.end()
        start = re.compile(re.escape(tokens[0]), re.I).search(text, match.start()).start()
        out.append(text[pos:start])
        out.append(_digits(value))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _figures(text: str) -> list[_Figure]:
    """Every figure in ``text`` (digits, after number words are turned into digits)."""
    figures: list[_Figure] = []
    scan = security_codes(plan_names(text, lambda m: "_" * len(m[0])), lambda m: "_" * len(m[0]))
    for match in _FIGURE.finditer(scan):
        raw = match.group("digits")
        if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}|\d{1,3}\.000", raw):
            raw = raw.replace(".", "")
        value = float(re.sub(_SEP, "", raw))
        mult = (match.group("mult") or "").lower()
        value *= _MULTIPLIERS.get(mult, 1)
        before, after = text[:match.start()], text[match.end():]
        rough = bool(match.group("ish") or _ROUGH_BEFORE.search(before)
                     or _ROUGH_AFTER.match(after) or match.group(0).lstrip().startswith("~"))
        exact = bool(_EXACT_AFTER.match(after) or _EXACT_BEFORE.search(before))
        figures.append(_Figure(value, match.start(), match.end(), bool(match.group("pct")),
                               rough, exact and not rough))
    return _join_ranges(text, figures)


def _join_ranges(text: str, figures: list[_Figure]) -> list[_Figure]:
    """Pairs written as a range ("10-15k", "between 10 and 15k") become their middle."""
    joined: list[_Figure] = []
    i = 0
    while i < len(figures):
        low = figures[i]
        high = figures[i + 1] if i + 1 < len(figures) else None
        gap = text[low.end:high.start] if high else ""
        between = re.search(r"\bbetween\s*[$€£]?\s*$", text[:low.start], re.IGNORECASE)
        is_range = high is not None and _RANGE_JOIN.match(gap) and (
            between or not re.match(r"^\s*(and|or)\s*$", gap, re.IGNORECASE))
        if is_range and not low.percent:
            low_value = low.value
            # "10-15k": the multiplier written after the second end applies to both.
            if not re.search(rf"(?:{_MULT})\s*$", text[low.start:low.end], re.IGNORECASE):
                high_mult = re.search(rf"(?:{_MULT})\s*$", text[high.start:high.end].rstrip(" %"),
                                      re.IGNORECASE)
                if high_mult:
                    low_value *= _MULTIPLIERS[high_mult.group().strip().lower()]
            joined.append(_Figure((low_value + high.value) / 2, low.start, high.end,
                                  high.percent, True, False))
            i += 2
            continue
        joined.append(low)
        i += 1
    return joined


def _best(figures: list[_Figure]) -> _Figure | None:
    amounts = [f for f in figures if not f.percent] or figures
    if not amounts:
        return None
    if any(f.rough for f in amounts):
        exact = [f for f in amounts if f.exact or not f.rough]
        if exact:
            return exact[0]
    return amounts[0]


def parse_number(text: str) -> float | None:
    """The number ``text`` gives, in digits or words, with "k", "million" and the like applied.

    Examples: "$50k" -> 50000, "1.5 million" -> 1500000, "5,000" -> 5000, "thirty-five" -> 35,
    "one point five million" -> 1500000, "40 000" -> 40000, "20ish" -> 20,
    "between 10 and 15k" -> 12500 (the middle of a range). See the module notes for how several
    numbers in one message are weighed.
    """
    if (chinese := _chinese(text)) is not None:
        return chinese.parse_number(text)
    if not isinstance(text, str):
        return None
    text = _ONE_SCALE.sub(r"1 \g<scale>", text)
    best = _best(_figures(_words_as_digits(text)))
    return None if best is None else best.value


def parse_age(text: str) -> int | None:
    """An age in whole years ("35", "thirty-five", "I'm 35 years old"); ``None`` if none is given.
    A percentage is never an age ("8 % a year")."""
    if (chinese := _chinese(text)) is not None:
        return chinese.parse_age(text)
    if isinstance(text, str):
        found = figures_in(text)[1]
        if found and all(f.percent for f in found):
            return None
    value = parse_number(text)
    if value is None or value != int(value):
        return None
    return int(value)


def stated_age(text: str) -> int | None:
    """The age in a sentence that says it is an age ("actually I'm 42", "42 years old").

    Used to catch corrections typed while the chat asks something else, so a plain "42" is not
    enough here.
    """
    if (chinese := _chinese(text)) is not None:
        return chinese.stated_age(text)
    if not isinstance(text, str):
        return None
    for match in _AGE_STATEMENT.finditer(text):
        # "when I'm 60" is an age to reach, not the age the person is.
        if not _BEFORE_TARGET.search(text[:match.start()]):
            return parse_age(match.group(1) or match.group(2))
    return None


def parse_amount(text: str) -> float | None:
    """A sum of money ("$50k", "1.5 million", "5,000", "ten k"); "none" or "nothing" is 0."""
    if (chinese := _chinese(text)) is not None:
        return chinese.parse_amount(text)
    if not isinstance(text, str):
        return None
    if _NOTHING.search(text):
        return 0.0
    value = parse_number(text)
    if value is None or value < 0:
        return None
    return value


def parse_monthly(text: str) -> float | None:
    """A monthly contribution; "6,000 a year" becomes 500 a month, "none" becomes 0.

    Weekly, fortnightly and daily sums are spread over the year: "50 a week" is 50 x 52 / 12.
    """
    if (chinese := _chinese(text)) is not None:
        return chinese.parse_monthly(text)
    value = parse_amount(text)
    if value is None:
        return None
    if _PER_MONTH.search(text):
        return value
    if _PER_YEAR.search(text):
        return value / 12.0
    if _PER_FORTNIGHT.search(text):
        return value * 26 / 12.0
    if _PER_WEEK.search(text):
        return value * 52 / 12.0
    if _PER_DAY.search(text):
        return value * 365 / 12.0
    return value


def parse_yearly(text: str) -> float | None:
    """A yearly sum such as an income: "200k" and "200k a year" as they are, a sum given for a
    shorter period made a year's ("15k a month" -> 180k, "800 a week" -> 800 x 52); "none" is 0."""
    if (chinese := _chinese(text)) is not None:
        return chinese.parse_yearly(text)
    value = parse_amount(text)
    if value is None or _PER_YEAR.search(text) or not any(
            period.search(text) for period in (_PER_MONTH, _PER_FORTNIGHT, _PER_WEEK, _PER_DAY)):
        return value
    return parse_monthly(text) * 12


def parse_years(text: str) -> float | None:
    """A number of years ("10", "ten years", "in two and a half years"); "18 months" is 1.5."""
    if (chinese := _chinese(text)) is not None:
        return chinese.parse_years(text)
    if not isinstance(text, str):
        return None
    # "a decade", "next year", "in a year" name a number of years without a figure.
    text = re.sub(r"\b(?:a|one)\s+decade\b", "10 years", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(?:a|one)\s+year\s+and\s+a\s+half\b", "1.5 years", text, flags=re.I)
    text = re.sub(r"\b(?:next|a|one)\s+year\b", "1 year", text, flags=re.IGNORECASE)
    value = parse_number(text)
    if value is None:
        return None
    if re.search(r"\bdecades\b", text, re.IGNORECASE):
        return value * 10
    if re.search(r"\bmonths?\b", text, re.IGNORECASE) and not re.search(
            r"\b(years?|yrs?)\b", text, re.IGNORECASE):
        return value / 12.0
    return value


def target_age(text: str) -> float | None:
    """The age named as a point in time ("until I'm 60", "when I hit 60", "by 60", "at 60")."""
    if (chinese := _chinese(text)) is not None:
        return chinese.target_age(text)
    if not isinstance(text, str):
        return None
    match = _TARGET_AGE.search(_words_as_digits(text))
    if not match or float(match.group("age")) > _OLDEST:
        return None
    return float(match.group("age"))


def parse_horizon(text: str, age: float | None,
                  retirement_age: float | None = None) -> float | None:
    """Years until the money is needed, from a number of years or an age to reach.

    "10 years" -> 10; "when I hit 60" from a 40-year-old -> 20. An age to reach that is not above
    ``age``, or given while ``age`` is unknown, is not a horizon we can trust: ``None``.
    ``retirement_age`` serves the Chinese reader ("退休的时候"); English text does not use it.
    """
    if (chinese := _chinese(text)) is not None:
        return chinese.parse_horizon(text, age, retirement_age)
    if not isinstance(text, str):
        return None
    reach = target_age(text)
    if reach is None:
        return parse_years(text)
    if age is None or reach <= float(age):
        return None
    return reach - float(age)


@dataclass(frozen=True)
class Figure:
    """A figure found in a sentence: its value, where it stands in the (digit-written) text,
    whether it is a percentage, and whether it was given as approximate ("about 50k", "10-15k")."""

    value: float
    start: int
    end: int
    percent: bool
    rough: bool = False


def figures_in(text: str) -> tuple[str, list[Figure]]:
    """``text`` with number words written in digits, and every figure in it, ranges joined."""
    if (chinese := _chinese(text)) is not None:
        return chinese.figures_in(text)
    written = _words_as_digits(text)
    return written, [Figure(f.value, f.start, f.end, f.percent, f.rough)
                     for f in _figures(written)]


def approximate(text: str) -> bool:
    """Whether the figure ``parse_number`` reads was given as approximate ("about 50k", "20ish",
    "10-15k", "五十多万"), so the chat should confirm it before using it."""
    if (chinese := _chinese(text)) is not None:
        return chinese.approximate(text)
    if not isinstance(text, str):
        return False
    best = _best(_figures(_words_as_digits(_ONE_SCALE.sub(r"1 \g<scale>", text))))
    return bool(best and best.rough)
