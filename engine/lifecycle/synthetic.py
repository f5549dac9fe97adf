"""A seeded synthetic client base with event histories and the ground truth of the next horizon.

The base is a firm's book on ``as_of``: the clients with an open account, and prospects. Each
client joined at a random date over ``years`` years; most funded an account a few weeks later
(prospects never do). While with the firm a client acts at a personal Poisson rate (Gamma across
clients, higher for wealthier segments). Clients leave at a constant yearly rate,
``ANNUAL_ATTRITION``; a client who left before ``as_of`` closed the account and is no longer in the
book, so by the memorylessness of that rate every client in it stays for an exponential time
after ``as_of``. In the last 90 days before leaving a client withdraws money and sometimes
complains, as attrition looks in wealth management. History runs past ``as_of`` to
``as_of + horizon_days`` so the truth of the horizon is known. This base serves demos and tests;
it is never evidence of accuracy on real data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.lifecycle.io import DEFAULT_HORIZON_DAYS, KINDS

SEGMENT_MIX = {"retail": 0.80, "high_net_worth": 0.08, "small_business": 0.12}
#: Typical deposit per segment (currency) and activity multiplier.
DEPOSIT = {"retail": 2_000.0, "high_net_worth": 60_000.0, "small_business": 15_000.0}
ACTIVITY = {"retail": 1.0, "high_net_worth": 1.4, "small_business": 1.2}
#: Kind mix of ordinary activity (order of :data:`engine.lifecycle.io.KINDS`).
KIND_MIX = np.array([0.10, 0.05, 0.20, 0.52, 0.07, 0.01, 0.05, 0.0])
PROSPECT_SHARE = 0.08
#: Share of a year's clients who leave within the year. Wealth managers report yearly client
#: attrition in the single digits (the product brief's figure; no public survey is cited here):
#: 6 % a year is a mean stay of about 16 years.
ANNUAL_ATTRITION = 0.06
MEAN_LIFETIME_DAYS = -365.25 / float(np.log1p(-ANNUAL_ATTRITION))
#: The synthetic firm invites every funded client to a yearly review (an assumption of the
#: generator, not a cited figure); this share of the invitations is taken up.
REVIEW_TAKE_UP = 0.8
REVIEW_INTERVAL_DAYS = 365.25


@dataclass
class SyntheticBase:
    """Events up to ``as_of``, the clients table (with truth columns) and the horizon's events."""

    events: pd.DataFrame
    clients: pd.DataFrame
    future: pd.DataFrame
    as_of: pd.Timestamp
    horizon_days: float


def generate(n_clients: int = 10_000, events_per_client: float = 25.0, seed: int = 0,
             as_of="2025-12-31", horizon_days: float = DEFAULT_HORIZON_DAYS,
             years: float = 4.0) -> SyntheticBase:
    """Generate a client base.

    Parameters
    ----------
    n_clients : int
        Number of clients.
    events_per_client : float
        Target mean number of events per client up to ``as_of``.
    seed : int
        Seed of the random generator; the same seed gives the same base.
    as_of : date-like
        The scoring date the history stops at.
    horizon_days : float
        Length of the future whose events are kept as ground truth.
    years : float
        Span of the joining dates before ``as_of``.
    """
    if n_clients < 1 or events_per_client <= 0:
        raise ValueError("n_clients must be at least 1 and events_per_client positive")
    rng = np.random.default_rng(seed)
    as_of = pd.Timestamp(as_of)
    span = years * 365.0
    segments = np.array(list(SEGMENT_MIX))
    segment_code = rng.choice(len(segments), n_clients, p=list(SEGMENT_MIX.values()))
    segment = segments[segment_code]
    joined = rng.uniform(-span, 0.0, n_clients)  # days relative to as_of
    prospect = rng.random(n_clients) < PROSPECT_SHARE
    funded = np.where(prospect, np.nan, joined + rng.exponential(20.0, n_clients))
    funded[funded > 0] = np.nan
    start = np.where(np.isfinite(funded), funded, joined)
    # In the book on as_of, so still there: the rest of the stay starts at as_of.
    leaves = rng.exponential(MEAN_LIFETIME_DAYS, n_clients)
    stop = np.minimum(leaves, horizon_days)
    window = np.maximum(stop - start, 0.0)
    boost = np.array([ACTIVITY[s] for s in segments])[segment_code]
    weight = rng.gamma(1.2, 1.0, n_clients) * boost * np.where(prospect, 0.2, 1.0)
    # Scale the rates so the mean count up to as_of meets the target.
    past_window = np.maximum(np.minimum(stop, 0.0) - start, 0.0)
    rate = weight * events_per_client / max(float(np.mean(weight * past_window)), 1e-9)
    counts = rng.poisson(rate * window)
    owner = np.repeat(np.arange(n_clients), counts)
    when = start[owner] + rng.random(owner.size) * window[owner]
    kind = rng.choice(len(KINDS), owner.size, p=KIND_MIX).astype(np.int8)
    kind[prospect[owner] & (kind != KINDS.index("login"))] = KINDS.index("contact")

    # Attrition signals: withdrawals and complaints in the 90 days before leaving.
    closing = (leaves[owner] - when < 90.0) & np.isfinite(funded[owner])
    signal = closing & (rng.random(owner.size) < 0.5)
    kind[signal] = np.where(rng.random(signal.sum()) < 0.85, KINDS.index("withdrawal"),
                            KINDS.index("complaint"))

    deposit = np.array([DEPOSIT[s] for s in segments])[segment_code]
    size = deposit[owner] * rng.lognormal(-0.5, 1.0, owner.size)
    amount = np.zeros(owner.size)
    amount[kind == KINDS.index("deposit")] = size[kind == KINDS.index("deposit")]
    amount[kind == KINDS.index("withdrawal")] = -0.3 * size[kind == KINDS.index("withdrawal")]
    trade = kind == KINDS.index("trade")
    amount[trade] = size[trade] * rng.choice([-0.2, 0.2], trade.sum())

    # The funding deposit opens every funded account.
    has_fund = np.flatnonzero(np.isfinite(funded))
    owner = np.concatenate([owner, has_fund])
    when = np.concatenate([when, funded[has_fund]])
    kind = np.concatenate([kind, np.full(has_fund.size, KINDS.index("deposit"), dtype=np.int8)])
    amount = np.concatenate([amount, deposit[has_fund] * rng.lognormal(0.0, 0.8, has_fund.size)])

    # The yearly reviews of funded clients, a few weeks around each anniversary of the funding.
    years_held = np.floor(np.nan_to_num((stop - funded) / REVIEW_INTERVAL_DAYS, nan=0.0))
    reviewed = np.repeat(np.arange(n_clients), years_held.astype(np.int64))
    nth = np.arange(reviewed.size) - np.repeat(np.cumsum(years_held) - years_held,
                                               years_held.astype(np.int64)).astype(np.int64) + 1
    review_day = funded[reviewed] + nth * REVIEW_INTERVAL_DAYS + rng.uniform(-20.0, 20.0, reviewed.size)
    taken = (rng.random(reviewed.size) < REVIEW_TAKE_UP) & (review_day < stop[reviewed])
    owner = np.concatenate([owner, reviewed[taken]])
    when = np.concatenate([when, review_day[taken]])
    kind = np.concatenate([kind, np.full(taken.sum(), KINDS.index("review"), dtype=np.int8)])
    amount = np.concatenate([amount, np.zeros(taken.sum())])

    stamp = as_of + pd.to_timedelta(np.round(when * 86_400), unit="s")
    frame = pd.DataFrame({
        "client_id": owner + 1,
        "timestamp": stamp,
        "kind": pd.Categorical.from_codes(kind, categories=list(KINDS)),
        "amount": np.round(amount, 2),
    })
    in_past = when <= 0
    events = frame[in_past].reset_index(drop=True)
    future = frame[~in_past].reset_index(drop=True)

    net = np.bincount(owner[in_past], weights=amount[in_past], minlength=n_clients)
    is_review = in_past & (kind == KINDS.index("review"))
    last_review = np.full(n_clients, np.nan)
    order = np.argsort(when[is_review])
    last_review[owner[is_review][order]] = when[is_review][order]
    future_active = np.bincount(owner[~in_past], minlength=n_clients)

    def to_time(days: np.ndarray) -> pd.Series:
        return pd.Series(as_of + pd.to_timedelta(np.round(days * 86_400), unit="s"))

    age = rng.uniform(22.0, 80.0, n_clients)
    clients = pd.DataFrame({
        "client_id": np.arange(1, n_clients + 1),
        "created_at": to_time(joined),
        "date_of_birth": (as_of - pd.to_timedelta(np.round(age * 365.25), unit="D")).normalize(),
        "segment": segment,
        "first_funded_at": to_time(funded),
        "aum": np.round(np.maximum(net, 0.0), 2),
        "products": np.where(np.isfinite(funded), "managed_portfolio", ""),
        "last_review_at": to_time(last_review),
        "do_not_contact": rng.random(n_clients) < 0.03,
        # Ground truth of the horizon: not inputs of the classifier.
        "truth_future_events": future_active,
        "truth_quiet": future_active == 0,
        "truth_left_by_horizon_end": leaves <= horizon_days,
    })
    return SyntheticBase(events, clients, future, as_of, horizon_days)
