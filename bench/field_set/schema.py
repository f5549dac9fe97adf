"""The field set file: its messages, topics, contexts and expectations, and what is wrong with them.

:func:`load` reads the file and lists in ``problems`` everything the bench could not judge: an
unknown topic, context, expectation kind, slot, option or flow, a duplicate message, a context the
bench cannot reach. The guard test (tests/field/test_field_set_guard.py) keeps that list empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench.field_set.judge import BOUNDARY_RESPONSES, FLOW_JUDGES, ONBOARDING
from engine.lifecycle.feedback import RATING_SCALE
from engine.lifecycle.leaving import leaving_reasons
from engine.profile import INPUT_RANGES, Goal, IncomeStability
from engine.questionnaire import questionnaire

ROOT = Path(__file__).resolve().parents[2]
#: The field set of each language, tests/field/<language>.yml; each file names its language too.
LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"
FIELD_SET = {language: ROOT / "tests" / "field" / f"{language}.yml" for language in LANGUAGES}
KINDS = ("slot", "intent", "flow", "faq", "boundary", "prefill")
#: The form each `asked:` context outside onboarding opens, and the message that opens it.
OTHER_FORMS = {"rating": ("satisfaction_form", "/thank"),
               "leaving_reason": ("leaving_form", "/close_account")}


@dataclass(frozen=True)
class Message:
    index: int
    text: str
    topic: str
    context: str
    expect: dict

    @property
    def kind(self) -> str:
        return next(iter(self.expect))


@dataclass
class FieldSet:
    language: str
    profile: dict
    contexts: list[str]
    expectations: dict
    topics: dict[str, str]
    messages: list[Message]
    problems: list[str] = field(default_factory=list)


def load_domain() -> dict:
    """domain.yml, or every file of a domain/ folder merged section by section."""
    single, folder = ROOT / "domain.yml", ROOT / "domain"
    paths = [single] if single.exists() else sorted(folder.glob("*.yml"))
    merged: dict[str, Any] = {}
    for path in paths:
        for key, value in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            elif isinstance(value, list):
                merged.setdefault(key, []).extend(value)
    return merged


def form_slots(domain: dict) -> list[str]:
    return list(domain["forms"][ONBOARDING]["required_slots"])


def load(path: Path | None = None, language: str = DEFAULT_LANGUAGE) -> FieldSet:
    """The field set at ``path`` (by default the one of ``language``); what is wrong with it is
    listed in ``problems``. The file's ``language`` key says which language its conversations
    speak (English when it has none)."""
    if path is None:
        if language not in FIELD_SET:
            raise ValueError(f"no field set for language {language!r}; "
                             f"languages: {', '.join(LANGUAGES)}")
        path = FIELD_SET[language]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    missing = [k for k in ("profile", "contexts", "expectations", "topics", "messages")
               if not data or k not in data]
    if missing:
        raise ValueError(f"{path}: missing top-level key(s) {', '.join(missing)}")
    raw = [m if isinstance(m, dict) else {} for m in data["messages"]]
    messages = [Message(i, m.get("text"), m.get("topic"), m.get("context"), m.get("expect"))
                for i, m in enumerate(raw)]
    fs = FieldSet(data.get("language", DEFAULT_LANGUAGE), data["profile"], data["contexts"],
                  data["expectations"], data["topics"], messages)
    fs.problems = problems(fs, [sorted(m) for m in raw])
    if path == FIELD_SET.get(language) and fs.language != language:
        fs.problems.insert(0, f"{path.name} says its language is {fs.language!r}, not {language!r}")
    return fs


def choices(slot: str) -> set[str] | None:
    """The values a choice slot can hold (None for other slots)."""
    if slot == "goal":
        return {g.value for g in Goal}
    if slot == "income_stability":
        return {s.value for s in IncomeStability}
    if slot == "leaving_reason":
        return set(leaving_reasons())
    if slot.startswith("q_") and slot[2:] in questionnaire().ids:
        return {o.id for o in questionnaire().question(slot[2:]).options}
    return None


#: The valid numbers of each numeric slot: the engine's profile inputs and the satisfaction rating.
RANGES = {**INPUT_RANGES, "rating": RATING_SCALE}


def value_problem(slot: str, value: Any) -> str | None:
    options = choices(slot)
    if options is not None:
        return None if value in options else f"{value!r} is not one of {sorted(options)}"
    if slot not in RANGES:
        return f"no values known for slot {slot!r}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{value!r} is not a number"
    # 0 is how the chat stores "no target".
    if not (RANGES[slot].contains(value) or (slot == "target_amount" and value == 0)):
        return f"{value} is outside {RANGES[slot].words()}"
    return None


def known_contexts(domain: dict) -> set[str]:
    return {"start", "offered: start", "recommended",
            *(f"asked: {s}" for s in [*form_slots(domain), *OTHER_FORMS])}


def known_flows(expectations: dict) -> set[str]:
    plain = set(expectations.get("flow") or {}) - {"explain", "what_if"}
    return (plain | {f"explain:{c}" for c in expectations.get("concepts") or []}
            | {f"what_if:{k}" for k in expectations.get("what_if") or []})


def problems(fs: FieldSet, keys: list[list[str]]) -> list[str]:
    """Everything in the field set the bench cannot judge: unknown topics, contexts, kinds, slots,
    values, flows; duplicate messages; a context the bench cannot reach."""
    domain = load_domain()
    found = []
    if fs.language not in LANGUAGES:
        found.append(f"language {fs.language!r} is not one of {', '.join(LANGUAGES)}")
    slots = form_slots(domain)
    for context in fs.contexts:
        if context not in known_contexts(domain):
            found.append(f"context {context!r}: the bench cannot put a conversation there")
    for slot in slots:
        if slot not in fs.profile:
            found.append(f"profile: no answer for {slot}")
        elif problem := value_problem(slot, fs.profile[slot]):
            found.append(f"profile: {slot}: {problem}")
    flows = known_flows(fs.expectations)
    unjudged = {f for f in flows if f.split(":")[0] not in FLOW_JUDGES}
    if unjudged:
        found.append(f"flows the bench cannot judge: {sorted(unjudged)}")
    unknown_boundaries = set(fs.expectations.get("boundary") or {}) - set(BOUNDARY_RESPONSES)
    if unknown_boundaries:
        found.append(f"boundaries the bench cannot judge: {sorted(unknown_boundaries)}")
    seen: dict[str, int] = {}
    for m, key_list in zip(fs.messages, keys, strict=True):
        where = f"message {m.index} ({m.text!r})"
        if key_list != sorted(["context", "expect", "text", "topic"]):
            found.append(f"{where}: keys {key_list}, expected text, topic, context, expect")
        if not isinstance(m.text, str) or not m.text.strip():
            found.append(f"{where}: no text")
            continue
        if (first := seen.setdefault(m.text.casefold(), m.index)) != m.index:
            found.append(f"{where}: the same text as message {first}")
        if m.topic not in fs.topics:
            found.append(f"{where}: topic {m.topic!r} is not in the topics list")
        if m.context not in fs.contexts:
            found.append(f"{where}: context {m.context!r} is not in the contexts list")
        if not isinstance(m.expect, dict) or len(m.expect) != 1 or m.kind not in KINDS:
            found.append(f"{where}: expect must be one of {', '.join(KINDS)}, got {m.expect!r}")
            continue
        found += [f"{where}: {p}" for p in _expect_problems(m, fs, domain, flows, slots)]
    return found


def _expect_problems(m: Message, fs: FieldSet, domain: dict, flows: set[str],
                     form: list[str]) -> list[str]:
    value = m.expect[m.kind]
    if m.kind == "slot":
        if not isinstance(value, dict) or sorted(value) != ["name", "value"]:
            return [f"slot expectation {value!r} needs exactly name and value"]
        if value["name"] not in domain["slots"]:
            return [f"slot {value['name']!r} is not in the domain"]
        problem = value_problem(value["name"], value["value"])
        return [f"slot {value['name']}: {problem}"] if problem else []
    if m.kind == "prefill":
        if not isinstance(value, dict) or not value:
            return [f"prefill {value!r} is not a mapping of slots to values"]
        return [f"prefill {slot}: {problem}" for slot, v in value.items()
                if (problem := (None if slot in form else "not a form slot")
                    or value_problem(slot, v))]
    allowed = {"intent": set(domain["intents"]), "flow": flows,
               "faq": set(fs.expectations.get("faq") or []),
               "boundary": set(fs.expectations.get("boundary") or {})}[m.kind]
    return [] if value in allowed else [f"{m.kind} {value!r} is not one of {sorted(allowed)}"]

