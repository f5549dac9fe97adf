"""The portfolio review of a signed-in client: drift of the holdings from the target mix and the
engine's rebalancing trades, in money.

The target is the weights of the client's latest suitability record; the holdings are their
latest snapshot. Trades are proposed only when the drift exceeds the rebalancing band, because
smaller deviations cost more to trade away than they add in risk.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action
from rasa_sdk.events import SlotSet

from actions import records
from actions.conversation import client_id_of
from actions.records import Review, current_review
from db.session import session_scope
from engine.assumptions import load_assumptions
from engine.rebalancing import RebalancePlan

#: Deviations smaller than this (a fraction of the portfolio) are not listed: rounding noise.
SHOWN_DEVIATION = 0.0005


def _pct(fraction: float) -> str:
    return f"{fraction:.1%}"


def _money(amount: float) -> str:
    return f"{amount:,.0f}"


def drift_lines(plan: RebalancePlan, targets: dict[str, float], names: dict[str, str]) -> str:
    """One line per asset class: held and target weight, largest deviation first."""
    classes = set(plan.weights_before) | set(targets)
    deviation = {c: plan.weights_before.get(c, 0.0) - targets.get(c, 0.0) for c in classes}
    return "\n".join(
        f"- {names.get(c, c)}: {_pct(plan.weights_before.get(c, 0.0))} held, target "
        f"{_pct(targets.get(c, 0.0))} ({deviation[c] * 100:+.1f} points)"
        for c in sorted(classes, key=lambda c: -abs(deviation[c]))
        if abs(deviation[c]) >= SHOWN_DEVIATION
    )


def trade_lines(plan: RebalancePlan, names: dict[str, str]) -> tuple[str, str]:
    """The sells and the buys of a plan as lines of text (each may be empty)."""
    ordered = sorted(plan.trades.items(), key=lambda item: item[1])
    sells = "\n".join(f"- {names.get(c, c)}: {_money(-t)}" for c, t in ordered if t < 0)
    buys = "\n".join(f"- {names.get(c, c)}: {_money(t)}" for c, t in reversed(ordered) if t > 0)
    return sells, buys


def review_payload(plan: RebalancePlan, targets: dict[str, float], as_of: str) -> dict[str, Any]:
    """The custom payload of a review, for the widget and the staff console."""
    return {
        "type": "portfolio_review", "as_of": as_of, "total": plan.total_before,
        "drift": plan.drift_before, "threshold": plan.threshold, "rebalance": plan.rebalanced,
        "weights": plan.weights_before, "targets": dict(targets), "trades": plan.trades,
    }


def review_figures(review: Review) -> dict[str, str]:
    """The figures the review responses fill in: date, value, drift and band."""
    plan = review.plan
    return {"as_of": review.snapshot.as_of.date().isoformat(), "total": _money(plan.total_before),
            "drift": _pct(plan.drift_before), "threshold": _pct(plan.threshold)}


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
            dispatcher.utter_message(response="utter_review_prospect")
            return [*events, SlotSet("review_outcome", "no_client")]
        with session_scope(records.engine()) as session:
            review = current_review(session, client.id)
        events.append(SlotSet("client_id", client.id))
        if not isinstance(review, Review):
            no_target = review is not None  # holdings, but no target to compare them with
            dispatcher.utter_message(
                response="utter_review_no_target" if no_target else "utter_review_no_holdings")
            return [*events, SlotSet("review_outcome", "no_holdings")]

        plan, targets = review.plan, review.targets
        names = load_assumptions().classes["name"].to_dict()
        figures = review_figures(review)
        as_of = figures["as_of"]
        if not plan.rebalanced:
            dispatcher.utter_message(response="utter_review_in_band", **figures)
            dispatcher.utter_message(json_message=review_payload(plan, targets, as_of))
            return [*events, SlotSet("review_outcome", "in_band")]
        sells, buys = trade_lines(plan, names)
        dispatcher.utter_message(response="utter_review_drifted", **figures,
                                 lines=drift_lines(plan, targets, names))
        dispatcher.utter_message(response="utter_review_trades", sells=sells or "-",
                                 buys=buys or "-", threshold=figures["threshold"])
        dispatcher.utter_message(json_message=review_payload(plan, targets, as_of))
        dispatcher.utter_message(response="utter_review_ask_adviser")
        return [*events, SlotSet("review_outcome", "drifted"),
                SlotSet("handoff_topic", "rebalancing")]
