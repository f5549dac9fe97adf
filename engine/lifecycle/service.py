"""What the chat serves a signed-in client at each lifecycle stage: the stage it greets them in, the
offer the greeting makes and whether it reports on their portfolio.
"""

from __future__ import annotations

from engine.lifecycle.stages import STAGES

#: The stages of a client with an account (every stage but prospect).
CLIENT_STAGES = tuple(s for s in STAGES if s != "prospect")
#: Stage of a signed-in client whose score is missing or names no client stage: they have an
#: account, so they are served as new.
DEFAULT_CLIENT_STAGE = "onboarding"
#: Stage -> the offer its greeting makes when the scoring chose no next-best action: a loyalty
#: review for mature clients, a retention review for declining ones.
GREETING_OFFERS = {"mature": "loyalty_review", "decline": "retention_review"}
#: Stages whose greeting says where the client's portfolio stands against its target.
PORTFOLIO_STATUS_STAGES = ("growth", "mature")


def client_stage(scored_stage: str | None) -> str:
    """The stage a signed-in client is served in, from their latest scored stage (or None)."""
    return scored_stage if scored_stage in CLIENT_STAGES else DEFAULT_CLIENT_STAGE


def greeting_offer(stage: str, next_best_action: str | None = None) -> str | None:
    """The offer the greeting of ``stage`` makes: the scoring's next-best action when it chose one,
    else the stage's ``GREETING_OFFERS`` entry; None for a stage whose greeting makes no offer."""
    if stage not in GREETING_OFFERS:
        return None
    return next_best_action or GREETING_OFFERS[stage]
