"""Customer lifecycle classifier: stage, churn risk, expected value and next-best action.

``score(events, as_of, clients=None, horizon_days=90)`` is the entry point (see
:mod:`engine.lifecycle.scoring`); ``offer_text(offer_id, language)`` gives what the bot says for an
offer.

Names are imported on first use, so that ``engine.lifecycle.stages`` (the stage list the web app's
filters show, say) can be imported without the churn model and the rest.
"""

from __future__ import annotations

from engine.lazy import lazy_exports

#: Public name -> module that defines it.
__getattr__, __dir__, __all__ = lazy_exports(globals(), {
    "LifecycleInputError": "engine.lifecycle.io",
    "load_catalog": "engine.lifecycle.offers",
    "offer_text": "engine.lifecycle.offers",
    "score": "engine.lifecycle.scoring",
})
