"""The market the action server advises in: the deployment setting ``MARKET``, read once.

``MARKET=cn`` makes every recommendation of the chat the China market's (engine.recommend with
``market="cn"``): yuan assumptions, the client's suitability class and the record of its match.
Amounts are then written in the market's currency with the locale phrase ``money_<currency>``
("CNY {amount}" in English, "{amount}元" in Chinese) instead of the language's plain ``money``.
"""

from __future__ import annotations

import os
from functools import lru_cache

from engine.assumptions import DEFAULT_MARKET, MARKETS
from engine.wording import MONEY, Texts

#: The environment variable that names the market.
MARKET_ENV = "MARKET"


class MarketSettingError(ValueError):
    """The ``MARKET`` setting names no market the engine knows."""


@lru_cache(maxsize=1)
def market() -> str:
    """The deployment's market: ``MARKET`` (case and spaces ignored), else the default market.

    Raises
    ------
    MarketSettingError
        When ``MARKET`` names a market the engine does not know.
    """
    value = os.environ.get(MARKET_ENV, "").strip().lower() or DEFAULT_MARKET
    if value not in MARKETS:
        raise MarketSettingError(f"the {MARKET_ENV} setting is {value!r}; valid markets: "
                                 f"{', '.join(MARKETS)}")
    return value


class _CurrencyTexts:
    """A language's texts whose ``money`` phrase is the one of a currency (``money_cny``)."""

    def __init__(self, texts: Texts, currency: str):
        self._texts, self.currency = texts, currency
        self.language = getattr(texts, "language", None)

    def __call__(self, name: str) -> str:
        if name == MONEY:
            return self._texts(f"{MONEY}_{self.currency.lower()}")
        return self._texts(name)


def in_currency(texts: Texts, currency: str | None) -> Texts:
    """``texts`` writing amounts in ``currency`` (an ISO code); ``texts`` itself when None."""
    return texts if currency is None else _CurrencyTexts(texts, currency)
