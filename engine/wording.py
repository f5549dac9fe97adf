"""The product's words in every language, from the locale files: one source for the chat and the engine.

Every sentence a client reads is in ``locales/<language>/*.yml`` (one file per concern), under
``responses:``, keyed by name, in Rasa's response shape: a list of variations, each with a ``text``
and optionally ``buttons`` and a ``condition``. Names that start with ``utter_`` are chat responses,
which Rasa sends (``rasa_components/nlg.py`` reads the same files); the others are phrases that the
engine's explanation, the questionnaire and the chat's actions put together with :func:`render`.

The folder is ``locales/`` at the repository's root, or the one the environment variable
``LOCALES_DIR`` names. A language is added by adding its folder. A language without a folder is
served in the default language (English), and so is a name its folder lacks;
:func:`translation_problems` lists what a language lacks or changes.

Placeholders in a phrase say how their value is shown, after a colon:

- ``{x:percent}`` a fraction as a whole percentage ("54%"), ``{x:percent.1}`` with one decimal;
- ``{x:points}`` a fraction as percentage points ("5"), ``{x:signed_points}`` with its sign ("+3");
- ``{x:money}`` an amount in whole currency units, written as the language writes amounts: its
  number by :data:`MONEY_NUMBERS` (English groups thousands, "1,000,000"; Chinese counts in 万 and
  亿, "20万", "1.2亿"), put into the language's phrase ``money`` ("{amount}"; "{amount}元"), which
  holds the currency word, if any;
- ``{x:number}`` a count or a number of years ("30", "2.5"), ``{x:number.1}`` with one decimal;
- ``{x:goal}`` (any other word) the phrase named ``goal_<value>``; for a list of statements, each
  one written with the phrase ``<word>_<code>``, joined by the phrase ``list_separator``;
- ``{x}`` a name or version shown as it is (a list of names is joined by ``list_separator``).

Chat responses take Rasa's plain ``{name}``, filled with values the action has written out.

Beside ``responses:``, a file may hold ``answers:``, the words clients type for each choice
(``answers.yml``, read by ``actions/answers.py`` through :func:`answer_words`).
"""

from __future__ import annotations

import os
import string
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel.numbers import format_compact_decimal

DEFAULT_LANGUAGE = "en"
#: Environment variable naming the folder of the language folders.
LOCALES_ENV = "LOCALES_DIR"
REPOSITORY_LOCALES = Path(__file__).resolve().parents[1] / "locales"
#: Phrase that joins the items of a list ("; " in English).
LIST_SEPARATOR = "list_separator"
#: The phrase that joins names in a list ("2008" and "2020" as the language names them).
NAME_SEPARATOR = "name_separator"

#: Name -> its variations (each a mapping with ``text``, optional ``buttons`` and ``condition``).
Responses = dict[str, list[dict[str, Any]]]
#: The template of a phrase by name; raises :class:`MissingText` when there is none.
Texts = Callable[[str], str]


#: The phrase that writes an amount of money around its number ``{amount}``: the currency word is
#: the locale's, not the code's.
MONEY = "money"


class MissingText(LookupError):
    """A phrase that a statement needs is missing from the source of texts."""

    def __str__(self) -> str:
        return f"no text for the phrase {self.args[0]!r}"


# -- the locale files --------------------------------------------------------------------------

def locales_dir() -> Path:
    """The folder that holds one folder per language: ``LOCALES_DIR``, else the repository's."""
    return Path(os.environ.get(LOCALES_ENV) or REPOSITORY_LOCALES)


def read_language(folder: Path) -> Responses:
    """Every response and phrase of one language's folder; a name in two files is an error."""
    found: Responses = {}
    origin: dict[str, str] = {}
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        responses = data.get("responses") if isinstance(data, dict) else None
        if not isinstance(responses, dict):
            raise ValueError(f"{path}: expected 'responses:', a mapping of names to variations")
        for name, variations in responses.items():
            if name in found:
                raise ValueError(f"{path}: {name!r} is also in {origin[name]}")
            if not (isinstance(variations, list) and variations and all(
                    isinstance(v, dict) and isinstance(v.get("text"), str) for v in variations)):
                raise ValueError(f"{path}: {name!r} must be a list of variations, each with a text")
            found[name], origin[name] = variations, path.name
    return found


@lru_cache(maxsize=4)
def _read(directory: Path) -> dict[str, Responses]:
    if not directory.is_dir():
        raise FileNotFoundError(f"no locales folder at {directory}: set {LOCALES_ENV} to the "
                                "folder that holds <language>/*.yml")
    languages = {folder.name: read_language(folder)
                 for folder in sorted(directory.iterdir()) if folder.is_dir()}
    if DEFAULT_LANGUAGE not in languages:
        raise ValueError(f"{directory} has no {DEFAULT_LANGUAGE}/ folder: the default language "
                         "serves every text a language lacks")
    return languages


def locales(directory: Path | None = None) -> dict[str, Responses]:
    """Every language's responses and phrases, read once per folder."""
    return _read(_resolved(directory or locales_dir()))


def served_language(language: str | None, available: Mapping[str, Any] | None = None) -> str:
    """The language whose folder serves ``language``: its own, that of its primary subtag ("zh"
    for "zh-CN"), else the default language."""
    available = locales() if available is None else available
    code = (language or "").strip().lower().replace("_", "-")
    for candidate in (code, code.split("-")[0]):
        if candidate in available:
            return candidate
    return DEFAULT_LANGUAGE


class _LanguageTexts:
    """The templates of one language, which also says which language it is (for numbers)."""

    def __init__(self, language: str, own: Responses, default: Responses):
        self.language, self._own, self._default = language, own, default

    def __call__(self, name: str) -> str:
        variations = self._own.get(name) or self._default.get(name)
        if variations is None:
            raise MissingText(name)
        return variations[0]["text"]


def texts(language: str | None = None, directory: Path | None = None) -> Texts:
    """Templates in ``language``: each name's first variation, the default language's when the
    language lacks it. The result's ``language`` attribute is the language served."""
    languages = locales(directory)
    served = served_language(language, languages)
    return _LanguageTexts(served, languages[served], languages[DEFAULT_LANGUAGE])


# -- the words clients answer with -------------------------------------------------------------

#: Top-level key, beside ``responses:``, of the words clients type for each choice (goals, income
#: stability, the risk questions' options), which ``actions/answers.py`` reads.
ANSWERS_KEY = "answers"


def answer_words(language: str | None = None, directory: Path | None = None) -> dict[str, Any]:
    """The ``answers:`` sections of the folder that serves ``language``, merged; empty when that
    folder has none: another language's words would misread its clients' answers."""
    folder = _resolved(directory or locales_dir()) / served_language(language, locales(directory))
    return _answer_words(folder, _file_stamps(folder))


@lru_cache(maxsize=16)
def _resolved(directory: Path) -> Path:
    return directory.resolve()


def _file_stamps(folder: Path) -> tuple:
    """Each ``*.yml`` file of ``folder`` by name, with its time of change and size: the key under
    which its words are kept, so that a changed file is read again. The form reads answer words
    many times a turn, so this is one directory listing and one ``stat`` per file."""
    try:
        with os.scandir(folder) as entries:
            found = [(entry.name, entry.stat()) for entry in entries
                     if entry.name.endswith(".yml") and entry.is_file()]
    except FileNotFoundError:
        return ()
    return tuple(sorted((name, stat.st_mtime_ns, stat.st_size) for name, stat in found))


@lru_cache(maxsize=8)
def _answer_words(folder: Path, files: tuple) -> dict[str, Any]:
    found: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for name, *_ in files:
        data = yaml.safe_load((folder / name).read_text(encoding="utf-8")) or {}
        section = data.get(ANSWERS_KEY) if isinstance(data, dict) else None
        if section is None:
            continue
        if not isinstance(section, dict):
            raise ValueError(f"{folder / name}: expected '{ANSWERS_KEY}:', a mapping of kinds of "
                             "words")
        for key, words in section.items():
            if key in found:
                raise ValueError(f"{folder / name}: {ANSWERS_KEY}.{key} is also in {origin[key]}")
            found[key], origin[key] = words, name
    return found


# -- translations ------------------------------------------------------------------------------

def placeholders(template: str) -> set[tuple[str, str]]:
    """The (name, format) of every placeholder of a template; ``{{`` and ``}}`` are braces."""
    return {(field, spec) for _, field, spec, _ in string.Formatter().parse(template)
            if field is not None}


def _shape(variation: Mapping[str, Any]) -> tuple[frozenset, tuple[str, ...]]:
    """What a translation must keep of a variation: its placeholders (the buttons' titles
    included) and its buttons' payloads, which the bot reads back."""
    buttons = variation.get("buttons") or []
    fields = placeholders(variation["text"]).union(
        *(placeholders(str(b.get("title", ""))) for b in buttons))
    return frozenset(fields), tuple(str(b.get("payload", "")) for b in buttons)


def _describe(shape: tuple[frozenset, tuple[str, ...]]) -> str:
    fields = ", ".join(sorted("{" + ":".join(filter(None, f)) + "}" for f in shape[0]))
    payloads = ", ".join(shape[1])
    return f"placeholders [{fields}]" + (f" and button payloads [{payloads}]" if payloads else "")


def translation_problems(directory: Path | None = None,
                         reference: str = DEFAULT_LANGUAGE) -> list[str]:
    """What each language lacks or changes against ``reference``, one sentence per problem.

    A language must have every name the reference has and no other, and each of its variations
    must keep the placeholders and button payloads of one of the reference's variations of that
    name (the number of variations may differ).
    """
    languages = locales(directory)
    expected_names = languages[reference]
    problems = []
    for language, responses in languages.items():
        if language == reference:
            continue
        problems += [f"{language}: no {name} (the {reference} folder has it)"
                     for name in sorted(set(expected_names) - set(responses))]
        problems += [f"{language}: {name} is not a name of the {reference} folder"
                     for name in sorted(set(responses) - set(expected_names))]
        for name in sorted(set(responses) & set(expected_names)):
            expected = {_shape(v) for v in expected_names[name]}
            for number, variation in enumerate(responses[name], start=1):
                shape = _shape(variation)
                if shape not in expected:
                    wanted = " or ".join(sorted(_describe(s) for s in expected))
                    problems.append(f"{language}: {name}, variation {number}, has "
                                    f"{_describe(shape)}; {reference} has {wanted}")
    return problems


# -- filling a phrase --------------------------------------------------------------------------

def _number(value: float, digits: str) -> str:
    if digits:
        return f"{value:,.{int(digits)}f}"
    # Whole numbers without decimals, others with one ("30", "2.5").
    return f"{round(value, 1):,.1f}".removesuffix(".0")


#: Ways of showing a number, by the word after the placeholder's colon.
NUMBER_FORMATS: dict[str, Callable[[float, str], str]] = {
    "percent": lambda v, d: f"{v * 100:.{int(d or 0)}f}%",
    "points": lambda v, d: f"{v * 100:.{int(d or 0)}f}",
    "signed_points": lambda v, d: f"{v * 100:+.{int(d or 0)}f}",
    "money": lambda v, d: f"{v:,.{int(d or 0)}f}",
    "number": _number,
}


def _myriads(value: float, language: str) -> str:
    """An amount counted in 万 (10⁴) and 亿 (10⁸), as Chinese writes amounts: "3500", "20万",
    "123.46万", "1.2亿"; whole units first, then at most two decimals of the unit (CLDR's compact
    numbers, through Babel)."""
    return format_compact_decimal(round(value), locale=language.replace("-", "_"),
                                  fraction_digits=2)


#: How a language writes the number of an amount of money, by its code; a language not here groups
#: thousands ("1,000,000").
MONEY_NUMBERS: dict[str, Callable[[float, str], str]] = {"zh": _myriads}


def format_money(value: float, texts: Texts) -> str:
    """An amount of money in the language of ``texts``: its number written as that language
    writes amounts (:data:`MONEY_NUMBERS`), in its phrase ``money``, which holds the currency word.
    A source of texts without a language or a ``money`` phrase gets the number alone."""
    language = served_language(getattr(texts, "language", None), MONEY_NUMBERS)
    number = (MONEY_NUMBERS[language](float(value), language) if language in MONEY_NUMBERS
              else NUMBER_FORMATS["money"](float(value), ""))
    try:
        template = texts(MONEY)
    except MissingText:
        return number
    return template.format(amount=number)


def format_value(value: float, spec: str, texts: Texts | None = None) -> str:
    """Show a number as ``spec`` says: ``percent``, ``percent.1``, ``points``, ``money``, ...

    Parameters
    ----------
    value : float
        A fraction for ``percent`` and the points (0.054 is 5.4%), currency units for ``money``.
    spec : str
        A key of :data:`NUMBER_FORMATS`, optionally followed by ``.<decimals>``.
    texts : callable, optional
        The language's texts (:func:`texts`): with them, ``money`` is written as that language
        writes amounts, with its currency word (:func:`format_money`).
    """
    kind, _, digits = spec.partition(".")
    if kind not in NUMBER_FORMATS:
        raise ValueError(f"unknown number format {spec!r}; use one of {sorted(NUMBER_FORMATS)}")
    if kind == "money" and texts is not None and not digits:
        return format_money(value, texts)
    return NUMBER_FORMATS[kind](float(value), digits)


class _Wording(string.Formatter):
    def __init__(self, texts: Texts):
        self.texts = texts

    def format_field(self, value: Any, format_spec: str) -> str:
        kind = format_spec.partition(".")[0]
        if kind in NUMBER_FORMATS:
            return format_value(value, format_spec, self.texts)
        if isinstance(value, list):
            if format_spec:
                # Statements by their code and parameters, names ("2008") by themselves.
                items = [self.phrase(f"{format_spec}_{s}", {}) if isinstance(s, str)
                         else self.phrase(f"{format_spec}_{s.code}", s.params) for s in value]
            else:
                items = [str(item) for item in value]
            names = bool(format_spec) and all(isinstance(item, str) for item in value)
            return self.texts(NAME_SEPARATOR if names else LIST_SEPARATOR).join(items)
        if format_spec:
            return self.phrase(f"{format_spec}_{value}", {})
        if not isinstance(value, str):
            # A bare number would reach the client unformatted ("0.5432").
            raise ValueError(f"the number {value!r} needs a format, such as {{name:percent}}")
        return value

    def phrase(self, name: str, params: Mapping[str, Any]) -> str:
        template = self.texts(name)
        try:
            return self.vformat(template, (), params)
        except KeyError as error:
            raise ValueError(f"the phrase {name!r} uses {error}, which is not one of its "
                             f"values {sorted(params)}") from None


def render(name: str, params: Mapping[str, Any], texts: Texts) -> str:
    """Write the phrase ``name`` with its values, taking every template from ``texts``.

    Parameters
    ----------
    name : str
        Name of the phrase, such as ``reason_risk_score`` or ``disclosure_no_guarantee``.
    params : mapping
        The values, shown as the placeholders say (see the module docstring); a list of
        statements (objects with ``code`` and ``params``) is written item by item.
    texts : callable
        Returns the template of a phrase name; raises :class:`MissingText` when it has none
        (:func:`texts` gives the locale files' templates in one language).
    """
    return _Wording(texts).phrase(name, params)
