"""Customer lifecycle classifier: stage, churn risk, expected value and next-best action.

``score(events, as_of, clients=None, horizon_days=90)`` is the entry point (see
:mod:`engine.lifecycle.scoring`); ``offer_text(offer_id, language)`` gives what the bot says for an
offer.
"""

from engine.lifecycle.io import LifecycleInputError
from engine.lifecycle.offers import load_catalog, offer_text
from engine.lifecycle.scoring import score

__all__ = ["LifecycleInputError", "load_catalog", "offer_text", "score"]
