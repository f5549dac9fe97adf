"""Customer lifecycle classifier: stage, churn risk, expected value and next-best action.

``score(events, as_of, clients=None, horizon_days=90)`` is the entry point (see
:mod:`engine.lifecycle.scoring`); ``offer_text(offer_id, language)`` gives what the bot says for an
offer.

Names are imported on first use, so that ``engine.lifecycle.stages`` (the stage list the web app's
filters show, say) can be imported without the churn model and the rest.
"""

from __future__ import annotations

from importlib import import_module

#: Public name -> module that defines it.
_EXPORTS = {
    "LifecycleInputError": "engine.lifecycle.io",
    "load_catalog": "engine.lifecycle.offers",
    "offer_text": "engine.lifecycle.offers",
    "score": "engine.lifecycle.scoring",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'engine.lifecycle' has no attribute '{name}'")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
