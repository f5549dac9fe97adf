"""Words that settle what a question is about, whatever else it names: a question holding a tax or
legal word ("开户以后赚的钱要交税吗", "do I pay tax on the fund when I open an account") is a tax
question, though the intent classifier, weighing every word, may read it as a question about
opening an account.

A words file holds one word or phrase per line; ``#`` starts a comment. A line starting with ``!``
is an exception: a word that holds a topic word without being about the topic ("税后" in "税后月入
两万" is an income, not a tax question), so a topic word found only inside an exception does not
count. Words with letters match whole words ("tax", not "taxi"); CJK words match anywhere, as
Chinese is written without spaces. Case and full-width forms do not matter.

The NLU pipeline's intent classifier reads the files when it trains and keeps their words in the
model; the tests read them too. So the rule lives here: the standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _folded(text: str) -> str:
    """``text`` in compatibility form and lower case ("ＴＡＸ" is "tax")."""
    return unicodedata.normalize("NFKC", text).casefold()


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for any of ``words``: CJK words anywhere, others as whole words."""
    alternatives = [re.escape(w) if _CJK.search(w) else rf"(?<![^\W_]){re.escape(w)}(?![^\W_])"
                    for w in sorted({_folded(w) for w in words}, key=len, reverse=True) if w]
    return re.compile("|".join(alternatives)) if alternatives else None


@dataclass(frozen=True)
class TopicWords:
    """The words of one topic and their exceptions."""

    words: tuple[str, ...]
    exceptions: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> TopicWords:
        """The words of a words file's ``text`` (see the module's doc)."""
        words, exceptions = [], []
        for line in text.splitlines():
            entry = line.split("#", 1)[0].strip()
            if entry.startswith("!"):
                exceptions.append(entry[1:].strip())
            elif entry:
                words.append(entry)
        return cls(tuple(w for w in words if w), tuple(e for e in exceptions if e))

    @classmethod
    def read(cls, path: Path) -> TopicWords:
        if not path.is_file():
            raise FileNotFoundError(f"no topic words file at {path}")
        found = cls.parse(path.read_text(encoding="utf-8"))
        if not found.words:
            raise ValueError(f"{path}: no topic words (one word or phrase per line)")
        return found

    def as_dict(self) -> dict[str, list[str]]:
        return {"words": list(self.words), "exceptions": list(self.exceptions)}

    @cached_property
    def _words(self) -> re.Pattern[str] | None:
        return _pattern(self.words)

    @cached_property
    def _exceptions(self) -> re.Pattern[str] | None:
        return _pattern(self.exceptions)

    def holds(self, text: str) -> bool:
        """Whether ``text`` holds one of the words outside every exception."""
        words, exceptions = self._words, self._exceptions
        if words is None:
            return False
        folded = _folded(text)
        covered = [m.span() for m in exceptions.finditer(folded)] if exceptions else []
        return any(not any(start <= m.start() and m.end() <= end for start, end in covered)
                   for m in words.finditer(folded))
