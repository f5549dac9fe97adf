"""Hand-made event histories for the lifecycle tests."""

from __future__ import annotations

import pandas as pd

AS_OF = pd.Timestamp("2025-06-30")


def history(*rows: tuple[int, str, str, float]) -> pd.DataFrame:
    """Events from (client_id, 'days before AS_OF' or a date, kind, amount) rows."""
    records = []
    for client_id, when, kind, amount in rows:
        stamp = AS_OF - pd.Timedelta(days=when) if isinstance(when, int | float) else pd.Timestamp(when)
        records.append({"client_id": client_id, "timestamp": stamp, "kind": kind, "amount": amount})
    return pd.DataFrame(records)
