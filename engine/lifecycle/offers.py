"""Next-best action: the eligible offer with the highest expected net value.

The catalog and the value model are in ``offers.yml`` (documented there). Contact policy comes
first: a client marked ``do_not_contact`` gets no offer, and an offer made less than its cooldown
ago is not made again. Every decision records why in ``offer_reason``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field

from engine.lifecycle.io import SEGMENTS
from engine.lifecycle.stages import STAGES
from engine.wording import DEFAULT_LANGUAGE, locales, texts

OFFERS_FILE = Path(__file__).resolve().parent / "offers.yml"
#: The leaving reason that stands for any reason not listed in the catalog's ``leaving_reasons``.
OTHER_REASON = "other"


class Offer(BaseModel):
    """One offer of the catalog; ``cost`` in currency, ``uplift`` a probability gain."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    stages: list[str]
    segments: list[str]
    cost: float = Field(ge=0)
    uplift: float = Field(ge=0, le=1)
    cooldown_days: float = Field(ge=0)
    min_churn_risk: float = Field(default=0.0, ge=0, le=1)
    max_churn_risk: float = Field(default=1.0, ge=0, le=1)
    #: Days of the client's own advisory fee (AUM x annual_fee_rate) the offer gives up; they add
    #: to ``cost`` client by client, and the wording states them as the term ``days``.
    waived_fee_days: float = Field(default=0.0, ge=0, le=365)
    #: The offer's concrete terms (amounts, durations) that its wording states: the placeholders
    #: of its text in the locale files.
    terms: dict[str, int | float] = Field(default_factory=dict)

    def model_post_init(self, _context) -> None:
        if self.waived_fee_days and self.terms.get("days") != self.waived_fee_days:
            raise ValueError(f"offer {self.id}: waives {self.waived_fee_days:g} days of fees, so its "
                             f"terms must state days: {self.waived_fee_days:g}")


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid")

    annual_fee_rate: float = Field(ge=0, le=0.1)
    value_floor: dict[str, float]
    offers: list[Offer]
    #: Reason a client gives for leaving -> ids of the offers that answer it; ``OTHER_REASON`` is
    #: required when any reason is listed (see engine.lifecycle.leaving).
    leaving_reasons: dict[str, list[str]] = Field(default_factory=dict)

    def model_post_init(self, _context) -> None:
        for offer in self.offers:
            bad = set(offer.stages) - set(STAGES) | set(offer.segments) - set(SEGMENTS)
            if bad:
                raise ValueError(f"offer {offer.id}: unknown stage or segment {sorted(bad)}")
        ids = [o.id for o in self.offers]
        if len(set(ids)) != len(ids):
            raise ValueError("offer ids must be unique")
        for reason, answering in self.leaving_reasons.items():
            unknown = sorted(set(answering) - set(ids))
            if unknown:
                raise ValueError(f"leaving reason {reason}: unknown offer(s) {', '.join(unknown)}")
        if self.leaving_reasons and OTHER_REASON not in self.leaving_reasons:
            raise ValueError(f"leaving_reasons: no offers for the reason '{OTHER_REASON}'")


@lru_cache(maxsize=4)
def load_catalog(path: str | Path = OFFERS_FILE) -> Catalog:
    """The offer catalog, checked."""
    with open(path, encoding="utf-8") as handle:
        return Catalog.model_validate(yaml.safe_load(handle))


def offer_phrase(offer_id: str) -> str:
    """Name of the text of the locale files that words the offer ``offer_id``.

    A retention offer the chat makes with buttons (``utter_retention_offer_<id>``, a chat response)
    is worded there alone; every other offer by the phrase ``offer_<id>``. One text per offer, so
    the chat and :func:`offer_text` cannot drift apart."""
    retention = f"utter_retention_offer_{offer_id}"
    return retention if retention in locales()[DEFAULT_LANGUAGE] else f"offer_{offer_id}"


def offer_text(offer_id: str, language: str = "en", catalog: Catalog | None = None) -> str:
    """What the bot says for ``offer_id``, in ``language`` (English when not translated)."""
    catalog = catalog or load_catalog()
    return texts(language)(offer_phrase(offer_id)).format(**offer_terms(offer_id, catalog))


def offer_terms(offer_id: str, catalog: Catalog | None = None) -> dict[str, int | float]:
    """The concrete terms of ``offer_id`` that fill its wording's placeholders ({} when none)."""
    catalog = catalog or load_catalog()
    for offer in catalog.offers:
        if offer.id == offer_id:
            return dict(offer.terms)
    raise KeyError(f"unknown offer {offer_id!r}")


def waived_fees(offer_id: str, aum: float, catalog: Catalog | None = None) -> float | None:
    """What ``offer_id`` is worth to a client with ``aum`` under advice, in currency: the fees it
    waives (``waived_fee_days`` of AUM x annual_fee_rate), or None for an offer that waives none."""
    catalog = catalog or load_catalog()
    for offer in catalog.offers:
        if offer.id == offer_id:
            if not offer.waived_fee_days:
                return None
            return max(aum, 0.0) * catalog.annual_fee_rate * offer.waived_fee_days / 365.25
    raise KeyError(f"unknown offer {offer_id!r}")


def client_value(aum: np.ndarray, segment: np.ndarray, catalog: Catalog) -> np.ndarray:
    """Yearly revenue of each client in currency: AUM times the fee rate, at least the floor."""
    floor = pd.Series(segment).map(catalog.value_floor).fillna(0.0).to_numpy(dtype=float)
    return np.maximum(np.nan_to_num(aum) * catalog.annual_fee_rate, floor)


def last_offered(history: pd.DataFrame | None, index: pd.Index,
                 as_of: pd.Timestamp) -> dict[str, np.ndarray]:
    """Days since each offer was last made to each client (inf when never), by offer id."""
    if history is None or len(history) == 0:
        return {}
    missing = {"client_id", "offer_id", "timestamp"} - set(history.columns)
    if missing:
        raise ValueError(f"offer history is missing column(s) {', '.join(sorted(missing))}")
    stamps = pd.to_datetime(history["timestamp"])
    past = history.assign(timestamp=stamps)[stamps <= as_of]
    latest = past.groupby(["client_id", "offer_id"])["timestamp"].max().reset_index()
    gaps = {}
    for offer_id, group in latest.groupby("offer_id"):
        rows = index.get_indexer(group["client_id"])
        gap = np.full(len(index), np.inf)
        gap[rows[rows >= 0]] = ((as_of - group["timestamp"]) / pd.Timedelta(days=1)).to_numpy()[rows >= 0]
        gaps[str(offer_id)] = gap
    return gaps


def next_best_action(frame: pd.DataFrame, as_of: pd.Timestamp, history: pd.DataFrame | None = None,
                     catalog: Catalog | None = None) -> pd.DataFrame:
    """Pick the offer per client.

    Parameters
    ----------
    frame : DataFrame
        Indexed by client_id with ``stage``, ``segment``, ``aum``, ``churn_risk``,
        ``do_not_contact``.
    as_of : Timestamp
        The decision instant (cooldowns count back from it).
    history : DataFrame, optional
        Offers already made: ``client_id``, ``offer_id``, ``timestamp``.

    Returns
    -------
    DataFrame
        ``next_best_action`` (offer id or None), ``offer_value`` (expected net value, currency)
        and ``offer_reason``.
    """
    catalog = catalog or load_catalog()
    offers = catalog.offers
    aum = np.nan_to_num(frame["aum"].to_numpy(dtype=float))
    value = client_value(aum, frame["segment"].to_numpy(), catalog)
    daily_fee = aum * catalog.annual_fee_rate / 365.25
    # Integer codes: membership tests on a million strings per offer would dominate the run.
    stage = pd.Categorical(frame["stage"], categories=STAGES).codes
    segment = pd.Categorical(frame["segment"], categories=SEGMENTS).codes
    risk = frame["churn_risk"].to_numpy(dtype=float)
    gaps = last_offered(history, frame.index, as_of)
    n = len(frame)
    # One pass per offer keeping the best so far: no (clients x offers) temporaries.
    best = np.full(n, -1)
    best_net = np.full(n, -np.inf)
    best_cost = np.zeros(n)
    any_eligible = np.zeros(n, dtype=bool)
    any_usable = np.zeros(n, dtype=bool)
    for j, offer in enumerate(offers):
        stage_ok = np.append(np.isin(STAGES, offer.stages), False)  # index -1: unknown stage
        segment_ok = np.append(np.isin(SEGMENTS, offer.segments), False)
        eligible = (stage_ok[stage] & segment_ok[segment]
                    & (risk >= offer.min_churn_risk) & (risk <= offer.max_churn_risk))
        usable = eligible & ~(gaps[offer.id] < offer.cooldown_days) if offer.id in gaps else eligible
        cost = offer.cost + offer.waived_fee_days * daily_fee
        net = offer.uplift * value - cost
        better = usable & (net > best_net)
        best[better] = j
        best_net[better] = net[better]
        best_cost[better] = cost[better]
        any_eligible |= eligible
        any_usable |= usable
    chosen = any_usable & (best_net > 0)
    blocked = frame["do_not_contact"].to_numpy(dtype=bool)
    ids = [o.id for o in offers]
    made = chosen & ~blocked
    action = pd.Categorical.from_codes(np.where(made, best, -1), categories=ids)

    # Reasons as codes into a short list of labels: a few fixed ones, then one per distinct
    # (offer, rounded client value, rounded cost) among the picks.
    fixed = ["no offer fits this stage and segment", "every eligible offer is in its cooldown",
             "no eligible offer has a positive net value", "do_not_contact: no offer made"]
    code = np.zeros(n, dtype=np.int64)
    code[any_eligible & ~any_usable] = 1
    code[any_usable & ~chosen] = 2
    picked = np.flatnonzero(chosen)
    inverse, distinct = pd.MultiIndex.from_arrays(
        [best[picked], np.round(value[picked]), np.round(best_cost[picked])]).factorize()
    code[picked] = len(fixed) + inverse
    labels = fixed + [
        f"{ids[o]}: uplift {offers[o].uplift:.0%} x value {v:,.0f} - cost {c:,.0f} "
        f"= {offers[o].uplift * v - c:,.0f}"
        for o, v, c in distinct
    ]
    code[blocked] = 3
    return pd.DataFrame(
        {"next_best_action": action, "offer_value": np.where(made, best_net, 0.0),
         "offer_reason": pd.Categorical.from_codes(code, categories=labels)},
        index=frame.index,
    )
