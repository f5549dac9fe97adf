"""What a reviewer may correct a misunderstood message to, and the corrections as Rasa NLU YAML.

The intents and the slots come from the domain the model was trained on (``domain.yml``): a
correction can only name an intent the assistant knows, or a slot that a message fills (a slot
whose mappings are all ``custom`` is set by actions, never by what the user typed).

The export is a file for a person to review before anything enters ``data/``: the app never
writes training data.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from db.review import NluCorrection

DOMAIN = Path(__file__).resolve().parents[2] / "domain.yml"
#: Characters Rasa's YAML reader takes as entity annotations inside an example.
ANNOTATION_MARKS = set("[]{}")


@dataclass(frozen=True)
class Vocabulary:
    intents: tuple[str, ...]
    slots: tuple[str, ...]


@lru_cache(maxsize=4)
def _read(path: Path, modified: float) -> Vocabulary:
    domain = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    intents = tuple(next(iter(i)) if isinstance(i, dict) else str(i)
                    for i in domain.get("intents") or [])
    slots = tuple(name for name, slot in (domain.get("slots") or {}).items()
                  if any(m.get("type") != "custom" for m in (slot or {}).get("mappings") or []))
    return Vocabulary(intents, slots)


def vocabulary(path: Path = DOMAIN) -> Vocabulary:
    """The domain's intents and message-filled slots, read again when the file changes."""
    return _read(path, path.stat().st_mtime)


def one_line(text: str) -> str:
    """A message on one line, its runs of whitespace (newlines too) as single spaces and without
    control characters, which YAML does not allow."""
    return "".join(ch for ch in " ".join(text.split())
                   if unicodedata.category(ch) not in ("Cc", "Cs"))


def _comment(text: str) -> str:
    return "# " + one_line(text)


def nlu_yaml(items: list[NluCorrection]) -> str:
    """Rasa NLU training data (format 3.1) from the corrections, oldest first within an intent.

    Written by hand because Rasa wants each intent's examples as a literal block (``|``) of
    ``- text`` lines, which PyYAML does not emit. A message with brackets or braces would be read
    as an entity annotation, and slot corrections name no entity (the slots are filled from the
    text), so both are listed as comments for the reviewer instead.
    """
    examples: dict[str, list[str]] = defaultdict(list)
    left_out: list[str] = []
    slots: list[str] = []
    for c in sorted(items, key=lambda c: (c.created_at, c.id)):
        text = one_line(c.text)
        if c.corrected_intent:
            if not text:
                continue
            if ANNOTATION_MARKS & set(text):
                left_out.append(f"{c.corrected_intent}: {text}")
            elif text not in examples[c.corrected_intent]:
                examples[c.corrected_intent].append(text)
        if c.slot_name:
            slots.append(f"{c.slot_name} = {one_line(c.slot_value or '')} <- {text}")
    lines = [
        "# Corrections by staff of messages the assistant misunderstood.",
        "# Review every example before you copy it into data/: the app never adds them itself.",
        'version: "3.1"',
        "nlu:" if examples else "nlu: []",
    ]
    for intent in sorted(examples):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in examples[intent]]
    if slots:
        lines += ["", "# Slot corrections (slot = value <- message), to review by hand:"]
        lines += [_comment(s) for s in slots]
    if left_out:
        lines += ["", "# Messages with brackets or braces, which Rasa would read as entity marks:"]
        lines += [_comment(s) for s in left_out]
    return "\n".join(lines) + "\n"
