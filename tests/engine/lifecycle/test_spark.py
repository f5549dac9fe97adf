"""Lifecycle scoring on Apache Spark (local[2]) against the single-machine path, client by client."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.lifecycle import score
from engine.lifecycle.io import LifecycleInputError
from engine.lifecycle.synthetic import generate

pytest.importorskip("pyspark", reason="the Spark extra is installed by `make test`")

from pyspark.sql import functions  # noqa: E402

from engine.lifecycle.spark import (  # noqa: E402
    BUCKET,
    SparkUnavailable,
    java_major,
    require_java,
    score_files,
    session,
    with_bucket,
)

AS_OF = "2025-12-31"
CLIENTS = 20_000
PER_BUCKET = 2_000
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def spark():
    started = session("local[2]", driver_memory="2g")
    yield started
    started.stop()


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spark-base")
    made = generate(CLIENTS, 10, 23, AS_OF, 90)
    made.events.to_parquet(folder / "events.parquet")
    clients = made.clients.drop(columns=[c for c in made.clients.columns if c.startswith("truth_")])
    clients.to_parquet(folder / "clients.parquet")
    return folder


@pytest.fixture(scope="module")
def both(spark, base, tmp_path_factory):
    """The same files scored on one machine and on Spark."""
    events = pd.read_parquet(base / "events.parquet")
    clients = pd.read_parquet(base / "clients.parquet")
    single = score(events, AS_OF, clients).sort_index()
    out = tmp_path_factory.mktemp("spark-out") / "scores"
    result = score_files(base / "events.parquet", AS_OF, out, base / "clients.parquet",
                         clients_per_bucket=PER_BUCKET, spark=spark)
    spread = pd.read_parquet(out).set_index("client_id").sort_index()
    return single, spread, result


def test_every_client_is_scored_once(both):
    single, spread, _ = both
    assert len(single) == CLIENTS
    assert spread.index.is_unique
    assert spread.index.equals(single.index)


def test_spark_and_one_machine_agree_client_by_client(both):
    single, spread, result = both
    assert (spread["stage"].to_numpy() == single["stage"].astype(str).to_numpy()).all()
    assert np.abs(spread["churn_risk"].to_numpy() - single["churn_risk"].to_numpy()).max() <= 1e-9
    np.testing.assert_allclose(spread["expected_value"], single["expected_value"], rtol=1e-9,
                               atol=1e-9)
    for column in ("reasons", "next_best_action", "offer_reason", "reason_codes", "segment"):
        left = spread[column].astype(object).fillna("-").to_numpy()
        right = single[column].astype(object).fillna("-").to_numpy()
        assert (left == right).all(), column
    assert result.model == single.attrs["model"]
    # Several stages and offers are present, so agreement is not agreement on one constant.
    assert spread["stage"].nunique() >= 4
    assert spread["next_best_action"].nunique() >= 3


def test_no_client_is_split_across_buckets(spark, base, both):
    _, _, result = both
    events = with_bucket(spark.read.parquet(str(base / "events.parquet")), result.buckets)
    clients = with_bucket(spark.read.parquet(str(base / "clients.parquet")), result.buckets)
    both_tables = events.select("client_id", BUCKET).union(clients.select("client_id", BUCKET))
    per_client = (both_tables.groupBy("client_id")
                  .agg(functions.countDistinct(BUCKET).alias("buckets")).toPandas())
    assert len(per_client) == CLIENTS
    assert (per_client["buckets"] == 1).all()
    sizes = clients.groupBy(BUCKET).count().toPandas()["count"]
    assert result.buckets >= 5
    assert len(sizes) == result.buckets
    assert sizes.min() >= 1_000  # thousands of clients scored together, not one by one


def _single_error(events: pd.DataFrame, clients: pd.DataFrame | None = None) -> str:
    with pytest.raises(LifecycleInputError) as caught:
        score(events, AS_OF, clients)
    return str(caught.value)


def _spark_error(spark, folder: Path, events: pd.DataFrame, clients: pd.DataFrame | None = None):
    events.to_parquet(folder / "events.parquet")
    if clients is not None:
        clients.to_parquet(folder / "clients.parquet")
    with pytest.raises(LifecycleInputError) as caught:
        score_files(folder / "events.parquet", AS_OF, folder / "out",
                    folder / "clients.parquet" if clients is not None else None, spark=spark)
    return str(caught.value)


def _small():
    made = generate(300, 6, 4, AS_OF, 90)
    clients = made.clients.drop(columns=[c for c in made.clients.columns if c.startswith("truth_")])
    return made.events.reset_index(drop=True), clients


def test_a_missing_column_gives_the_same_error(spark, tmp_path):
    events, _ = _small()
    events = events.drop(columns=["kind"])
    message = _spark_error(spark, tmp_path, events)
    assert message == _single_error(events)
    assert message.startswith("events is missing column(s) 'kind'")


def test_a_negative_aum_gives_the_same_error(spark, tmp_path):
    events, clients = _small()
    clients.loc[clients.index[7], "aum"] = -5.0
    message = _spark_error(spark, tmp_path, events, clients)
    assert message == _single_error(events, clients)
    assert message.startswith("clients has a negative aum for client_id")


def test_an_unreadable_timestamp_names_the_value(spark, tmp_path):
    events, _ = _small()
    events["timestamp"] = events["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S").astype(object)
    events.loc[events.index[11], "timestamp"] = "the day after"
    message = _spark_error(spark, tmp_path, events)
    # The row number counts inside the client's bucket on Spark, inside the file on one machine.
    expected = _single_error(events)
    assert message.split(" at row")[0] == expected.split(" at row")[0]
    assert "'the day after'" in message


def test_bad_input_leaves_earlier_scores_in_place(spark, tmp_path):
    events, clients = _small()
    events.to_parquet(tmp_path / "events.parquet")
    score_files(tmp_path / "events.parquet", AS_OF, tmp_path / "out", spark=spark)
    before = pd.read_parquet(tmp_path / "out")
    assert len(before) == events["client_id"].nunique()
    broken = events.drop(columns=["amount"])
    broken.to_parquet(tmp_path / "broken.parquet")
    with pytest.raises(LifecycleInputError, match="missing column"):
        score_files(tmp_path / "broken.parquet", AS_OF, tmp_path / "out", spark=spark)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out"), before)


def test_a_csv_file_is_refused_with_a_clear_message(spark, tmp_path):
    events, _ = _small()
    events.to_csv(tmp_path / "events.csv", index=False)
    with pytest.raises(LifecycleInputError, match=r"the Spark engine reads Parquet"):
        score_files(tmp_path / "events.csv", AS_OF, tmp_path / "out", spark=spark)


def _fake_java(folder: Path, shown: str) -> Path:
    java = folder / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f"#!/bin/sh\necho '{shown}' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return java


def test_a_missing_java_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-java-here"))
    with pytest.raises(SparkUnavailable, match=r"needs Java 17 or later and none was found"):
        require_java()


def test_an_old_java_is_named(tmp_path, monkeypatch):
    java = _fake_java(tmp_path, 'openjdk version "1.8.0_292"')
    assert java_major(str(java)) == 8
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(SparkUnavailable, match=r"needs Java 17 or later; .* is Java 8"):
        require_java()


def test_the_java_here_is_recent_enough():
    assert java_major(require_java()) >= 17


def test_command_line_scores_parquet_on_spark(tmp_path):
    events, clients = _small()
    events.to_parquet(tmp_path / "events.parquet")
    clients.to_parquet(tmp_path / "clients.parquet")
    command = [sys.executable, "-m", "engine", "lifecycle", "score", "--engine", "spark",
               "--master", "local[2]", "--events", str(tmp_path / "events.parquet"),
               "--clients", str(tmp_path / "clients.parquet"), "--as-of", AS_OF,
               "--out", str(tmp_path / "scores")]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    written = pd.read_parquet(tmp_path / "scores")
    assert len(written) == len(clients)
    assert done.stdout.startswith(f"scored {len(clients)} clients in ")
    single = score(events, AS_OF, clients)
    assert (written.set_index("client_id").sort_index()["stage"].to_numpy()
            == single.sort_index()["stage"].astype(str).to_numpy()).all()

    bad = command[:command.index("--events") + 1] + [str(tmp_path / "events.csv")] + command[
        command.index("--events") + 2:]
    events.to_csv(tmp_path / "events.csv", index=False)
    refused = subprocess.run(bad, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines()[-1] == (
        f"error: {tmp_path / 'events.csv'}: the Spark engine reads Parquet (.parquet)")
