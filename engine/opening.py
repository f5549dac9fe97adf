"""The facts a first message states: "I'm 62 and need the money in 3 years", "I have 20k and can
add 500 a month", "saving for a house, 10 years from now".

A sentence can hold several figures, so each is read by what stands around it: an age is said as
one ("I'm 62", "62 years old"), a target by what it is to become ("aiming for 80k"), a horizon by a span of time ("in 3 years", "for a decade", "until
I'm 60", "retire at 65"), a monthly amount by its period ("500 a month"), an amount to start with by
money words (a currency sign, "k", "grand", "have", "saved", "invest"). A figure that none of these
claims is left unread: the form asks for it rather than guess. A monthly sum said as more or less
than today's ("500 more a month", "an extra 200 a month", "100 less a month") is marked as a change
(``monthly_change``), so a what-if adds it to the contribution (or takes it off) rather than
replacing it.

A span of years said as a move of the retirement date ("retire 5 years later", "retire two years
earlier", "work 3 more years", "delay my retirement by 2 years") is no horizon: it is read as
``retirement_shift`` (years, negative for earlier), for a what-if to move the retirement age the
client's profile implies; an opening form leaves it unread, as it knows no retirement age yet.

Text with CJK characters goes to :mod:`engine.opening_zh`, which reads Chinese the same way
("我35岁，手头有20万，每个月能投三千"); a message that mixes the scripts ("I'm 35, 20万") is read by
both readers, each over its own words (the stretches between Chinese words that hold English
words are the English reader's), so that a figure is read once; a fact both state is the
Chinese reader's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from engine import numbers
from engine.numbers import figures_in, parse_monthly, stated_age, target_age
from lexicon.security_codes import security_codes

_YEARS_AFTER = re.compile(r"^\s*(?:more\s+)?(?P<unit>years?|yrs?|decades?)\b", re.IGNORECASE)
_HORIZON_BEFORE = re.compile(
    r"\b(?:in|within|for|next|over|another|about|around|roughly|maybe)\s+(?:the\s+next\s+|about\s+"
    r"|around\s+|roughly\s+)?$", re.IGNORECASE)
_HORIZON_AFTER = re.compile(r"^\s*(?:years?|yrs?|decades?)\s*(?:from now|time|'s time|away|"
                            r"horizon|out|or so|left|to go)\b", re.IGNORECASE)
_PERIOD_AFTER = re.compile(
    r"^\s*(?:k|grand|thousand)?\s*(?:(?:more|extra|less|fewer)\s+)?"
    r"(?:(?:each|every|a|per|/)\s*(?:month|mo|week|wk|year|yr|annum|fortnight|day)\b"
    r"|(?:monthly|weekly|yearly|annually|fortnightly|daily)\b)",
    re.IGNORECASE)
#: A monthly sum said as more than today's: "an extra 500 a month", "500 more a month"; or as less.
_RAISE_BEFORE = re.compile(r"\b(?:extra|another|additional|further)\s*[$€£]?\s*$", re.IGNORECASE)
_RAISE_AFTER = re.compile(r"^\s*(?:k|grand|thousand)?\s*(?:more|extra)\b", re.IGNORECASE)
_CUT_AFTER = re.compile(r"^\s*(?:k|grand|thousand)?\s*(?:less|fewer)\b", re.IGNORECASE)
#: ``Opening.monthly_change``: the monthly sum is the new contribution, more than it, or less.
NEW_SUM, RAISE, CUT = 0, 1, -1
_MONEY_BEFORE = re.compile(
    r"(?:[$€£]\s*$|\b(?:have|has|got|saved|savings?|save|invest|investing|put|putting|with|"
    r"inherited|inheritance|bonus|lump sum|sum of|budget(?: is)?|spare|start with|"
    r"starting with)\b[^.,;]{0,20}$)", re.IGNORECASE)
_MONEY_MARK = re.compile(r"[$€£]|\d\s*(?:k|grand|thousand|million|m|bn)\b", re.IGNORECASE)
_CURRENCY_AFTER = re.compile(r"^\s*(?:dollars|bucks|pounds|quid|euros?|usd|gbp|eur)\b", re.IGNORECASE)
_TARGET_BEFORE = re.compile(
    r"\b(?:target(?: of| is)?|aim(?:ing)? (?:for|at)|reach|get to|grow (?:it )?to|end up with|"
    r"goal of|need(?:ing)?|(?:want|like|love|hope|need) to have|turn (?:it )?into|become)\b"
    r"[^.,;]{0,12}$", re.IGNORECASE)
#: "5 years later", "two years earlier", "3 more years" (of work), "a year sooner": a move of the
#: retirement date, when the sentence speaks of retiring or working.
_SHIFT_AFTER = re.compile(
    r"^\s*(?:(?:more\s+)?(?:years?|yrs?)\s+(?:(?P<later>later|longer|more|after)|"
    r"(?P<earlier>earlier|sooner|early|before|less|fewer))|(?P<more>more)\s+(?:years?|yrs?)|"
    r"(?P<fewer>fewer|less)\s+(?:years?|yrs?))\b", re.IGNORECASE)
_SHIFT_BEFORE = re.compile(
    r"\b(?:(?P<later>delay\w*|postpon\w*|defer\w*|push\w*(?:\s+\w+){0,2}\s+(?:back|out)|"
    r"work\w*\s+(?:an?\s+)?(?:extra|another|additional))|"
    r"(?P<earlier>(?:bring|brought|bringing|move|moving|moved)(?:\s+\w+){0,2}\s+forward))"
    r"(?:\s+(?:my|the|our))?(?:\s+retirement(?:\s+age|\s+date)?)?(?:\s+by)?\s*$",
    re.IGNORECASE)
_SHIFT_YEARS = re.compile(r"^\s*(?:more\s+)?(?:years?|yrs?)\b", re.IGNORECASE)
#: "a year later", "delay it by a year": a move of one year, said without a figure.
_A_YEAR = re.compile(r"\b(?:a|an|one)\s+(?=(?:more\s+)?years?\b)", re.IGNORECASE)
_RETIRING = re.compile(r"\bretir\w*|\bwork\w*|\bpension", re.IGNORECASE)
#: Chinese words, with the digits next to them: what the English reader leaves to the Chinese one.
#: A stretch of text between Chinese words is the English reader's when it holds a word of letters
#: ("I'm 35, ", "I have about 50k"); a figure with a shorthand unit alone (", 20k") is read with
#: the Chinese words, as Chinese chat writes it. Each figure is read by one reader only.
_ENGLISH_WORD = re.compile(r"[a-z]+(?<![0-9][kwm])(?<![0-9] [kwm])", re.IGNORECASE)
#: (In text made half-width, where "，" is ",": the marks of a clause stay for the English reader.)
_CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_SHORTHAND = r"(?:(?<=\d)\s?[kw](?![a-z]))?"  # "5w", "8k", as Chinese chat writes sums
_CJK_RUN = re.compile(rf"(?:\d[\d.]*\s?(?={_CJK}))?(?:{_CJK}[\d.,\s]*{_SHORTHAND}[\d.,\s]*)*"
                      rf"{_CJK}(?:[\d.]+%?{_SHORTHAND})?", re.IGNORECASE)
_RETIRE_AT = re.compile(r"\bretir\w*\s+(?:at|by)\s+(?:age\s+)?(?P<age>\d{2,3})\b", re.IGNORECASE)
#: From this a figure no other words claim is a sum to invest ("somewhere safe for 100,000"),
#: unless written like a calendar year ("by 2030").
_LARGE = 1_000
_YEAR_LIKE = re.compile(r"(?:19|20)\d\d")
_WHEN_BEFORE = re.compile(r"\b(?:by|in|until|till|before|since|from|after|around)\s*$", re.I)
#: Below this a bare figure with a money word is more likely a count than an amount ("with 2 kids").
_SMALLEST_AMOUNT = 50


@dataclass(frozen=True)
class Opening:
    """What an opening message says; None where it says nothing.

    ``rough`` names the facts given as approximate ("八十多万", "三五年"), for the chat to say
    back as such; ``monthly_change`` says whether the monthly sum is the new contribution
    (``NEW_SUM``), to be added to today's (``RAISE``: "500 more a month", "每月多投500") or taken
    off it (``CUT``: "100 less a month", "每月少投300"); ``retirement_shift`` is a move of the
    retirement date in years ("retire 5 years later" is 5, "早两年退休" is -2), which no form
    question takes.
    """

    age: int | None = None
    horizon_years: float | None = None
    initial_amount: float | None = None
    monthly_contribution: float | None = None
    target_amount: float | None = None
    rough: frozenset[str] = frozenset()
    monthly_change: int = 0
    retirement_shift: float | None = None

    def stated(self) -> dict[str, float]:
        """The facts stated, by name (the form's slots)."""
        return {name: getattr(self, name) for name in FACTS if getattr(self, name) is not None}


#: The facts an opening message may state, named as the form's slots.
FACTS = ("age", "horizon_years", "initial_amount", "monthly_contribution", "target_amount")


def _years(written: str, start: int, end: int, value: float) -> float | None:
    after = written[end:]
    unit = _YEARS_AFTER.match(after)
    if unit is None:
        return None
    if _HORIZON_BEFORE.search(written[:start]) or _HORIZON_AFTER.match(after):
        return value * 10 if unit.group("unit").lower().startswith("decade") else value
    return None


def _shift(written: str, years: float, before: str, after: str) -> float | None:
    """The move of the retirement date a figure states ("5 years later" is 5, "2 years earlier"
    -2), or None."""
    said = _SHIFT_AFTER.match(after)
    if said is None:
        said = _SHIFT_BEFORE.search(before)
        if said is None or not _SHIFT_YEARS.match(after):
            return None
    if not _RETIRING.search(written):
        return None
    later = said.group("later") or said.groupdict().get("more")
    return years if later else -years


def read_opening(text: str) -> Opening:
    """The age, horizon and amounts ``text`` states, each only where the wording makes it clear;
    a message in both scripts is read by both readers (see the module notes)."""
    if not isinstance(text, str) or not text.strip():
        return Opening()
    if numbers.reader_for(text) is numbers:
        return _read_english(text)
    from engine.opening_zh import read_chinese_opening  # loads the Chinese number reader

    # Codes are told from sums on the whole message: "510300这个ETF" names the fund in English.
    written = security_codes(unicodedata.normalize("NFKC", text), lambda m: "_" * len(m[0]))
    chinese_part, english_part, pos = [], [], 0
    for run in [*_CJK_RUN.finditer(written), None]:
        gap = written[pos:run.start() if run else len(written)]
        english = bool(_ENGLISH_WORD.search(gap))
        chinese_part.append("，" if english else gap)
        english_part.append(gap if english else " ; ")
        if run is not None:
            chinese_part.append(run.group())
            english_part.append(" ; ")
            pos = run.end()
    if not any(_ENGLISH_WORD.search(part) for part in english_part):
        return read_chinese_opening(text)
    return _merged(read_chinese_opening("".join(chinese_part)),
                   _read_english("".join(english_part)))


def _merged(first: Opening, second: Opening) -> Opening:
    """The facts of ``first`` and those of ``second`` it does not state."""
    facts = first.stated()
    rough = set(first.rough)
    for name, value in second.stated().items():
        if name not in facts:
            facts[name] = value
            if name in second.rough:
                rough.add(name)
    monthly_from_first = first.monthly_contribution is not None
    shift = first.retirement_shift if first.retirement_shift is not None else (
        second.retirement_shift)
    return Opening(**facts, rough=frozenset(rough),
                   monthly_change=first.monthly_change if monthly_from_first
                   else second.monthly_change if "monthly_contribution" in facts else NEW_SUM,
                   retirement_shift=shift)


def _read_english(text: str) -> Opening:
    written, figures = figures_in(text)
    age = stated_age(text)
    horizon = initial = monthly = target = shift = None
    rough: set[str] = set()
    change = NEW_SUM
    claimed_age = age is not None
    for figure in figures:
        if figure.percent:
            continue
        before, after = written[:figure.start], written[figure.end:]
        if _YEAR_LIKE.fullmatch(written[figure.start:figure.end].strip()) and _WHEN_BEFORE.search(
                before):
            continue  # "by 2030": a date, not a sum
        moved = _shift(written, figure.value, before, after)
        if moved is not None:
            shift = shift if shift is not None else moved
            continue
        years = _years(written, figure.start, figure.end, figure.value)
        if years is not None:
            if horizon is None:
                horizon = years
                rough |= {"horizon_years"} if figure.rough else set()
            continue
        if _PERIOD_AFTER.match(after):
            if monthly is None:
                monthly = parse_monthly(written[figure.start:figure.end] + " " + after[:20])
                change = RAISE if _RAISE_BEFORE.search(before) or _RAISE_AFTER.match(after) \
                    else CUT if _CUT_AFTER.match(after) else NEW_SUM
                rough |= {"monthly_contribution"} if figure.rough else set()
            continue
        if claimed_age and figure.value == age and not _MONEY_MARK.search(
                written[figure.start:figure.end]):
            claimed_age = False  # the age itself, read once
            rough |= {"age"} if figure.rough else set()
            continue
        if _TARGET_BEFORE.search(before) and figure.value >= _SMALLEST_AMOUNT:
            if target is None:
                target = figure.value
                rough |= {"target_amount"} if figure.rough else set()
            continue
        raw = written[figure.start:figure.end]
        large = figure.value >= _LARGE and not (_YEAR_LIKE.fullmatch(raw.strip()))
        money = large or _MONEY_MARK.search(raw) or _CURRENCY_AFTER.match(after) or (
            _MONEY_BEFORE.search(before) and figure.value >= _SMALLEST_AMOUNT)
        if money and initial is None:
            initial = figure.value
            rough |= {"initial_amount"} if figure.rough else set()
    for a_year in _A_YEAR.finditer(written) if shift is None else ():
        shift = _shift(written, 1.0, written[:a_year.start()], written[a_year.end():])
        if shift is not None:
            break
    if horizon is None and age is not None:
        reach = target_age(text)
        retire = _RETIRE_AT.search(written)
        if reach is None and retire is not None:
            reach = float(retire.group("age"))
        if reach is not None and reach > age:
            horizon = reach - age
    return Opening(age, horizon, initial, monthly, target, rough=frozenset(rough),
                   monthly_change=change, retirement_shift=shift)
