"""A client who wants to leave: the reason, the retention offer that fits it, and when the offer is
declined a short exit-feedback survey and a human contact.

The reasons and the offer that answers each are the engine's (engine.lifecycle.leaving); this
module reads the reason from the client's words and records offers made, the answers and the
survey answers in the project's records.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from rasa_sdk import Action, FormValidationAction
from rasa_sdk.events import ActionExecutionRejected, FollowupAction, SlotSet

from actions import records
from actions.advice import conversation_texts
from actions.answers import chosen, holds_cue, put_as_question
from actions.conversation import client_id_of
from actions.exit_interview import SURVEY, SURVEY_SLOTS, keep_answers
from actions.form_answers import intent_of, just_typed, typed_text
from actions.language import asks_for_language, confirm_language
from actions.retention import has_words, say_retention_offer
from actions.say_again import puzzled
from actions.script import cue_pattern, every_language, normalised
from db.clock import utcnow
from db.conversations import offers_made
from db.models import Client, HandoffRequest, OfferRecord, SurveyAnswer
from db.session import session_scope
from engine.lifecycle import leaving
from engine.lifecycle.feedback import RETURN_LIKELIHOOD_SCALE, scale_answer
from engine.numbers import parse_number

#: Reasons a client can give, in the engine's order ("other" last).
REASONS = leaving.leaving_reasons()
#: The answer words (``answers:`` of locales/<language>/leaving.yml) that list, for each reason,
#: the words that point to it in a typed answer (matched as actions.script.cue_pattern says).
REASON_CUES = "leaving_reasons"


def reason_words() -> dict[str, tuple[str, ...]]:
    """Reason -> the words that point to it, in the engine's order of reasons, from every
    language's locale files: scripts do not overlap, and a Chinese client may write "fee太高"."""
    words: dict[str, list[str]] = {reason: [] for reason in REASONS}
    for language, cues in every_language(REASON_CUES):
        unknown = sorted(set(cues) - set(REASONS))
        if unknown:  # words for a reason the engine has no offers for: a typo, or a stale list
            raise ValueError(f"locales/{language}/: {REASON_CUES} names unknown leaving reasons: "
                             f"{', '.join(unknown)}; the reasons are {', '.join(REASONS)}")
        for reason, phrases in cues.items():
            words[reason] += [" ".join(str(p).lower().split()) for p in phrases or ()]
    return {reason: tuple(phrases) for reason, phrases in words.items() if phrases}


#: The exit interview's questions. The reason is asked only when the client has not given it
#: already (the leaving flow asks it first and then asks for more detail instead).
SURVEY_QUESTIONS = SURVEY_SLOTS
#: Intents that leave the reason's question unanswered when the message names no reason.
LEAVES_THE_QUESTION = ("request_human", "stop")
#: What the "Nothing" button under the last question stands for.
NOTHING = "nothing"


def match_reason(text: str) -> str | None:
    """The reason a typed answer names ("the fees are too high" -> "fees", "手续费太贵" -> "fees"),
    or None: the first reason, in the engine's order, with a phrase in the answer that no longer
    phrase of another reason covers ("lost my job" is about needing the money, not about what was
    lost). Traditional characters read as simplified ones, full-width letters as half-width."""
    lowered = normalised(text.replace("_", " "))
    for reason in REASONS:
        if lowered == reason.replace("_", " "):
            return reason
    found = [(reason, match.start(), match.end())
             for reason, words in reason_words().items() for word in words
             for match in cue_pattern(word).finditer(lowered)]
    for reason, start, end in found:
        if not any(other != reason and o_start <= start and end <= o_end
                   and o_end - o_start > end - start for other, o_start, o_end in found):
            return reason
    return None


def retention_offer(client: Client, reason: str, churn_risk: float | None,
                    history: pd.DataFrame, as_of: pd.Timestamp) -> str | None:
    """The engine's retention offer for the leaving ``client`` (see engine.lifecycle.leaving)."""
    return leaving.retention_offer(
        client.id, reason, segment=client.segment, aum=client.aum,
        do_not_contact=bool(client.do_not_contact), churn_risk=churn_risk, history=history,
        as_of=as_of)


def offer_history(client_id: int) -> pd.DataFrame:
    """Offers made to the client so far (answers excluded), for the cooldowns."""
    with session_scope(records.engine()) as session:
        rows = offers_made(session, client_id)
    return pd.DataFrame(rows, columns=["client_id", "offer_id", "timestamp"])


def _only_asks_for_language(tracker, text: str) -> bool:
    """Whether the answer asks for another language and names no reason for leaving ("手续费太贵
    了，请用中文" answers the question; the widget's ``/switch_language`` names none)."""
    return asks_for_language(tracker) and (text.startswith("/") or match_reason(text) is None)


class ValidateLeavingForm(FormValidationAction):
    """The reason for leaving: a button, a typed option, or free text kept as "other: <text>"."""

    def name(self) -> str:
        return "validate_leaving_form"

    async def run(self, dispatcher, tracker, domain):
        # The question gets the first look: "the fees, honestly, get me a person" names a reason and
        # answers it; only a request for a person, or to stop, that names no reason leaves the form
        # for the rules ("handoff while asked for the reason", "stop while asked for the reason").
        if (tracker.get_slot("requested_slot") == "leaving_reason" and just_typed(tracker)
                and intent_of(tracker)[0] in LEAVES_THE_QUESTION and chosen(tracker) is None
                and match_reason(typed_text(tracker)) is None):
            return [SlotSet("leaving_reason", None), ActionExecutionRejected("leaving_form")]
        return await super().run(dispatcher, tracker, domain)

    def validate_leaving_reason(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        if value is None:  # cleared when the flow starts: nothing typed yet
            return {"leaving_reason": None}
        button = chosen(tracker)
        if button in REASONS:
            return {"leaving_reason": button}
        text = str(value or "").strip()
        if _only_asks_for_language(tracker, text):  # "请用中文" is no reason
            confirm_language(dispatcher)
            return {"leaving_reason": None}
        if not text or text.startswith("/"):
            dispatcher.utter_message(response="utter_invalid_leaving_reason")
            return {"leaving_reason": None}
        if puzzled(tracker) and match_reason(text) is None:  # "huh?": asked again, not kept
            dispatcher.utter_message(response="utter_say_again_question")
            return {"leaving_reason": None}
        return {"leaving_reason": match_reason(text) or f"other: {text}"}


class RetentionOffer(Action):
    """Acknowledge the reason and make the retention offer that fits it and the client."""

    def name(self) -> str:
        return "action_retention_offer"

    async def run(self, dispatcher, tracker, domain):
        reason = tracker.get_slot("leaving_reason") or "other"
        client_id = client_id_of(tracker) or tracker.get_slot("client_id")
        client = records.client(int(client_id)) if client_id is not None else None
        records.append(SurveyAnswer(conversation_id=tracker.sender_id,
                                    client_id=client.id if client else None, survey=SURVEY,
                                    question="reason", answer=reason))
        dispatcher.utter_message(response=f"utter_leaving_heard_{leaving.reason_key(reason)}")
        # Leaving closes any review in progress, so their yes/no answers cannot mix.
        events = [SlotSet("review_outcome", None), SlotSet("handoff_topic", "leaving")]
        if client is None:
            dispatcher.utter_message(response="utter_leaving_prospect")
            return [*events, SlotSet("retention_outcome", "prospect")]
        # The exit interview, should it follow, starts from the reason given here.
        events.append(SlotSet("exit_reason", reason))
        events += [SlotSet("client_id", client.id), SlotSet("open_offer", None)]
        still_open = tracker.get_slot("open_offer") or {}
        if (still_open.get("offer") in leaving.offers_for_reason(reason)
                and has_words(still_open.get("offer"), domain)):
            # The greeting's offer, not answered yet, answers this reason ("your fees are too
            # high" after a fee waiver was offered): made again rather than lost to its
            # cooldown, under the same record, which the client's answer completes.
            say_retention_offer(dispatcher, domain, still_open["offer"], client.aum,
                                conversation_texts(tracker))
            return [*events, SlotSet("retention_offer", still_open["offer"]),
                    SlotSet("offer_record_id", still_open.get("record")),
                    SlotSet("retention_outcome", "offered")]
        score = records.latest_stage(client.id)
        offer = retention_offer(client, reason, score.churn_risk if score else None,
                                offer_history(client.id), pd.Timestamp(utcnow()))
        if not has_words(offer, domain):
            dispatcher.utter_message(response="utter_leaving_no_offer")
            return [*events, SlotSet("retention_outcome", "no_offer")]
        offer_id = records.append(OfferRecord(conversation_id=tracker.sender_id,
                                              client_id=client.id, offer=offer))
        say_retention_offer(dispatcher, domain, offer, client.aum, conversation_texts(tracker))
        return [*events, SlotSet("retention_offer", offer), SlotSet("offer_record_id", offer_id),
                SlotSet("retention_outcome", "offered")]


class AnswerRetentionOffer(Action):
    """Record the client's yes or no to the retention offer; a yes goes to an adviser to apply."""

    def name(self) -> str:
        return "action_answer_retention_offer"

    async def run(self, dispatcher, tracker, domain):
        accepted = tracker.latest_message.get("intent", {}).get("name") == "affirm"
        offer = tracker.get_slot("retention_offer") or "unknown"
        client_id = tracker.get_slot("client_id")
        records.append(OfferRecord(
            conversation_id=tracker.sender_id, client_id=client_id, offer=offer,
            answer="accepted" if accepted else "declined",
            answers_offer_id=tracker.get_slot("offer_record_id"),
        ))
        if not accepted:
            dispatcher.utter_message(response="utter_retention_declined")
            return [SlotSet("retention_outcome", "declined")]
        # Applying a waiver or arranging a call is staff work: it goes to their queue.
        reference = records.append(HandoffRequest(
            conversation_id=tracker.sender_id, client_id=client_id,
            reason=f"retention_accepted:{offer}",
            last_message=tracker.latest_message.get("text") or "",
        ))
        dispatcher.utter_message(response="utter_retention_accepted", reference=reference)
        return [SlotSet("retention_outcome", "accepted"), SlotSet("handoff_topic", None)]


class ValidateExitSurveyForm(FormValidationAction):
    """The exit interview's answers: the reason (a button or the client's words), free text, and a
    likelihood to return on the engine's scale.

    A client who gave their reason when leaving is asked for more detail about it; a client the
    greeting interviews (or who declined the greeting's offer) is asked the reason instead.
    """

    def name(self) -> str:
        return "validate_exit_survey_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> list[str]:
        if tracker.get_slot("leaving_reason"):
            return domain_slots
        return [slot for slot in domain_slots if slot != "exit_detail"]

    def validate_exit_reason(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        if value is None:
            return {"exit_reason": None}
        button = chosen(tracker)
        text = str(value).strip()
        if button in REASONS:
            return {"exit_reason": button}
        if text in REASONS or text.startswith("other: "):  # the leaving flow's reason, as kept
            return {"exit_reason": text}
        if _only_asks_for_language(tracker, text):
            confirm_language(dispatcher)
            return {"exit_reason": None}
        if not text or text.startswith("/"):
            dispatcher.utter_message(response="utter_invalid_leaving_reason")
            return {"exit_reason": None}
        if puzzled(tracker) and match_reason(text) is None:
            dispatcher.utter_message(response="utter_say_again_question")
            return {"exit_reason": None}
        return {"exit_reason": match_reason(text) or f"other: {text}"}

    def validate_exit_detail(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        return {"exit_detail": self._text(value, tracker, dispatcher)}

    def validate_exit_improvement(self, value: Any, dispatcher, tracker, domain) -> dict[str, Any]:
        if value is not None and chosen(tracker) == NOTHING:
            return {"exit_improvement": NOTHING}
        return {"exit_improvement": self._text(value, tracker, dispatcher)}

    def validate_exit_return_likelihood(self, value: Any, dispatcher, tracker,
                                        domain) -> dict[str, Any]:
        if value is None:
            return {"exit_return_likelihood": None}
        likelihood = scale_answer(parse_number(str(value)), RETURN_LIKELIHOOD_SCALE)
        if likelihood is None and asks_for_language(tracker):
            confirm_language(dispatcher)
        elif likelihood is None:
            dispatcher.utter_message(response="utter_say_again_question" if puzzled(tracker)
                                     else "utter_invalid_return_likelihood")
        return {"exit_return_likelihood": likelihood}

    @staticmethod
    def _text(value: Any, tracker, dispatcher) -> str | None:
        if value is None:  # cleared after the last survey: nothing typed yet
            return None
        text = str(value).strip()
        if _only_asks_for_language(tracker, text):  # "English please" is no feedback
            confirm_language(dispatcher)
            return None
        if not text or text.startswith("/"):
            dispatcher.utter_message(response="utter_invalid_exit_answer")
            return None
        if puzzled(tracker) and match_reason(text) is None:  # "huh?" is no feedback
            dispatcher.utter_message(response="utter_say_again_question")
            return None
        return text


class RecordExitSurvey(Action):
    """Keep the exit-feedback answers, thank the client and offer a human contact."""

    def name(self) -> str:
        return "action_record_exit_survey"

    async def run(self, dispatcher, tracker, domain):
        keep_answers(tracker)
        if tracker.get_slot("retention_offer") == "exit_survey":  # the greeting's offer, answered
            records.append(OfferRecord(conversation_id=tracker.sender_id,
                                       client_id=tracker.get_slot("client_id"), offer="exit_survey",
                                       answer="accepted",
                                       answers_offer_id=tracker.get_slot("offer_record_id")))
        dispatcher.utter_message(response="utter_exit_survey_thanks")
        dispatcher.utter_message(response="utter_offer_human_contact")
        return [SlotSet("retention_outcome", "surveyed"), SlotSet("handoff_topic", "leaving"),
                *(SlotSet(question, None) for question in SURVEY_QUESTIONS)]


def reason_in_request(tracker) -> str | None:
    """The reason the message that started the flow already names ("your fees are too high" ->
    "fees"), or None, so the client is not asked for what they just said. A button payload names
    no reason."""
    text = (tracker.latest_message.get("text") or "").strip()
    return None if text.startswith("/") else match_reason(text)


class StartLeaving(Action):
    """Acknowledge that the client wants to leave and clear the answers of any earlier attempt.

    A reason named in the same message fills the reason at once: the form then has nothing to ask
    and the retention offer follows.
    """

    def name(self) -> str:
        return "action_start_leaving"

    async def run(self, dispatcher, tracker, domain):
        text = typed_text(tracker)
        language = tracker.get_slot("language")
        if put_as_question(text, language) and holds_cue(text, "leaving_cost_questions", language):
            # "Is there a fee to close my account?" asks about costs: a question, not a goodbye.
            dispatcher.utter_message(response="utter_faq/fees")
            return [FollowupAction("action_listen")]
        dispatcher.utter_message(response="utter_leaving_ack")
        cleared = [SlotSet(slot, None) for slot in ("retention_offer", "offer_record_id",
                                                    "retention_outcome", *SURVEY_QUESTIONS)]
        # An offer made and not answered yet (the greeting's) is kept aside for the reason.
        still_open = ({"offer": tracker.get_slot("retention_offer"),
                       "record": tracker.get_slot("offer_record_id")}
                      if tracker.get_slot("retention_outcome") == "offered" else None)
        return [SlotSet("leaving_reason", reason_in_request(tracker)), *cleared,
                SlotSet("open_offer", still_open)]
