"""How much of a recommended mix an idea the chat explains stands for: "why gold?" asked after a
recommendation is answered with the share of gold in that mix before what gold does.

An idea is either one of the groups shown to clients (equity, bonds, cash, alternatives) or a set
of asset classes, named by their ids in every market's assumptions file (the default market's and
the China market's). An idea none of whose classes the market offers has no share there (China's
assumptions hold no emerging-market class), and neither have ideas that are no holding (risk and
return, diversification, rebalancing).
"""

from __future__ import annotations

from collections.abc import Mapping

#: Ideas that are a group of the mix (the assumptions files' ``group``).
GROUP_OF = {"stocks": "equity", "bonds": "bonds", "cash": "cash", "alternatives": "alternatives"}
#: Ideas that are some asset classes, by their ids in every market.
CLASSES_OF = {
    "gold_commodities": frozenset({"gold_commodities", "gold_cny"}),
    "real_estate": frozenset({"real_estate", "c_reits"}),
    "emerging_markets": frozenset({"emerging_equity"}),
}


def share_of(concept: str, weights: Mapping[str, float], groups: Mapping[str, float],
             offered: frozenset[str] | set[str]) -> float | None:
    """The fraction of the mix (``weights`` by class, ``groups`` by group) that ``concept``
    stands for, 0 when the mix holds none of it; None when the idea is no holding, or none of
    its classes is among those the market ``offered``."""
    if concept in GROUP_OF:
        return float(groups.get(GROUP_OF[concept], 0.0))
    classes = CLASSES_OF.get(concept)
    if classes is None or not classes & set(offered):
        return None
    return float(sum(weights.get(name, 0.0) for name in classes))
