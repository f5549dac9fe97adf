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

Text with CJK characters goes to :mod:`engine.opening_zh`, which reads Chinese the same way
("我35岁，手头有20万，每个月能投三千").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine import numbers
from engine.numbers import figures_in, parse_monthly, stated_age, target_age

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
    off it (``CUT``: "100 less a month", "每月少投300").
    """

    age: int | None = None
    horizon_years: float | None = None
    initial_amount: float | None = None
    monthly_contribution: float | None = None
    target_amount: float | None = None
    rough: frozenset[str] = frozenset()
    monthly_change: int = 0

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


def read_opening(text: str) -> Opening:
    """The age, horizon and amounts ``text`` states, each only where the wording makes it clear."""
    if not isinstance(text, str) or not text.strip():
        return Opening()
    if numbers.reader_for(text) is not numbers:
        from engine.opening_zh import read_chinese_opening  # loads the Chinese number reader

        return read_chinese_opening(text)
    written, figures = figures_in(text)
    age = stated_age(text)
    horizon = initial = monthly = target = None
    change = NEW_SUM
    claimed_age = age is not None
    for figure in figures:
        if figure.percent:
            continue
        before, after = written[:figure.start], written[figure.end:]
        if _YEAR_LIKE.fullmatch(written[figure.start:figure.end].strip()) and _WHEN_BEFORE.search(
                before):
            continue  # "by 2030": a date, not a sum
        years = _years(written, figure.start, figure.end, figure.value)
        if years is not None:
            horizon = horizon if horizon is not None else years
            continue
        if _PERIOD_AFTER.match(after):
            if monthly is None:
                monthly = parse_monthly(written[figure.start:figure.end] + " " + after[:20])
                change = RAISE if _RAISE_BEFORE.search(before) or _RAISE_AFTER.match(after) \
                    else CUT if _CUT_AFTER.match(after) else NEW_SUM
            continue
        if claimed_age and figure.value == age and not _MONEY_MARK.search(
                written[figure.start:figure.end]):
            claimed_age = False  # the age itself, read once
            continue
        if _TARGET_BEFORE.search(before) and figure.value >= _SMALLEST_AMOUNT:
            target = target if target is not None else figure.value
            continue
        raw = written[figure.start:figure.end]
        large = figure.value >= _LARGE and not (_YEAR_LIKE.fullmatch(raw.strip()))
        money = large or _MONEY_MARK.search(raw) or _CURRENCY_AFTER.match(after) or (
            _MONEY_BEFORE.search(before) and figure.value >= _SMALLEST_AMOUNT)
        if money and initial is None:
            initial = figure.value
    if horizon is None and age is not None:
        reach = target_age(text)
        retire = _RETIRE_AT.search(written)
        if reach is None and retire is not None:
            reach = float(retire.group("age"))
        if reach is not None and reach > age:
            horizon = reach - age
    return Opening(age, horizon, initial, monthly, target, monthly_change=change)
