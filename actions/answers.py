"""Reading the answers typed or clicked during onboarding: goals, risk options, income stability.

Buttons send the option id as the ``choice`` entity. A typed answer is read with the words clients
use for each choice, from the ``answers:`` section of ``locales/<language>/answers.yml`` (how a cue
is written is said there):

* cue phrases per option: the longest cue found wins over shorter ones inside it; a cue after a
  negation ("I would never sell") speaks against its option; after a contrast ("..., but I'd
  hold") the words that follow decide;
* positions: "the first one", "option 3", "b", "the last", "the middle one";
* figures where an option means a number: the acceptable fall of ``max_loss`` ("15 %", "a fifth",
  "more than 30 %"), the range of ``outcome_range`` (an amount it reaches, a fall or a gain), the
  amounts and chances of ``gamble_choice`` ("8k", "the 50 % one"), years of ``experience``;
* a softener just before the words for the most careful end ("a bit scared", "有点不敢") makes
  the answer cautious (SOFTENED);
* hedges keep the answer ("probably hold"); on the income scale a hedged end is its middle
  (engine/hedges.py); "not sure" is no answer unless an option lists it ("no idea" is no
  experience); a question back ("what does calculated mean?") is no answer.

Two options found as often, or none, give None: the chat asks again with buttons rather than guess.
A language whose folder has no answers.yml is read by the words of the option titles alone. A
language may also read the cues in letters of languages its clients mix in (``borrowed_from``:
"我比较conservative"), and, when it is typed by sound, a cue typed with a character that sounds
like one of its own (``homophones``: "保手" for "保守"; engine/sounds.py).

Scripts written without spaces (Chinese) are read character by character: each character is a word,
so a cue is its characters in order; their numerals are read whole ("一万二", "百分之十"); a fraction
may be several words ("三分之一"); and a bound may follow its figure ("30%以上", the optional
``more_than_after``, ``less_than_after`` and ``at_most_after`` of a language's words).

Written here rather than with a parsing library: the cues are short phrases in a translator's
file, and what matters is how they weigh against each other (longest cue, negation, contrast,
blend), which no general parser decides. One module, as cues, places and figures are weighed
together in one reading.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from rasa_sdk import Tracker

from actions.answer_likeness import Likeness
from actions.script import cue_pattern, holds_any, normalised
from engine.hedges import soften
from engine.numbers import figures_in, words_to_number
from engine.profile import Goal, IncomeStability, InvestmentKnowledge
from engine.questionnaire import Question, option_titles, questionnaire
from engine.sounds import TRANSCRIPTIONS, sound_alike
from engine.wording import DEFAULT_LANGUAGE, answer_words, locales, texts

#: The acceptable fall each ``max_loss`` option stands for, as the top of its band (a fraction of
#: the money). Between two "about" options a fall belongs to the nearer one, and the midpoint to
#: the lower (the cautious reading): 15 % is about 10 %, 16 % about 20 %.
LOSS_BANDS = {"max_loss": (("loss_5", 0.075), ("loss_10", 0.15), ("loss_20", 0.25),
                           ("loss_30", 0.30), ("loss_over_30", math.inf))}
#: The sum invested in the ``outcome_range`` question ("For $10,000 invested for one year"), from
#: which its titles' amounts are falls and gains.
OUTCOME_INVESTED = {"outcome_range": 10_000.0}
#: Years of investing that each ``experience`` option stands for, as the top of its band: none is
#: no years; "several market falls" takes five years or more.
EXPERIENCE_YEARS = {"experience": (("none", 0.0), ("some", 4.999), ("extensive", math.inf))}
#: Goals that name what the money is for; when one is named with a way of investing ("grow it for
#: my retirement", "safe money for the kids' college") the purpose is the answer.
PURPOSES = (Goal.retirement, Goal.major_purchase, Goal.education)
#: The option that means "some of each" of the options on either side of it: an answer that names
#: options on both sides ("growth, but I can't lose much"; "salary plus irregular bonuses") is it.
BLENDS = {"return_priority": "balanced_growth", "risk_self_view": "calculated",
          "income_stability": IncomeStability.somewhat_stable.value}

#: The option that an end option means when a softener ("a bit", "有点") stands just before its
#: words: a bit of a risk avoider is cautious. The daring end is left alone: "a bit of a gambler"
#: still takes risks, and whether with research first the words do not say.
SOFTENED = {"risk_self_view": {"avoider": "cautious"}}

#: Options that win over another named in the same answer: a long or wide experience is told by
#: what sets it apart (futures, options, decades), while the products it also names ("shares and
#: futures") are held by the middle option too.
PREFERRED = {"experience": ("extensive",)}

GAP, WHOLE, UNSURE = "...", "=", ""
#: Words a "..." in a cue may stand for; a negation within as many words before a cue turns it
#: (a language may set either reach for itself: ``gap_reach``, ``negation_reach``).
MAX_GAP = 3
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LETTERS = rf"(?:(?![{_CJK}])[^\W\d_])+"
# Characters of scripts written without spaces are words of their own, so a cue matches in them.
_TOKEN = re.compile(rf"[{_CJK}]|\d+(?:[.,]\d+)*|{_LETTERS}(?:'{_LETTERS})*\*?|[%$€£#/+=\-]"
                    r"|[.,;:!?()…]")
_BREAKS = frozenset(".,;:!?()…")
_LETTER_WORD = re.compile(rf"{_LETTERS}(?:'{_LETTERS})*\*?")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
#: Keys of an answers section other than the choices, each a list of phrases unless said here.
GRAMMAR = ("contractions", "contraction_endings", "negations", "contrasts", "corrections", "weak",
           "since_words", "unsure", "asking",
           "interrogatives", "fillers", "option_nouns", "option_markers", "ordinals", "last",
           "second_last", "letters", "middle", "fractions", "fraction_articles", "ratio_words",
           "more_than", "less_than", "at_most", "loss_words", "gain_words", "year_words",
           "decade_words", "range_joins", "stopwords")
#: Keys a language may add: bounds said after a figure ("30%以上" is more than 30 %).
AFTER_BOUNDS = {"more_than": "more_than_after", "less_than": "less_than_after",
                "at_most": "at_most_after"}
_MAPPINGS = {"contractions", "contraction_endings", "fractions"}
#: Keys a language may add: words that hold a negation and negate nothing ("别人", "特别");
#: negations that turn round a cue holding its own ("不是那种不敢冒险的人": not one who dares not);
#: words just after a cue that turn it against its option ("高风险的不碰", "保守？跟我不沾边");
#: languages whose answer words its clients mix in, of which the cues written in letters alone
#: are read beside its own ("我比较conservative": Chinese clients type English words).
BORROWED = "borrowed_from"
OPTIONAL_LISTS = ("not_negations", "double_negations", "negations_after", BORROWED, "softeners")
#: How many words may stand between a double negation and the cue it turns round ("不是那种不敢").
DOUBLE_NEGATION_REACH = 2
#: The key by which a language lets an answer with no cue be read by its likeness to the options'
#: words (actions/answer_likeness.py): the probability the likeliest option needs, over 0, at most 1.
LIKENESS = "likeness_threshold"
#: Words (in Chinese, characters) an answer needs to be read by likeness: one is too little.
MIN_LIKENESS_WORDS = 2


def _is_probability(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1)


#: The key by which a language typed by sound names its transcription (engine.sounds): a cue
#: typed with a character that sounds like one of its own ("保手" for "保守") is read as the cue.
HOMOPHONES = "homophones"


def chosen(tracker: Tracker) -> str | None:
    """The option id a button sent with the latest message, if any."""
    for entity in tracker.latest_message.get("entities", []) or []:
        if entity.get("entity") == "choice" and entity.get("value"):
            return str(entity["value"])
    return None


@dataclass(frozen=True)
class _Cue:
    option: str
    words: tuple[str, ...]
    whole: bool
    negative: bool


@dataclass(frozen=True)
class _Hit:
    option: str
    start: int
    end: int
    strength: int
    negated: bool = False
    #: A figure ("8k") rather than words; one option's words and figures are one mention of it.
    figure: bool = False
    #: Said with "maybe" or "might": it counts less than an option said plainly.
    weak: bool = False


Phrases = tuple[tuple[str, ...], ...]


class Vocabulary:
    """One language's answer words, compiled for reading; ``borrowed``: the compiled words of
    the languages it borrows from (``borrowed_from``)."""

    def __init__(self, words: Mapping[str, Any], borrowed: Sequence[Vocabulary] = ()):
        self.words = words
        self.borrowed = tuple(borrowed)
        self.homophones = words.get(HOMOPHONES) if words.get(HOMOPHONES) in TRANSCRIPTIONS else None
        #: How many words after a negation it still turns a cue; a language may set its own
        #: (``negation_reach``): a Chinese character is about half a word.
        reach = words.get("negation_reach")
        self.negation_reach = reach if isinstance(reach, int) and reach > 0 else MAX_GAP
        #: How many words the "..." of a cue may stand for; a language may set its own
        #: (``gap_reach``), as a Chinese character is about half a word.
        gap = words.get("gap_reach")
        self.gap_reach = gap if isinstance(gap, int) and gap > 0 else MAX_GAP
        #: The probability at which an answer with no cue is read as the option it is most like
        #: (``likeness_threshold``; actions/answer_likeness.py), or None: such answers unread.
        threshold = words.get(LIKENESS)
        self.likeness_threshold = (float(threshold) if _is_probability(threshold) else None)
        self._likeness: dict[tuple, Likeness] = {}
        self._whole = [(re.compile(rf"(?<![\w']){re.escape(k)}(?![\w'])"), f" {v} ")
                       for k, v in (words.get("contractions") or {}).items()]
        self._endings = [(re.compile(rf"(?<=\w){re.escape(k)}(?![\w'])"), v)
                         for k, v in (words.get("contraction_endings") or {}).items()]
        self.ordinals = [self.phrases_of(words, None, group) for group in words.get("ordinals") or []]
        #: Numerals naming the first, second, ... option when they stand alone ("三" at a
        #: question of five options, in a language whose words_to_number does not read them).
        self.place_numerals = [" ".join(self.tokens(self.normalise(str(w))))
                               for w in words.get("place_numerals") or []]
        fractions = {tuple(self.tokens(self.normalise(k))): float(v)
                     for k, v in (words.get("fractions") or {}).items()}
        self.fractions = {k[0]: v for k, v in fractions.items() if len(k) == 1}
        #: Fractions written in several characters or words ("三分之一"), longest first.
        self.fraction_phrases = dict(sorted(((k, v) for k, v in fractions.items() if len(k) > 1),
                                            key=lambda item: -len(item[0])))

    @cached_property
    def cue_topics(self) -> dict[str, tuple[_Cue, ...]]:
        """Topic ("goal", "income_stability" or a question id) -> its cues, the unsure ones too."""
        topics = {"goal": self.words.get("goal") or {},
                  "income_stability": self.words.get("income_stability") or {},
                  "investment_knowledge": self.words.get("investment_knowledge") or {},
                  **(self.words.get("risk_questions") or {}),
                  **(self.words.get("figure_questions") or {})}
        unsure = [_Cue(UNSURE, p, False, False) for p in self.phrase("unsure")]
        return {topic: tuple(self._cues(options)) + self._borrowed_cues(topic) + tuple(unsure)
                for topic, options in topics.items()}

    def _borrowed_cues(self, topic: str) -> tuple[_Cue, ...]:
        """The cues of ``topic`` in the borrowed languages that are words of letters alone: a cue
        holding characters or figures is read by its own language's rules, not this one's."""
        return tuple(cue for other in self.borrowed for cue in other.cue_topics.get(topic, ())
                     if cue.option and all(w == GAP or _LETTER_WORD.fullmatch(w) for w in cue.words))

    def _cues(self, options: Mapping[str, Sequence[str]]):
        negations = set(self.phrase("negations"))
        for option, cues in options.items():
            for cue in cues or []:
                cue = str(cue)
                whole = cue.lstrip().startswith(WHOLE)
                parts = [self.tokens(self.normalise(p)) for p in cue.lstrip(" " + WHOLE).split(GAP)]
                words = tuple(w for i, part in enumerate(parts)
                              for w in ([GAP] if i else []) + part)
                if not any(w != GAP for w in words):
                    continue
                negative = any(words[i:i + len(n)] == n
                               and not _covered(words, i, i + len(n), self.phrase("not_negations"))
                               for n in negations for i in range(len(words)))
                yield _Cue(str(option), words, whole, negative)

    # -- text ------------------------------------------------------------------------------------

    def likeness(self, topic: str, titles: Mapping[str, str], options: Sequence[str]) -> Likeness:
        """The likeness model of ``topic``: its options' cues (gaps as spaces) and titles."""
        key = (topic, tuple(sorted(titles.items())), tuple(options))
        if key not in self._likeness:
            phrases: dict[str, list[str]] = {o: [titles[o]] if o in titles else [] for o in options}
            for cue in self.cue_topics.get(topic, ()):
                if cue.option in phrases and not cue.negative:
                    # A gap parts the cue into two words of its own.
                    parts = " ".join(cue.words).split(GAP)
                    phrases[cue.option].append(" ".join(_joined(p.split()) for p in parts))
            self._likeness[key] = Likeness(phrases)
        return self._likeness[key]

    def normalise(self, text: str) -> str:
        """Lower case, one kind of apostrophe, contractions written out ("wouldn't" -> "would
        not"), words joined by a hyphen apart ("self-employed"), possessives bare ("kids'")."""
        text = unicodedata.normalize("NFKC", text).casefold()
        text = re.sub(r"[’‘`´]", "'", text)
        text = re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", " ", text)
        for pattern, full in self._whole:
            text = pattern.sub(full, text)
        for pattern, full in self._endings:
            text = pattern.sub(full, text)
        text = re.sub(r"(?<=\w)'s\b|(?<=s)'(?!\w)", "", text)
        return text

    @staticmethod
    def tokens(text: str) -> list[str]:
        return _TOKEN.findall(text)

    def phrases_of(self, words: Mapping[str, Any] | None, key: str | None,
                   items: Sequence[str] | None = None) -> Phrases:
        raw = items if key is None else (words or {}).get(key) or []
        return tuple(t for t in (tuple(self.tokens(self.normalise(str(p)))) for p in raw) if t)

    def phrase(self, key: str) -> Phrases:
        cache = self.__dict__.setdefault("_phrases", {})
        if key not in cache:
            # The longest first, so that "not more than" is found before "more than".
            cache[key] = tuple(sorted(self.phrases_of(self.words, key), key=len, reverse=True))
        return cache[key]

    def words_set(self, key: str) -> frozenset[str]:
        return frozenset(" ".join(p) for p in self.phrase(key))


_compiled: dict[tuple[int, ...], tuple[tuple[Mapping, ...], Vocabulary]] = {}


def holds_cue(text: str, key: str, language: str | None) -> bool:
    """Whether ``text`` holds one of the cues the language's answer words list under ``key``: a
    cue of letters as whole words ("fee" not in "feeling", but in "fee太高"), one of CJK characters
    anywhere (no spaces part Chinese words); traditional characters read as simplified ones
    (actions.script)."""
    return holds_any(normalised(text), answer_words(language).get(key) or ())


def put_as_question(text: str, language: str | None) -> bool:
    """Whether the message is put as a question, or as a request to be told something ("give me
    a tip", "讲讲债券"): a question mark, one of the language's ``question_openers`` first, or one
    of its ``question_markers`` anywhere."""
    if "?" in text or "\uff1f" in text:
        return True
    words = answer_words(language)
    start = re.sub(r"^[\W_]+", "", normalised(text))
    if any(start.startswith(opener) and (_CJK_CHAR.search(opener)
                                         or not re.match(r"[^\W\d_]", start[len(opener):]))
           for opener in words.get("question_openers") or ()):
        return True
    return holds_cue(text, "question_markers", language)


def vocabulary(language: str | None = None) -> Vocabulary:
    """The compiled answer words of ``language`` with those it borrows (recompiled when their
    files change)."""
    words = answer_words(language)
    others = tuple(answer_words(str(other)) for other in words.get(BORROWED) or ()
                   if other != language)
    key = (id(words), *map(id, others))
    kept = _compiled.get(key)
    if kept is None or any(a is not b for a, b in zip(kept[0], (words, *others), strict=True)):
        if len(_compiled) > 8:
            _compiled.clear()
        kept = _compiled[key] = ((words, *others),
                                 Vocabulary(words, tuple(Vocabulary(o) for o in others)))
    return kept[1]


# -- finding the evidence -----------------------------------------------------------------------

def _ends_with(tokens: Sequence[str], end: int, phrases: Phrases) -> tuple[str, ...] | None:
    """The phrase of ``phrases`` that ends just before ``end``, if any."""
    return next((p for p in phrases if end >= len(p) and tuple(tokens[end - len(p):end]) == p),
                None)


def _starts_with(tokens: Sequence[str], start: int, phrases: Phrases) -> tuple[str, ...] | None:
    return next((p for p in phrases if tuple(tokens[start:start + len(p)]) == p), None)


def _negated(tokens: Sequence[str], start: int, vocab: Vocabulary, reach: int | None = None,
             spent: frozenset[int] = frozenset()) -> bool:
    """Whether a negation stands at most ``reach`` words before ``start`` (by default the
    language's ``negation_reach``), in the same clause.
    A negation at a place in ``spent`` negates nothing after it: the "not" of "not sure", or of a
    cue of the same option that holds its own negation."""
    contrasts = vocab.words_set("contrasts")
    reach = vocab.negation_reach if reach is None else reach
    for end in range(start, max(0, start - reach - 1), -1):
        negation = _ends_with(tokens, end, vocab.phrase("negations"))
        # "别人" (others), "不少" (many) and "特别" (very) hold a negation and are none.
        if (negation and end - 1 not in spent
                and not _covered(tokens, end - len(negation), end, vocab.phrase("not_negations"))):
            return True
        if end and (tokens[end - 1] in _BREAKS or tokens[end - 1] in contrasts):
            return False
    return False


def _covered(tokens: Sequence[str], start: int, end: int, phrases: Phrases) -> bool:
    """Whether one of ``phrases`` stands over all of ``tokens[start:end]``."""
    return any(tuple(tokens[at:at + len(p)]) == p
               for p in phrases for at in range(max(0, end - len(p)), start + 1))


def _turned_round(tokens: Sequence[str], start: int, vocab: Vocabulary) -> int | None:
    """Where a double negation starts that stands at most DOUBLE_NEGATION_REACH words before
    ``start``, in the same clause ("没什么不敢投的" dares), or None."""
    for end in range(start, max(0, start - DOUBLE_NEGATION_REACH - 1), -1):
        if double := _ends_with(tokens, end, vocab.phrase("double_negations")):
            return end - len(double)
        if end and tokens[end - 1] in _BREAKS:
            return None
    return None


def _denied_after(tokens: Sequence[str], end: int, vocab: Vocabulary) -> int | None:
    """Where the words end that follow a cue ending at ``end``, past any punctuation, and turn it
    against its option ("高风险的不碰", "保守？跟我不沾边"), or None."""
    while end < len(tokens) and tokens[end] in _BREAKS:
        end += 1
    denial = _starts_with(tokens, end, vocab.phrase("negations_after"))
    return end + len(denial) if denial else None


def _weak(tokens: Sequence[str], start: int, vocab: Vocabulary) -> bool:
    """Whether "maybe", "might" or the like stands at most two words before ``start``."""
    return any(_ends_with(tokens, end, vocab.phrase("weak"))
               for end in range(start, max(0, start - 3), -1)
               if not any(t in _BREAKS for t in tokens[end:start]))


def _same(word: str, token: str) -> bool:
    return token.startswith(word[:-1]) if word.endswith("*") else token == word


def _match(words: Sequence[str], tokens: Sequence[str], at: int, vocab: Vocabulary) -> int | None:
    """Where ``words`` (a cue) ends when it starts at ``tokens[at]``, or None."""
    if not words:
        return at
    if words[0] == GAP:
        blocked = vocab.words_set("negations") | vocab.words_set("contrasts") | _BREAKS
        for skip in range(vocab.gap_reach + 1):
            if skip and (at + skip > len(tokens) or tokens[at + skip - 1] in blocked):
                return None
            end = _match(words[1:], tokens, at + skip, vocab)
            if end is not None:
                return end
        return None
    if at < len(tokens) and _same(words[0], tokens[at]):
        return _match(words[1:], tokens, at + 1, vocab)
    return None


def _cue_hits(tokens: list[str], cues: Sequence[_Cue], vocab: Vocabulary) -> list[_Hit]:
    found = []
    for cue in cues:
        if cue.whole:
            continue
        strength = sum(w != GAP for w in cue.words)
        for at in range(len(tokens)):
            end = _match(cue.words, tokens, at, vocab)
            if end is not None:
                found.append((cue, _Hit(cue.option, at, end, strength)))
    # The longest cue wins over the shorter ones it covers; two options' cues as long over the
    # same words both stand (the answer is then a tie, not a guess); an unsure phrase gives way.
    found.sort(key=lambda f: (-f[1].strength, f[1].option == UNSURE, f[1].start))
    kept: list[tuple[_Cue, _Hit]] = []
    for cue, hit in found:
        clash = [k for _, k in kept if k.start < hit.end and hit.start < k.end]
        if clash and not (hit.option != UNSURE and all(
                k.strength == hit.strength and k.option not in (hit.option, UNSURE)
                for k in clash)):
            continue
        kept.append((cue, hit))
    unsure = frozenset(i for _, h in kept if h.option == UNSURE for i in range(h.start, h.end))
    # The negation inside a cue of an option does not turn that option's next cue against it:
    # "do not want to lose what I have" is all for protecting; "can not afford to lose anything"
    # still speaks against "anything".
    own = {option: frozenset(i for c, h in kept if c.negative and h.option == option
                             for i in range(h.start, h.end))
           for option in {h.option for _, h in kept}}
    # A cue holding its own negation is turned only by a double negation ("不是不敢"); the two
    # negations are then spent: "不是那种不敢冒险的人" does not deny "冒险".
    # The words that deny a cue are no cue of their own: "跟我不沾边" is not "不沾" (keeps away).
    denials = [range(h.end, end) for _, h in kept
               if (end := _denied_after(tokens, h.end, vocab)) is not None]
    kept = [(c, h) for c, h in kept
            if not any(h.start in d and h.end - 1 in d for d in denials)]
    turned = {id(h): _turned_round(tokens, h.start, vocab) for c, h in kept if c.negative}
    spent = unsure | frozenset(i for _, h in kept if turned.get(id(h)) is not None
                               for i in range(turned[id(h)], h.end))
    return [_Hit(h.option, h.start, h.end, h.strength,
                 (turned[id(h)] is not None if c.negative
                  else _negated(tokens, h.start, vocab, spent=spent | own[h.option])
                  or _turned_round(tokens, h.start, vocab) is not None)
                 or _denied_after(tokens, h.end, vocab) is not None,
                 weak=_weak(tokens, h.start, vocab))
            for c, h in kept if h.option != UNSURE]


def _place(tokens: Sequence[str], options: Sequence[str], vocab: Vocabulary) -> int | None:
    """The index of the option a whole short answer names by its place ("2", "b", "the last
    one", "option 3", "second to last"), or None."""
    nouns = vocab.phrase("option_nouns")
    while tokens and _ends_with(tokens, len(tokens), nouns) and len(tokens) > 1:
        tokens = tokens[:len(tokens) - len(_ends_with(tokens, len(tokens), nouns))]
    marker = _starts_with(tokens, 0, vocab.phrase("option_markers"))
    if marker and len(tokens) > len(marker):
        tokens = tokens[len(marker):]
    return _index(tuple(tokens), options, vocab)


def _said_as_place(content: list[str], core: list[str], vocab: Vocabulary) -> bool:
    """Whether the short answer ``core`` (``content`` without its fillers) is marked as an option's
    place: an option marker just before it ("我选2", "选项 3") or an option noun just after
    ("3号")."""
    at = next((i for i in range(len(content) - len(core) + 1)
               if content[i:i + len(core)] == core), None)
    if at is None:
        return False
    return bool(_ends_with(content, at, vocab.phrase("option_markers"))
                or _starts_with(content, at + len(core), vocab.phrase("option_nouns")))


def _index(tokens: tuple[str, ...], options: Sequence[str], vocab: Vocabulary) -> int | None:
    n = len(options)
    index = None
    if len(tokens) == 1 and tokens[0].isdigit():
        index = int(tokens[0]) - 1
    elif len(tokens) == 1 and " ".join(tokens) in vocab.words_set("letters"):
        index = [" ".join(p) for p in vocab.phrase("letters")].index(tokens[0])
    elif any(tokens == p for p in vocab.phrase("last")):
        index = n - 1
    elif any(tokens == p for p in vocab.phrase("second_last")):
        index = n - 2
    elif " ".join(tokens) in vocab.place_numerals:
        index = vocab.place_numerals.index(" ".join(tokens))
    elif (value := words_to_number(" ".join(tokens))) is not None and value == int(value):
        index = int(value) - 1
    else:
        index = next((i for i, group in enumerate(vocab.ordinals) if tokens in group), None)
    return index if index is not None and 0 <= index < n else None


def _place_hits(tokens: list[str], options: Sequence[str], middle: str | None,
                vocab: Vocabulary) -> list[_Hit]:
    """Places named inside a longer answer: "the second option", "option 3", "the middle one"."""
    hits = []
    places = [p for group in vocab.ordinals for p in group] + list(vocab.phrase("last"))
    for at in range(len(tokens)):
        for place in places:
            noun = _starts_with(tokens, at + len(place), vocab.phrase("option_nouns"))
            if noun and tuple(tokens[at:at + len(place)]) == place:
                index = _index(place, options, vocab)
                if index is not None:
                    hits.append(_Hit(options[index], at, at + len(place) + len(noun), 2))
        marker = _starts_with(tokens, at, vocab.phrase("option_markers"))
        if marker and at + len(marker) < len(tokens):
            index = _index((tokens[at + len(marker)],), options, vocab)
            if index is not None:
                hits.append(_Hit(options[index], at, at + len(marker) + 1, 2))
        second_last = _starts_with(tokens, at, vocab.phrase("second_last"))
        if second_last and len(options) > 1:
            hits.append(_Hit(options[-2], at, at + len(second_last), 2))
        between = _starts_with(tokens, at, vocab.phrase("middle"))
        if between and middle is not None:
            hits.append(_Hit(middle, at, at + len(between), 2))
    return [_Hit(h.option, h.start, h.end, h.strength, _negated(tokens, h.start, vocab),
                 weak=_weak(tokens, h.start, vocab)) for h in hits]


# -- figures ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Figure:
    value: float
    percent: bool
    before: tuple[str, ...]
    after: tuple[str, ...]


def _figures(tokens: Sequence[str], vocab: Vocabulary, keep_ranges: bool) -> list[_Figure]:
    """The figures of an answer, with fractions ("a fifth") and odds ("1 in 4") as percentages,
    each with the words of its clause before and after it."""
    out: list[str] = []
    articles = vocab.phrase("fraction_articles")
    ordinals = {w for group in vocab.ordinals for p in group for w in p}
    nouns = vocab.phrase("option_nouns")
    pronouns = {w for p in vocab.phrase("option_nouns") for w in p
                if words_to_number(w) is not None}
    counted = ({w for p in vocab.phrase("ratio_words") + vocab.phrase("year_words")
                + vocab.phrase("decade_words") for w in p} | set(vocab.fractions) | {"%"})
    at = -1
    while at + 1 < len(tokens):
        at += 1
        token = tokens[at]
        phrase = next((p for p in vocab.fraction_phrases if tuple(tokens[at:at + len(p)]) == p),
                      None)
        if phrase:
            out += [f"{vocab.fraction_phrases[phrase] * 100:g}", "%"]
            at += len(phrase) - 1
            continue
        following = tokens[at + 1] if at + 1 < len(tokens) else ""
        # "the wider one" names an option; "one in four", "one thousand", "one year" are figures.
        if token in pronouns and following not in counted and (not following or words_to_number(
                f"{token} {following}") is None):
            out.append(";")
            continue
        # "最后一个", "第三个": a numeral that counts options ("个") is no figure; "三个点" is.
        noun = _starts_with(tokens, at + 1, nouns) if token in vocab.place_numerals else None
        if noun and tokens[at + 1 + len(noun):at + 2 + len(noun)] not in (["点"], ["百"]):
            out.append(";")
            at += len(noun)
            continue
        article = _ends_with(out, len(out), articles)
        # "a third" is a share, "the third" a place.
        if token in vocab.fractions and (article or token not in ordinals):
            if article:
                del out[len(out) - len(article):]
            out += [f"{vocab.fractions[token] * 100:g}", "%"]
        else:
            out.append(token)
    written, _ = figures_in(_joined(out))
    ratio = "|".join(re.escape(" ".join(p)) for p in vocab.phrase("ratio_words")) or "(?!)"
    written = re.sub(rf"\b(\d+(?:\.\d+)?) (?:{ratio}) (\d+(?:\.\d+)?)\b",
                     lambda m: f"{100 * float(m[1]) / float(m[2]):g} %" if float(m[2]) else m[0],
                     written)
    if not keep_ranges:
        # "between 9,300 and 11,200" names both ends, not their middle.
        joins = [" ".join(p) for p in vocab.phrase("range_joins")]
        spaced = "|".join(re.escape(j) for j in joins) or "(?!)"
        # Chinese numbers read as figures are written without spaces: "8500到12000".
        unspaced = "|".join(re.escape(j) for j in joins if _CJK_CHAR.search(j)) or "(?!)"
        written = re.sub(rf"(\d(?: %)?)(?: (?:{spaced}) | ?(?:{unspaced}) ?)(?=[$€£¥]? ?\d)",
                         r"\1 ; ", written)
    written, figures = figures_in(written)
    found = []
    for figure in figures:
        before = _clause(_words(written[:figure.start], vocab), backwards=True)
        after = _clause(_words(written[figure.end:], vocab), backwards=False)
        found.append(_Figure(figure.value, figure.percent, before, after))
    return found


def _joined(tokens: Sequence[str]) -> str:
    """Tokens as text for reading figures: words apart, characters of scripts written without
    spaces together, so that a number in such characters reads whole ("一万二" is 12,000)."""
    text = ""
    for token in tokens:
        # Digits beside such characters read with them too: "7千2" is 7,200, "1万1" 11,000.
        together = text and ((_CJK_CHAR.fullmatch(text[-1]) and (_CJK_CHAR.match(token)
                                                                  or token[:1].isdigit()))
                             or (text[-1].isdigit() and _CJK_CHAR.match(token)))
        text += token if together or not text else f" {token}"
    return text


def _words(text: str, vocab: Vocabulary) -> list[str]:
    """The words of figure text, each character of a script without spaces a word of its own."""
    return [t for w in text.split() for t in (vocab.tokens(w) if _CJK_CHAR.search(w) else [w])]


def _clause(words: list[str], backwards: bool) -> tuple[str, ...]:
    words = words[::-1] if backwards else words
    clause = []
    for word in words:
        if word in _BREAKS:
            break
        clause.append(word)
    return tuple(clause[::-1] if backwards else clause)


def _qualified(figure: _Figure, vocab: Vocabulary) -> tuple[str | None, bool]:
    """The bound a figure is ("at_most", "more_than", "less_than" or None) and whether it is
    negated; "can't lose more than 10 %" is at most 10 %, "not less than 10 %" more than it."""
    before = list(figure.before)
    kind, qualifier = None, None
    for name in ("at_most", "more_than", "less_than"):
        qualifier = _ends_with(before, len(before), vocab.phrase(name))
        if qualifier:
            kind = name
            break
    if kind is None:
        kind = next((name for name, key in AFTER_BOUNDS.items()
                     if _starts_with(list(figure.after), 0, vocab.phrase(key))), None)
    negated = _negated(before, len(before) - len(qualifier or ()), vocab, reach=2)
    if negated and kind == "more_than":
        return "at_most", False
    if negated and kind == "less_than":
        return "more_than", False
    return kind, negated


def _negated_figure(figure: _Figure, vocab: Vocabulary) -> bool:
    return _qualified(figure, vocab)[1]


def _weak_figure(figure: _Figure, vocab: Vocabulary) -> bool:
    return _weak(list(figure.before), len(figure.before), vocab)


def _years(figure: _Figure, vocab: Vocabulary) -> float | None:
    """The years a figure counts: "10 years", "2 decades", "since 2015"."""
    this_year = date.today().year
    if (_ends_with(list(figure.before), len(figure.before), vocab.phrase("since_words"))
            and 1900 < figure.value <= this_year and figure.value == int(figure.value)):
        return this_year - figure.value
    after = [w for w in figure.after[:3] if w not in ("+", "plus")]
    if after and _starts_with(after, 0, vocab.phrase("decade_words")):
        return figure.value * 10
    if after and _starts_with(after, 0, vocab.phrase("year_words")):
        return figure.value
    return None


def _band(value: float, bands: Sequence[tuple[str, float]]) -> str:
    return next(option for option, top in bands if value <= top + 1e-12)


def _loss_hits(question_id: str, figures: list[_Figure], vocab: Vocabulary) -> list[_Hit]:
    """A fall typed as a figure, for a question whose options are bands of falls."""
    hits = []
    for figure in figures:
        if figure.value > 100 or _years(figure, vocab) is not None:
            continue  # an amount or a number of years says nothing of the share lost
        value = figure.value / 100
        kind, negated = _qualified(figure, vocab)
        value += {"more_than": 0.001, "less_than": -0.001}.get(kind, 0.0)
        option = _band(max(value, 0.0), LOSS_BANDS[question_id])
        hits.append(_Hit(option, 0, 0, 2, negated, True, _weak_figure(figure, vocab)))
    return hits


def _title_figures(titles: Mapping[str, str], vocab: Vocabulary) -> dict[str, list[float]]:
    return {option: [f.value for f in _figures(vocab.tokens(vocab.normalise(title)), vocab,
                                               keep_ranges=False)]
            for option, title in titles.items()}


def _title_figure_hits(figures: list[_Figure], titles: Mapping[str, str],
                       vocab: Vocabulary) -> tuple[list[_Hit], list[_Figure]]:
    """Figures that one option's title holds ("8k" is the $8,000 chance), and the others."""
    owners = _title_figures(titles, vocab)
    hits, rest = [], []
    for figure in figures:
        own = [o for o, values in owners.items() if any(abs(v - figure.value) < 1e-6
                                                        for v in values)]
        if len(own) == 1:
            hits.append(_Hit(own[0], 0, 0, 2, _negated_figure(figure, vocab), True))
        else:
            rest.append(figure)
    return hits, rest


def _near(figure: _Figure, phrases: Phrases) -> bool:
    words = list(figure.before[-4:]) + ["|"] + list(figure.after[:3])
    return any(_starts_with(words, i, phrases) for i in range(len(words)))


def _range_hits(question_id: str, figures: list[_Figure], titles: Mapping[str, str],
                vocab: Vocabulary) -> list[_Hit]:
    """Falls and gains typed for a question whose options are ranges of outcomes: the fall
    decides (the widest range whose fall is within the one accepted), else the nearest gain."""
    base = OUTCOME_INVESTED[question_id]
    ends = {o: sorted(v) for o, v in _title_figures(titles, vocab).items() if len(v) == 2}
    if not ends:
        return []
    falls, gains = [], []
    for figure in figures:
        loss, gain = _near(figure, vocab.phrase("loss_words")), _near(figure, vocab.phrase("gain_words"))
        value = figure.value / 100 * base if figure.percent else figure.value
        if figure.percent or value < base / 2:
            (gains if gain and not loss else falls).append((value, figure))
        elif value < base:
            falls.append((base - value, figure))
        elif value <= 2 * base:
            gains.append((value - base, figure))
    by_fall = sorted(ends, key=lambda o: base - ends[o][0])
    hits = []
    for amount, figure in falls:
        within = [o for o in by_fall if base - ends[o][0] <= amount * (1 + 1e-9)]
        hits.append(_Hit(within[-1] if within else by_fall[0], 0, 0, 2,
                         _negated_figure(figure, vocab), True, _weak_figure(figure, vocab)))
    if hits:
        return hits
    for amount, figure in gains:
        nearest = min(ends, key=lambda o: (abs(ends[o][1] - base - amount), ends[o][1]))
        hits.append(_Hit(nearest, 0, 0, 2, _negated_figure(figure, vocab), True))
    return hits


def _figure_hits(topic: str, tokens: list[str], titles: Mapping[str, str],
                 vocab: Vocabulary) -> list[_Hit]:
    if topic in LOSS_BANDS:
        return _loss_hits(topic, _figures(tokens, vocab, keep_ranges=True), vocab)
    figures = _figures(tokens, vocab, keep_ranges=False)
    if topic in EXPERIENCE_YEARS:
        return [_Hit(_band(years, EXPERIENCE_YEARS[topic]), 0, 0, 2, _negated_figure(f, vocab), True)
                for f in figures if (years := _years(f, vocab)) is not None]
    hits, rest = _title_figure_hits(figures, titles, vocab)
    if topic in OUTCOME_INVESTED:
        hits += _range_hits(topic, rest, titles, vocab)
    return hits


# -- reading ------------------------------------------------------------------------------------

def _asks(tokens: list[str], vocab: Vocabulary) -> bool:
    """Whether the answer asks something back ("what does calculated mean?", "20%是什么意思",
    "是指本金亏20%吗？")."""
    if _starts_with(tokens, 0, vocab.phrase("asking")):
        return True
    anywhere = vocab.phrase("asking_anywhere")
    if any(_starts_with(tokens, i, anywhere) for i in range(len(tokens))):
        return True
    interrogatives = vocab.words_set("interrogatives")
    # Chinese puts its question words anywhere in the sentence ("亏多少算多？"), English first.
    markers = tuple(p for p in vocab.phrase("question_markers") if _CJK_CHAR.match(p[0]))
    starts = [0] + [i + 1 for i, t in enumerate(tokens) if t in _BREAKS]
    for start in starts:
        end = next((i for i in range(start, len(tokens)) if tokens[i] in _BREAKS), None)
        if start >= len(tokens) or end is None or tokens[end] != "?":
            continue
        if tokens[start] in interrogatives or any(
                _starts_with(tokens, i, markers) for i in range(start, end)):
            return True
    return False


def _strip_fillers(words: list[str], vocab: Vocabulary, head: bool = True,
                   tail: bool = True) -> list[str]:
    fillers = vocab.phrase("fillers")
    changed = True
    while changed and words:
        changed = False
        first = _starts_with(words, 0, fillers) if head else None
        if first and len(first) < len(words):
            words, changed = words[len(first):], True
        last = _ends_with(words, len(words), fillers) if tail else None
        if last and len(last) < len(words):
            words, changed = words[:len(words) - len(last)], True
    return words


def _evidence(tokens: list[str], topic: str, options: Sequence[str], titles: Mapping[str, str],
              middle: str | None, vocab: Vocabulary) -> list[_Hit]:
    cues = vocab.cue_topics.get(topic, ())
    title_cues = [_Cue(o, tuple(vocab.tokens(vocab.normalise(t))), False, False)
                  for o, t in titles.items()]
    softened = SOFTENED.get(topic, {})
    words = [replace(hit, option=softened[hit.option])
             if hit.option in softened and _softened(tokens, hit.start, vocab) else hit
             for hit in _cue_hits(tokens, [*cues, *title_cues], vocab)]
    return (words + _place_hits(tokens, options, middle, vocab)
            + _figure_hits(topic, tokens, titles, vocab))


def _softened(tokens: Sequence[str], start: int, vocab: Vocabulary) -> bool:
    """Whether one of the language's ``softeners`` ends just before ``start`` ("a bit scared")."""
    return _ends_with(tokens, start, vocab.phrase("softeners")) is not None


def _respelled(tokens: list[str], topic: str, vocab: Vocabulary) -> list[str] | None:
    """``tokens`` with the cues of ``topic`` typed by their sound written as the cues, or None
    when none is heard. A cue is heard where it has two characters or more, at least one of them
    typed as written and each other one sounding like it ("保手" for "保守", "紧慎" for "谨慎");
    a cue of one character is heard in too many words to guess. The longest cue heard is kept
    where two overlap."""
    if vocab.homophones is None:
        return None
    heard: list[tuple[int, tuple[str, ...]]] = []
    for cue in vocab.cue_topics.get(topic, ()):
        words = cue.words
        if (cue.whole or not cue.option or len(words) < 2
                or not all(_CJK_CHAR.fullmatch(w) for w in words)):
            continue
        for at in range(len(tokens) - len(words) + 1):
            typed = tokens[at:at + len(words)]
            exact = sum(t == w for t, w in zip(typed, words, strict=True))
            if 0 < exact < len(words) and all(
                    t == w or (_CJK_CHAR.fullmatch(t) and sound_alike(t, w, vocab.homophones))
                    for t, w in zip(typed, words, strict=True)):
                heard.append((at, words))
    if not heard:
        return None
    respelled, taken = list(tokens), set()
    for at, words in sorted(heard, key=lambda h: -len(h[1])):
        span = set(range(at, at + len(words)))
        if not span & taken:
            respelled[at:at + len(words)] = words
            taken |= span
    return respelled


def _decide(hits: list[_Hit], prefer: Sequence[str] = ()) -> str | None:
    """The one option the evidence is for; a tie or none is None."""
    words, figures = Counter(), Counter()
    for hit in _mentions(hits):
        (figures if hit.figure else words)[hit.option] += -1 if hit.negated else (
            0.5 if hit.weak else 1)
    # A figure is more precise than words: figures that all point to one option decide.
    counted = {o for o, n in figures.items() if n > 0}
    if len(counted) == 1 and words[next(iter(counted))] >= 0:
        return next(iter(counted))
    # "The sure 1000" names one option once, by words and by a figure.
    score = {o: max(words[o], figures[o]) if min(words[o], figures[o]) >= 0
             else words[o] + figures[o] for o in set(words) | set(figures)}
    ahead = {o: s for o, s in score.items() if s > 0}
    if set(ahead) & set(prefer):
        ahead = {o: s for o, s in ahead.items() if o in prefer}
    if not ahead:
        return None
    best = max(ahead.values())
    winners = [o for o, s in ahead.items() if s == best]
    return winners[0] if len(winners) == 1 else None


@dataclass(frozen=True)
class _Reading:
    option: str | None
    #: The answer with the winning option's words blanked, for finding a hedge elsewhere in it.
    rest: str
    #: The answer without fillers at its ends.
    core: str


def _read(text: str, topic: str, options: Sequence[str], vocab: Vocabulary,
          titles: Mapping[str, str] | None = None, middle: str | None = None,
          prefer: Sequence[str] = ()) -> _Reading:
    nothing = _Reading(None, "", "")
    if not isinstance(text, str):
        return nothing
    tokens = vocab.tokens(vocab.normalise(text.replace("*", " ")))
    content = [t for t in tokens if t not in _BREAKS]
    if not content or _asks(tokens, vocab):
        return nothing
    titles = dict(titles or {o: o.replace("_", " ") for o in options})
    core = _strip_fillers(content, vocab)
    reading = _Reading(None, " ".join(tokens), " ".join(core))
    for option in options:
        typed_back = [option.replace("_", " ")] + ([titles[option]] if option in titles else [])
        if any(content == [t for t in vocab.tokens(vocab.normalise(name)) if t not in _BREAKS]
               for name in typed_back):
            return _Reading(option, "", reading.core)
    shapes = (content, core, _strip_fillers(content, vocab, head=False),
              _strip_fillers(content, vocab, tail=False))
    for cue in vocab.cue_topics.get(topic, ()):
        if cue.whole and cue.option and list(cue.words) in shapes:
            return _Reading(cue.option, "", reading.core)
    # "选项三": the marker's first character is also a filler, so the whole answer is tried too.
    place = next((shape for shape in (core, content, _strip_fillers(content, vocab, head=False))
                  if _place(shape, options, vocab) is not None), core)
    index = _place(place, options, vocab)
    if index is not None:
        # A bare figure may be a place or, where options are figures, a figure ("5" at max_loss);
        # a figure said to be a place ("我选2", "3号") is one.
        figure = (_decide(_figure_hits(topic, core, titles, vocab))
                  if len(place) == 1 and not _said_as_place(content, place, vocab) else None)
        if figure is not None and figure != options[index]:
            return reading
        return _Reading(options[index], "", reading.core)
    hits = _evidence(tokens, topic, options, titles, middle, vocab)
    respelled = None if hits else _respelled(tokens, topic, vocab)
    if respelled is not None:
        tokens = respelled
        hits = _evidence(tokens, topic, options, titles, middle, vocab)
    offset = 0
    # After a correction ("actually", "scratch that") the words that follow are the answer; after
    # a contrast ("but") too, unless the answer names both sides of a blend ("growth, but safe").
    blend = _blend(topic, options, hits)
    for key in ("corrections", "contrasts"):
        if blend is not None and key == "contrasts":
            return _Reading(blend, "", reading.core)
        at = max((i for i in range(len(tokens)) if _starts_with(tokens, i, vocab.phrase(key))),
                 default=None)
        if at is None:
            continue
        after = at + len(_starts_with(tokens, at, vocab.phrase(key)))
        said = _evidence(tokens[after:], topic, options, titles, middle, vocab)
        if any(not h.negated for h in said):
            hits, offset = said, after
            break
    option = _decide(hits, prefer)
    if option is not None:
        rest = list(tokens)
        for hit in hits:
            if hit.option == option:
                rest[offset + hit.start:offset + hit.end] = [""] * (hit.end - hit.start)
        return _Reading(option, " ".join(t for t in rest if t), reading.core)
    if not hits and not set(content) & vocab.words_set("negations"):
        # A language read by likeness reads the titles so too: the likeness model holds them, and
        # counting the characters an answer shares with a title reads "属于" as half of "敢于".
        if vocab.likeness_threshold is None:
            option = _by_title_words(content, titles, vocab)
        elif len(content) >= MIN_LIKENESS_WORDS:
            option = vocab.likeness(topic, titles, options).likeliest(
                _joined(content), vocab.likeness_threshold)
        else:
            option = None
        return _Reading(option, reading.rest, reading.core)
    return reading


def _mentions(hits: list[_Hit]) -> list[_Hit]:
    """Hits of one option close together ("protecting what I have") as one mention."""
    merged: list[_Hit] = [h for h in hits if h.figure]
    for hit in sorted((h for h in hits if not h.figure), key=lambda h: (h.option, h.start)):
        last = merged[-1] if merged else None
        if (last is not None and not last.figure and last.option == hit.option
                and last.negated == hit.negated and hit.start - last.end <= 2):
            merged[-1] = _Hit(last.option, last.start, max(last.end, hit.end), last.strength,
                              last.negated, weak=last.weak and hit.weak)
        else:
            merged.append(hit)
    return merged


def _blend(topic: str, options: Sequence[str], hits: list[_Hit]) -> str | None:
    """The blend option, when the answer names options on both sides of it, or it and one other
    ("safety and some growth")."""
    blend = BLENDS.get(topic)
    if blend not in options:
        return None
    middle = options.index(blend)
    named = {options.index(h.option) for h in hits if not h.negated}
    both_sides = min(named, default=middle) < middle < max(named, default=middle)
    return blend if both_sides or (middle in named and len(named) == 2) else None


def _by_title_words(content: list[str], titles: Mapping[str, str], vocab: Vocabulary) -> str | None:
    """The option whose title shares the most words with the answer (a language with no answer
    words is read so), or None on a tie."""
    stop = vocab.words_set("stopwords")
    words = set(content) - stop
    scores = {o: len(words & (set(vocab.tokens(vocab.normalise(t))) - stop - _BREAKS))
              for o, t in titles.items()}
    best = max(scores.values(), default=0)
    winners = [o for o, s in scores.items() if s == best]
    return winners[0] if best and len(winners) == 1 else None


# -- the choices --------------------------------------------------------------------------------

def match_goal(text: str, language: str | None = None) -> Goal | None:
    """The goal a typed answer names, or None if it names none or several. Retirement named only
    as a time ("两年后退休", "retiring in two years") beside keeping the money safe is a horizon:
    keeping it safe until then is the goal."""
    options = [g.value for g in Goal]
    vocab = vocabulary(language)
    reading = _read(text, "goal", options, vocab, prefer=[g.value for g in PURPOSES])
    if reading.option == Goal.retirement.value and isinstance(text, str):
        written = normalised(text)
        times = [cue_pattern(str(c)) for c in answer_words(language).get("retirement_times") or ()]
        if any(t.search(written) for t in times):
            for pattern in times:
                written = pattern.sub(" ", written)
            rest = _read(written, "goal", options, vocab).option
            if rest == Goal.capital_preservation.value:
                return Goal.capital_preservation
    return Goal(reading.option) if reading.option else None


def match_income_stability(text: str, language: str | None = None) -> IncomeStability | None:
    """Income stability from a typed answer ("it's irregular", "steady salary", "kind of")."""
    scale = list(IncomeStability)
    reading = _read(text, "income_stability", [s.value for s in scale], vocabulary(language),
                    middle=IncomeStability.somewhat_stable.value)
    if reading.option is None:
        # A reply that is only a hedge ("kind of", "I'd say fairly") means the middle.
        return soften(scale, None, reading.core)
    return soften(scale, IncomeStability(reading.option), reading.rest)


def match_investment_knowledge(text: str,
                               language: str | None = None) -> InvestmentKnowledge | None:
    """Investment knowledge from a typed answer ("I know the basics", "I work at a fund house").
    The four levels have no middle, so a hedge moves nothing: the words name the level."""
    reading = _read(text, "investment_knowledge", [k.value for k in InvestmentKnowledge],
                    vocabulary(language))
    return None if reading.option is None else InvestmentKnowledge(reading.option)


def match_option(question: Question, text: str, titles: Mapping[str, str],
                 language: str | None = None) -> str | None:
    """The id of the option of ``question`` that a typed answer describes, or None.

    ``titles``: option id -> the title the client was shown. ``language``: the conversation's;
    by default the language whose titles these are.
    """
    language = language or _language_of(question, titles)
    return _read(text, question.id, [o.id for o in question.options], vocabulary(language),
                 titles=titles, middle=question.middle,
                 prefer=PREFERRED.get(question.id, ())).option


#: The answers in words that a question asking for a figure accepts (answers.yml,
#: figure_questions): "no target" for the target, "your default" or "when I retire" for the years.
FIGURE_ANSWERS = {"target_amount": ("none", "double", "triple"),
                  "horizon_years": ("default", "retirement")}


def match_figure_words(slot: str, text: str, language: str | None = None) -> str | None:
    """Which answer in words ``text`` gives to the figure question ``slot``, or None."""
    options = FIGURE_ANSWERS.get(slot)
    if not options:
        return None
    return _read(text, slot, list(options), vocabulary(language),
                 titles={o: o for o in options}).option


def _language_of(question: Question, titles: Mapping[str, str]) -> str:
    shown = dict(titles)
    for language in (DEFAULT_LANGUAGE, *sorted(locales())):
        if option_titles(question, texts(language)) == shown:
            return language
    return DEFAULT_LANGUAGE


# -- checking a language's words ----------------------------------------------------------------

def vocabulary_problems(language: str, directory: Path | None = None) -> list[str]:
    """What the ``answers:`` words of ``language``'s folder lack or get wrong, one sentence each:
    every goal, income stability and option of every risk question needs words, and no id may be
    unknown."""
    folder = f"locales/{language}/"
    if language not in locales(directory):
        return [f"{folder} does not exist"]
    words = answer_words(language, directory)
    if not words:
        return [f"{folder} has no 'answers:' section (answers.yml)"]
    problems = [f"{folder}answers.yml: no {key}" for key in GRAMMAR if key not in words]
    expected = {"goal": [g.value for g in Goal],
                "income_stability": [s.value for s in IncomeStability],
                "investment_knowledge": [k.value for k in InvestmentKnowledge],
                **{f"risk_questions.{q.id}": [o.id for o in q.options]
                   for q in questionnaire().questions}}
    given = {"goal": words.get("goal"), "income_stability": words.get("income_stability"),
             "investment_knowledge": words.get("investment_knowledge"),
             **{f"risk_questions.{q}": v for q, v in (words.get("risk_questions") or {}).items()}}
    expected.update({f"figure_questions.{slot}": list(ids) for slot, ids in FIGURE_ANSWERS.items()})
    given.update({f"figure_questions.{slot}": v
                  for slot, v in (words.get("figure_questions") or {}).items()})
    problems += [f"{folder}answers.yml: {topic} is not a question of the questionnaire"
                 for topic in sorted(set(given) - set(expected))]
    for topic, ids in expected.items():
        options = given.get(topic)
        if not isinstance(options, Mapping):
            problems.append(f"{folder}answers.yml: no words for {topic}")
            continue
        problems += [f"{folder}answers.yml: {topic}.{o} is not an option of {topic}"
                     for o in options if o not in ids]
        problems += [f"{folder}answers.yml: {topic}.{o} has no words"
                     for o in ids if not (isinstance(options.get(o), list) and options[o]
                                          and all(isinstance(c, str) for c in options[o]))]
        seen: dict[str, str] = {}
        for option in ids:
            for cue in options.get(option) or []:
                key = " ".join(str(cue).split())
                if key in seen and seen[key] != option:
                    problems.append(f"{folder}answers.yml: {topic}: {cue!r} is under both "
                                    f"{seen[key]} and {option}")
                seen.setdefault(key, option)
                if str(cue).strip().startswith(GAP) or str(cue).strip().endswith(GAP):
                    problems.append(f"{folder}answers.yml: {topic}.{option}: {cue!r} may not "
                                    f"start or end with {GAP}")
    for key in (*GRAMMAR, *AFTER_BOUNDS.values(), *OPTIONAL_LISTS):
        value = words.get(key)
        if key in words and (not isinstance(value, Mapping) if key in _MAPPINGS
                             else not isinstance(value, list)):
            kind = "a mapping" if key in _MAPPINGS else "a list"
            problems.append(f"{folder}answers.yml: {key} must be {kind}")
    for reach_key in ("negation_reach", "gap_reach"):
        reach = words.get(reach_key, MAX_GAP)
        if not isinstance(reach, int) or isinstance(reach, bool) or reach < 1:
            problems.append(f"{folder}answers.yml: {reach_key} must be a whole number of words, "
                            f"1 or more, not {reach!r}")
    if LIKENESS in words and not _is_probability(words[LIKENESS]):
        problems.append(f"{folder}answers.yml: {LIKENESS} must be a probability over 0 and at "
                        f"most 1, not {words[LIKENESS]!r}")
    if HOMOPHONES in words and words[HOMOPHONES] not in TRANSCRIPTIONS:
        problems.append(f"{folder}answers.yml: {HOMOPHONES} must be one of "
                        f"{', '.join(sorted(TRANSCRIPTIONS))}, not {words[HOMOPHONES]!r}")
    if isinstance(words.get(BORROWED), list):
        problems += [f"{folder}answers.yml: {BORROWED}: {other!r} is not a language of locales/"
                     for other in words[BORROWED]
                     if other == language or str(other) not in locales(directory)]
    return problems
