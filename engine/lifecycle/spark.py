"""Lifecycle scoring on Apache Spark, for a client base that outgrows one machine.

The scores are those of :func:`engine.lifecycle.scoring.score`, computed in the shape of Databricks'
customer-lifetime-value solution: summaries in Spark, one fit on the driver, scoring partition by
partition. Every step calls the functions of the single-machine path; only the plumbing is here.

1. Each client goes to a bucket by a hash of its id, ``pmod(xxhash64(client_id), buckets)``, with
   about ``clients_per_bucket`` clients a bucket. Events and clients rows are hashed the same way,
   so a bucket holds all of a client's data and no client is ever split.
2. A survey of the buckets checks the input with :func:`clean_events` and :func:`clean_clients` (the
   same errors as on one machine) and finds the first event, from which days are counted.
3. Features of each bucket come from :mod:`engine.lifecycle.features` (``applyInPandas``); those of
   the training sample are collected to the driver.
4. The driver fits the churn model with :func:`fit_model` and broadcasts it.
5. Each bucket is scored with :func:`assemble` (churn, stages, expected value, offers); the result is
   written as Parquet.

The training sample is every client when the base has at most ``train_clients`` of them, exactly as
on one machine, so both paths then fit the same model and agree to rounding. In a larger base the
sample is the clients whose id hashes below ``train_clients / clients`` (pandas' stable
``hash_array``): a random sample of the same size as the single machine's, but not the same clients.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from engine.lifecycle.churn import ChurnModel, training_horizon
from engine.lifecycle.features import FEATURE_COLUMNS, as_frame
from engine.lifecycle.io import (
    CLIENT_COLUMNS,
    DEFAULT_HORIZON_DAYS,
    EVENT_COLUMNS,
    LifecycleInputError,
    _require_columns,
    clean_clients,
    clean_events,
    to_timestamp,
)
from engine.lifecycle.scoring import (
    OUTPUT_COLUMNS,
    assemble,
    collect_features,
    describe,
    features_at,
    fit_model,
)

#: Java release that Spark 4 needs at least.
MIN_JAVA = 17
BUCKET = "_bucket"
#: Output columns holding text (the rest are numbers).
TEXT_COLUMNS = ("stage", "reasons", "next_best_action", "offer_reason", "reason_codes", "segment")
_PANDAS_WARNING = "PySpark does not yet fully support pandas"
_ERROR = re.compile(r"LifecycleInputError: (.+)")


class SparkUnavailable(RuntimeError):
    """Spark cannot start here (no PySpark, no Java or an old Java); the message says what to do."""


@dataclass
class SparkScores:
    """What :func:`score_spark` produced: the scores, and what the single-machine path reports."""

    frame: object  # pyspark.sql.DataFrame; client_id is a column
    notes: list[str] = field(default_factory=list)
    model: dict = field(default_factory=dict)
    buckets: int = 0
    cached: list = field(default_factory=list)

    def release(self) -> None:
        """Free the bucketed inputs kept for the passes (the frame then recomputes them)."""
        for frame in self.cached:
            frame.unpersist()
        self.cached.clear()


def java_major(java: str) -> int:
    """The major release of the ``java`` executable (8 for "1.8.0", 17 for "17.0.15")."""
    try:
        shown = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except OSError as exc:
        raise SparkUnavailable(f"cannot run {java}: {exc}") from exc
    found = re.search(r'version "(\d+)(?:\.(\d+))?', shown.stderr + shown.stdout)
    if not found:
        raise SparkUnavailable(f"cannot tell the Java release of {java}")
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def require_java() -> str:
    """The path of a Java of release :data:`MIN_JAVA` or later, or :class:`SparkUnavailable`."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home, "bin", "java")) if home else shutil.which("java")
    if not java or not Path(java).exists():
        raise SparkUnavailable(
            f"the Spark engine needs Java {MIN_JAVA} or later and none was found: install it "
            "(Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
        )
    major = java_major(java)
    if major < MIN_JAVA:
        raise SparkUnavailable(
            f"the Spark engine needs Java {MIN_JAVA} or later; {java} is Java {major}"
        )
    return java


def session(master: str = "local[*]", driver_memory: str = "4g", progress: bool = False):
    """A Spark session for scoring; on a local master every server binds to 127.0.0.1."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailable("the Spark engine needs PySpark: pip install '.[spark]'") from exc
    require_java()
    # The Python workers must see the same environment as the driver (this package, numpy, pandas).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # PySpark warns on every task that it is not yet tested on pandas 3; the tests of this module
    # compare its scores with the single-machine path on the pandas installed here.
    warnings.filterwarnings("ignore", message=_PANDAS_WARNING, category=FutureWarning)
    os.environ.setdefault("PYTHONWARNINGS", f"ignore:{_PANDAS_WARNING}:FutureWarning")
    builder = (
        SparkSession.builder.master(master).appName("lifecycle scoring")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "true" if progress else "false")
    )
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = (builder.config("spark.driver.memory", driver_memory)
                   .config("spark.driver.host", "127.0.0.1")
                   .config("spark.driver.bindAddress", "127.0.0.1"))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def bucket_count(clients: int, clients_per_bucket: int) -> int:
    """Buckets for ``clients`` clients, about ``clients_per_bucket`` each (at least one)."""
    return max(1, -(-int(clients) // max(1, int(clients_per_bucket))))


def with_bucket(frame, buckets: int):
    """``frame`` with the bucket of its client_id; equal ids always share a bucket."""
    from pyspark.sql import functions as F

    return frame.withColumn(BUCKET, F.pmod(F.xxhash64("client_id"), F.lit(buckets)).cast("int"))


def sample_flags(client_ids: np.ndarray, fraction: float) -> np.ndarray:
    """Whether each client is in the training sample: its id's stable hash is below ``fraction``."""
    if fraction >= 1.0:
        return np.ones(len(client_ids), dtype=bool)
    hashed = pd.util.hash_array(np.asarray(client_ids)) >> np.uint64(11)  # 53 bits: exact in float
    return hashed.astype(np.float64) / float(1 << 53) < fraction


def _input_error(exc: Exception) -> LifecycleInputError | None:
    """The :class:`LifecycleInputError` raised inside a Spark task, if that is what failed."""
    found = _ERROR.search(str(exc))
    return LifecycleInputError(found.group(1).strip()) if found else None


def _run(action):
    """Run a Spark action; an input error raised in a task comes back as itself."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    try:
        return action()
    except (PySparkException, Py4JJavaError) as exc:
        error = _input_error(exc)
        if error is not None:
            raise error from None
        raise


def _events_of(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[:, list(EVENT_COLUMNS)]


def _clients_of(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    if frame is None:
        return None
    return frame.drop(columns=[BUCKET], errors="ignore")


def _sum_notes(lines: list[str]) -> list[str]:
    """Notes of several buckets as one list: counts of the same note are added up."""
    counts: dict[str, int] = {}
    for line in lines:
        found = re.match(r"(\d+) (.*)", line)
        if found:
            counts[found.group(2)] = counts.get(found.group(2), 0) + int(found.group(1))
        else:
            counts.setdefault(line, 0)
    return [f"{n} {text}" if n else text for text, n in counts.items()]


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as plain Python objects (missing as None), the form Arrow takes from pandas."""
    for column in frame.columns:
        values = frame[column]
        if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
            values = values.astype(object)
            frame[column] = values.where(values.notna(), None)
    return frame


def _schema(client_type: str, columns: dict[str, str]) -> str:
    return ", ".join([f"client_id {client_type}", *(f"`{c}` {t}" for c, t in columns.items())])


def score_spark(spark, events, as_of, clients=None, horizon_days: float = DEFAULT_HORIZON_DAYS, *,
                offer_history: pd.DataFrame | None = None, language: str = "en",
                clients_per_bucket: int = 20_000, train_clients: int = 60_000,
                seed: int = 0) -> SparkScores:
    """Score Spark DataFrames of events (and clients) as :func:`engine.lifecycle.scoring.score` does.

    ``offer_history`` is small (offers already made) and is sent to every bucket whole. The result's
    frame is lazy: write it with ``.write.parquet`` or collect it, then call ``release()``.
    """
    from pyspark import StorageLevel

    if not np.isfinite(horizon_days) or horizon_days <= 0:
        raise LifecycleInputError(f"horizon_days must be a positive number of days, got {horizon_days!r}")
    as_of = to_timestamp(as_of, "as_of")
    _require_columns(pd.DataFrame(columns=events.columns), EVENT_COLUMNS, "events")
    if clients is not None:
        _require_columns(pd.DataFrame(columns=clients.columns), ("client_id",), "clients")
        clients = clients.select(*[c for c in clients.columns if c in CLIENT_COLUMNS])
    client_type = events.schema["client_id"].dataType.simpleString()

    from pyspark.sql import functions as F

    counted = _run(lambda: events.select(F.approx_count_distinct("client_id")).first()[0])
    buckets = bucket_count(counted, clients_per_bucket)
    spark.conf.set("spark.sql.shuffle.partitions", str(buckets))
    # One shuffle puts each bucket's events together; the three passes below read them from here.
    bucketed = with_bucket(events.select(*EVENT_COLUMNS), buckets).repartition(buckets, BUCKET)
    bucketed = bucketed.persist(StorageLevel.MEMORY_AND_DISK)
    rows = None
    if clients is not None:
        rows = with_bucket(clients, buckets).repartition(buckets, BUCKET)
        rows = rows.persist(StorageLevel.MEMORY_AND_DISK)
    cached = [bucketed] if rows is None else [bucketed, rows]
    try:
        result = _score_buckets(spark, bucketed, rows, as_of, horizon_days, offer_history, language,
                                train_clients, seed, client_type, buckets)
    except BaseException:
        for frame in cached:
            frame.unpersist()
        raise
    result.cached = cached
    return result


def _grouped(bucketed, rows, function, schema: str):
    """``function(events, clients)`` on every bucket; ``clients`` is None without a clients table."""
    if rows is None:
        return bucketed.groupBy(BUCKET).applyInPandas(lambda ev: function(ev, None), schema)
    return (bucketed.groupBy(BUCKET).cogroup(rows.groupBy(BUCKET))
            .applyInPandas(function, schema))


def _score_buckets(spark, bucketed, rows, as_of, horizon_days, offer_history, language,
                   train_clients, seed, client_type, buckets) -> SparkScores:
    # 1. Survey: the input is checked, and the first event and the number of clients found.
    def survey(ev: pd.DataFrame, cl: pd.DataFrame | None) -> pd.DataFrame:
        table = clean_events(_events_of(ev), as_of)
        clean_clients(_clients_of(cl), as_of)
        first = (table.origin.value // 1_000_000_000 + int(round(float(table.day.min()) * 86_400))
                 if table.day.size else None)
        return _plain(pd.DataFrame({"first_second": [first], "clients": [table.client_ids.size],
                                    "notes": ["\n".join(table.notes)]}))

    surveyed = _run(lambda: _grouped(bucketed, rows, survey,
                                     "first_second long, clients long, notes string").toPandas())
    firsts = surveyed["first_second"].dropna()
    if firsts.empty:
        raise LifecycleInputError(f"no events up to as_of {as_of}: there is no activity to score")
    first_second = int(firsts.min())
    origin = pd.Timestamp(first_second - first_second % 86_400, unit="s")
    as_of_day = (as_of - origin) / pd.Timedelta(days=1)
    history = as_of_day - (first_second - origin.value // 1_000_000_000) / 86_400.0
    train_horizon = training_horizon(horizon_days, history)
    notes = _sum_notes([line for text in surveyed["notes"] for line in text.split("\n") if line])
    fraction = train_clients / max(int(surveyed["clients"].sum()), 1)

    # 2. Features of the training sample, now and at the backtest cutoff, collected to the driver.
    def sample(ev: pd.DataFrame, _cl) -> pd.DataFrame:
        table = clean_events(_events_of(ev), as_of, origin=origin)
        member = sample_flags(table.client_ids, fraction)
        now, past = collect_features(table, as_of_day, train_horizon, sample=member)
        now = now.loc[member]
        return _plain(pd.concat([now.assign(part="now"), past.assign(part="past")]).reset_index())

    columns = {c: "double" for c in FEATURE_COLUMNS} | {"part": "string"}
    collected = _run(lambda: _grouped(bucketed, None, sample, _schema(client_type, columns))
                     .toPandas())
    collected = collected.set_index("client_id").sort_index()
    now = collected.loc[collected["part"] == "now", list(FEATURE_COLUMNS)]
    past = collected.loc[collected["part"] == "past", list(FEATURE_COLUMNS)]

    # 3. One fit on the driver, broadcast to every bucket.
    model = fit_model(now, past, train_horizon, notes, seed)
    if isinstance(model, ChurnModel):
        model = model.with_level_of(now, horizon_days)
    shared = spark.sparkContext.broadcast((model, offer_history))

    # 4. Scores, stages and offers per bucket.
    def scored(ev: pd.DataFrame, cl: pd.DataFrame | None) -> pd.DataFrame:
        fitted, history_rows = shared.value
        table = clean_events(_events_of(ev), as_of, origin=origin)
        features = as_frame(features_at(table, as_of_day), table.client_ids)
        frame_clients = clean_clients(_clients_of(cl), as_of)
        if history_rows is not None:
            ids = features.index if frame_clients is None else features.index.union(frame_clients.index)
            history_rows = history_rows[history_rows["client_id"].isin(ids)]
        out = assemble(features, frame_clients, fitted, as_of, origin, horizon_days, history_rows,
                       language)
        return _plain(out.reset_index())

    types = {c: ("string" if c in TEXT_COLUMNS else "double") for c in OUTPUT_COLUMNS}
    frame = _grouped(bucketed, rows, scored, _schema(client_type, types))
    return SparkScores(frame, notes, describe(model), buckets)


def score_files(events: str | Path, as_of, out: str | Path, clients: str | Path | None = None,
                horizon_days: float = DEFAULT_HORIZON_DAYS, *, offer_history: pd.DataFrame | None = None,
                master: str = "local[*]", clients_per_bucket: int = 20_000, progress: bool = False,
                language: str = "en", spark=None) -> SparkScores:
    """Score Parquet files (or folders of them) on Spark and write the scores to the folder ``out``.

    Returns the scores as written; ``frame`` then reads them back from ``out``.
    """
    for path in (events, clients):
        if path is None:
            continue
        if not Path(path).exists():
            raise LifecycleInputError(f"file not found: {path}")
        if Path(path).is_file() and Path(path).suffix.lower() not in (".parquet", ".pq"):
            raise LifecycleInputError(f"{path}: the Spark engine reads Parquet (.parquet)")
    spark = spark or session(master, progress=progress)
    events_frame = _run(lambda: spark.read.parquet(str(events)))
    clients_frame = _run(lambda: spark.read.parquet(str(clients))) if clients is not None else None
    result = score_spark(spark, events_frame, as_of, clients_frame, horizon_days,
                         offer_history=offer_history, language=language,
                         clients_per_bucket=clients_per_bucket)
    try:
        _run(lambda: result.frame.write.mode("overwrite").parquet(str(out)))
    finally:
        result.release()
    result.frame = spark.read.parquet(str(out))
    return result
