"""The reasons served with a client's stage at the moment they are used, from the client's events
up to that moment.

A stage is scored in batch (``scoring.score``, ``db.lifecycle_store refresh``), and a client may act
after it: sign in, write in the chat. The stage, churn risk and offer stay as scored until the next
scoring, but the reasons about activity ("no login for N days", "no activity for N days") are
facts of the present: they are worked out again from the events up to now, with the same rules
(``stages.assign_stages`` keeping the scored stage), so that they never contradict what the client
has just done.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.lifecycle.features import FEATURE_COLUMNS, as_frame, slice_features
from engine.lifecycle.io import LifecycleInputError, clean_clients, clean_events, to_timestamp
from engine.lifecycle.scoring import client_frame
from engine.lifecycle.stages import assign_stages


def served_reasons(events: pd.DataFrame, client: pd.DataFrame, stage: str, churn_risk: float,
                   now, language: str = "en") -> str:
    """The reasons of one client's scored ``stage`` as they stand at ``now``.

    Parameters
    ----------
    events : DataFrame
        The client's events (``client_id``, ``timestamp``, ``kind``, ``amount``); later ones than
        ``now`` are left out.
    client : DataFrame
        The client's row of the clients table (``client_id`` and the account facts).
    stage : str
        The stage as scored, kept as it is.
    churn_risk : float
        The churn risk as scored, 0 to 1.
    now : date-like
        The moment the reasons are used.

    Returns
    -------
    str
        The reasons, joined by "; " (empty when none holds).
    """
    now = to_timestamp(now, "now")
    if len(client) != 1:
        raise LifecycleInputError(f"served_reasons takes one client's row, got {len(client)}")
    client_id = client["client_id"].iloc[0]
    if (events["client_id"] != client_id).any():
        raise LifecycleInputError(f"events of other clients than {client_id} given")
    if not 0.0 <= churn_risk <= 1.0:
        raise LifecycleInputError(f"churn_risk {churn_risk!r} is not between 0 and 1")
    table = clean_events(events, now)
    clients = clean_clients(client, now)
    now_day = table.days(now)
    if table.client.size:
        features = as_frame([slice_features(table.client, table.day, table.kind, table.amount, 1,
                                            now_day)], table.client_ids)
    else:  # no rows: the clients row fills the client in, as in a batch scoring
        features = pd.DataFrame({c: pd.Series(dtype=float) for c in FEATURE_COLUMNS},
                                index=pd.Index([], name="client_id"))
    frame = client_frame(features, clients, now_day, table.origin, [])
    frame["churn_risk"] = float(churn_risk)
    staged = assign_stages(frame, now_day, language, stage=np.array([stage], dtype=object))
    return str(staged["reasons"].iloc[0])

