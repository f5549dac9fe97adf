"""Scoring a client base: features, churn model, stages, expected value and next-best action."""

from __future__ import annotations

import numpy as np
import pandas as pd
from tqdm import tqdm

from engine.lifecycle.churn import ChurnModel, fit_churn_model, fit_repeat_model, training_horizon
from engine.lifecycle.features import as_frame, client_slices, slice_features, table_features
from engine.lifecycle.io import (
    DEFAULT_HORIZON_DAYS,
    SEGMENTS,
    EventTable,
    LifecycleInputError,
    clean_clients,
    clean_events,
    to_timestamp,
)
from engine.lifecycle.offers import load_catalog, next_best_action
from engine.lifecycle.repeat_activity import BGNBD
from engine.lifecycle.stages import assign_stages

MODEL_VERSION = "bgnbd-logit-1"

#: Columns of the score frame, in order (features that help staff come after the decision).
OUTPUT_COLUMNS = (
    "stage", "churn_risk", "expected_value", "reasons", "next_best_action", "offer_reason",
    "offer_value", "reason_codes", "segment", "aum", "p_alive", "churn_risk_repeat_model",
    "expected_activity", "recency_days", "repeat_days", "tenure_days", "active_days_90",
    "logins_90", "logins_prev_90", "complaints_90", "net_flow_90", "monetary",
)


def collect_features(table: EventTable, as_of_day: float, train_horizon: float,
                     chunk_clients: int = 250_000, progress: bool = False,
                     train_clients: int = 60_000, seed: int = 0, sample: np.ndarray | None = None):
    """Features of every client at ``as_of_day``, and of a seeded sample at the backtest cutoff.

    The backtest (``as_of_day - train_horizon``) only feeds the model fit, which works on a sample
    anyway, so only ``train_clients`` clients are featurised there. ``sample`` (one flag per client
    of ``table``) chooses them instead, as when the base is split across machines.
    """
    now = features_at(table, as_of_day, chunk_clients, progress)
    n = table.client_ids.size
    if sample is None:
        member = np.zeros(n, dtype=bool)
        member[np.random.default_rng(seed).choice(n, min(n, train_clients), replace=False)] = True
    else:
        member = np.asarray(sample, dtype=bool)
    sample = np.flatnonzero(member)
    rows = member[table.client]
    # Renumbering keeps the order, so the sample's events stay sorted by client and time.
    code = np.cumsum(member) - 1
    past = slice_features(code[table.client[rows]], table.day[rows], table.kind[rows],
                          table.amount[rows], sample.size, as_of_day - train_horizon)
    return as_frame(now, table.client_ids), as_frame([past], table.client_ids[sample])


def features_at(table: EventTable, as_of_day: float, chunk_clients: int = 250_000,
                progress: bool = False) -> list[dict[str, np.ndarray]]:
    """Features of every client of ``table`` at ``as_of_day``, one dictionary per chunk of clients."""
    slices = list(client_slices(table, chunk_clients))
    return [table_features(table, as_of_day, start, stop, lo, hi)
            for start, stop, lo, hi in tqdm(slices, desc="features", unit="chunk", disable=not progress)]


def fit_model(now: pd.DataFrame, past: pd.DataFrame, train_horizon: float, notes: list[str],
              seed: int = 0) -> ChurnModel | BGNBD:
    """The backtest-trained churn model, or plain BG/NBD when the history is too short to learn."""
    if (now["events"] > 0).sum() == 0:
        raise LifecycleInputError("no events up to as_of: there is no activity to learn churn from")
    existed = past["events"].to_numpy() > 0
    recency = now["recency_days"].reindex(past.index).to_numpy()
    quiet = (recency >= train_horizon)[existed]
    try:
        return fit_churn_model(past[existed], quiet, now, train_horizon, seed=seed)
    except ValueError as exc:
        notes.append(f"churn risk from the repeat-activity model alone: {exc}")
        return fit_repeat_model(now, seed=seed)


def _days(stamps: pd.Series, origin: pd.Timestamp) -> np.ndarray:
    return ((stamps - origin) / pd.Timedelta(days=1)).to_numpy(dtype=float)


def client_frame(now: pd.DataFrame, clients: pd.DataFrame | None, as_of_day: float,
                  origin: pd.Timestamp, notes: list[str]) -> pd.DataFrame:
    """Features joined with the account facts; clients without events get an empty history."""
    frame = now.copy()
    frame["funded_day"] = frame["first_deposit_day"]
    frame["aum"] = np.maximum(frame["net_deposits"].to_numpy(), 0.0)
    frame["do_not_contact"] = False
    if clients is None:
        frame["segment"] = pd.Categorical.from_codes(np.zeros(len(frame), dtype=int), SEGMENTS)
        return frame
    unknown = frame.index.difference(clients.index)
    if len(unknown):
        notes.append(f"{len(unknown)} client(s) with events but no clients row scored from events")
    frame = frame.reindex(frame.index.union(clients.index))
    quiet = frame["events"].isna().to_numpy()
    if quiet.any():
        notes.append(f"{quiet.sum()} client(s) without events scored from their clients row")
        created = (_days(clients["created_at"].reindex(frame.index), origin)
                   if "created_at" in clients.columns else np.full(len(frame), np.nan))
        age = np.nan_to_num(as_of_day - created, nan=0.0).clip(min=0.0)
        for column in ("repeat_days", "span_days", "events", "active_days_30", "active_days_90",
                       "logins_90", "logins_prev_90", "complaints_90", "net_flow_90",
                       "net_deposits", "monetary"):
            frame.loc[quiet, column] = 0.0
        frame.loc[quiet, "age_days"] = age[quiet]
        frame.loc[quiet, "recency_days"] = age[quiet]
    known = frame.index.isin(clients.index)
    used = [c for c in ("first_funded_at", "aum", "last_review_at", "segment", "do_not_contact")
            if c in clients.columns]
    rows = clients[used].reindex(frame.index[known])
    if "first_funded_at" in rows.columns:
        funded = _days(rows["first_funded_at"], origin)
        frame.loc[known, "funded_day"] = np.where(np.isfinite(funded), funded,
                                                  frame.loc[known, "funded_day"].to_numpy())
    if "aum" in rows.columns:
        aum = rows["aum"].to_numpy(dtype=float)
        frame.loc[known, "aum"] = np.where(np.isfinite(aum), aum, frame.loc[known, "aum"].to_numpy())
    if "last_review_at" in rows.columns:
        reviewed = _days(rows["last_review_at"], origin)
        frame.loc[known, "last_review_day"] = np.fmax(reviewed, frame.loc[known, "last_review_day"])
    segment = np.zeros(len(frame), dtype=int)  # retail unless the clients row says otherwise
    segment[known] = pd.Categorical(rows["segment"], categories=SEGMENTS).codes
    frame["segment"] = pd.Categorical.from_codes(segment, SEGMENTS)
    frame.loc[known, "do_not_contact"] = rows["do_not_contact"].to_numpy(dtype=bool)
    frame["do_not_contact"] = frame["do_not_contact"].astype(bool)
    return frame


def assemble(now: pd.DataFrame, clients: pd.DataFrame | None, model: ChurnModel | BGNBD,
             as_of: pd.Timestamp, origin: pd.Timestamp, horizon_days: float,
             offer_history: pd.DataFrame | None = None, language: str = "en",
             notes: list[str] | None = None) -> pd.DataFrame:
    """The score frame from features at ``as_of`` and a fitted model (see :func:`score`)."""
    notes = [] if notes is None else notes
    as_of_day = (as_of - origin) / pd.Timedelta(days=1)
    frame = client_frame(now, clients, as_of_day, origin, notes)
    repeat = model.repeat if isinstance(model, ChurnModel) else model
    x = frame["repeat_days"].to_numpy(dtype=float)
    t_x = np.nan_to_num(frame["span_days"].to_numpy(dtype=float))
    T = np.maximum(np.nan_to_num(frame["age_days"].to_numpy(dtype=float)), t_x)
    frame["churn_risk_repeat_model"] = repeat.p_inactive(x, t_x, T, horizon_days)
    frame["churn_risk"] = (model.predict(frame, horizon_days) if isinstance(model, ChurnModel)
                           else frame["churn_risk_repeat_model"])
    frame["p_alive"] = repeat.p_alive(x, t_x, T)
    frame["expected_activity"] = repeat.expected_activity(x, t_x, T, horizon_days)
    frame["tenure_days"] = np.where(np.isfinite(frame["funded_day"]), as_of_day - frame["funded_day"],
                                    np.nan)
    catalog = load_catalog()
    # Expected revenue over the horizon: fees on AUM while the client stays.
    frame["expected_value"] = ((1.0 - frame["churn_risk"]) * frame["aum"] * catalog.annual_fee_rate
                               * horizon_days / 365.0)
    staged = assign_stages(frame, as_of_day, language)
    frame = frame.join(staged)
    frame = frame.join(next_best_action(frame, as_of, offer_history, catalog))
    out = frame.loc[:, list(OUTPUT_COLUMNS)]
    out.index.name = "client_id"
    return out


def score(events: pd.DataFrame, as_of, clients: pd.DataFrame | None = None,
          horizon_days: float = DEFAULT_HORIZON_DAYS, *, offer_history: pd.DataFrame | None = None,
          language: str = "en", chunk_clients: int = 250_000, progress: bool = False,
          seed: int = 0) -> pd.DataFrame:
    """Lifecycle stage, churn risk, expected value, reasons and next-best action of every client.

    Parameters
    ----------
    events : DataFrame
        ``client_id``, ``timestamp``, ``kind``, ``amount`` (signed cash flow, 0 when no money moves).
        Events after ``as_of`` are ignored; see :mod:`engine.lifecycle.io` for other handling.
    as_of : str, datetime or Timestamp
        The scoring instant; a date alone means midnight at its start.
    clients : DataFrame, optional
        ``client_id`` and any of ``created_at``, ``age``/``date_of_birth``, ``segment``,
        ``first_funded_at``, ``aum``, ``products``, ``last_review_at``, ``do_not_contact``.
        Without it a client is judged by its events alone.
    horizon_days : float
        Horizon of ``churn_risk`` and ``expected_value``, in days.
    offer_history : DataFrame, optional
        Offers already made (``client_id``, ``offer_id``, ``timestamp``), for the cooldowns.
    language : str
        Language of the reason texts.
    chunk_clients : int
        Clients per feature chunk (bounds the working memory).
    progress : bool
        Show a progress bar.
    seed : int
        Seed of the samples the models are fitted on.

    Returns
    -------
    DataFrame
        Indexed by client_id, columns :data:`OUTPUT_COLUMNS`. ``attrs["notes"]`` lists what was
        repaired or ignored in the input; ``attrs["model"]`` describes the fitted model.
    """
    if not np.isfinite(horizon_days) or horizon_days <= 0:
        raise LifecycleInputError(f"horizon_days must be a positive number of days, got {horizon_days!r}")
    as_of = to_timestamp(as_of, "as_of")
    table = clean_events(events, as_of)
    clients = clean_clients(clients, as_of)
    if table.client.size == 0:
        raise LifecycleInputError(f"no events up to as_of {as_of}: there is no activity to score")
    as_of_day = table.days(as_of)
    history = as_of_day - float(table.day.min()) if table.day.size else 0.0
    train_horizon = training_horizon(horizon_days, history)
    notes = list(table.notes)
    now, past = collect_features(table, as_of_day, train_horizon, chunk_clients, progress, seed=seed)
    model = fit_model(now, past, train_horizon, notes, seed)
    out = assemble(now, clients, model, as_of, table.origin, horizon_days, offer_history, language,
                   notes)
    out.attrs["notes"] = notes
    out.attrs["model"] = describe(model)
    return out


def describe(model: ChurnModel | BGNBD) -> dict:
    """A JSON-ready description of the fitted model, for logs and the score records."""
    if isinstance(model, ChurnModel):
        return {"version": MODEL_VERSION, "repeat_model": model.repeat.as_dict,
                "trained_horizon_days": model.trained_horizon, "trained_rows": model.trained_rows}
    return {"version": "bgnbd-1", "repeat_model": model.as_dict}
