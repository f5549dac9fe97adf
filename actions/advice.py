"""The recommendation: checking the answers, presenting the engine's allocation and what-ifs.

Every word the client reads comes from the locale files (locales/<language>/advice.yml): the engine
gives codes and numbers, and this module writes them with the phrases of the conversation's
language (its ``language`` slot), which Rasa's responses then carry. Each recommendation shown is
written as a suitability record, with the disclosures as shown, before it is sent.
"""

from __future__ import annotations

import abc
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import records
from actions.answers import holds_cue, put_as_question
from actions.market import in_currency, market
from actions.profile_slots import profile_from, slot_values
from actions.script import every_cue, holds_any, normalised
from db.market_suitability import market_suitability_record
from db.suitability import suitability_record
from engine.assumptions import DEFAULT_MARKET, load_assumptions
from engine.explanation import Statement
from engine.holdings import share_of
from engine.numbers import parse_monthly, parse_number, target_age
from engine.opening import read_opening
from engine.profile import InvestorProfile
from engine.recommendation import Recommendation, recommend
from engine.risk import assess
from engine.suitability.what_if import Outcome, more_risk
from engine.what_if import (
    AT_HIGHEST_RISK,
    AT_LOWEST_RISK,
    NOT_RETIREMENT,
    OUT_OF_RANGE,
    WhatIfRefused,
    current_retirement_age,
    monthly_contribution,
    retire_at,
    retire_later,
    retirement_ages,
    shift_risk,
)
from engine.wording import DEFAULT_LANGUAGE, Texts, format_value, render, texts


def allocation_payload(rec: Recommendation) -> dict[str, Any]:
    """The custom payload the widget draws and the staff console reads; a market with suitability
    rules adds the recommendation's ``suitability`` record, and ``history`` is None where the
    market data hold no series for a class of the mix."""
    projection = rec.projection.model_dump()
    history = rec.history.model_dump(mode="json") if rec.history is not None else None
    payload = {
        "type": "allocation",
        "weights": dict(rec.weights),
        "groups": dict(rec.groups),
        "expected_return": rec.expected_return,
        "volatility": rec.volatility,
        "bad_year": rec.bad_year,
        "history": history,
        "projection": projection,
        "probability_of_target": rec.projection.probability_of_target,
    }
    suitability = getattr(rec, "suitability", None)
    if suitability is not None:
        payload["suitability"] = suitability.model_dump(mode="json")
    return payload


#: The slot that holds the conversation's language (a folder of locales/).
LANGUAGE_SLOT = "language"


def conversation_texts(tracker: Tracker) -> Texts:
    """The phrases of the conversation's language, as Rasa's responses are chosen for it."""
    return texts(tracker.get_slot(LANGUAGE_SLOT))


def allocation_text(rec: Recommendation, texts: Texts) -> str:
    """One line per asset class, the largest first."""
    ranked = sorted(rec.weights.items(), key=lambda item: -item[1])
    return "\n".join(render("allocation_line", {"asset_class": label, "weight": weight}, texts)
                     for label, weight in ranked)


def say_why_this_mix(dispatcher, tracker: Tracker, rec: Recommendation | None = None) -> None:
    """Explain in plain words why the recommended mix (``rec``, else made again) suits the
    client, from the answers on record; before any recommendation, say that one comes after a
    few questions."""
    rec = rec or recommended_mix(tracker)
    if rec is None:
        dispatcher.utter_message(response="utter_explain_why_no_allocation")
        return
    # Worded in the conversation's language (its language slot).
    dispatcher.utter_message(response="utter_explain_why_allocation",
                             explanation=explanation_text(rec, conversation_texts(tracker)))


def recommended_mix(tracker: Tracker) -> Recommendation | None:
    """The recommendation the client was shown, made again from the answers on record in the
    deployment's market; None before any."""
    profile = profile_from(tracker)
    if profile is None or not tracker.get_slot("recommended"):
        return None
    return recommend(profile, language=tracker.get_slot(LANGUAGE_SLOT) or DEFAULT_LANGUAGE,
                     market=market())


def say_share_in_mix(dispatcher, tracker: Tracker, concept: str, rec: Recommendation) -> bool:
    """Say how much of the recommended mix ``rec`` ``concept`` stands for ("Your mix has 4.0% in
    gold and commodities", or that it holds none); False, saying nothing, when the idea is no
    holding of the market's (engine.holdings)."""
    share = share_of(concept, rec.weights, rec.groups,
                     frozenset(load_assumptions(market=market()).labels))
    if share is None:
        return False
    name = render(f"concept_name_{concept}", {}, conversation_texts(tracker))
    if share > 0:
        dispatcher.utter_message(response="utter_concept_share", name=name,
                                 share=format_value(share, "percent.1"))
    else:
        dispatcher.utter_message(response="utter_concept_none", name=name)
    return True


def explanation_text(rec: Recommendation, texts: Texts) -> str:
    """The summary and every reason of the engine's explanation, as one paragraph."""
    statements = [rec.explanation.summary_statement, *rec.explanation.reasons]
    return " ".join(render(f"reason_{s.code}", s.params, texts) for s in statements)


#: A worst calendar year smaller than this loss is said as "never lost more than" it.
SMALL_LOSS = 0.01
#: Recoveries shorter than this many months are said in months, longer ones in half years.
MONTHS_SAID_IN_MONTHS = 24


def _duration(months: int, texts: Texts) -> str:
    if months < MONTHS_SAID_IN_MONTHS:
        return render("history_time_months", {"months": months}, texts)
    return render("history_time_years", {"years": round(months / 6) / 2}, texts)


def history_text(rec: Recommendation, texts: Texts) -> str:
    """What the mix did in market history, in one or two sentences: its worst calendar year, then
    the named episode in which it fell furthest; that there is none where the market data hold no
    series for a class of the mix."""
    history = rec.history
    if history is None:
        return render("history_unavailable", {}, texts)
    worst = history.worst_calendar_year
    since = {"first_year": str(history.first_full_year)}
    if worst.total_return >= 0:
        sentences = [render("history_worst_year_no_loss", since, texts)]
    elif -worst.total_return < SMALL_LOSS:
        sentences = [render("history_worst_year_small", {**since, "limit": SMALL_LOSS}, texts)]
    else:
        sentences = [render("history_worst_year", {**since, "loss": -worst.total_return,
                                                   "year": str(worst.year)}, texts)]
    episode = history.hardest_episode
    if episode is not None and episode.worst_fall >= 0:
        covered = [e.name for e in history.episodes if e.covered]
        sentences.append(render("history_episode_no_fall", {"episodes": covered}, texts))
    elif episode is not None:
        fell = {"episode": episode.name, "fall": -episode.worst_fall}
        if episode.months_to_recover is None:
            sentences.append(render("history_episode_not_recovered",
                                    {**fell, "last_month": history.last_month}, texts))
        else:
            sentences.append(render("history_episode_recovered", {
                **fell, "time": _duration(episode.months_to_recover, texts)}, texts))
    return " ".join(sentences)


def disclosures_shown(rec: Recommendation, texts: Texts) -> list[Statement]:
    """The engine's disclosures with the text the client reads."""
    return [s.model_copy(update={"text": render(f"disclosure_{s.code}", s.params, texts)})
            for s in rec.disclosures]


def recommendation_message(rec: Recommendation, texts: Texts,
                           disclosures: list[Statement]) -> dict[str, str]:
    """The values of ``utter_recommendation``, written out."""
    return {
        "allocation": allocation_text(rec, texts),
        "expected_return": format_value(rec.expected_return, "percent.1"),
        "volatility": format_value(rec.volatility, "percent.1"),
        "bad_year": format_value(abs(rec.bad_year), "percent.1"),
        "history": history_text(rec, texts),
        "explanation": explanation_text(rec, texts),
        "disclosures": "\n".join(s.text for s in disclosures),
    }


def present(rec: Recommendation, dispatcher: CollectingDispatcher, message: dict[str, str],
            texts: Texts | None = None) -> None:
    """Send the recommendation text, its projection lines and the allocation payload; amounts
    are written as the language of ``texts`` writes them."""
    projection = rec.projection
    dispatcher.utter_message(response="utter_recommendation", **message)
    dispatcher.utter_message(
        response="utter_projection", years=format_value(projection.years, "number"),
        median=format_value(projection.median, "money", texts),
        low=format_value(projection.p10, "money", texts),
        high=format_value(projection.p90, "money", texts),
    )
    if projection.probability_of_target is not None:
        dispatcher.utter_message(
            response="utter_probability_of_target",
            target=format_value(projection.target_amount, "money", texts),
            probability=format_value(projection.probability_of_target, "percent"),
        )
    dispatcher.utter_message(json_message=allocation_payload(rec))


def record(rec: Recommendation, tracker: Tracker, trigger: str,
           disclosures: list[Statement]) -> int:
    """Append the suitability record of a recommendation shown in this conversation, and in a
    market with suitability rules the record of its class, grade and match beside it."""
    client_id = tracker.get_slot("client_id")
    beside = None
    if getattr(rec, "suitability", None) is not None:
        def beside(recommendation_id: int):
            return market_suitability_record(rec, recommendation_id=recommendation_id,
                                             conversation_id=tracker.sender_id,
                                             client_id=client_id)
    return records.append_with(suitability_record(
        rec, conversation_id=tracker.sender_id, client_id=client_id,
        trigger=trigger, answers_confirmed=bool(tracker.get_slot("answers_confirmed")),
        disclosures=disclosures,
    ), beside)


def show(profile: InvestorProfile, dispatcher, tracker, trigger: str,
         rec: Recommendation | None = None) -> list:
    """Recommend for ``profile`` (or show ``rec``, already made for it), record it and send it."""
    if rec is None:
        rec = recommend(profile, language=tracker.get_slot(LANGUAGE_SLOT) or DEFAULT_LANGUAGE,
                        market=market())
    say = in_currency(conversation_texts(tracker), getattr(rec, "currency", None))
    # Written out before anything is recorded or sent: a missing phrase stops both.
    disclosures = disclosures_shown(rec, say)
    message = recommendation_message(rec, say, disclosures)
    record_id = record(rec, tracker, trigger, disclosures)
    present(rec, dispatcher, message, say)
    dispatcher.utter_message(response="utter_what_if_hint")
    return [SlotSet("recommended", True), SlotSet("recommendation_id", record_id),
            SlotSet("answers_inconsistent", False)]


class NeedsProfile(Action, abc.ABC):
    """An action on the client's answers: without a complete profile it asks the client to start;
    while an admin has suspended automated recommendations it offers a person instead."""

    async def run(self, dispatcher, tracker, domain):
        profile = profile_from(tracker)
        if profile is None:
            dispatcher.utter_message(response="utter_what_if_needs_profile")
            return []
        if records.recommendations_suspended():
            # The stop switch (db.automation): no automated recommendation; a person is offered.
            dispatcher.utter_message(response="utter_recommendations_suspended")
            return []
        return self.run_with(profile, dispatcher, tracker)

    @abc.abstractmethod
    def run_with(self, profile: InvestorProfile, dispatcher, tracker) -> list:
        """What the action does with the client's complete profile; returns its events."""


class Recommend(NeedsProfile):
    """Recommend from the form's answers, or first ask the client to confirm flagged answers."""

    def name(self) -> str:
        return "action_recommend"

    def run_with(self, profile: InvestorProfile, dispatcher, tracker) -> list:
        if not tracker.get_slot("answers_confirmed"):
            flags = [f for f in assess(profile).flags if f.severity == "inconsistent"]
            if flags:
                dispatcher.utter_message(response="utter_flagged_intro")
                for flag in flags:
                    dispatcher.utter_message(
                        response=f"utter_flag_{flag.code}",
                        **{k: v if isinstance(v, str) else format_value(v, "number")
                           for k, v in flag.params.items()},
                    )
                dispatcher.utter_message(response="utter_flagged_answers")
                return [SlotSet("answers_inconsistent", True)]
        return show(profile, dispatcher, tracker, trigger="onboarding")


class ConfirmAnswers(Action):
    """The client keeps answers the engine flagged; the record notes the confirmation."""

    def name(self) -> str:
        return "action_confirm_answers"

    async def run(self, dispatcher, tracker, domain):
        return [SlotSet("answers_confirmed", True), SlotSet("answers_inconsistent", False)]


#: The response that words each reason the engine gives for refusing a what-if.
WHAT_IF_INTENTS = ("more_risk", "less_risk", "what_if_retire_at", "what_if_monthly")
#: The locale files' cues (``answers:`` of locales/<language>/advice.yml) of a retirement age.
RETIREMENT_CUES = "what_if_retirement"


def what_if_of(text: str) -> str | None:
    """The what-if a figure typed after a recommendation asks for: a monthly amount ("say 800 a
    month", "月投2000会怎样", "每月多投500"), a retirement age ("如果我60岁退休呢") or a move of
    the retirement date ("晚5年退休", "retire two years earlier"), or None."""
    opening = read_opening(text)
    if opening.monthly_contribution is not None:
        return "what_if_monthly"
    if opening.retirement_shift is not None or (
            holds_any(normalised(text), every_cue(RETIREMENT_CUES))
            and parse_number(text) is not None):
        return "what_if_retire_at"
    return None


def retirement_asked(profile: InvestorProfile, text: str) -> InvestorProfile:
    """The profile of a retirement what-if: retiring at the age named ("如果我60岁退休呢"), or
    later or earlier than the profile does now by the years named ("晚5年退休" is its
    retirement age plus 5, "retire two years earlier" minus 2; engine.what_if.retire_later)."""
    shift = read_opening(text).retirement_shift
    if shift is not None and target_age(text) is None:
        return retire_later(profile, shift)
    return retire_at(profile, parse_number(text))


def monthly_asked(text: str, current: float) -> float | None:
    """The monthly contribution a what-if asks for: the sum named ("800 a month", "月投2000"), or
    ``current`` changed by it where it is said as more or less than today's ("500 more a month",
    "an extra 500 a month", "每月多投500", "每个月再加500"; "100 less a month", "每月少投300")."""
    opening = read_opening(text)
    if opening.monthly_contribution is None:
        return parse_monthly(text)
    if opening.monthly_change:
        return (current or 0.0) + opening.monthly_change * opening.monthly_contribution
    return opening.monthly_contribution


WHAT_IF_REFUSALS = {
    AT_HIGHEST_RISK: "utter_what_if_limit_highest",
    AT_LOWEST_RISK: "utter_what_if_limit_lowest",
    NOT_RETIREMENT: "utter_what_if_retire_not_retirement",
    OUT_OF_RANGE: "utter_what_if_not_understood",
}


def _refusal(refused: WhatIfRefused, intent: str, profile: InvestorProfile,
             text: str) -> dict[str, Any]:
    """The reply to a refused what-if; a retirement age read but outside what can be planned
    ("retire at 30", "晚40年退休") says the age it would be and asks for one within the range."""
    if refused.code == OUT_OF_RANGE and intent == "what_if_retire_at":
        shift = read_opening(text).retirement_shift
        if shift is not None and target_age(text) is None:
            asked = current_retirement_age(profile) + shift
        else:
            asked = parse_number(text)
        low, high = retirement_ages(profile)
        if asked is not None and low <= high:
            return {"response": "utter_what_if_retire_out_of_range",
                    "age": format_value(asked, "number"), "min": format_value(low, "number"),
                    "max": format_value(high, "number")}
    return {"response": WHAT_IF_REFUSALS[refused.code]}


class WhatIf(NeedsProfile):
    """A fresh recommendation with one change: more or less risk, a retirement age, a monthly sum."""

    def name(self) -> str:
        return "action_what_if"

    def run_with(self, profile: InvestorProfile, dispatcher, tracker) -> list:
        intent = tracker.latest_message.get("intent", {}).get("name")
        text = tracker.latest_message.get("text") or ""
        if intent not in WHAT_IF_INTENTS:
            # A figure typed after a recommendation ("say 800 a month", "retiring at 60 then").
            intent = what_if_of(text)
            if intent is None:
                language = tracker.get_slot(LANGUAGE_SLOT)
                if put_as_question(text, language) and holds_cue(text, "returns_promise_questions",
                                                                 language):
                    # "So can you guarantee me 7 %?" asks for a promise, not for a what-if.
                    dispatcher.utter_message(response="utter_boundary/returns_promise")
                    return []
                dispatcher.utter_message(response="utter_what_if_hint")
                return []
        new_profile, changed = profile, None  # the profile field the what-if changes
        try:
            if intent == "more_risk" and market() != DEFAULT_MARKET:
                return self.more_risk_with_suitability(profile, dispatcher, tracker)
            if intent in ("more_risk", "less_risk"):
                new_profile = shift_risk(profile, 1 if intent == "more_risk" else -1)
                changed = "risk_answers"
            elif intent == "what_if_retire_at":
                new_profile = retirement_asked(profile, text)
                changed = "horizon_years"
            elif intent == "what_if_monthly":
                new_profile = monthly_contribution(
                    profile, monthly_asked(text, profile.monthly_contribution))
                changed = "monthly_contribution"
        except WhatIfRefused as refused:
            dispatcher.utter_message(**_refusal(refused, intent, profile, text))
            return []
        changes = slot_values(new_profile, changed) if changed else {}
        dispatcher.utter_message(response="utter_what_if_applied", change=text)
        events = show(new_profile, dispatcher, tracker, trigger=f"what_if:{intent}")
        return [SlotSet(slot, value) for slot, value in changes.items()] + events

    @staticmethod
    def more_risk_with_suitability(profile: InvestorProfile, dispatcher, tracker) -> list:
        """More risk in a market with suitability rules (engine.suitability.more_risk): matched
        against the client's class, which the what-if does not change. Within it, the mix is
        shown; above it, the lowest category is refused, and anyone else reads the special risk
        warning and is offered an adviser, with whom the confirmation is given; no mix above the
        class is shown by the chat."""
        language = tracker.get_slot(LANGUAGE_SLOT) or DEFAULT_LANGUAGE
        result = more_risk(profile, language=language)
        say = conversation_texts(tracker)
        if result.outcome == Outcome.within_class:
            dispatcher.utter_message(response="utter_what_if_applied",
                                     change=tracker.latest_message.get("text") or "")
            events = show(shift_risk(profile, 1), dispatcher, tracker,
                          trigger="what_if:more_risk", rec=result.recommendation)
            return [SlotSet(slot, value) for slot, value in
                    slot_values(shift_risk(profile, 1), "risk_answers").items()] + events
        if result.outcome == Outcome.refused:
            dispatcher.utter_message(response="utter_suitability_refused", refusal=render(
                result.refusal, result.message_params, say))
            return []
        dispatcher.utter_message(response="utter_suitability_beyond_class", warning=render(
            result.warning, result.message_params, say))
        return [SlotSet(RISK_WARNING_SLOT, True)]


#: Set while the special risk warning of a more-risk what-if awaits the client's confirmation.
RISK_WARNING_SLOT = "risk_warning_shown"


class ConfirmRiskWarning(NeedsProfile):
    """The client's explicit confirmation of the special risk warning (China market): the mix
    above their class is shown, its suitability record naming the warning shown and the
    confirmation given. Without a warning shown in this conversation there is nothing to
    confirm, and the client is told so."""

    def name(self) -> str:
        return "action_confirm_risk_warning"

    def run_with(self, profile: InvestorProfile, dispatcher, tracker) -> list:
        if market() == DEFAULT_MARKET or not tracker.get_slot(RISK_WARNING_SLOT):
            dispatcher.utter_message(response="utter_risk_warning_nothing_to_confirm")
            return []
        language = tracker.get_slot(LANGUAGE_SLOT) or DEFAULT_LANGUAGE
        result = more_risk(profile, confirmed=True, language=language)
        events = [SlotSet(RISK_WARNING_SLOT, False)]
        if result.outcome == Outcome.refused:
            dispatcher.utter_message(response="utter_suitability_refused", refusal=render(
                result.refusal, result.message_params, conversation_texts(tracker)))
            return events
        shifted = shift_risk(profile, 1)
        dispatcher.utter_message(response="utter_risk_warning_confirmed")
        trigger = ("what_if:more_risk_confirmed" if result.outcome == Outcome.shown_after_warning
                   else "what_if:more_risk")
        return events + [SlotSet(slot, value) for slot, value in
                         slot_values(shifted, "risk_answers").items()] + show(
            shifted, dispatcher, tracker, trigger=trigger, rec=result.recommendation)
