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
lies between a share that meets it and one that does not. The bad year grows about in proportion
to the equity share there, so the search guesses the crossing (first by scaling the share down by
the room it lacks, then along the secant through the last two shares tried), re-running the
optimizer at each guess and keeping the bracket; when the same end moves three times in a row it
halves the bracket instead, so it never takes much more than bisection's ten steps and usually
takes four or five. Every share it accepts was checked on the rounded weights that are shown.
When not even a mix without equity meets the limit, the most defensive mix the policy allows for
the goal (minimum volatility, no equity) is recommended; the client is told and staff are flagged
(:func:`unreachable_flag`).
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


def largest_equity(bad_year_at: Callable[[float], float], limit: float, upper: float,
                   upper_bad_year: float, step: float = EQUITY_STEP) -> float | None:
    """The largest multiple of ``step`` below ``upper`` whose mix keeps to ``limit``; None when not
    even the mix without equity does.

    ``bad_year_at(equity)`` is the bad year of the mix at that share; ``upper_bad_year``, worse
    than ``-limit``, is the one at ``upper``.
    """
    # high breaks the limit; low keeps to it. The share is put on the grid first, so that an
    # upper share a rounding error above a grid point does not make that point the answer.
    low, high = 0, math.ceil(round(upper / step, 6))
    low_checked = False  # 0 is taken to keep to it until checked
    # The bad year grows about in proportion to the equity share: the first guess scales the share
    # down by the room it lacks; later ones follow the secant through the last two shares tried.
    guess = upper * limit / -upper_bad_year
    last = (upper, upper_bad_year + limit)
    sides: list[bool] = []
    neighbour = False  # the last share tried was next to an end of the bracket
    while high - low > 1:
        k = min(max(math.floor(guess / step + 1e-9), low + 1), high - 1)
        # A guess next to an end settles the bracket when the guesses are good; when the same end
        # has moved three times in a row they are not, and halving the bracket is surer (a guess
        # next to an end is still allowed once, so a near answer is not skipped).
        near = k in (low + 1, high - 1)
        if sides[-3:] in ([True] * 3, [False] * 3) and not (near and not neighbour):
            k = (low + high) // 2
        neighbour = near
        x = round(k * step, 6)
        room = bad_year_at(x) + limit
        sides.append(room >= 0)
        if room >= 0:
            low, low_checked = k, True
        else:
            high = k
        guess = x - room * (x - last[0]) / (room - last[1]) if room != last[1] else x
        last = (x, room)
    if low == 0 and not low_checked and bad_year_at(0.0) < -limit:
        return None
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

    def bad_year_at(equity: float) -> float:
        capped = cap_equity(policy, equity, groups, code=LOSS_LIMIT)
        tried[equity] = (capped, mix_at(capped, False))
        return tried[equity][1].bad_year

    equity = largest_equity(bad_year_at, limit, policy.equity, mix.bad_year)
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
