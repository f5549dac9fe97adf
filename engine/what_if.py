"""What-ifs: a profile with one change, to compare its recommendation with the current one.

Each function returns a new, validated :class:`~engine.profile.InvestorProfile` and leaves the one
given unchanged. A change that cannot apply raises :class:`WhatIfRefused`, whose ``code`` says why,
so a chat or a web page can word the refusal in its own language.
"""

from __future__ import annotations

from typing import Any

from engine.profile import (
    HORIZON_RANGE,
    MONTHLY_CONTRIBUTION_RANGE,
    RETIREMENT_AGE_RANGE,
    Goal,
    InvestorProfile,
)
from engine.questionnaire import questionnaire

#: Why a what-if was refused.
AT_HIGHEST_RISK = "highest"  # every risk answer is already its most risk-seeking option
AT_LOWEST_RISK = "lowest"  # every risk answer is already its most cautious option
NOT_RETIREMENT = "not_retirement"  # a retirement age applies only to a retirement goal
OUT_OF_RANGE = "out_of_range"  # the new figure is outside the valid range of the input


class WhatIfRefused(ValueError):
    """A what-if that cannot apply to the profile; ``code`` is one of the codes above."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def with_changes(profile: InvestorProfile, **changes: Any) -> InvestorProfile:
    """``profile`` with ``changes`` (field -> value) applied and validated again."""
    return InvestorProfile.model_validate({**profile.model_dump(), **changes})


def shifted_answers(answers: dict[str, str], step: int) -> dict[str, str]:
    """Each risk answer moved ``step`` options along its question's options ranked by score.

    Parameters
    ----------
    answers : dict
        Question id -> option id, for every risk question.
    step : int
        +1 moves every answer one option towards more risk, -1 towards less. An answer already at
        the end of its question stays there.

    Returns
    -------
    dict
        The moved answers, question id -> option id.
    """
    shifted = {}
    for question in questionnaire().questions:
        ids = [o.id for o in sorted(question.options, key=lambda o: o.score)]
        index = min(len(ids) - 1, max(0, ids.index(answers[question.id]) + step))
        shifted[question.id] = ids[index]
    return shifted


def shift_risk(profile: InvestorProfile, step: int) -> InvestorProfile:
    """The profile with every risk answer one option towards more (``step`` +1) or less (-1) risk.

    Raises
    ------
    WhatIfRefused
        ``AT_HIGHEST_RISK`` or ``AT_LOWEST_RISK`` when no answer can move that way.
    """
    if step not in (1, -1):
        raise ValueError(f"step must be +1 (more risk) or -1 (less risk), got {step}")
    answers = shifted_answers(profile.risk_answers, step)
    if answers == profile.risk_answers:
        code = AT_HIGHEST_RISK if step > 0 else AT_LOWEST_RISK
        raise WhatIfRefused(code, f"every risk answer is already the {code} option")
    return with_changes(profile, risk_answers=answers)


def retirement_ages(profile: InvestorProfile) -> tuple[float, float]:
    """The lowest and highest retirement age a what-if can plan for ``profile``: within
    ``RETIREMENT_AGE_RANGE``, not below the person's age, and at most ``HORIZON_RANGE.high``
    years away."""
    return (max(RETIREMENT_AGE_RANGE.low, profile.age),
            min(RETIREMENT_AGE_RANGE.high, profile.age + HORIZON_RANGE.high))


def retire_at(profile: InvestorProfile, age: float) -> InvestorProfile:
    """The profile of a retirement goal with the money needed at ``age`` (years).

    The horizon becomes ``age`` minus the person's age; ``age`` must be within
    ``RETIREMENT_AGE_RANGE``, not below the person's age, and give a horizon within
    ``HORIZON_RANGE``.

    Raises
    ------
    WhatIfRefused
        ``NOT_RETIREMENT`` for another goal, ``OUT_OF_RANGE`` for an age outside those limits.
    """
    if profile.goal is not Goal.retirement:
        raise WhatIfRefused(NOT_RETIREMENT, f"a retirement age does not apply to the goal "
                                            f"{profile.goal.value}")
    low, high = retirement_ages(profile)
    if age is None or not low <= age <= high:
        raise WhatIfRefused(OUT_OF_RANGE, f"retirement age must be {low:g} to {high:g} and at "
                                          f"most {HORIZON_RANGE.high:g} years away, got {age}")
    return with_changes(profile, horizon_years=float(age - profile.age))


def retire_later(profile: InvestorProfile, years: float) -> InvestorProfile:
    """The profile of a retirement goal retiring ``years`` later (earlier when negative) than it
    does now.

    A relative move is taken rather than refused: for a retirement goal the horizon is the years
    until retiring, so the profile implies a retirement age (its age plus its horizon, the goal's
    default horizon when none was given), and "retire 5 years later" ("晚5年退休") is that age
    plus 5. For another goal there is no retirement date to move.

    Raises
    ------
    WhatIfRefused
        ``NOT_RETIREMENT`` for another goal, ``OUT_OF_RANGE`` when the moved age is outside
        :func:`retirement_ages`.
    """
    if profile.goal is not Goal.retirement:
        raise WhatIfRefused(NOT_RETIREMENT, f"a retirement date does not apply to the goal "
                                            f"{profile.goal.value}")
    return retire_at(profile, current_retirement_age(profile) + years)


def current_retirement_age(profile: InvestorProfile) -> float:
    """The age at which ``profile`` retires: its age plus its horizon (retirement goal)."""
    return profile.age + profile.horizon


def monthly_contribution(profile: InvestorProfile, amount: float) -> InvestorProfile:
    """The profile with ``amount`` (account currency per month) added each month.

    Raises
    ------
    WhatIfRefused
        ``OUT_OF_RANGE`` for an amount outside ``MONTHLY_CONTRIBUTION_RANGE``.
    """
    if not MONTHLY_CONTRIBUTION_RANGE.contains(amount):
        raise WhatIfRefused(OUT_OF_RANGE, f"monthly contribution must be "
                                          f"{MONTHLY_CONTRIBUTION_RANGE.words()}, got {amount}")
    return with_changes(profile, monthly_contribution=float(amount))
