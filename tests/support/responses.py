"""The bot's responses and phrases, by name, for checking what the bot said.

A check on a reply compares it with the whole text of the response it should be, never with a
word the wrong reply could also contain:

    matches_response(text, "utter_ask_age")               # any variation, placeholders as wildcards
    matches_response(text, "utter_handoff", reference=12)  # a placeholder filled
    response_name(text) == "utter_ask_age"                 # which response a text is
    response_names(messages) == ["utter_explain_bonds", "utter_ask_age"]  # a REST channel reply
    matches_reply(messages, "utter_recommendation", "utter_projection", years=30)
    matches_response(text, "utter_ask_age", language="zh")  # as locales/zh/ words it

Placeholders are Rasa's ``{name}`` and the explanation phrases' ``{name:format}``; ``{{`` and ``}}``
are literal braces. A placeholder left as a wildcard matches any non-empty text without a blank
line: Rasa's REST channel sends each paragraph of a message (split at blank lines) as a message of
its own, so a value never spans one. The texts are the English locale files' (every ``*.yml`` of
``LOCALE``): the chat responses (``utter_*``) Rasa sends and the phrases actions put in them.
Every function takes ``language="zh"`` to read the texts of another locale folder
(``locales/zh/``); :func:`response_name` and :func:`response_names` so tell a reply of another
language by its folder.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

LOCALE = Path(__file__).resolve().parents[2] / "locales" / "en"

_PIECE = re.compile(r"\{\{|\}\}|\{([^{}\n]+)\}")
_WILDCARD = r"(?:(?!\n\n).)+?"


@functools.cache
def _variations(language: str | None = None) -> dict[str, tuple[dict, ...]]:
    # None: the reference folder, LOCALE.
    folder = LOCALE if language is None else LOCALE.parent / language
    if not folder.is_dir():
        raise ValueError(f"no locale folder {folder}")
    merged: dict[str, tuple[dict, ...]] = {}
    for path in sorted(folder.glob("*.yml")):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        for name, variations in responses.items():
            merged[name] = tuple(variations or [])
    return merged


@functools.cache
def _responses(language: str | None = None) -> dict[str, tuple[str, ...]]:
    return {name: tuple(v["text"] for v in variations if v.get("text"))
            for name, variations in _variations(language).items()}


def response_variations(name: str, language: str | None = None) -> list[dict]:
    """Every variation of the response or phrase ``name`` (text, buttons, condition), as the
    locale folder of ``language`` words it (by default the English reference, ``LOCALE``)."""
    try:
        return list(_variations(language)[name])
    except KeyError:
        folder = "the locale files" if language is None else f"locales/{language}"
        raise KeyError(f"{folder} have no response {name!r}") from None


def response_texts(name: str, language: str | None = None) -> list[str]:
    """The text of every variation of the response or phrase ``name`` in ``language``."""
    return [v["text"] for v in response_variations(name, language) if v.get("text")]


def _placeholders(text: str) -> set[str]:
    return {m.group(1).split(":")[0] for m in _PIECE.finditer(text) if m.group(1)}


def _pattern(text: str, values: Mapping[str, object]) -> str:
    """A variation as a regular expression: literal text, placeholders filled or wildcards."""
    parts, end = [], 0
    for match in _PIECE.finditer(text):
        parts.append(re.escape(text[end:match.start()]))
        piece = match.group(0)
        if piece in ("{{", "}}"):
            parts.append(re.escape(piece[0]))
        else:
            key = match.group(1).split(":")[0]
            parts.append(re.escape(str(values[key])) if key in values else _WILDCARD)
        end = match.end()
    parts.append(re.escape(text[end:]))
    return "".join(parts)


def _check_values(names: Iterable[str], values: Mapping[str, object],
                  language: str | None = None) -> None:
    # A value for a placeholder no variation has is an error, so a misspelt name cannot make a
    # check pass.
    known = set().union(*(_placeholders(t) for name in names
                          for t in response_texts(name, language)))
    if unknown := set(values) - known:
        raise ValueError(f"{', '.join(names)} has no placeholder {', '.join(sorted(unknown))}")


def _alternatives(name: str, values: Mapping[str, object], language: str | None = None) -> str:
    return "(?:" + "|".join(f"(?:{_pattern(t, values)})"
                            for t in response_texts(name, language)) + ")"


def response_pattern(name: str, *, language: str | None = None,
                     **values: object) -> re.Pattern[str]:
    """One regular expression for all variations of ``name`` in ``language`` (use ``fullmatch``
    or ``search``).

    ``values`` fill placeholders by name; placeholders not given are wildcards.
    """
    _check_values([name], values, language)
    return re.compile(_alternatives(name, values, language), re.DOTALL)


def matches_response(text: str, name: str, *, language: str | None = None,
                     **values: object) -> bool:
    """Whether ``text`` is, in full, one variation of the response ``name`` in ``language``."""
    return response_pattern(name, language=language, **values).fullmatch(text) is not None


def _literal_length(text: str) -> int:
    return len(_PIECE.sub("", text))


def response_name(text: str, language: str | None = None) -> str | None:
    """The response ``text`` is a variation of, in ``language``; the most specific when several
    fit (a response that is mostly placeholders fits many texts), None when none does."""
    # A phrase that is a placeholder alone (``money``: "{amount}") has no words of its own to
    # recognise a text by.
    fits = [(_literal_length(variation), name)
            for name, variations in _responses(language).items() for variation in variations
            if _literal_length(variation) > 0
            and re.fullmatch(_pattern(variation, {}), text, re.DOTALL)]
    if not fits:
        return None
    best = max(length for length, _ in fits)
    names = sorted({name for length, name in fits if length == best})
    if len(names) > 1:
        raise ValueError(f"{text!r} fits {', '.join(names)} equally")
    return names[0]


def response_names(messages: Iterable[Mapping], language: str | None = None) -> list[str | None]:
    """The response of each text message the REST channel returned, in order, as ``language``
    words them (payloads without text are left out). A response of several paragraphs arrives
    as several messages: check it with :func:`matches_reply`."""
    return [response_name(m["text"], language) for m in messages if m.get("text")]


def reply_text(messages: Iterable[Mapping]) -> str:
    """The texts of a REST channel reply as the bot wrote them: its paragraphs, which the channel
    sends as separate messages, joined again by blank lines (payloads without text left out)."""
    return "\n\n".join(m["text"] for m in messages if m.get("text"))


def matches_reply(messages: Iterable[Mapping], *names: str, language: str | None = None,
                  **values: object) -> bool:
    """Whether the text of a REST channel reply is exactly the responses ``names`` in
    ``language``, in this order; ``values`` fill the placeholders of that name in any of them."""
    _check_values(names, values, language)
    pattern = "\n\n".join(_alternatives(name, values, language) for name in names)
    return re.fullmatch(pattern, reply_text(messages), re.DOTALL) is not None
