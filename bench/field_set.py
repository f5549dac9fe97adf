"""How the advisor answers the field set: messages written apart from its training data.

Each message of tests/field/en.yml is sent through the real Rasa server and action server (the
harness of :mod:`bench.turn_latency`) in a fresh conversation that is first put into the message's
context, and the reply is judged from Rasa's tracker by what the bot did: the actions that ran
after the message, the slots they set and the responses they sent (``utter_action`` of each bot
event). What fits each kind of expectation is in :func:`fits`.

A context is reached once, in a template conversation, with the button and form payloads a client
could send (``/start_onboarding``, ``/inform{"choice": "retirement"}``, ``/inform{"age": 40}``);
each message then gets a new conversation holding a copy of the template's events (Rasa's
``PUT /conversations/<id>/tracker/events``), so 60 messages at the same question cost one
onboarding. A reply is a **dead end** when it holds a fallback (``utter_default``, not understood,
or ``utter_out_of_scope``, can't help, unless that was the fitting reply) with no buttons, or the
same fallback twice in a row.

Run: ``.venv/bin/python -m bench.field_set [--limit N] [--topic T]`` (needs models/advisor.tar.gz).
Prints a Markdown table by topic and writes every message's result to artifacts/field-set.json.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from tqdm import tqdm

from bench.turn_latency import MODEL, Advisor, running_advisor
from engine.lifecycle.feedback import RATING_SCALE
from engine.lifecycle.leaving import leaving_reasons
from engine.profile import (
    AGE_RANGE,
    HORIZON_RANGE,
    INITIAL_AMOUNT_RANGE,
    MONTHLY_CONTRIBUTION_RANGE,
    TARGET_AMOUNT_RANGE,
    Goal,
    IncomeStability,
)
from engine.questionnaire import questionnaire

ROOT = Path(__file__).resolve().parent.parent
FIELD_SET = ROOT / "tests" / "field" / "en.yml"
OUT = ROOT / "artifacts" / "field-set.json"
KINDS = ("slot", "intent", "flow", "faq", "boundary", "prefill")
ONBOARDING = "onboarding_form"
#: The form each `asked:` context outside onboarding opens, and the message that opens it.
OTHER_FORMS = {"rating": ("satisfaction_form", "/thank"),
               "leaving_reason": ("leaving_form", "/close_account")}
#: Replies that say the bot cannot help with a message.
FALLBACKS = ("utter_default", "utter_out_of_scope")
#: Responses that hold each boundary (a dedicated utter_boundary_<kind> fits too).
BOUNDARY_RESPONSES = {"returns_promise": ("utter_no_returns_promise",),
                      "single_security": ("utter_individual_security",),
                      "tax_legal": ()}
#: Slots a what-if changes when it applies, and the refusal that fits it when it cannot.
WHAT_IF = {"more_risk": ("q_", "utter_what_if_limit_highest"),
           "less_risk": ("q_", "utter_what_if_limit_lowest"),
           "retire_at": ("horizon_years", "utter_what_if_retire_not_retirement"),
           "monthly": ("monthly_contribution", None)}
#: Expectations met by answering and going back to the pending question.
RESUMING_FLOWS = ("explain:", "bot_challenge", "out_of_scope")


# -- The field set and its schema ------------------------------------------------------------

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


def load(path: Path = FIELD_SET) -> FieldSet:
    """The field set at ``path``; what is wrong with it is listed in ``problems``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    missing = [k for k in ("profile", "contexts", "expectations", "topics", "messages")
               if not data or k not in data]
    if missing:
        raise ValueError(f"{path}: missing top-level key(s) {', '.join(missing)}")
    messages = [Message(i, m.get("text"), m.get("topic"), m.get("context"), m.get("expect"))
                for i, m in enumerate(data["messages"])]
    fs = FieldSet(data["profile"], data["contexts"], data["expectations"], data["topics"],
                  messages)
    fs.problems = problems(fs, [sorted(m) for m in data["messages"]])
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


RANGES = {"age": AGE_RANGE, "horizon_years": HORIZON_RANGE, "initial_amount": INITIAL_AMOUNT_RANGE,
          "monthly_contribution": MONTHLY_CONTRIBUTION_RANGE, "target_amount": TARGET_AMOUNT_RANGE,
          "rating": RATING_SCALE}


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
    unjudged = {f for f in flows if f.split(":")[0] not in _FLOW_JUDGES}
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


# -- Putting a conversation into a context ----------------------------------------------------

def payload(slot: str, value: Any) -> str:
    """The message that answers ``slot`` as a button would (choices) or as a form payload."""
    if choices(slot) is not None:
        return f'/inform{{"choice": "{value}"}}'
    return "/inform" + json.dumps({slot: value})


def context_script(context: str, fs: FieldSet, slots: list[str]) -> list[str]:
    """The messages that lead a new conversation into ``context``."""
    answers = [payload(s, fs.profile[s]) for s in slots]
    if context == "start":
        return []
    if context == "offered: start":
        return ["/greet"]
    if context == "recommended":
        return ["/start_onboarding", *answers]
    asked = context.removeprefix("asked: ")
    if asked in OTHER_FORMS:
        opener = OTHER_FORMS[asked][1]
        return [*context_script("recommended", fs, slots), opener] if asked == "rating" else [opener]
    return ["/start_onboarding", *answers[:slots.index(asked)]]


def tracker(advisor: Advisor, conversation: str) -> dict:
    response = advisor.client.get(f"{advisor.url}/conversations/{conversation}/tracker",
                                  params={"token": advisor.token})
    response.raise_for_status()
    return response.json()


def drive(advisor: Advisor, context: str, fs: FieldSet, slots: list[str]) -> list[dict]:
    """The events of a conversation led into ``context``; fails if it did not get there."""
    if context == "start":
        return []
    conversation = "field-context-" + context.replace(": ", "-")
    for text in context_script(context, fs, slots):
        advisor.say(conversation, text)
    state = tracker(advisor, conversation)
    loop = (state.get("active_loop") or {}).get("name")
    asked = context.removeprefix("asked: ") if context.startswith("asked: ") else None
    form = OTHER_FORMS.get(asked, (ONBOARDING,))[0] if asked else None
    reached = {"offered: start": "utter_greet_prospect" in responses(state["events"]),
               "recommended": "utter_recommendation" in responses(state["events"])}.get(context)
    if asked:
        reached = loop == form and state["slots"].get("requested_slot") == asked
    if not reached:
        raise RuntimeError(f"could not reach the context {context!r}: active loop {loop!r}, "
                           f"requested slot {state['slots'].get('requested_slot')!r}, "
                           f"responses {responses(state['events'])}")
    return state["events"]


# -- Judging a reply ---------------------------------------------------------------------------

def responses(events: list[dict]) -> list[str]:
    return [(e.get("metadata") or {}).get("utter_action") or "" for e in events
            if e["event"] == "bot"]


@dataclass
class Reply:
    """What the bot did after one message, from the conversation's tracker."""

    context: str
    before: list[dict]  # events before the message
    after: list[dict]  # events after it
    user: dict
    final: dict  # the tracker's state after the reply

    @classmethod
    def of(cls, context: str, state: dict) -> Reply:
        events = state["events"]
        at = max(i for i, e in enumerate(events) if e["event"] == "user")
        return cls(context, events[:at], events[at + 1:], events[at], state)

    @property
    def actions(self) -> list[str]:
        return [e["name"] for e in self.after if e["event"] == "action"]

    @property
    def responses(self) -> list[str]:
        return responses(self.after)

    def set_value(self, slot: str) -> Any:
        """The last value other than None given to ``slot`` after the message, or None."""
        values = [e["value"] for e in self.after
                  if e["event"] == "slot" and e["name"] == slot and e["value"] is not None]
        return values[-1] if values else None

    @property
    def loop(self) -> str | None:
        return (self.final.get("active_loop") or {}).get("name")

    def loop_before(self) -> str | None:
        loops = [e.get("name") for e in self.before if e["event"] == "active_loop"]
        return loops[-1] if loops else None

    def buttons(self) -> list[dict]:
        return [b for e in self.after if e["event"] == "bot"
                for b in (e.get("data") or {}).get("buttons") or []]


def same_value(actual: Any, expected: Any) -> bool:
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        try:
            number = float(actual)
        except (TypeError, ValueError):
            return False
        # Amounts typed per week become a monthly figure with many decimals.
        return math.isclose(number, expected, rel_tol=1e-3, abs_tol=1e-6)
    return actual == expected


def _resumed(reply: Reply) -> tuple[bool, str]:
    """Whether a question asked mid-form left the form where it was, its question still open."""
    pending = reply.context.removeprefix("asked: ")
    requested = reply.final["slots"].get("requested_slot")
    if reply.loop is None or requested != pending:
        return False, f"the form did not go back to {pending} (loop {reply.loop}, asks {requested})"
    return True, ""


def _stop(reply: Reply) -> bool:
    if reply.context.startswith("asked: "):
        return "utter_stopped" in reply.responses and reply.loop is None
    return bool({"utter_stopped", "utter_anything_else"} & set(reply.responses))


def _after_advice(reply: Reply, response: str) -> bool:
    return response in reply.responses or (reply.context == "recommended"
                                           and "utter_ask_rating" in reply.responses)


def _explain(reply: Reply, concept: str) -> bool:
    if concept == "why_allocation":
        fitting = {"utter_explain_why_allocation"}
        if reply.context != "recommended":
            fitting.add("utter_explain_why_no_allocation")
        return bool(fitting & set(reply.responses))
    return f"utter_explain_{concept}" in reply.responses


def _what_if(reply: Reply, kind: str) -> bool:
    changed, refusal = WHAT_IF[kind]
    if refusal in reply.responses:
        return True
    slots = {e["name"] for e in reply.after if e["event"] == "slot"}
    return "utter_what_if_applied" in reply.responses and any(s.startswith(changed) for s in slots)


def _started(reply: Reply) -> bool:
    return reply.loop == ONBOARDING and ONBOARDING in reply.actions


_FLOW_JUDGES = {
    "welcome": lambda r, _: "action_greet" in r.actions or _started(r),
    "greet": lambda r, _: "action_greet" in r.actions,
    "start_onboarding": lambda r, _: _started(r),
    "decline": lambda r, _: "utter_anything_else" in r.responses and r.loop is None,
    "handoff": lambda r, _: "utter_handoff" in r.responses,
    "stop": lambda r, _: _stop(r),
    "leaving": lambda r, _: "action_start_leaving" in r.actions,
    "review": lambda r, _: "action_portfolio_review" in r.actions,
    "thanks": lambda r, _: _after_advice(r, "utter_welcome"),
    "bye": lambda r, _: _after_advice(r, "utter_goodbye"),
    "bot_challenge": lambda r, _: "utter_iamabot" in r.responses,
    "out_of_scope": lambda r, _: "utter_out_of_scope" in r.responses,
    "complaint": lambda r, _: ("utter_handoff" in r.responses
                               or any(b.get("payload") == "/request_human" for b in r.buttons())),
    "explain": _explain,
    "what_if": _what_if,
}


def fits(message: Message, reply: Reply) -> tuple[bool, str]:
    """Whether the reply fits the message's expectation, and if not, what is missing."""
    value = message.expect[message.kind]
    if message.kind == "slot":
        got = reply.set_value(value["name"])
        return same_value(got, value["value"]), f"{value['name']} = {got!r}"
    if message.kind == "prefill":
        got = {slot: reply.set_value(slot) for slot in value}
        ok = reply.loop == ONBOARDING and all(same_value(got[s], v) for s, v in value.items())
        return ok, f"loop {reply.loop}, slots {got}"
    if message.kind == "intent":
        got = (reply.user.get("parse_data") or {}).get("intent", {}).get("name")
        return got == value, f"intent {got}"
    if message.kind == "faq":
        ok = f"utter_faq_{value}" in reply.responses
    elif message.kind == "boundary":
        ok = bool({f"utter_boundary_{value}", *BOUNDARY_RESPONSES[value]} & set(reply.responses))
    else:
        name, _, argument = value.partition(":")
        ok = _FLOW_JUDGES[name](reply, argument)
    if not ok:
        return False, f"replied {reply.responses or 'nothing'}"
    resumes = message.kind in ("faq", "boundary") or value.startswith(RESUMING_FLOWS)
    if resumes and message.context.startswith("asked: "):
        return _resumed(reply)
    return True, ""


def dead_end(message: Message, reply: Reply) -> str | None:
    """The fallback that leaves the client stuck, if any (see the module's docstring)."""
    expected = message.expect.get("flow")
    bots = [e for e in reply.before + reply.after if e["event"] == "bot"]
    first = len([e for e in reply.before if e["event"] == "bot"])
    for i in range(first, len(bots)):
        name = (bots[i].get("metadata") or {}).get("utter_action")
        if name not in FALLBACKS or (name == "utter_out_of_scope" and expected == "out_of_scope"):
            continue
        repeated = i > 0 and (bots[i - 1].get("metadata") or {}).get("utter_action") == name
        if repeated or not (bots[i].get("data") or {}).get("buttons"):
            return name
    return None


# -- Running the set ---------------------------------------------------------------------------

def replay_one(advisor: Advisor, message: Message, template: list[dict]) -> dict:
    conversation = f"field-{message.index:04d}"
    if template:
        response = advisor.client.put(
            f"{advisor.url}/conversations/{conversation}/tracker/events",
            params={"token": advisor.token}, json=template)
        response.raise_for_status()
    advisor.say(conversation, message.text)
    reply = Reply.of(message.context, tracker(advisor, conversation))
    ok, detail = fits(message, reply)
    intent = (reply.user.get("parse_data") or {}).get("intent") or {}
    return {"index": message.index, "text": message.text, "topic": message.topic,
            "context": message.context, "expect": message.expect, "fitting": ok,
            "dead_end": dead_end(message, reply), "detail": "" if ok else detail,
            "intent": intent.get("name"), "confidence": round(intent.get("confidence") or 0, 3),
            "actions": reply.actions, "responses": reply.responses,
            "slots": {e["name"]: e["value"] for e in reply.after if e["event"] == "slot"}}


def replay(advisor: Advisor, fs: FieldSet, messages: list[Message], workers: int) -> list[dict]:
    slots = form_slots(load_domain())
    needed = sorted({m.context for m in messages}, key=fs.contexts.index)
    templates = {c: drive(advisor, c, fs, slots) for c in tqdm(needed, desc="contexts")}
    with ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(replay_one, advisor, m, templates[m.context]) for m in messages]
        results = [f.result() for f in tqdm(futures, desc="messages")]
    return sorted(results, key=lambda r: r["index"])


def summarise(results: list[dict], topics: list[str]) -> dict:
    def row(rows: list[dict]) -> dict:
        fitting = sum(r["fitting"] for r in rows)
        return {"n": len(rows), "fitting": fitting, "share": round(fitting / len(rows), 3),
                "dead_ends": sum(r["dead_end"] is not None for r in rows)}

    by_topic = {t: row([r for r in results if r["topic"] == t]) for t in topics
                if any(r["topic"] == t for r in results)}
    kinds = sorted({next(iter(r["expect"])) for r in results}, key=KINDS.index)
    by_kind = {k: row([r for r in results if next(iter(r["expect"])) == k]) for k in kinds}
    fallbacks = Counter(r["dead_end"] for r in results if r["dead_end"])
    return {"topics": by_topic, "kinds": by_kind, "overall": row(results),
            "dead_end_replies": dict(sorted(fallbacks.items()))}


def markdown(summary: dict) -> str:
    def table(title: str, rows: dict) -> list[str]:
        lines = [f"| {title} | n | fitting | share | dead ends |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {name} | {r['n']} | {r['fitting']} | {r['share']:.0%} | {r['dead_ends']} |"
                  for name, r in rows.items()]
        return lines

    overall = summary["overall"]
    return "\n".join([
        *table("topic", summary["topics"]),
        f"| **overall** | **{overall['n']}** | **{overall['fitting']}** | "
        f"**{overall['share']:.0%}** | **{overall['dead_ends']}** |", "",
        *table("expectation", summary["kinds"]), "",
        "Dead ends by reply: " + (", ".join(f"{k} {v}" for k, v in
                                             summary["dead_end_replies"].items()) or "none"),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.field_set", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--field-set", type=Path, default=FIELD_SET)
    parser.add_argument("--topic", action="append", help="only this topic (repeatable)")
    parser.add_argument("--limit", type=int, help="only the first N messages (after --topic)")
    parser.add_argument("--workers", type=int, default=4, help="conversations at a time")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    fs = load(args.field_set)
    if fs.problems:
        print(f"{args.field_set} cannot be judged:\n  " + "\n  ".join(fs.problems),
              file=sys.stderr)
        return 2
    unknown = sorted(set(args.topic or []) - set(fs.topics))
    if unknown:
        print(f"unknown topic(s) {', '.join(unknown)}; topics: {', '.join(fs.topics)}",
              file=sys.stderr)
        return 2
    if args.limit is not None and args.limit < 1:
        print(f"--limit must be at least 1, got {args.limit}", file=sys.stderr)
        return 2
    messages = [m for m in fs.messages if not args.topic or m.topic in args.topic]
    messages = messages[:args.limit]
    start = time.monotonic()
    with running_advisor() as advisor:
        results = replay(advisor, fs, messages, args.workers)
    summary = summarise(results, list(fs.topics))
    print(markdown(summary))
    fingerprint = MODEL.with_suffix("").with_suffix(".fingerprint")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "field_set": str(args.field_set.relative_to(ROOT) if args.field_set.is_relative_to(ROOT)
                         else args.field_set),
        "model_fingerprint": fingerprint.read_text().strip() if fingerprint.exists() else None,
        **summary, "messages": results}, indent=1, ensure_ascii=False) + "\n")
    print(f"\n{len(results)} messages in {time.monotonic() - start:.0f} s; "
          f"every reply in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
