"""Client feedback on numeric scales: the satisfaction rating and the exit survey's likelihood to
return. An answer counts only as a whole number on its scale, so that averages over clients compare
like with like.
"""

from __future__ import annotations

from engine.profile import Range

#: Satisfaction with the advice or the first weeks as a client, points (1 poor, 5 excellent).
RATING_SCALE = Range(1, 5)
#: How likely a leaving client is to come back, points (0 not at all, 10 certainly).
RETURN_LIKELIHOOD_SCALE = Range(0, 10)


def scale_answer(value: float | None, scale: Range) -> int | None:
    """``value`` as an answer on ``scale``: the whole number, or None when it is missing, not
    whole or off the scale."""
    if not scale.contains(value) or value != int(value):  # on the scale first: int(inf) fails
        return None
    return int(value)
