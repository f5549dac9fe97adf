"""Database mode of the lifecycle classifier: read clients and client_events, append lifecycle_scores.

Run as ``python -m db.lifecycle_store refresh [--database URL] [--as-of DATE] [--chunk-clients N]
[--horizon-days DAYS] [--quiet]``; bad input exits with status 2 and one line on stderr.
``python -m db.lifecycle_store mix [--database URL]`` counts the clients by the stage and the
next-best action of their latest score.

The events are read one slice of client ids at a time and reduced to per-client features at once,
so memory holds the features of all clients (a few hundred bytes each) but only one slice of
events. The churn model is fitted on all clients' features, then scores are written slice by slice.
``lifecycle_scores`` is append-only: each refresh adds rows, so earlier scores stay for review and
serve as the offer history that cooldowns count from. The table has no column for the offer's
reason, so it is kept at the end of ``reasons`` after ``" | offer: "``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session
from tqdm import tqdm

from db.clients import (
    Client,
    ClientEvent,
    LifecycleScore,
    events_of,
    latest_score,
    latest_scores_query,
)
from db.clock import utcnow
from db.session import make_engine
from engine.lifecycle.churn import training_horizon
from engine.lifecycle.io import (
    DEFAULT_HORIZON_DAYS,
    LifecycleInputError,
    clean_clients,
    clean_events,
    to_timestamp,
)
from engine.lifecycle.scoring import MODEL_VERSION, assemble, collect_features, fit_model
from engine.lifecycle.served import served_reasons
from engine.lifecycle.stages import STAGES

CLIENT_FIELDS = ("id", "created_at", "date_of_birth", "segment", "first_funded_at", "aum",
                 "products", "last_review_at", "do_not_contact")


def _id_slices(connection, chunk_clients: int) -> list[tuple[int, int]]:
    ids = np.array(connection.execute(select(Client.id).order_by(Client.id)).scalars().all())
    return [(int(ids[i]), int(ids[min(i + chunk_clients, ids.size) - 1]))
            for i in range(0, ids.size, chunk_clients)]


def _events(connection, low: int, high: int, as_of: pd.Timestamp) -> pd.DataFrame:
    query = (select(ClientEvent.client_id, ClientEvent.timestamp, ClientEvent.kind, ClientEvent.amount)
             .where(ClientEvent.client_id.between(low, high), ClientEvent.timestamp <= as_of)
             .order_by(ClientEvent.client_id, ClientEvent.timestamp))
    return pd.DataFrame(connection.execute(query).all(),
                        columns=["client_id", "timestamp", "kind", "amount"])


def _clients(connection, low: int, high: int) -> pd.DataFrame:
    columns = [getattr(Client, name) for name in CLIENT_FIELDS]
    rows = connection.execute(select(*columns).where(Client.id.between(low, high))).all()
    return pd.DataFrame(rows, columns=["client_id", *CLIENT_FIELDS[1:]])


def _offer_history(connection, low: int, high: int) -> pd.DataFrame:
    query = (select(LifecycleScore.client_id, LifecycleScore.next_best_action, LifecycleScore.as_of)
             .where(LifecycleScore.client_id.between(low, high),
                    LifecycleScore.next_best_action.is_not(None)))
    return pd.DataFrame(connection.execute(query).all(),
                        columns=["client_id", "offer_id", "timestamp"])


def refresh(url: str | None = None, as_of=None, horizon_days: float = DEFAULT_HORIZON_DAYS,
            chunk_clients: int = 50_000, progress: bool = False) -> int:
    """Score every client in the database at ``as_of`` (default now, UTC); return the rows appended."""
    as_of = to_timestamp(as_of if as_of is not None else utcnow(), "as_of")
    engine = make_engine(url)
    with engine.connect() as connection:
        first = connection.execute(select(func.min(ClientEvent.timestamp))).scalar()
        slices = _id_slices(connection, chunk_clients)
        if first is None or not slices:
            raise ValueError("the database has no clients or no client events to score")
        origin = pd.Timestamp(first).normalize()
        as_of_day = (as_of - origin) / pd.Timedelta(days=1)
        train_horizon = training_horizon(horizon_days, as_of_day)
        now_parts, past_parts, notes = [], [], []
        for low, high in tqdm(slices, desc="features", disable=not progress):
            events = _events(connection, low, high, as_of)
            if events.empty:
                continue
            table = clean_events(events, as_of, origin=origin)
            notes.extend(table.notes)
            now, past = collect_features(table, as_of_day, train_horizon, chunk_clients)
            now_parts.append(now)
            past_parts.append(past)
        if not now_parts:
            raise ValueError(f"no client events up to {as_of}")
        now, past = pd.concat(now_parts), pd.concat(past_parts)
        model = fit_model(now, past, train_horizon, notes)

    written = 0
    scored_at = utcnow()  # one instant for the whole run, so its scores sort together
    for low, high in tqdm(slices, desc="scores", disable=not progress):
        with engine.begin() as connection:
            clients = clean_clients(_clients(connection, low, high), as_of)
            features = now.loc[(now.index >= low) & (now.index <= high)]
            result = assemble(features, clients, model, as_of, origin, horizon_days,
                              _offer_history(connection, low, high))
            rows = [
                {"client_id": int(cid), "as_of": as_of.to_pydatetime(), "stage": stage,
                 "churn_risk": float(risk), "expected_value": float(value),
                 "reasons": f"{reasons}{OFFER_REASON_MARK}{offer_reason}",
                 "next_best_action": None if pd.isna(action) else str(action), "model_version": MODEL_VERSION,
                 "scored_at": scored_at}
                for cid, stage, risk, value, reasons, offer_reason, action in zip(
                    result.index, result["stage"], result["churn_risk"], result["expected_value"],
                    result["reasons"], result["offer_reason"], result["next_best_action"], strict=True)
            ]
            if rows:
                connection.execute(insert(LifecycleScore), rows)
            written += len(rows)
    return written


#: The separator ``refresh`` writes between the stage's reasons and the offer's reason.
OFFER_REASON_MARK = " | offer: "


@dataclass(frozen=True)
class ServedScore:
    """A client's latest score as served now: stage, churn risk and offer as scored on ``as_of``,
    the reasons as they stand at ``now`` (``engine.lifecycle.served``)."""

    score: LifecycleScore
    reasons: str
    now: datetime

    @property
    def stage(self) -> str:
        return self.score.stage

    @property
    def next_best_action(self) -> str | None:
        return self.score.next_best_action


def served_score(session: Session, client_id: int, now: datetime | None = None) -> ServedScore | None:
    """The client's latest score with its reasons worked out from their events up to ``now``
    (default: the clock's now), or None if they were never scored."""
    score = latest_score(session, client_id)
    if score is None:
        return None
    now = now or utcnow()
    client = session.get(Client, client_id)
    events = pd.DataFrame(events_of(session, client_id, now), columns=["timestamp", "kind", "amount"])
    events.insert(0, "client_id", client_id)
    row = pd.DataFrame([{"client_id": client_id,
                         **{name: getattr(client, name) for name in CLIENT_FIELDS[1:]}}])
    reasons = served_reasons(events, row, score.stage, score.churn_risk, now)
    return ServedScore(score, reasons, now)


def latest_scores(url: str | None = None) -> pd.DataFrame:
    """The newest lifecycle score of each client (``db.clients.latest_scores_query``), indexed by
    client_id."""
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(latest_scores_query())).mappings().all()
    engine.dispose()
    frame = pd.DataFrame([dict(r) for r in rows])
    return frame.set_index("client_id") if len(frame) else frame


def stage_mix(url: str | None = None) -> pd.DataFrame:
    """Clients by the stage and next-best action of their latest score ("none" when no offer):
    a frame of counts, stages as rows, actions as columns."""
    scores = latest_scores(url)
    if len(scores) == 0:
        raise ValueError("the database has no lifecycle scores: run refresh first")
    actions = scores["next_best_action"].fillna("none")
    mix = pd.crosstab(scores["stage"], actions)
    return mix.reindex([stage for stage in STAGES if stage in mix.index])


def run_mix(args) -> int:
    try:
        mix = stage_mix(args.database)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stages = mix.sum(axis=1)
    funded = stages.drop("prospect", errors="ignore").sum()
    print(f"{stages.sum()} clients, {funded} funded")
    for stage, count in stages.items():
        share = f", {count / funded:.1%} of funded" if stage != "prospect" and funded else ""
        print(f"  {stage:<12} {count:>6}{share}")
    print("next-best action (stage: count)")
    for action, column in mix.items():
        by_stage = ", ".join(f"{stage} {n}" for stage, n in column.items() if n)
        print(f"  {action:<24} {column.sum():>6}  ({by_stage})")
    return 0


def _progress(args) -> bool:
    return not args.quiet and sys.stderr.isatty()


def run_refresh(args) -> int:
    try:
        written = refresh(args.database, args.as_of, args.horizon_days,
                          chunk_clients=args.chunk_clients, progress=_progress(args))
    except (LifecycleInputError, ValueError) as exc:
        print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(f"appended {written} lifecycle scores")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db.lifecycle_store", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    refreshing = commands.add_parser("refresh", help="score the database's clients, append rows")
    refreshing.add_argument("--database",
                            help="database URL (default: $DATABASE_URL or var/advisor.db)")
    refreshing.add_argument("--as-of", help="scoring date (default: now, UTC)")
    refreshing.add_argument("--chunk-clients", type=int, default=50_000)
    refreshing.add_argument("--horizon-days", type=float, default=DEFAULT_HORIZON_DAYS,
                            help="horizon of churn risk and expected value, days "
                                 f"(default {DEFAULT_HORIZON_DAYS:g})")
    refreshing.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    refreshing.set_defaults(func=run_refresh)
    mixing = commands.add_parser("mix", help="count clients by stage and next-best action of "
                                             "their latest score")
    mixing.add_argument("--database", help="database URL (default: $DATABASE_URL or var/advisor.db)")
    mixing.set_defaults(func=run_mix)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
