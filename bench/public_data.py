"""Real public data sets used by tests and benchmarks, fetched from PyPI wheels.

Two well-known packages ship real data inside their wheels:

* ``Lifetimes`` 0.11.3 ships ``CDNOW_master.txt``: every purchase of the 23,570 customers who first
  bought from the CDNOW music store in the first quarter of 1997, until June 1998 (Fader, Hardie &
  Lee 2005 use it to fit BG/NBD).
* ``skfolio`` 1.12.2 ships ``sp500_dataset.csv.gz``: daily adjusted prices of 20 S&P 500 stocks.

Only the package registry is reachable from this machine, so the wheel is downloaded with pip and the
file is read out of the zip; neither package is installed or imported. Files are cached under
``var/cache/public-data`` keyed by wheel name, so a repeat run reads from disk.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "cache" / "public-data"

CDNOW_WHEEL = ("lifetimes==0.11.3", "lifetimes/datasets/CDNOW_master.txt")
SP500_WHEEL = ("skfolio==1.12.2", "skfolio/datasets/data/sp500_dataset.csv.gz")


def _wheel_member(requirement: str, member: str) -> bytes:
    name, version = requirement.split("==")
    target = CACHE / f"{name}-{version}" / Path(member).name
    if not target.exists():
        download_dir = CACHE / "wheels"
        download_dir.mkdir(parents=True, exist_ok=True)
        wheels = [w for w in download_dir.glob("*.whl") if w.name.lower().startswith(f"{name}-{version}")]
        if not wheels:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                 "--only-binary=:all:", "-d", str(download_dir), requirement],
                check=True,
            )
            wheels = [w for w in download_dir.glob("*.whl") if w.name.lower().startswith(f"{name}-{version}")]
        with zipfile.ZipFile(wheels[0]) as zf:
            data = zf.read(member)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return target.read_bytes()


def cdnow_transactions() -> pd.DataFrame:
    """CDNOW purchases as an events frame: client_id, timestamp, kind ('trade'), amount (USD)."""
    raw = _wheel_member(*CDNOW_WHEEL)
    frame = pd.read_csv(
        io.BytesIO(raw), sep=r"\s+", header=0, names=["client_id", "date", "units", "amount"],
        dtype={"client_id": "int64", "date": "str", "units": "int64", "amount": "float64"},
    )
    return pd.DataFrame(
        {
            "client_id": frame["client_id"].astype("int64"),
            "timestamp": pd.to_datetime(frame["date"], format="%Y%m%d"),
            "kind": "trade",
            "amount": frame["amount"],
        }
    )


def sp500_prices() -> pd.DataFrame:
    """Daily adjusted close prices of 20 S&P 500 stocks, indexed by date."""
    raw = _wheel_member(*SP500_WHEEL)
    return pd.read_csv(io.BytesIO(raw), compression="gzip", index_col=0, parse_dates=True)
