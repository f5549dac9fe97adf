"""Replaying the field set through the real Rasa server and action server, and the report.

See the package's description (``python -m bench.field_set --help``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tqdm import tqdm

import bench.field_set
from bench.field_set.judge import ONBOARDING, Reply, dead_end, fits, responses
from bench.field_set.schema import (
    DEFAULT_LANGUAGE,
    FIELD_SET,
    KINDS,
    LANGUAGES,
    OTHER_FORMS,
    ROOT,
    FieldSet,
    Message,
    choices,
    form_slots,
    load,
    load_domain,
)
from harness.advisor import MODEL, Advisor, running_advisor

OUT = ROOT / "artifacts" / "field-set.json"
#: Where each language's results go unless --out says otherwise (English keeps OUT).
OUTS = {language: OUT if language == DEFAULT_LANGUAGE
        else OUT.with_name(f"field-set-{language}.json") for language in LANGUAGES}
#: The slot that holds a conversation's language (rasa_components/nlg.py reads it).
LANGUAGE_SLOT = "language"


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
        after_advice = asked == "rating"  # the rating is asked when thanked for a recommendation
        return [*context_script("recommended", fs, slots), opener] if after_advice else [opener]
    return ["/start_onboarding", *answers[:slots.index(asked)]]


def tracker(advisor: Advisor, conversation: str) -> dict:
    response = advisor.client.get(f"{advisor.url}/conversations/{conversation}/tracker",
                                  params={"token": advisor.token})
    response.raise_for_status()
    return response.json()


def drive(advisor: Advisor, context: str, fs: FieldSet, slots: list[str]) -> list[dict]:
    """The events of a conversation led into ``context``; fails if it did not get there.

    A conversation in another language than English speaks it from its first event: the slot
    ``language`` is set before anything is said, as the website's language switch sets it, so
    the bot answers from locales/<language>/."""
    english = fs.language == DEFAULT_LANGUAGE
    if context == "start" and english:
        return []
    conversation = f"field-context-{fs.language}-" + context.replace(": ", "-")
    if not english:  # Rasa starts the session first, then appends the slot
        response = advisor.client.post(
            f"{advisor.url}/conversations/{conversation}/tracker/events",
            params={"token": advisor.token},
            json={"event": "slot", "name": LANGUAGE_SLOT, "value": fs.language})
        response.raise_for_status()
    for text in context_script(context, fs, slots):
        advisor.say(conversation, text)
    state = tracker(advisor, conversation)
    if state["slots"].get(LANGUAGE_SLOT) != fs.language:
        raise RuntimeError(f"the context {context!r} was reached in language "
                           f"{state['slots'].get(LANGUAGE_SLOT)!r}, not {fs.language!r}")
    loop = (state.get("active_loop") or {}).get("name")
    if context == "start":
        reached = True
    elif context.startswith("asked: "):
        asked = context.removeprefix("asked: ")
        form = OTHER_FORMS[asked][0] if asked in OTHER_FORMS else ONBOARDING
        reached = loop == form and state["slots"].get("requested_slot") == asked
    else:  # the reply that shows the context was reached
        shown = {"offered: start": "utter_greet_prospect", "recommended": "utter_recommendation"}
        reached = shown[context] in responses(state["events"])
    if not reached:
        raise RuntimeError(f"could not reach the context {context!r}: active loop {loop!r}, "
                           f"requested slot {state['slots'].get('requested_slot')!r}, "
                           f"responses {responses(state['events'])}")
    return state["events"]


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
            # Record ids depend on which conversation wrote first, so they are left out.
            "slots": {e["name"]: e["value"] for e in reply.after
                      if e["event"] == "slot" and not e["name"].endswith("_id")}}


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


def display(path: Path) -> str:
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.field_set",
                                     description=bench.field_set.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--language", choices=LANGUAGES, default=DEFAULT_LANGUAGE,
                        help="the field set of this language, tests/field/<language>.yml "
                             "(default %(default)s)")
    parser.add_argument("--field-set", type=Path,
                        help="another field set file (its `language` key says its language)")
    parser.add_argument("--topic", action="append", help="only this topic (repeatable)")
    parser.add_argument("--limit", type=int, help="only the first N messages (after --topic)")
    parser.add_argument("--workers", type=int, default=4, help="conversations at a time")
    parser.add_argument("--out", type=Path,
                        help="the results file (default artifacts/field-set.json for English, "
                             "artifacts/field-set-<language>.json otherwise)")
    args = parser.parse_args(argv)
    if args.field_set is None:
        args.field_set = FIELD_SET[args.language]
    fs = load(args.field_set, args.language)
    if args.out is None:
        args.out = OUTS.get(fs.language, OUT)
    if fs.problems:
        print(f"{args.field_set} cannot be judged:\n  " + "\n  ".join(fs.problems),
              file=sys.stderr)
        return 2
    unknown = sorted(set(args.topic or []) - set(fs.topics))
    if unknown:
        print(f"unknown topic(s) {', '.join(unknown)}; topics: {', '.join(fs.topics)}",
              file=sys.stderr)
        return 2
    for option, value in (("--limit", args.limit), ("--workers", args.workers)):
        if value is not None and value < 1:
            print(f"{option} must be at least 1, got {value}", file=sys.stderr)
            return 2
    messages = [m for m in fs.messages if not args.topic or m.topic in args.topic]
    messages = messages[:args.limit]
    start = time.monotonic()
    with running_advisor() as advisor:
        results = replay(advisor, fs, messages, args.workers)
    summary = summarise(results, list(fs.topics))
    print(f"Field set {display(args.field_set)}, language {fs.language}, "
          f"{len(results)} messages\n")
    print(markdown(summary))
    fingerprint = MODEL.with_suffix("").with_suffix(".fingerprint")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "field_set": display(args.field_set), "language": fs.language,
        "model_fingerprint": fingerprint.read_text().strip() if fingerprint.exists() else None,
        **summary, "messages": results}, indent=1, ensure_ascii=False) + "\n")
    print(f"\n{len(results)} messages in {time.monotonic() - start:.0f} s; "
          f"every reply in {args.out}", file=sys.stderr)
    return 0
