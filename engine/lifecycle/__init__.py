"""Customer lifecycle classifier: stage, churn risk, expected value and next-best action.

``score(events, as_of, clients=None, horizon_days=90)`` is the entry point; see
:mod:`engine.lifecycle.scoring`.
"""

from engine.lifecycle.io import LifecycleInputError
from engine.lifecycle.scoring import score

__all__ = ["LifecycleInputError", "score"]
