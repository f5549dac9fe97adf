"""The stated loss tolerance as a limit on the recommended mix.

The risk question ``max_loss`` asks for the largest fall in a single year the client could accept
without changing their plan. Each option's limit is data (``loss_limit`` in
engine/data/risk_questions.yml: 5, 10, 20 or 30 %; "more than 30 %" sets none). The mix's 1-in-20
bad year (:func:`engine.projection.bad_year`) may not be worse than that limit, whatever the risk
score asks for: a client who says a 10 % fall would make them change their plan is not served by a
mix that falls further one year in twenty. MiFID II Art 25(2) and the FINRA report on digital
advice (advice-anchors.md) both ask for the client's ability and willingness to bear losses to be
assessed; this is where the stated figure binds.

The search, written here because it is a one-dimensional question the optimizer does not answer:
above the few per cent of equity that diversify a bond portfolio, the bad year only worsens as the
equity share grows, so the largest equity share on the weights' 0.1 % grid whose mix meets the limit
lies between a share that meets it and one that does not, and bisection finds it, re-running the
optimizer at each step (about ten steps). Every share it accepts was checked on the rounded weights
that are shown. When not even a mix without equity meets the limit, the most defensive mix the
policy allows for the goal (minimum volatility, no equity) is recommended; the client is told and
staff are flagged (:func:`unreachable_flag`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol, TypeVar

from engine.policy import PolicyTargets, cap_equity
from engine.risk import RiskFlag

#: Codes of the limit in the policy's ``binding`` list: the limit lowered equity until the mix met
#: it; or no mix the policy allows met it, and the most defensive one is recommended.
LOSS_LIMIT = "loss_limit"
LOSS_LIMIT_UNREACHABLE = "loss_limit_unreachable"
#: Grid of equity shares searched: the weights are rounded to 0.1 %.
EQUITY_STEP = 0.001


class Mix(Protocol):
    """What the search needs of a mix: its 1-in-20 one-year return (a fraction)."""

    @property
    def bad_year(self) -> float: ...


MixT = TypeVar("MixT", bound=Mix)


def within(bad_year: float, limit: float | None) -> bool:
    """Whether a mix whose 1-in-20 year returns ``bad_year`` keeps to ``limit`` (None: no limit)."""
    return limit is None or bad_year >= -limit


def largest_equity(meets: Callable[[float], bool], upper: float, step: float = EQUITY_STEP
                   ) -> float | None:
    """The largest multiple of ``step`` below ``upper`` whose mix ``meets`` the limit, by bisection
    from 0; None when the mix without equity does not meet it.

    ``upper`` itself is taken not to meet it (the caller tried it).
    """
    if not meets(0.0):
        return None
    low, high = 0, math.ceil(upper / step - 1e-9)  # low meets the limit, high does not
    while high - low > 1:
        middle = (low + high) // 2
        if meets(round(middle * step, 6)):
            low = middle
        else:
            high = middle
    return round(low * step, 6)


def limit_losses(
    policy: PolicyTargets, groups: dict[str, list[str]],
    mix_at: Callable[[PolicyTargets, bool], MixT],
) -> tuple[PolicyTargets, MixT]:
    """The policy and mix that keep to the client's stated loss limit.

    Parameters
    ----------
    policy : PolicyTargets
        What the rules decided; ``policy.loss_limit`` is the client's limit (None: no limit).
    groups : dict
        Asset classes of each group, as for :func:`engine.policy.targets`.
    mix_at : callable
        ``mix_at(policy, defensive)``: the optimizer's mix within a policy's bounds, the minimum
        volatility one when ``defensive``.

    Returns
    -------
    (PolicyTargets, mix)
        The policy unchanged when its mix meets the limit; else with equity capped and
        ``LOSS_LIMIT`` (or ``LOSS_LIMIT_UNREACHABLE``) added to its ``binding`` list.
    """
    mix = mix_at(policy, False)
    limit = policy.loss_limit
    if within(mix.bad_year, limit):
        return policy, mix
    tried: dict[float, tuple[PolicyTargets, MixT]] = {}

    def meets(equity: float) -> bool:
        capped = cap_equity(policy, equity, groups, code=LOSS_LIMIT)
        tried[equity] = (capped, mix_at(capped, False))
        return within(tried[equity][1].bad_year, limit)

    equity = largest_equity(meets, policy.equity)
    if equity is not None:
        return tried[equity]
    defensive = cap_equity(policy, 0.0, groups, code=LOSS_LIMIT)
    mix = mix_at(defensive, True)
    if not within(mix.bad_year, limit):
        defensive.binding[-1] = LOSS_LIMIT_UNREACHABLE
    return defensive, mix


def unreachable_flag(policy: PolicyTargets, bad_year: float) -> RiskFlag | None:
    """A note for staff when no mix the policy allows keeps to the client's loss limit."""
    if LOSS_LIMIT_UNREACHABLE not in policy.binding:
        return None
    return RiskFlag(
        code=LOSS_LIMIT_UNREACHABLE, severity="note", questions=["max_loss"],
        params={"limit": policy.loss_limit or 0.0, "bad_year": round(bad_year, 4)},
    )
