"""Checking and reading the lifecycle inputs: the events and the optional clients table.

Bad input raises :class:`LifecycleInputError` with one line naming the problem. Input that has a
documented handling is repaired and the repair is recorded in a list of notes:

* events after ``as_of`` are ignored (they belong to the future of the scoring date);
* exact duplicate events (same client, timestamp, kind and amount) are counted once;
* a missing amount is read as 0 (no money moved);
* a kind outside :data:`KINDS` is kept as activity under the kind ``other``;
* a client in ``clients`` with no events is scored from its clients row alone.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

#: The event kinds the classifier knows; anything else is counted as ``other`` activity.
KINDS = ("deposit", "withdrawal", "trade", "login", "contact", "complaint", "review", "other")
KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}

EVENT_COLUMNS = ("client_id", "timestamp", "kind", "amount")
CLIENT_COLUMNS = (
    "client_id", "created_at", "age", "date_of_birth", "segment", "first_funded_at", "aum",
    "products", "last_review_at", "do_not_contact",
)
SEGMENTS = ("retail", "high_net_worth", "small_business")
#: Days ahead that churn risk and expected value cover unless a horizon is given.
DEFAULT_HORIZON_DAYS = 90.0


class LifecycleInputError(ValueError):
    """Input the lifecycle classifier cannot score, with the reason in one line."""


@dataclass
class EventTable:
    """Cleaned events as plain arrays, sorted by client then time.

    Attributes
    ----------
    client_ids : ndarray
        The distinct client ids, in the order of their codes.
    client : ndarray of int64
        Code of each event's client (index into ``client_ids``).
    day : ndarray of float64
        Event time in days since ``origin``.
    kind : ndarray of int8
        Code of each event's kind (index into :data:`KINDS`).
    amount : ndarray of float64
        Signed cash flow, in the account currency.
    origin : pandas.Timestamp
        The instant that ``day`` counts from.
    notes : list of str
        What was repaired on the way in.
    """

    client_ids: np.ndarray
    client: np.ndarray
    day: np.ndarray
    kind: np.ndarray
    amount: np.ndarray
    origin: pd.Timestamp
    notes: list[str] = field(default_factory=list)

    def days(self, when) -> float:
        """Days from ``origin`` to ``when``."""
        return (to_timestamp(when, "as_of") - self.origin) / pd.Timedelta(days=1)


def to_timestamp(value, name: str) -> pd.Timestamp:
    """A timezone-naive UTC timestamp, or a clear error naming ``name``."""
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise LifecycleInputError(f"{name} {value!r} is not a date or timestamp") from exc
    if stamp is pd.NaT:
        raise LifecycleInputError(f"{name} is missing")
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo else stamp


def _require_columns(frame: pd.DataFrame, required: tuple[str, ...], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise LifecycleInputError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        hints = []
        for column in missing:
            close = difflib.get_close_matches(column, [str(c) for c in frame.columns], n=1)
            hints.append(f"'{column}'" + (f" (found '{close[0]}'?)" if close else ""))
        raise LifecycleInputError(
            f"{what} is missing column(s) {', '.join(hints)}; expected {', '.join(required)}"
        )


def _parse_times(column: pd.Series, name: str) -> pd.Series:
    """Datetimes as naive UTC; an unparseable or missing value is an error naming the first one."""
    if pd.api.types.is_datetime64_any_dtype(column):
        parsed = column
    else:
        parsed = pd.to_datetime(column, errors="coerce", utc=True, format="mixed")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    bad = parsed.isna().to_numpy()
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise LifecycleInputError(
            f"{bad.sum()} {name} value(s) missing or unparseable, first {column.iloc[first]!r} "
            f"at row {first}"
        )
    return parsed.astype("datetime64[ns]")


def clean_events(events: pd.DataFrame, as_of, origin=None) -> EventTable:
    """Check ``events`` and turn the part up to ``as_of`` into an :class:`EventTable`.

    ``origin`` (default: midnight before the first event) is where ``day`` counts from; tables
    scored together, such as chunks of one database, must share it.
    """
    _require_columns(events, EVENT_COLUMNS, "events")
    as_of = to_timestamp(as_of, "as_of")
    notes: list[str] = []
    if events["client_id"].isna().any():
        row = int(np.flatnonzero(events["client_id"].isna().to_numpy())[0])
        raise LifecycleInputError(f"events has a missing client_id at row {row}")
    if events["kind"].isna().any():
        row = int(np.flatnonzero(events["kind"].isna().to_numpy())[0])
        raise LifecycleInputError(f"events has a missing kind at row {row}")
    stamps = _parse_times(events["timestamp"], "timestamp")
    try:
        amount = pd.to_numeric(events["amount"], errors="raise").to_numpy(dtype="float64")
    except (ValueError, TypeError) as exc:
        raise LifecycleInputError(f"events amount is not numeric: {exc}") from exc
    if np.isinf(amount).any():
        raise LifecycleInputError("events amount has infinite values")
    missing_amount = np.isnan(amount)
    if missing_amount.any():
        notes.append(f"{missing_amount.sum()} event(s) without an amount read as 0")
        amount = np.where(missing_amount, 0.0, amount)

    keep = (stamps <= as_of).to_numpy()
    if not keep.all():
        notes.append(f"{(~keep).sum()} event(s) after as_of {as_of} ignored")

    if isinstance(events["kind"].dtype, pd.CategoricalDtype):
        codes, categories = events["kind"].cat.codes.to_numpy(), events["kind"].cat.categories
    else:
        codes, categories = pd.factorize(events["kind"])
    categories = [str(k) for k in categories]
    lookup = np.array([KIND_CODE.get(k, KIND_CODE["other"]) for k in categories], dtype=np.int8)
    kind = lookup[codes]
    used = np.zeros(len(categories), dtype=bool)
    used[np.unique(codes[keep])] = True
    unknown = [k for k, u in zip(categories, used, strict=True) if u and k not in KIND_CODE]
    if unknown:
        notes.append(f"unknown kind(s) {', '.join(unknown)} counted as 'other' activity")

    client, client_ids = pd.factorize(events["client_id"].to_numpy()[keep], sort=True)
    client_ids = np.asarray(client_ids)
    stamp_ns = stamps.to_numpy()[keep].astype("int64")
    if origin is None:
        origin_ns = int(stamp_ns.min()) if stamp_ns.size else as_of.value
        origin_ns -= origin_ns % 86_400_000_000_000  # midnight, so that day boundaries are whole days
    else:
        origin_ns = to_timestamp(origin, "origin").value
        if stamp_ns.size and stamp_ns.min() < origin_ns:
            raise LifecycleInputError(f"events before the origin {origin} cannot be placed")
    origin = pd.Timestamp(origin_ns)
    seconds = (stamp_ns - origin_ns) // 1_000_000_000
    table = _deduplicate(client.astype(np.int64), seconds, kind[keep], amount[keep], notes)
    client, seconds, kind, amount = table
    return EventTable(client_ids, client, seconds / 86_400.0, kind, amount, origin, notes)


def _deduplicate(client, seconds, kind, amount, notes):
    """Sort by client, time and kind; drop rows equal to an earlier row in every field."""
    n_clients = int(client.max()) + 1 if client.size else 1
    span = int(seconds.max()) + 1 if seconds.size else 1
    bits = (n_clients - 1).bit_length() + (span - 1).bit_length() + 4
    if bits <= 62:
        # One int64 sort key is several times faster than a lexsort over three arrays.
        key = (client << ((span - 1).bit_length() + 4)) | (seconds << 4) | kind.astype(np.int64)
        ordered = bool(np.all(key[1:] >= key[:-1]))  # input from a database often is
        order = None if ordered else np.argsort(key)
    else:
        order = np.lexsort((kind, seconds, client))
        key = None
    if order is not None:
        client, seconds, kind, amount = client[order], seconds[order], kind[order], amount[order]
        key = key[order] if key is not None else None
    if key is None:
        same = ((client[1:] == client[:-1]) & (seconds[1:] == seconds[:-1]) & (kind[1:] == kind[:-1]))
    else:
        same = key[1:] == key[:-1]
    # Rows sharing client, second and kind are rare: compare their amounts in full among them.
    tied = np.zeros(client.size, dtype=bool)
    tied[1:] |= same
    tied[:-1] |= same
    duplicate = np.zeros(client.size, dtype=bool)
    if tied.any():
        rows = np.flatnonzero(tied)
        group = np.cumsum(~np.concatenate([[False], same])[rows])
        duplicate[rows] = pd.DataFrame({"group": group, "amount": amount[rows]}).duplicated().to_numpy()
    if duplicate.any():
        notes.append(f"{duplicate.sum()} exact duplicate event(s) counted once")
        keep = ~duplicate
        client, seconds, kind, amount = client[keep], seconds[keep], kind[keep], amount[keep]
    return client, seconds, kind, amount


def clean_clients(clients: pd.DataFrame | None, as_of) -> pd.DataFrame | None:
    """Check the clients table; return it indexed by client_id with typed columns."""
    if clients is None:
        return None
    _require_columns(clients, ("client_id",), "clients")
    as_of = to_timestamp(as_of, "as_of")
    frame = clients.copy()
    if frame["client_id"].isna().any():
        raise LifecycleInputError("clients has a missing client_id")
    duplicated = frame["client_id"].duplicated()
    if duplicated.any():
        raise LifecycleInputError(
            f"clients lists client_id {frame['client_id'][duplicated].iloc[0]!r} more than once"
        )
    frame = frame.set_index("client_id")
    for column in ("created_at", "first_funded_at", "last_review_at", "date_of_birth"):
        if column in frame.columns:
            values = frame[column]
            if pd.api.types.is_datetime64_any_dtype(values):
                if values.dt.tz is not None:
                    values = values.dt.tz_convert("UTC").dt.tz_localize(None)
                frame[column] = values.astype("datetime64[ns]")
                continue
            present = values.notna()
            parsed = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
            if present.any():
                parsed[present] = _parse_times(values[present], column)
            frame[column] = parsed
    if "age" not in frame.columns and "date_of_birth" in frame.columns:
        frame["age"] = (as_of - frame["date_of_birth"]).dt.days / 365.25
    if "age" in frame.columns:
        age = pd.to_numeric(frame["age"], errors="coerce")
        if (age < 0).any():
            raise LifecycleInputError(
                f"clients has a negative age for client_id {age.index[age < 0][0]!r}"
            )
        frame["age"] = age
    if "segment" in frame.columns:
        given = frame["segment"]
        unknown = (~given.isin(SEGMENTS) & given.notna()).to_numpy()
        if unknown.any():
            names = ", ".join(sorted(map(str, given[unknown].unique())))
            raise LifecycleInputError(
                f"clients has unknown segment(s) {names}; expected {', '.join(SEGMENTS)}"
            )
        segment = pd.Categorical(given, categories=SEGMENTS)
        frame["segment"] = segment.fillna("retail")  # a missing segment is read as retail
    else:
        frame["segment"] = pd.Categorical.from_codes(np.zeros(len(frame), dtype=int), SEGMENTS)
    if "aum" in frame.columns:
        aum = pd.to_numeric(frame["aum"], errors="coerce")
        if (aum < 0).any():
            raise LifecycleInputError(f"clients has a negative aum for client_id {aum.index[aum < 0][0]!r}")
        frame["aum"] = aum
    frame["do_not_contact"] = (
        frame["do_not_contact"].fillna(False).astype(bool) if "do_not_contact" in frame.columns else False
    )
    return frame


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV or Parquet file, chosen by extension."""
    path = Path(path)
    if not path.exists():
        raise LifecycleInputError(f"file not found: {path}")
    suffix = "".join(path.suffixes[-2:]).lower()
    if suffix.endswith(".parquet") or suffix.endswith(".pq"):
        return pd.read_parquet(path)
    if suffix.endswith(".csv") or suffix.endswith(".csv.gz"):
        try:
            return pd.read_csv(path)
        except pd.errors.ParserError as exc:
            raise LifecycleInputError(f"{path} is not a readable CSV file: {exc}") from exc
    raise LifecycleInputError(f"{path}: unsupported extension, use .csv or .parquet")


def write_table(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a CSV or Parquet file, chosen by extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet", ".pq"):
        raise LifecycleInputError(f"{path}: unsupported extension, use .csv or .parquet")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        frame.to_csv(path)
    else:
        frame.to_parquet(path)
