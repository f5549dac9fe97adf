"""The lifecycle command line on small files."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from engine.lifecycle.cli import main

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("base")
    assert main(["generate", "--clients", "800", "--out-dir", str(folder), "--format", "csv",
                 "--quiet"]) == 0
    return folder


def test_generate_writes_events_clients_and_truth(base):
    clients = pd.read_csv(base / "clients.csv")
    assert len(clients) == 800 and "truth_quiet" in clients.columns
    assert set(clients["segment"]) == {"retail", "high_net_worth", "small_business"}
    assert len(pd.read_csv(base / "events.csv")) > 0


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_score_writes_one_row_per_client(base, tmp_path, suffix, capsys):
    out = tmp_path / f"scores{suffix}"
    code = main(["score", "--events", str(base / "events.csv"), "--clients", str(base / "clients.csv"),
                 "--as-of", "2025-12-31", "--out", str(out)])
    assert code == 0
    result = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out).reset_index()
    assert len(result) == 800
    assert {"client_id", "stage", "churn_risk", "next_best_action"} <= set(result.columns)
    assert "scored 800 clients" in capsys.readouterr().out


def test_bad_input_exits_2_with_one_line(base, tmp_path, capsys):
    broken = tmp_path / "events.csv"
    pd.read_csv(base / "events.csv").rename(columns={"kind": "type"}).to_csv(broken, index=False)
    code = main(["score", "--events", str(broken), "--as-of", "2025-12-31",
                 "--out", str(tmp_path / "o.csv")])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err == ("error: events is missing column(s) 'kind'; expected client_id, timestamp, kind, "
                   "amount")
    assert main(["score", "--events", str(tmp_path / "none.csv"), "--as-of", "2025-12-31",
                 "--out", str(tmp_path / "o.csv")]) == 2
    assert main(["score", "--events", str(base / "events.csv"), "--as-of", "2025-12-31",
                 "--out", str(tmp_path / "o.xlsx")]) == 2


def test_runs_as_a_module(base, tmp_path):
    out = tmp_path / "scores.csv"
    done = subprocess.run(
        [sys.executable, "-m", "engine.lifecycle.cli", "score", "--events", str(base / "events.csv"),
         "--as-of", "2025-12-31", "--out", str(out), "--quiet"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(out)) > 0


def test_runs_through_the_engine_command(base, tmp_path):
    out = tmp_path / "scores.csv"
    done = subprocess.run(
        [sys.executable, "-m", "engine", "lifecycle", "score", "--events", str(base / "events.csv"),
         "--clients", str(base / "clients.csv"), "--as-of", "2025-12-31", "--out", str(out),
         "--quiet"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(out)) == 800
