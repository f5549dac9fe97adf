"""Greeting by who is signed in, explanations, handoff to a person and the satisfaction rating."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet

from actions import records
from actions.advice import (
    LANGUAGE_SLOT,
    conversation_texts,
    recommended_mix,
    say_share_in_mix,
    say_why_this_mix,
)
from actions.answers import holds_cue
from actions.exit_interview import SURVEY_SLOTS, keep_answers
from actions.language import asks_for_language, confirm_language
from actions.onboarding import start_with_facts
from actions.records import Review, current_review
from actions.retention import has_words, say_retention_offer
from actions.say_again import puzzled
from actions.script import normalised
from db.lifecycle_store import served_score
from db.models import HandoffRequest, OfferRecord, SurveyAnswer
from db.session import session_scope
from engine.lifecycle.feedback import RATING_SCALE, scale_answer
from engine.lifecycle.offers import offer_terms
from engine.lifecycle.service import PORTFOLIO_STATUS_STAGES, client_stage, greeting_offer
from engine.numbers import parse_number
from engine.wording import Texts, answer_words

#: The next-best action that is the exit interview rather than an offer with terms.
EXIT_SURVEY = "exit_survey"

#: Concepts with an explanation of their own (``utter_explain_<concept>``).
CONCEPTS = ("stocks", "bonds", "real_estate", "gold_commodities", "cash", "emerging_markets",
            "alternatives", "risk_return", "diversification", "rebalancing")


def client_id_of(tracker: Tracker) -> int | None:
    """The signed-in client's id from the web app's message metadata (never from the text)."""
    for metadata in (tracker.latest_message.get("metadata"),
                     tracker.get_slot("session_started_metadata")):
        if isinstance(metadata, dict) and metadata.get("client_id") is not None:
            try:
                return int(metadata["client_id"])
            except (TypeError, ValueError):
                return None
    return None


class Greet(Action):
    """Offer onboarding to a prospect; greet a client by name and serve their lifecycle stage."""

    def name(self) -> str:
        return "action_greet"

    async def run(self, dispatcher, tracker, domain):
        client_id = client_id_of(tracker)
        client = records.client(client_id) if client_id is not None else None
        if client is None:
            dispatcher.utter_message(response="utter_greet_prospect")
            # The greeting offers a recommendation: a yes accepts it. A greeting that already
            # gives answers ("hi, I'm 30 and have 5k") starts it with them.
            return [SlotSet("client_id", None), SlotSet("lifecycle_stage", "prospect"),
                    SlotSet("last_offer", "onboarding"), SlotSet("retention_outcome", None),
                    *start_with_facts(tracker)]
        # The stage and offer as scored, the reasons as they stand now: this visit included.
        with session_scope(records.engine()) as session:
            score = served_score(session, client.id)
        stage = client_stage(score.stage if score is not None else None)
        dispatcher.utter_message(response="utter_greet_client", client_name=client.name)
        if stage in PORTFOLIO_STATUS_STAGES:
            portfolio_status(client.id, dispatcher)
        # A client's stage offer is accepted by the stories of each stage, not by last_offer.
        # Every greeting sets where a leaving flow stands (the rules tell the stages apart by it):
        # nowhere, unless a declining client's next step below says otherwise.
        events = [SlotSet("client_id", client.id), SlotSet("client_name", client.name),
                  SlotSet("lifecycle_stage", stage), SlotSet("last_offer", None),
                  SlotSet("retention_outcome", None)]
        offer = greeting_offer(stage, score.next_best_action if score is not None else None)
        dispatcher.utter_message(response=f"utter_stage_{stage}")
        if offer is not None:
            offer_id = records.append(OfferRecord(conversation_id=tracker.sender_id,
                                                  client_id=client.id, offer=offer))
            events += [SlotSet("retention_offer", offer), SlotSet("offer_record_id", offer_id)]
        if stage == "decline":
            events += declining_next_step(dispatcher, domain, offer, client.aum,
                                          conversation_texts(tracker))
        return events


class LeadBack(Action):
    """After an everyday question or a declined request is answered outside any form, lead back to
    the recommendation: a prospect's first message gets the welcome that follows the answer (it
    was never greeted), a later one the short offer to start. A yes then accepts it. Signed-in
    clients, whose greeting serves their stage, and anyone already recommended get nothing more."""

    def name(self) -> str:
        return "action_lead_back"

    async def run(self, dispatcher, tracker, domain):
        if tracker.active_loop_name or tracker.get_slot("recommended") \
                or client_id_of(tracker) is not None:
            return []
        if not spoken_to_before(tracker):
            dispatcher.utter_message(response="utter_greet_prospect")
            return [SlotSet("lifecycle_stage", "prospect"), SlotSet("last_offer", "onboarding"),
                    SlotSet("retention_outcome", None)]
        dispatcher.utter_message(response="utter_lead_back")
        return [SlotSet("last_offer", "onboarding")]


def spoken_to_before(tracker: Tracker) -> bool:
    """Whether the advisor said anything before the client's latest message."""
    latest = None
    for index, event in enumerate(tracker.events):
        if event.get("event") == "user":
            latest = index
    earlier = tracker.events[:latest] if latest is not None else []
    return any(event.get("event") == "bot" for event in earlier)


def declining_next_step(dispatcher, domain, offer: str | None, aum: float,
                        texts: Texts | None = None) -> list:
    """The step a declining client's greeting ends with, each with buttons: the retention offer
    (its worth, then its terms), the exit interview's first question (asked by exit_survey_form,
    which the rules start on ``retention_outcome: interview``), or a review with an adviser."""
    # A fresh start: nothing from an earlier leaving flow or survey in this conversation.
    cleared = [SlotSet(slot, None) for slot in ("leaving_reason", "handoff_topic",
                                                *SURVEY_SLOTS)]
    if has_words(offer, domain):
        say_retention_offer(dispatcher, domain, offer, aum, texts)
        return [*cleared, SlotSet("retention_outcome", "offered")]
    if offer == EXIT_SURVEY:
        dispatcher.utter_message(response="utter_exit_interview_start", **offer_terms(offer))
        return [*cleared, SlotSet("retention_outcome", "interview")]
    dispatcher.utter_message(response="utter_offer_retention_review")
    return [*cleared, SlotSet("retention_outcome", None)]


def portfolio_status(client_id: int, dispatcher) -> None:
    """Say how far the client's portfolio has drifted from its target, if both are on record."""
    with session_scope(records.engine()) as session:
        review = current_review(session, client_id)
    if isinstance(review, Review):
        status = "drifted" if review.plan.rebalanced else "in_band"
        dispatcher.utter_message(
            response=f"utter_stage_portfolio_{status}",
            drift=f"{review.plan.drift_before:.1%}", threshold=f"{review.plan.threshold:.1%}",
        )


def asks_about_amount(text: str, language: str | None) -> bool:
    """Whether ``text`` questions how much of something the mix holds ("why so much in bonds?",
    "why only 20 % shares") or why it holds it at all ("why did you put me in gold?"), by the cues
    of ``allocation_amount_questions`` and ``allocation_choice_questions`` in the language's
    answer words."""
    return asks_how_much(text, language) or holds_cue(text, "allocation_choice_questions",
                                                      language)


def asks_how_much(text: str, language: str | None) -> bool:
    """Whether ``text`` questions how much of something the mix holds ("why so much in bonds?"),
    by the cues of ``allocation_amount_questions``."""
    lowered = normalised(text)  # traditional characters as simplified ones
    cues = answer_words(language).get("allocation_amount_questions") or ()
    return any(cue in lowered for cue in cues)


class Explain(Action):
    """Explain an asset class or idea, or why this allocation was recommended."""

    def name(self) -> str:
        return "action_explain"

    async def run(self, dispatcher, tracker, domain):
        concepts = [e.get("value") for e in tracker.latest_message.get("entities", []) or []
                    if e.get("entity") == "concept"]
        concept = concepts[0] if concepts else None
        text, language = tracker.latest_message.get("text") or "", tracker.get_slot(LANGUAGE_SLOT)
        # "Does cash lose to inflation?" asks the everyday question, not what cash is.
        inflation = concept in CONCEPTS and holds_cue(text, "inflation_questions", language)
        rec = recommended_mix(tracker) if concept in CONCEPTS and not inflation else None
        if rec is not None and say_share_in_mix(dispatcher, tracker, concept, rec):
            # "Why gold?" after a recommendation: how much of the mix it is, then what it does
            # there, or, asked about the amount ("why so much in bonds?"), why this mix.
            if asks_how_much(text, language):
                say_why_this_mix(dispatcher, tracker, rec)
            else:
                dispatcher.utter_message(response=f"utter_explain_{concept}")
            return []
        if tracker.get_slot("recommended") and (
                concept is None or asks_about_amount(text, language)):
            # "How come you picked this?" names no idea, and "why so much in shares?" asks about
            # the amount, not the idea: after a recommendation, both ask why this mix.
            concept = "why_allocation"
        if concept == "why_allocation":
            say_why_this_mix(dispatcher, tracker, rec)
        elif inflation:
            # "Does cash lose to inflation?" asks the everyday question, not what cash is.
            dispatcher.utter_message(response="utter_faq/inflation")
        elif concept in CONCEPTS:
            dispatcher.utter_message(response=f"utter_explain_{concept}")
        else:
            dispatcher.utter_message(response="utter_explain_unknown")
        return []


class Handoff(Action):
    """Record a request for a human adviser that staff see in their queue, and confirm it."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher, tracker, domain):
        intent = tracker.latest_message.get("intent", {}).get("name") or "request_human"
        stage = tracker.get_slot("lifecycle_stage")
        client_id = tracker.get_slot("client_id")
        # A yes to a review's trades or to contact when leaving names its topic; a yes with no
        # topic answers the offer of the stage greeting.
        topic = tracker.get_slot("handoff_topic")
        reason = topic if intent == "affirm" and topic else intent
        stage_offer = greeting_offer(stage) if stage else None
        if intent == "affirm" and not topic and stage_offer:
            reason = f"{stage_offer}_accepted"
            offer = tracker.get_slot("retention_offer") or stage_offer
            records.append(OfferRecord(conversation_id=tracker.sender_id, client_id=client_id,
                                       offer=offer, answer="accepted",
                                       answers_offer_id=tracker.get_slot("offer_record_id")))
        # A person asked for in the middle of the exit interview: the answers so far are kept.
        if (tracker.active_loop or {}).get("name") == "exit_survey_form":
            keep_answers(tracker)
        reference = records.append(HandoffRequest(
            conversation_id=tracker.sender_id, client_id=client_id, reason=reason,
            last_message=tracker.latest_message.get("text") or "",
        ))
        dispatcher.utter_message(response="utter_handoff", reference=reference)
        return [SlotSet("last_offer", None)]


class ValidateSatisfactionForm(FormValidationAction):
    def name(self) -> str:
        return "validate_satisfaction_form"

    def validate_rating(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        if value is None:  # cleared after the last rating: nothing to validate
            return {"rating": None}
        rating = scale_answer(parse_number(str(value)), RATING_SCALE)
        if rating is None and asks_for_language(tracker):  # "English please": asked again in it
            confirm_language(dispatcher)
        elif rating is None:
            dispatcher.utter_message(response="utter_say_again_question" if puzzled(tracker)
                                     else "utter_invalid_rating")
        return {"rating": rating}


class RecordRating(Action):
    """Keep the rating as a survey answer and thank the client; it is asked once per advice."""

    def name(self) -> str:
        return "action_record_rating"

    async def run(self, dispatcher, tracker, domain):
        # A new client greeted before any advice is rating their first weeks with us.
        first_weeks = (tracker.get_slot("lifecycle_stage") == "onboarding"
                       and not tracker.get_slot("recommended"))
        records.append(SurveyAnswer(
            conversation_id=tracker.sender_id, client_id=tracker.get_slot("client_id"),
            survey="first_experience" if first_weeks else "satisfaction", question="rating",
            answer=str(tracker.get_slot("rating")),
        ))
        dispatcher.utter_message(response="utter_thanks_for_rating")
        return [SlotSet("recommended", False), SlotSet("rating", None)]
