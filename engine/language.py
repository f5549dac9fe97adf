"""Which language a conversation speaks: the rule behind the chat's ``language`` slot.

A conversation's language is decided once, at its opening, and changed afterwards only when the
client asks for another one:

- **At the opening** (the first message with letters in it) the language is the one whose script
  holds most of the message's words, a Han character counting as a word: "你好，我想做个理财规划"
  is Chinese, "hi, I'm 35" English. The website's language (the page the chat is on, sent by the
  web app) is the prior: a first message overrides it only with at least :data:`OPENING_WORDS`
  words in another language's script, so "ok" or "hi" typed on a Chinese page stays Chinese, and
  "ETF是什么" is Chinese anywhere. A message without letters ("35", "👍") decides nothing.
- **Afterwards** a few words in another script ("ok", "ETF", "lol 好的" in a Chinese
  conversation) change nothing. A request does: a cue of ``language_requests`` ("English please",
  "请用中文") not negated in its clause ("I don't speak English" asks for nothing), or, when the
  classifier has read the message as a request for a language, a name of ``language_names`` in
  it. So does a message written in another language's script, with at least
  :data:`SWITCH_WORDS` words in it and :data:`SWITCH_RATIO` times as many as in the conversation's
  own ("你们有牌照吗", "我想买ETF基金" in an English conversation): the client has changed language,
  and is answered in theirs.

Each language says in its own folder (``locales/<language>/language.yml``, under ``answers:``)
the Unicode script it is written in (``writing_script``), the cues its clients use to ask for a
language and the names they give languages, keyed by the language asked for. The negations,
contrasts and contractions are the language's answer words (``answers.yml``). Cues are read on
the text in lower case and NFKC form (full-width letters as ASCII), traditional Chinese characters
as simplified ones (OpenCC's ``t2s``: "請說中文" asks as "请说中文" does), contractions written out;
``= english`` is a cue that must be the whole message (trailing punctuation aside).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from opencc import OpenCC

from engine.wording import answer_words, locales

#: Words a first message needs in another language's script to override the page's language.
OPENING_WORDS = 2
#: Words a later message needs in another language's script to change the conversation's
#: language ("你们有牌照吗" has six; a short answer such as "三十五岁", "I'd hold on" or "ETF" has
#: too few), and how many times as many as in the conversation's own script ("我想买ETF基金" in an
#: English conversation has six to one; "I'd buy 沪深300" in a Chinese one four to two).
SWITCH_WORDS = 5
SWITCH_RATIO = 3

#: Unicode scripts (UAX #24 names) the rule can tell apart, each by the test of one character.
#: A language written in another script needs its test here.
SCRIPTS: dict[str, Callable[[str], bool]] = {
    "Latin": lambda c: c.isalpha() and "LATIN" in unicodedata.name(c, ""),
    "Han": lambda c: unicodedata.name(c, "").startswith(("CJK UNIFIED IDEOGRAPH",
                                                         "CJK COMPATIBILITY IDEOGRAPH")),
}

#: Where a clause ends: a negation before it no longer counts.
_CLAUSE_END = re.compile(r"[,.;:!?()\[\]、，。；：！？（）\n]")
_WHOLE = "="


class UnknownScript(ValueError):
    """A language folder names a script :data:`SCRIPTS` cannot recognise."""


@dataclass(frozen=True)
class LanguageCues:
    """What one language's folder says about telling languages apart."""

    language: str
    script: str
    #: Language asked for -> the cues that ask for it.
    requests: Mapping[str, tuple[str, ...]]
    #: Language -> the names this language gives it.
    names: Mapping[str, tuple[str, ...]]
    negations: tuple[str, ...]
    contrasts: tuple[str, ...]
    contractions: Mapping[str, str]
    contraction_endings: Mapping[str, str]


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v).casefold() for v in (value or ()))


def _by_language(value: object) -> dict[str, tuple[str, ...]]:
    return {str(k): _strings(v) for k, v in (value or {}).items()}


def language_cues(directory: Path | None = None) -> dict[str, LanguageCues]:
    """Every language of the locale folder's cues (see the module's docstring)."""
    found = {}
    for language in locales(directory):
        words = answer_words(language, directory)
        script = words.get("writing_script")
        if script is None:
            raise UnknownScript(f"locales/{language}/language.yml has no answers.writing_script: "
                                f"name the script the language is written in ({', '.join(SCRIPTS)})")
        if script not in SCRIPTS:
            raise UnknownScript(f"locales/{language}/language.yml: writing_script {script!r} is not "
                                f"one of {', '.join(SCRIPTS)}")
        found[language] = LanguageCues(
            language=language, script=script,
            requests=_by_language(words.get("language_requests")),
            names=_by_language(words.get("language_names")),
            negations=_strings(words.get("negations")),
            contrasts=_strings(words.get("contrasts")),
            contractions={str(k).casefold(): str(v) for k, v in
                          (words.get("contractions") or {}).items()},
            contraction_endings={str(k).casefold(): str(v) for k, v in
                                 (words.get("contraction_endings") or {}).items()},
        )
    return found


# -- scripts ---------------------------------------------------------------------------------

def script_of(character: str) -> str | None:
    """The script of :data:`SCRIPTS` a character is a letter of, or None (digits, punctuation,
    emoji, letters of other scripts)."""
    return next((name for name, test in SCRIPTS.items() if test(character)), None)


def words_by_script(text: str) -> Counter[str]:
    """How many words of each script ``text`` has: a run of letters of an alphabet is a word, and
    so is each Han character ("我想买ETF": Han 3, Latin 1)."""
    counts: Counter[str] = Counter()
    previous = None
    for character in unicodedata.normalize("NFKC", text):
        script = script_of(character)
        if script == "Han" or (script is not None and script != previous):
            counts[script] += 1
        previous = script
    return counts


def has_letters(text: str) -> bool:
    """Whether ``text`` has a letter of a script the rule knows (a message that can decide)."""
    return bool(words_by_script(text))


def written_in(text: str, cues: Mapping[str, LanguageCues] | None = None) -> Counter[str]:
    """Words of ``text`` per language, by the script each language is written in."""
    cues = language_cues() if cues is None else cues
    counts = words_by_script(text)
    return Counter({language: counts[c.script] for language, c in cues.items()
                    if counts[c.script]})


def opening_language(text: str, page: str | None = None,
                     cues: Mapping[str, LanguageCues] | None = None) -> str | None:
    """The language of a conversation whose first message with letters is ``text``, on a page in
    ``page`` (None: not known); None when neither says one."""
    counts = written_in(text, cues).most_common()
    if not counts or (len(counts) > 1 and counts[0][1] == counts[1][1]):
        return page
    language, words = counts[0]
    if page is None or language == page:
        return language
    return language if words >= OPENING_WORDS else page


# -- requests --------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _simplified() -> OpenCC:
    return OpenCC("t2s")


def _normalised(text: str, cues: LanguageCues) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u2019", "'")
    if words_by_script(text)["Han"]:
        text = _simplified().convert(text)
    for short, full in cues.contractions.items():
        text = re.sub(rf"(?<![\w']){re.escape(short)}(?![\w'])", full, text)
    for ending, full in cues.contraction_endings.items():
        text = text.replace(ending, full)
    return " ".join(text.split())


def _pattern(cue: str) -> re.Pattern[str]:
    """A cue found as it is written, not inside a longer Latin word ("english" not in
    "englishman")."""
    start = r"(?<![a-z0-9])" if cue[:1].isascii() and cue[:1].isalnum() else ""
    end = r"(?![a-z0-9])" if cue[-1:].isascii() and cue[-1:].isalnum() else ""
    return re.compile(start + re.escape(cue) + end)


def _negated(text: str, at: int, cues: LanguageCues) -> bool:
    """Whether a negation of the language comes before position ``at`` in its clause."""
    clause = _CLAUSE_END.split(text[:at])[-1]
    for contrast in cues.contrasts:
        found = list(_pattern(contrast).finditer(clause))
        if found:
            clause = clause[found[-1].end():]
    return any(_pattern(negation).search(clause) for negation in cues.negations)


def _found(text: str, lists: Mapping[str, tuple[str, ...]], cues: LanguageCues
           ) -> list[tuple[int, str]]:
    """(position, language) of every cue of ``lists`` in ``text`` that no negation turns."""
    whole = _CLAUSE_END.sub(" ", text).strip()
    hits = []
    for language, phrases in lists.items():
        for cue in phrases:
            if cue.startswith(_WHOLE):
                if whole == cue.removeprefix(_WHOLE).strip():
                    hits.append((0, language))
                continue
            hits += [(m.start(), language) for m in _pattern(cue).finditer(text)
                     if not _negated(text, m.start(), cues)]
    return hits


def requested_language(text: str, *, asked: bool = False,
                       cues: Mapping[str, LanguageCues] | None = None) -> str | None:
    """The language ``text`` asks the conversation to continue in, or None.

    ``asked``: the classifier read the message as a request for a language, so a language's
    name in it (not negated) is enough ("could you do 中文?"). The cues of every language are
    read, since a client may ask in either; when several languages are asked for, the last one
    in the text wins ("no Chinese, English please" asks nothing of Chinese).
    """
    cues = language_cues() if cues is None else cues
    hits: list[tuple[int, str]] = []
    for own in cues.values():
        normalised = _normalised(text, own)
        hits += _found(normalised, own.requests, own)
        if asked:
            hits += _found(normalised, own.names, own)
    known = [(at, language) for at, language in hits if language in cues]
    return max(known)[1] if known else None


def page_language(code: object, cues: Mapping[str, LanguageCues] | None = None) -> str | None:
    """The language of the locale folders a page's language code names ("zh-CN": "zh"), or None
    for a missing or unknown code."""
    cues = language_cues() if cues is None else cues
    tag = str(code or "").strip().lower().replace("_", "-")
    for candidate in (tag, tag.split("-")[0]):
        if candidate in cues:
            return candidate
    return None


def language_after(text: str, *, page: str | None = None, opening: bool = False,
                   asked: bool = False, page_switched: bool = False, current: str | None = None,
                   directory: Path | None = None) -> str | None:
    """The language a conversation continues in after the message ``text``; None when the
    message changes nothing.

    ``page``: the language of the page the chat is on (a code, None if not known). ``opening``:
    no earlier message of the conversation had letters, and nothing else has set its language.
    ``asked``: the classifier read the message as a request for a language. ``page_switched``:
    the page's language is not the one of the conversation's previous message, so the client
    used the site's language switch; the page's language is then chosen, as a request would
    choose it (a request in the message itself still comes first). ``current``: the
    conversation's language so far, which a message written wholly in another one changes.
    """
    cues = language_cues(directory)
    requested = requested_language(text, asked=asked, cues=cues)
    if requested is not None:
        return requested
    if page_switched and page_language(page, cues) is not None:
        return page_language(page, cues)
    if not opening:
        return written_in_another(text, current, cues)
    return opening_language(text, page_language(page, cues), cues)


def written_in_another(text: str, current: str | None,
                       cues: Mapping[str, LanguageCues] | None = None) -> str | None:
    """The language other than ``current`` that ``text`` is written in: at least
    :data:`SWITCH_WORDS` words in its script, and :data:`SWITCH_RATIO` times as many as in
    ``current``'s; None otherwise, or when ``current`` is not known."""
    if current is None:
        return None
    counts = written_in(text, cues)
    own = counts.pop(current, 0)
    if not counts:
        return None
    language, words = counts.most_common(1)[0]
    return language if words >= SWITCH_WORDS and words >= SWITCH_RATIO * own else None
