"""A retention offer as the chat makes it: first what it is worth to the client where the catalog
puts a figure on it (the fees a waiver saves on their own account, when they come to a whole unit
of the currency at least), then the offer with its terms
and the buttons that accept or decline it. The greeting of a declining client and the leaving flow
both make their offer this way."""

from __future__ import annotations

from typing import Any

from engine.lifecycle.offers import offer_terms, waived_fees
from engine.wording import Texts, format_value

#: The smallest worth the chat states, in currency units; a smaller one would read "about 0".
SMALLEST_WORTH = 1.0


def has_words(offer: str | None, domain: dict[str, Any]) -> bool:
    """Whether ``offer`` is a retention offer the chat can make (it has a response of its own)."""
    return offer is not None and f"utter_retention_offer_{offer}" in domain.get("responses", {})


def say_retention_offer(dispatcher, domain: dict[str, Any], offer: str, aum: float,
                        texts: Texts | None = None) -> None:
    """Send the worth of ``offer`` to a client with ``aum`` under advice (when it has one), then
    the offer itself; amounts are written as the language of ``texts`` writes them."""
    terms = offer_terms(offer)
    saving = waived_fees(offer, aum or 0.0)
    worth = f"utter_retention_worth_{offer}"
    # A worth below one unit of the currency is written as 0: the offer is made without it.
    if saving is not None and saving >= SMALLEST_WORTH and worth in domain.get("responses", {}):
        dispatcher.utter_message(response=worth, saving=format_value(saving, "money", texts), **terms)
    dispatcher.utter_message(response=f"utter_retention_offer_{offer}", **terms)
