"""A greeting a message opens with before what it is about ("您好，请问怎么开户", "hi, what are the
fees"), and the rest of the message after it.

Clients open with a greeting out of politeness; the intent classifier, which has learned greetings
from the greeting intent's examples, may then read the whole message as a greeting and answer
"hello" to a question. The greetings are the greeting intent's own short examples ("你好", "hi
there", "早上好"), so adding an example adds a greeting and no list is kept apart from the data.

Both the NLU pipeline (which reads the rest when the whole reads as a greeting) and the held-out
guard of the tests (which compares the rest with the training examples too) use these rules, in
their two environments, so they live here: the standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

#: The longest example that serves as a greeting: in characters for CJK text, in words otherwise.
#: Longer examples say more than hello ("你好，我是新来的").
MAX_GREETING_CHARS = 4
MAX_GREETING_WORDS = 3
#: What must follow the greeting for the rest to be read on its own: as many CJK characters or
#: words ("hi, fees?" is still a greeting).
MIN_REST = 2

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def _folded(text: str) -> str:
    """``text`` character by character in compatibility form, lower case, the same length: a
    position in it is a position in ``text``."""
    return "".join(folded if len(folded := unicodedata.normalize("NFKC", c).casefold()) == 1
                   else c.casefold() for c in text)


def _bare(text: str) -> str:
    """``text`` folded, without punctuation, symbols and spaces at its ends."""
    return re.sub(r"^[\W_]+|[\W_]+$", "", _folded(text))


def _size(text: str) -> int:
    """CJK characters and words of other scripts."""
    return len(_CJK.findall(text)) + len(_WORD.findall(_CJK.sub(" ", text)))


def greetings(examples: Iterable[str]) -> list[str]:
    """The short examples of the greeting intent, folded and bare, longest first."""
    found = set()
    for example in examples:
        bare = _bare(example)
        if not bare:
            continue
        short = (len(_CJK.findall(bare)) <= MAX_GREETING_CHARS if _CJK.search(bare)
                 else len(_WORD.findall(bare)) <= MAX_GREETING_WORDS)
        if short:
            found.add(bare)
    return sorted(found, key=lambda g: (-len(g), g))


def rest_after_greeting(text: str, known: Iterable[str]) -> int | None:
    """Where what follows the greetings ``text`` opens with starts, when it has at least MIN_REST
    characters or words; None when ``text`` opens with no greeting or is little more than one.
    A greeting ending in a letter or digit must end a word ("hi" is not the start of "hire")."""
    folded = _folded(text)
    at = len(folded) - len(folded.lstrip(" \t\n\r,.!?;:~，。！？；：、～…"))
    opened = False
    while True:
        greeting = next((g for g in known if folded.startswith(g, at) and not (
            g[-1].isalnum() and not _CJK.match(g[-1]) and at + len(g) < len(folded)
            and folded[at + len(g)].isalnum() and not _CJK.match(folded[at + len(g)]))), None)
        if greeting is None:
            break
        opened = True
        at += len(greeting)
        while at < len(folded) and (not folded[at].isalnum() or folded[at] == "_"):
            at += 1
    if not opened or _size(text[at:]) < MIN_REST:
        return None
    return at
