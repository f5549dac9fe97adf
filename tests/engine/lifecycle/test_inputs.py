"""Bad input gets a clear error or its documented handling."""

import pandas as pd
import pytest

from engine.lifecycle import LifecycleInputError
from engine.lifecycle.io import clean_clients, clean_events

from .helpers import AS_OF, history


def test_missing_or_misnamed_column_is_named_with_a_hint():
    events = history((1, 5, "login", 0)).rename(columns={"timestamp": "timestmp"})
    with pytest.raises(LifecycleInputError, match=r"missing column\(s\) 'timestamp' \(found 'timestmp'\?\)"):
        clean_events(events, AS_OF)


def test_unparseable_timestamp_names_the_value_and_row():
    events = pd.DataFrame({"client_id": [1, 1], "timestamp": ["2025-01-02", "not a date"],
                           "kind": ["login", "login"], "amount": [0, 0]})
    with pytest.raises(LifecycleInputError, match="'not a date' at row 1"):
        clean_events(events, AS_OF)


def test_events_after_as_of_are_ignored_and_noted():
    table = clean_events(history((1, 5, "login", 0), (1, -3, "deposit", 100.0)), AS_OF)
    assert table.client.size == 1
    assert any("after as_of" in n for n in table.notes)


def test_exact_duplicates_count_once_but_distinct_amounts_stay():
    events = history((1, 5, "deposit", 100.0), (1, 5, "deposit", 50.0), (1, 5, "deposit", 100.0),
                     (2, 5, "deposit", 100.0))
    table = clean_events(events, AS_OF)
    assert sorted(table.amount) == [50.0, 100.0, 100.0]
    assert any("duplicate" in n for n in table.notes)


def test_missing_amount_reads_as_zero_but_missing_client_is_an_error():
    events = history((1, 5, "login", float("nan")))
    assert clean_events(events, AS_OF).amount.tolist() == [0.0]
    events.loc[0, "client_id"] = None
    with pytest.raises(LifecycleInputError, match="missing client_id"):
        clean_events(events, AS_OF)


def test_unknown_kind_is_other_activity_and_noted():
    table = clean_events(history((1, 5, "chat_with_bot", 0)), AS_OF)
    assert table.kind.tolist() == [7]
    assert any("chat_with_bot" in n for n in table.notes)


def test_negative_age_and_unknown_segment_are_errors():
    with pytest.raises(LifecycleInputError, match="negative age for client_id 2"):
        clean_clients(pd.DataFrame({"client_id": [1, 2], "age": [40, -3]}), AS_OF)
    with pytest.raises(LifecycleInputError, match="unknown segment"):
        clean_clients(pd.DataFrame({"client_id": [1], "segment": ["vip"]}), AS_OF)


def test_duplicated_client_rows_are_an_error():
    with pytest.raises(LifecycleInputError, match="more than once"):
        clean_clients(pd.DataFrame({"client_id": [1, 1]}), AS_OF)


def test_bad_horizon_and_as_of_are_errors():
    from engine.lifecycle import score

    events = history((1, 5, "login", 0))
    with pytest.raises(LifecycleInputError, match="horizon_days"):
        score(events, AS_OF, horizon_days=-1)
    with pytest.raises(LifecycleInputError, match="as_of"):
        score(events, "yesterday-ish")


def test_no_events_before_as_of_is_an_error():
    from engine.lifecycle import score

    with pytest.raises(LifecycleInputError, match="no events up to as_of"):
        score(history((1, -5, "login", 0)), AS_OF)
