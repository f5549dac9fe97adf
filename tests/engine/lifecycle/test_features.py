import numpy as np

from engine.lifecycle.features import as_frame, table_features
from engine.lifecycle.io import clean_events

from .helpers import AS_OF, history


def features(events):
    table = clean_events(events, AS_OF)
    part = table_features(table, table.days(AS_OF), 0, table.client_ids.size, 0, table.client.size)
    return as_frame([part], table.client_ids)


def test_recency_frequency_and_tenure_count_active_days():
    events = history(
        (1, 400, "deposit", 1000.0),
        (1, 200, "login", 0.0),
        (1, 199.99, "login", 0.0),  # same day as the login above: one active day
        (1, 10, "trade", -300.0),
    )
    row = features(events).loc[1]
    assert row.repeat_days == 2
    assert row.span_days == 390
    assert row.age_days == 400
    assert row.recency_days == 10
    assert row.events == 4
    assert row.monetary == 650.0


def test_net_flows_over_ninety_days_and_net_deposits():
    events = history(
        (7, 500, "deposit", 10_000.0),
        (7, 60, "withdrawal", -3_000.0),
        (7, 30, "deposit", 500.0),
        (7, 20, "trade", -2_000.0),  # a trade moves money inside the account, not a flow
    )
    row = features(events).loc[7]
    assert row.net_flow_90 == -2_500.0
    assert row.net_deposits == 7_500.0


def test_login_trend_complaints_and_review_windows():
    events = history(
        (3, 170, "login", 0), (3, 150, "login", 0), (3, 120, "login", 0), (3, 100, "login", 0),
        (3, 40, "login", 0),
        (3, 20, "complaint", 0), (3, 300, "complaint", 0),
        (3, 200, "review", 0),
    )
    row = features(events).loc[3]
    assert row.logins_90 == 1 and row.logins_prev_90 == 4
    assert row.complaints_90 == 1
    # Days count from midnight of the first event (the complaint 300 days back).
    assert row.last_review_day == 100
    assert row.active_days_30 == 1 and row.active_days_90 == 2


def test_first_deposit_marks_funding_and_login_only_clients_have_none():
    events = history((1, 50, "login", 0), (1, 45, "deposit", 200.0), (2, 10, "login", 0))
    frame = features(events)
    assert frame.loc[1].first_deposit_day == frame.loc[1].first_day + 5
    assert np.isnan(frame.loc[2].first_deposit_day)
