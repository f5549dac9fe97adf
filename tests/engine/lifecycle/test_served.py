"""The reasons served with a scored stage, worked out again from the events up to the moment of use."""

import numpy as np
import pandas as pd
import pytest

from engine.lifecycle.io import LifecycleInputError
from engine.lifecycle.served import served_reasons
from engine.lifecycle.stages import assign_stages

NOW = pd.Timestamp("2026-12-02 10:00")


def days_ago(days: float) -> pd.Timestamp:
    return NOW - pd.Timedelta(days=days)


def history(*rows) -> pd.DataFrame:
    """Client 7's events: (days ago, kind, amount)."""
    return pd.DataFrame([(7, days_ago(d), k, a) for d, k, a in rows],
                        columns=["client_id", "timestamp", "kind", "amount"])


CLIENT = pd.DataFrame([{"client_id": 7, "created_at": days_ago(900), "segment": "retail",
                        "first_funded_at": days_ago(890), "aum": 20_000.0,
                        "last_review_at": days_ago(700), "do_not_contact": False}])
QUIET = history((890, "deposit", 20_000.0), (400, "login", 0.0), (380, "trade", 500.0))


def test_a_quiet_declining_client_is_told_how_long_it_has_been():
    reasons = served_reasons(QUIET, CLIENT, "decline", 0.65, NOW)
    assert reasons == ("churn risk 65% over the horizon; no login for 400 days and a missed review; "
                       "no activity for 380 days")


def test_after_signing_in_no_reason_denies_the_visit():
    signed_in = pd.concat([QUIET, history((0, "login", 0.0))], ignore_index=True)
    reasons = served_reasons(signed_in, CLIENT, "decline", 0.65, NOW)
    # The stage and its churn risk stay as scored; the review is still overdue, and nothing says
    # the client has not logged in or been active.
    assert reasons == "churn risk 65% over the horizon; review overdue"


def test_a_chat_turn_is_activity_but_not_a_login():
    chatted = pd.concat([QUIET, history((0.01, "contact", 0.0))], ignore_index=True)
    reasons = served_reasons(chatted, CLIENT, "decline", 0.65, NOW)
    assert "no activity" not in reasons
    assert "no login for 400 days and a missed review" in reasons


def test_later_events_than_now_are_left_out():
    later = pd.concat([QUIET, history((-1, "login", 0.0))], ignore_index=True)
    assert served_reasons(later, CLIENT, "decline", 0.65, NOW) == served_reasons(QUIET, CLIENT,
                                                                                 "decline", 0.65, NOW)


def test_a_client_without_events_is_judged_by_the_clients_row():
    empty = history()
    reasons = served_reasons(empty, CLIENT, "growth", 0.2, NOW)
    assert reasons.startswith("active and building the relationship")


@pytest.mark.parametrize(("events", "client", "risk", "message"), [
    (QUIET, pd.concat([CLIENT, CLIENT.assign(client_id=8)]), 0.5, "one client's row, got 2"),
    (QUIET.assign(client_id=8), CLIENT, 0.5, "events of other clients than 7"),
    (QUIET, CLIENT, 1.5, "churn_risk 1.5 is not between 0 and 1"),
])
def test_bad_input_is_named(events, client, risk, message):
    with pytest.raises(LifecycleInputError, match=message):
        served_reasons(events, client, "decline", risk, NOW)


def stage_frame(**overrides) -> pd.DataFrame:
    row = {"funded_day": 0.0, "aum": 10_000.0, "net_flow_90": 0.0, "last_login_day": 999.0,
           "last_review_day": 900.0, "first_day": 0.0, "churn_risk": 0.1, "complaints_90": 0.0,
           "recency_days": 1.0, "logins_90": 3.0, "logins_prev_90": 3.0, **overrides}
    return pd.DataFrame([row])


def test_a_given_stage_is_kept_and_its_reasons_only_where_their_rule_holds():
    frame = stage_frame()
    assert assign_stages(frame, 1000.0)["stage"].iloc[0] == "growth"
    kept = assign_stages(frame, 1000.0, stage=np.array(["decline"], dtype=object))
    assert kept["stage"].iloc[0] == "decline"
    assert kept["reasons"].iloc[0] == ""  # no decline rule holds now, and no other reason applies
    risky = assign_stages(stage_frame(churn_risk=0.7), 1000.0,
                          stage=np.array(["decline"], dtype=object))
    assert risky["reasons"].iloc[0] == "churn risk 70% over the horizon"


def test_an_unknown_given_stage_is_named():
    with pytest.raises(ValueError, match="unknown stage"):
        assign_stages(stage_frame(), 1000.0, stage=np.array(["dormant"], dtype=object))
