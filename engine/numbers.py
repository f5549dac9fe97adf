"""Reading the numbers people type: ages, amounts, monthly contributions and years.

People write "thirty-five", "35 years old", "$50k", "1.5 million", "5,000", "500 a month" or
"none". These functions turn such text into plain numbers, or return ``None`` when the text holds
no number they can trust, so the chat can ask again. Amounts are in the account currency; years are
years; a yearly contribution is converted to a monthly one.
"""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
#: Suffixes and words that multiply the number before them ("50k", "1.5 million", "2 grand").
_MULTIPLIERS = {
    "k": 1_000, "thousand": 1_000, "grand": 1_000, "m": 1_000_000, "mm": 1_000_000,
    "mn": 1_000_000, "mil": 1_000_000, "million": 1_000_000, "millions": 1_000_000,
    "b": 1_000_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000,
}
_NOTHING = re.compile(
    r"^\s*(none|nothing|zero|nil|no|nope|not? (any|anything|really)|n/?a|-)\b", re.IGNORECASE
)
_NUMBER = re.compile(
    r"(?<![\w.])[$€£]?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*"
    r"(k|thousand|grand|mm|mn|mil|millions?|m|bn|billion|b)?(?![a-z])",
    re.IGNORECASE,
)
_PER_YEAR = re.compile(r"\b(a|per|each|every|/)\s*(year|yr|annum)\b|\b(yearly|annually)\b", re.I)
_PER_MONTH = re.compile(r"\b(a|per|each|every|/)\s*(month|mo)\b|\bmonthly\b", re.I)
_AGE_STATEMENT = re.compile(
    r"\b(?:i'?\s?a?m|i am|im|my age is|age(?: is)?|aged)\s+(?:now\s+|actually\s+)?([a-z\d-]+(?:[ -][a-z]+)?)"
    r"|\b([a-z\d-]+(?:[ -][a-z]+)?)\s*(?:years? old|yrs? old|y/?o)\b",
    re.IGNORECASE,
)


def words_to_number(text: str) -> float | None:
    """The value of a number written in English words ("thirty-five", "two hundred thousand").

    Returns ``None`` when any word is not part of a number.
    """
    words = [w for w in re.split(r"[\s-]+", text.strip().lower().replace(",", " ")) if w]
    words = [w for w in words if w != "and"]
    if not words or words == ["a"]:
        return None
    total, current, seen = 0, 0, False
    for i, word in enumerate(words):
        if word == "a" and i == 0:
            current, seen = 1, True
        elif word in _UNITS:
            current += _UNITS[word]
            seen = True
        elif word in _TENS:
            current += _TENS[word]
            seen = True
        elif word == "hundred" and seen:
            current *= 100
        elif word in _SCALES and seen:
            total += current * _SCALES[word]
            current = 0
        else:
            return None
    return float(total + current) if seen else None


def _word_number_spans(text: str) -> float | None:
    """The first run of number words in ``text``, with a scale word after it if any."""
    vocabulary = set(_UNITS) | set(_TENS) | set(_SCALES) | {"and"}
    tokens = re.findall(r"[a-z]+", text.lower())
    run: list[str] = []
    for token in tokens:
        if token in vocabulary and not (token == "and" and not run):
            run.append(token)
        elif run:
            break
    while run and run[-1] == "and":
        run.pop()
    return words_to_number(" ".join(run)) if run else None


def parse_number(text: str) -> float | None:
    """The first number in ``text``, in digits or words, with "k", "million" and the like applied.

    Examples: "$50k" -> 50000, "1.5 million" -> 1500000, "5,000" -> 5000, "thirty-five" -> 35.
    """
    if not isinstance(text, str):
        return None
    match = _NUMBER.search(text)
    if match:
        value = float(match.group(1).replace(",", "") + (match.group(2) or ""))
        suffix = (match.group(3) or "").lower()
        return value * _MULTIPLIERS.get(suffix, 1)
    value = _word_number_spans(text)
    if value is None:
        return None
    # "five thousand" is handled by the words themselves; "two grand" needs the multiplier.
    if re.search(r"\bgrand\b", text, re.IGNORECASE):
        value *= 1_000
    return value


def parse_age(text: str) -> int | None:
    """An age in whole years ("35", "thirty-five", "I'm 35 years old"); ``None`` if none is given."""
    value = parse_number(text)
    if value is None or value != int(value):
        return None
    return int(value)


def stated_age(text: str) -> int | None:
    """The age in a sentence that says it is an age ("actually I'm 42", "42 years old").

    Used to catch corrections typed while the chat asks something else, so a plain "42" is not
    enough here.
    """
    if not isinstance(text, str):
        return None
    match = _AGE_STATEMENT.search(text)
    if not match:
        return None
    candidate = match.group(1) or match.group(2)
    return parse_age(candidate)


def parse_amount(text: str) -> float | None:
    """A sum of money ("$50k", "1.5 million", "5,000"); "none" or "nothing" is 0."""
    if not isinstance(text, str):
        return None
    if _NOTHING.search(text):
        return 0.0
    value = parse_number(text)
    if value is None or value < 0:
        return None
    return value


def parse_monthly(text: str) -> float | None:
    """A monthly contribution; "6,000 a year" becomes 500 a month, "none" becomes 0."""
    value = parse_amount(text)
    if value is None:
        return None
    if _PER_YEAR.search(text) and not _PER_MONTH.search(text):
        return value / 12.0
    return value


def parse_years(text: str) -> float | None:
    """A number of years ("10", "ten years", "in 5 years"); months are converted ("18 months")."""
    value = parse_number(text)
    if value is None:
        return None
    if re.search(r"\bmonths?\b", text, re.IGNORECASE):
        return value / 12.0
    return value
