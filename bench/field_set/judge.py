"""Judging a reply: whether what the bot did after a message fits the message's expectation, and
whether it left the client at a dead end.

Everything is read from Rasa's tracker (``GET /conversations/<id>/tracker``): the actions that ran
after the message, the slots they set and the responses they sent (``utter_action`` in each bot
event's metadata, for responses of custom actions too). A question asked while a form waits for
an answer fits only if, besides the fitting answer, the form asks its question again.

A reply is a dead end when it holds a fallback with no buttons, or the same fallback as the bot's
message just before it. The fallbacks are ``utter_default`` (not understood) and
``utter_out_of_scope`` (can't help), the latter unless it is the fitting reply to an off-topic
message.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.field_set.schema import Message

ONBOARDING = "onboarding_form"
#: Replies that say the bot cannot help with a message.
FALLBACKS = ("utter_default", "utter_out_of_scope")
#: Responses that hold each boundary (a dedicated utter_boundary_<kind>, or the retrieval
#: response utter_boundary/<kind>, fits too).
BOUNDARY_RESPONSES = {"returns_promise": ("utter_no_returns_promise",),
                      "single_security": ("utter_individual_security",),
                      "tax_legal": ()}
#: Slots a what-if changes when it applies, and the refusal that fits it when it cannot.
WHAT_IF = {"more_risk": ("q_", "utter_what_if_limit_highest"),
           "less_risk": ("q_", "utter_what_if_limit_lowest"),
           "retire_at": ("horizon_years", "utter_what_if_retire_not_retirement"),
           "monthly": ("monthly_contribution", None)}
#: The welcome of an unclear first message: what the advisor does (and so what it can help with
#: instead), the offer to start and a person.
WELCOME_FIRST = "utter_default_first"
#: The prospect's greeting with its offer to start, whichever action says it (action_greet, or
#: action_lead_back after a first message that asked a question).
WELCOME_GREETING = "utter_greet_prospect"
#: Expectations met by answering and going back to the pending question.
RESUMING_FLOWS = ("explain:", "bot_challenge", "out_of_scope")


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


FLOW_JUDGES = {
    "welcome": lambda r, _: ("action_greet" in r.actions or _started(r)
                             or bool({WELCOME_FIRST, WELCOME_GREETING} & set(r.responses))),
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
    "out_of_scope": lambda r, _: bool({"utter_out_of_scope", "utter_out_of_scope_in_form",
                                       WELCOME_FIRST} & set(r.responses)),
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
        ok = bool({f"utter_faq_{value}", f"utter_faq/{value}"} & set(reply.responses))
    elif message.kind == "boundary":
        ok = bool({f"utter_boundary_{value}", f"utter_boundary/{value}",
                   *BOUNDARY_RESPONSES[value]} & set(reply.responses))
    else:
        name, _, argument = value.partition(":")
        ok = FLOW_JUDGES[name](reply, argument)
    if not ok:
        return False, f"replied {reply.responses or 'nothing'}"
    resumes = message.kind in ("faq", "boundary") or value.startswith(RESUMING_FLOWS)
    if resumes and message.context.startswith("asked: "):
        return _resumed(reply)
    return True, ""


def dead_end(message: Message, reply: Reply) -> str | None:
    """The fallback that leaves the client stuck, if any."""
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

