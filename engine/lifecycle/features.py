"""Engagement features of each client at a cutoff: recency, frequency, money, tenure, trends.

All times are in days. The repeat-activity model sees a client's activity as the set of distinct days
with at least one event of any kind (several logins on one day are one active day), as Fader, Hardie
and Lee count purchases per day on CDNOW.

The work runs over contiguous slices of clients (the event table is sorted by client), so the memory
beyond the inputs grows with the slice, not with the whole history.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from engine.lifecycle.io import KIND_CODE, EventTable

#: Window of the "recent" features, in days (net flows, complaints, logins, recent activity).
RECENT_DAYS = 90.0
SHORT_DAYS = 30.0

FEATURE_COLUMNS = (
    "first_day", "last_day", "repeat_days", "span_days", "age_days", "recency_days",
    "active_days_30", "active_days_90", "logins_90", "logins_prev_90", "last_login_day",
    "complaints_90", "net_flow_90", "net_deposits", "first_deposit_day", "last_review_day",
    "monetary", "events",
)


def client_slices(table: EventTable, chunk_clients: int) -> Iterator[tuple[int, int, int, int]]:
    """(first client code, end client code, first event row, end event row) per chunk."""
    n = table.client_ids.size
    for start in range(0, n, chunk_clients):
        stop = min(start + chunk_clients, n)
        lo, hi = np.searchsorted(table.client, [start, stop])
        yield start, stop, int(lo), int(hi)


def _last(values: np.ndarray, groups: np.ndarray, n: int, mask: np.ndarray) -> np.ndarray:
    out = np.full(n, np.nan)
    # Rows are sorted by time inside each client, so a plain assignment keeps the last one.
    out[groups[mask]] = values[mask]
    return out


def _first(values: np.ndarray, groups: np.ndarray, n: int, mask: np.ndarray) -> np.ndarray:
    out = np.full(n, np.nan)
    out[groups[mask][::-1]] = values[mask][::-1]
    return out


def slice_features(
    client: np.ndarray, day: np.ndarray, kind: np.ndarray, amount: np.ndarray, n: int, cutoff: float
) -> dict[str, np.ndarray]:
    """Features of ``n`` clients (codes 0..n-1) from their events sorted by client and time.

    Parameters
    ----------
    client, day, kind, amount : ndarray
        Events of the slice; ``client`` is relative to the slice, ``day`` in days.
    n : int
        Number of clients in the slice.
    cutoff : float
        Scoring instant in days; later events are left out.
    """
    keep = day <= cutoff
    client, day, kind, amount = client[keep], day[keep], kind[keep], amount[keep]
    whole = np.floor(day)
    everything = np.ones(client.size, dtype=bool)
    new_day = np.ones(client.size, dtype=bool)
    new_day[1:] = (client[1:] != client[:-1]) | (whole[1:] != whole[:-1])

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(client[mask], minlength=n).astype(np.float64)

    def total(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return np.bincount(client[mask], weights=values[mask], minlength=n)

    first_day = _first(whole, client, n, everything)
    last_day = _last(whole, client, n, everything)
    recent = day > cutoff - RECENT_DAYS
    previous = (day > cutoff - 2 * RECENT_DAYS) & ~recent
    login = kind == KIND_CODE["login"]
    flow = (kind == KIND_CODE["deposit"]) | (kind == KIND_CODE["withdrawal"])
    money = (flow | (kind == KIND_CODE["trade"])) & (amount != 0)
    money_events = count(money)
    active_days = count(new_day)
    return {
        "first_day": first_day,
        "last_day": last_day,
        "repeat_days": np.maximum(active_days - 1, 0),
        "span_days": last_day - first_day,
        "age_days": cutoff - first_day,
        "recency_days": cutoff - _last(day, client, n, everything),
        "active_days_30": count(new_day & (day > cutoff - SHORT_DAYS)),
        "active_days_90": count(new_day & recent),
        "logins_90": count(login & recent),
        "logins_prev_90": count(login & previous),
        "last_login_day": _last(day, client, n, login),
        "complaints_90": count((kind == KIND_CODE["complaint"]) & recent),
        "net_flow_90": total(amount, flow & recent),
        "net_deposits": total(amount, flow),
        "first_deposit_day": _first(day, client, n, (kind == KIND_CODE["deposit"]) & (amount > 0)),
        "last_review_day": _last(day, client, n, kind == KIND_CODE["review"]),
        "monetary": np.divide(total(np.abs(amount), money), money_events,
                              out=np.zeros(n), where=money_events > 0),
        "events": count(everything),
    }


def table_features(table: EventTable, cutoff: float, start: int, stop: int, lo: int, hi: int):
    """:func:`slice_features` for clients ``start..stop`` whose events are rows ``lo..hi``."""
    return slice_features(
        table.client[lo:hi] - start, table.day[lo:hi], table.kind[lo:hi], table.amount[lo:hi],
        stop - start, cutoff,
    )


def as_frame(parts: list[dict[str, np.ndarray]], index) -> pd.DataFrame:
    """Stack per-slice feature dictionaries into one frame indexed by client_id."""
    columns = {name: np.concatenate([p[name] for p in parts]) for name in FEATURE_COLUMNS}
    return pd.DataFrame(columns, index=pd.Index(index, name="client_id"))
