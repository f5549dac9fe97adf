"""The portfolio review of a signed-in client: drift of the holdings from the target mix and the
engine's rebalancing trades, in money.

The target is the weights of the client's latest suitability record; the holdings are their
latest snapshot. Trades are proposed only when the drift exceeds the rebalancing band, because
smaller deviations cost more to trade away than they add in risk.

In a market with suitability rules (``MARKET=cn``) an assessment is due again after 12 months, or
when what the client has said in this conversation changes their situation
(engine.suitability.what_if.reassessment_due): the client is then asked to re-assess before the
review recommends any trades.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from rasa_sdk import Action
from rasa_sdk.events import FollowupAction, SlotSet

from actions import records
from actions.advice import conversation_texts
from actions.answers import put_as_question
from actions.conversation import client_id_of
from actions.market import market
from actions.profile_slots import profile_from
from actions.records import Review, current_review
from db.clock import utcnow
from db.holdings import latest_target
from db.models import SuitabilityRecord
from db.session import session_scope
from engine.assumptions import DEFAULT_MARKET
from engine.profile import InvestorProfile
from engine.rebalancing import RebalancePlan
from engine.suitability.what_if import Reassessment, reassessment_due
from engine.wording import MissingText, Texts, format_value, render

#: Deviations smaller than this (a fraction of the portfolio) are not listed: rounding noise.
SHOWN_DEVIATION = 0.0005


def class_name(asset_class: str, texts: Texts) -> str:
    """The name of an asset class in the language of ``texts`` (its phrase
    ``asset_class_<key>``); a class no locale names is shown by its key rather than dropped."""
    try:
        return texts(f"asset_class_{asset_class}")
    except MissingText:
        return asset_class


def drift_lines(plan: RebalancePlan, targets: dict[str, float], texts: Texts) -> str:
    """One line per asset class (the phrase ``review_drift_line``): held and target weight,
    largest deviation first."""
    classes = set(plan.weights_before) | set(targets)
    deviation = {c: plan.weights_before.get(c, 0.0) - targets.get(c, 0.0) for c in classes}
    return "\n".join(
        render("review_drift_line", {"asset_class": class_name(c, texts),
                                     "held": plan.weights_before.get(c, 0.0),
                                     "target": targets.get(c, 0.0), "deviation": deviation[c]},
               texts)
        for c in sorted(classes, key=lambda c: -abs(deviation[c]))
        if abs(deviation[c]) >= SHOWN_DEVIATION
    )


def trade_lines(plan: RebalancePlan, texts: Texts) -> tuple[str, str]:
    """The sells and the buys of a plan, one line each (the phrase ``review_trade_line``, the
    amount as the language writes money); ``review_no_trades`` when there are none."""
    ordered = sorted(plan.trades.items(), key=lambda item: item[1])

    def lines(trades) -> str:
        return "\n".join(render("review_trade_line", {"asset_class": class_name(c, texts),
                                                       "amount": abs(t)}, texts)
                         for c, t in trades) or texts("review_no_trades")

    return (lines((c, t) for c, t in ordered if t < 0),
            lines((c, t) for c, t in reversed(ordered) if t > 0))


def review_payload(plan: RebalancePlan, targets: dict[str, float], as_of: str) -> dict[str, Any]:
    """The custom payload of a review, for the widget and the staff console."""
    return {
        "type": "portfolio_review", "as_of": as_of, "total": plan.total_before,
        "drift": plan.drift_before, "threshold": plan.threshold, "rebalance": plan.rebalanced,
        "weights": plan.weights_before, "targets": dict(targets), "trades": plan.trades,
    }


def review_figures(review: Review, texts: Texts) -> dict[str, str]:
    """The figures the review responses fill in, written in the language of ``texts``: date,
    value (as that language writes money), drift and band."""
    plan = review.plan
    return {"as_of": review.snapshot.as_of.date().isoformat(),
            "total": format_value(plan.total_before, "money", texts),
            "drift": format_value(plan.drift_before, "percent.1", texts),
            "threshold": format_value(plan.threshold, "percent.1", texts)}


def asks_about_concept(tracker) -> bool:
    """Whether the message is a question naming an idea the advisor explains (a ``concept``)."""
    message = tracker.latest_message
    return put_as_question(message.get("text") or "", tracker.get_slot("language")) and any(
        e.get("entity") == "concept" for e in message.get("entities") or [])


def reassessment(target: SuitabilityRecord | None, tracker) -> Reassessment | None:
    """Whether the client must re-assess before a new recommendation: only in a market with
    suitability rules, and only with an assessment on record. What the client said in this
    conversation is compared with the assessment when both make a whole profile."""
    if market() == DEFAULT_MARKET or target is None:
        return None
    try:
        assessed = InvestorProfile.model_validate(target.inputs)
    except ValidationError:
        assessed = None  # an older record without the profile: only its age counts
    return reassessment_due(target.created_at, utcnow(), assessed, profile_from(tracker))


class PortfolioReview(Action):
    """Compare the client's holdings with their target and propose the trades that restore it."""

    def name(self) -> str:
        return "action_portfolio_review"

    async def run(self, dispatcher, tracker, domain):
        client_id = client_id_of(tracker) or tracker.get_slot("client_id")
        client = records.client(int(client_id)) if client_id is not None else None
        # A new review closes any leaving conversation, so their yes/no answers cannot mix.
        events = [SlotSet("retention_outcome", None)]
        if client is None:
            if asks_about_concept(tracker):
                # "How does rebalancing work?" from someone with no portfolio asks about the idea.
                return [FollowupAction("action_explain")]
            dispatcher.utter_message(response="utter_review_prospect")
            return [*events, SlotSet("review_outcome", "no_client")]
        with session_scope(records.engine()) as session:
            review = current_review(session, client.id)
            target = latest_target(session, client.id)
            due = reassessment(target, tracker)
            assessed_on = target.created_at.date().isoformat() if target is not None else None
        events.append(SlotSet("client_id", client.id))
        if due is not None and due.due:
            # The rules ask for a new assessment before anything new is recommended; a yes
            # starts the questions.
            reason = "expired" if "expired" in due.reasons else "changed"
            dispatcher.utter_message(response="utter_reassessment_due", reason=render(
                f"reassessment_{reason}", {"assessed_on": assessed_on},
                conversation_texts(tracker)))
            return [*events, SlotSet("review_outcome", "reassess"),
                    SlotSet("last_offer", "onboarding")]
        if not isinstance(review, Review):
            no_target = review is not None  # holdings, but no target to compare them with
            dispatcher.utter_message(
                response="utter_review_no_target" if no_target else "utter_review_no_holdings")
            return [*events, SlotSet("review_outcome", "no_holdings")]

        plan, targets = review.plan, review.targets
        texts = conversation_texts(tracker)
        figures = review_figures(review, texts)
        as_of = figures["as_of"]
        if not plan.rebalanced:
            dispatcher.utter_message(response="utter_review_in_band", **figures)
            dispatcher.utter_message(json_message=review_payload(plan, targets, as_of))
            return [*events, SlotSet("review_outcome", "in_band")]
        sells, buys = trade_lines(plan, texts)
        dispatcher.utter_message(response="utter_review_drifted", **figures,
                                 lines=drift_lines(plan, targets, texts))
        dispatcher.utter_message(response="utter_review_trades", sells=sells, buys=buys,
                                 threshold=figures["threshold"])
        dispatcher.utter_message(json_message=review_payload(plan, targets, as_of))
        dispatcher.utter_message(response="utter_review_ask_adviser")
        return [*events, SlotSet("review_outcome", "drifted"),
                SlotSet("handoff_topic", "rebalancing")]
