"""Real public data sets used by tests and benchmarks, taken from PyPI wheels at set-up.

Two well-known packages ship real data inside their wheels:

* ``Lifetimes`` 0.11.3 (MIT licence, Copyright (c) 2015 Cameron Davidson-Pilon, per the wheel's
  METADATA and LICENSE.txt) ships ``CDNOW_master.txt``: every purchase of the 23,570 customers who
  first bought from the CDNOW music store in the first quarter of 1997, until June 1998, as
  published by Peter Fader and Bruce Hardie (brucehardie.com, the data of Fader, Hardie & Lee 2005,
  "Counting your customers the easy way"). The wheel states no terms of its own for the data file.
* ``skfolio`` 1.12.2 (BSD-3-Clause, Copyright (c) 2023-2026 The skfolio developers, per the
  wheel's METADATA and licenses/LICENSE) ships ``sp500_dataset.csv.gz``: daily adjusted closing
  prices of 20 S&P 500 constituents, 1990-01-02 to 2022-12-28 (8,313 days). skfolio's
  ``load_sp500_dataset`` says it is stale data "provided solely for testing and example purposes",
  not for investment or trading, which is how it is used here; it names no upstream source.

``python -m bench.public_data`` (``make public-data``, part of ``make setup`` and so of ``make run``
and ``make test``) downloads each wheel with pip, which refuses any file but the pinned wheel
(``--require-hashes``), extracts the data file, checks it against its own pinned SHA-256 and stores
it as ``var/cache/public-data/<sha256>/<file name>``; a file already there with that content is
kept. The readers below only read that cache: a missing file, or one whose content differs, raises
:class:`PublicDataMissing` naming the command to run. Nothing downloads while tests or benchmarks
run, and neither package is installed or imported.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "cache" / "public-data"
FETCH_COMMAND = "make public-data"


@dataclass(frozen=True)
class PublicDataSet:
    """One data file inside one pinned wheel on PyPI."""

    title: str
    requirement: str  #: pip requirement of the wheel, pinned to one version
    wheel_sha256: str  #: SHA-256 of the wheel file (pip's --require-hashes)
    member: str  #: path of the data file inside the wheel
    sha256: str  #: SHA-256 of the data file itself
    licence: str
    provenance: str

    @property
    def file_name(self) -> str:
        return Path(self.member).name


CDNOW = PublicDataSet(
    title="CDNOW purchases",
    requirement="lifetimes==0.11.3",
    wheel_sha256="261e3dc89977c2b60767ca6728aaa29d429de0c814635070a749c36555895da8",
    member="lifetimes/datasets/CDNOW_master.txt",
    sha256="eff6889ed364c5199d6eacbbeb7a6d559971df4406ac876f322c373f00a072ef",
    licence="MIT (the Lifetimes package)",
    provenance="CDNOW master data set as published by Fader & Hardie, shipped in Lifetimes 0.11.3",
)
SP500 = PublicDataSet(
    title="S&P 500 prices",
    requirement="skfolio==1.12.2",
    wheel_sha256="2d324c62a4188dc0b62a713f8d5cea177e208a5b45987e3d3f204dd56d3a669b",
    member="skfolio/datasets/data/sp500_dataset.csv.gz",
    sha256="ee21cac28befb1d0a739a9ceb22184f995394726aa0cfde9a21941d1ac04ac0d",
    licence="BSD-3-Clause (the skfolio package)",
    provenance="daily adjusted closes of 20 S&P 500 stocks as shipped in skfolio 1.12.2",
)
DATA_SETS = (CDNOW, SP500)


class PublicDataMissing(RuntimeError):
    """A public data file is not in the cache, or not the pinned one."""


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def cached_path(data: PublicDataSet, cache: Path | None = None) -> Path:
    """Where the cache keeps ``data``: keyed by its content hash, so another version never mixes in."""
    return (cache or CACHE) / data.sha256 / data.file_name


def read(data: PublicDataSet, cache: Path | None = None) -> bytes:
    """The pinned content of ``data`` from the cache; never downloads."""
    path = cached_path(data, cache)
    if not path.is_file():
        raise PublicDataMissing(
            f"{data.title} ({data.file_name} from {data.requirement}) is not in {path.parent.parent}: "
            f"run `{FETCH_COMMAND}` (part of `make setup`) once to fetch it"
        )
    content = path.read_bytes()
    if (found := _sha256(content)) != data.sha256:
        raise PublicDataMissing(
            f"{path} has SHA-256 {found}, not the pinned {data.sha256} of {data.title}: "
            f"delete it and run `{FETCH_COMMAND}`"
        )
    return content


def extract(data: PublicDataSet, wheel: Path) -> bytes:
    """The data file out of a downloaded wheel, after checking it is the pinned content."""
    with zipfile.ZipFile(wheel) as archive:
        try:
            content = archive.read(data.member)
        except KeyError:
            raise PublicDataMissing(f"{wheel.name} has no {data.member}") from None
    if (found := _sha256(content)) != data.sha256:
        raise PublicDataMissing(
            f"{data.member} in {wheel.name} has SHA-256 {found}, not the pinned {data.sha256}"
        )
    return content


def _download_wheel(data: PublicDataSet, directory: Path) -> Path:
    requirements = directory / "requirements.txt"
    requirements.write_text(f"{data.requirement} --hash=sha256:{data.wheel_sha256}\n")
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
               "--only-binary=:all:", "--require-hashes", "-r", str(requirements),
               "-d", str(directory)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise PublicDataMissing(
            f"pip could not download {data.requirement} (the package registry must be reachable "
            f"for `{FETCH_COMMAND}`):\n{result.stderr.strip()}"
        )
    [wheel] = directory.glob("*.whl")
    return wheel


def fetch(data_sets: tuple[PublicDataSet, ...] = DATA_SETS,
          cache: Path | None = None) -> dict[PublicDataSet, bool]:
    """Put each data set in the cache unless the pinned file is already there.

    Returns, per data set, whether it was downloaded now.
    """
    fetched = {}
    for data in data_sets:
        path = cached_path(data, cache)
        try:
            read(data, cache)
            fetched[data] = False
            continue
        except PublicDataMissing:
            pass
        with tempfile.TemporaryDirectory() as tmp:
            content = extract(data, _download_wheel(data, Path(tmp)))
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_bytes(content)
        partial.replace(path)  # a reader never sees half a file
        fetched[data] = True
    return fetched


def cdnow_transactions() -> pd.DataFrame:
    """CDNOW purchases as an events frame: client_id, timestamp, kind ('trade'), amount (USD)."""
    import pandas as pd  # here, so that the set-up step that only fetches starts quickly

    frame = pd.read_csv(
        io.BytesIO(read(CDNOW)), sep=r"\s+", header=0,
        names=["client_id", "date", "units", "amount"],
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
    import pandas as pd

    return pd.read_csv(io.BytesIO(read(SP500)), compression="gzip", index_col=0, parse_dates=True)


def main() -> int:
    try:
        fetched = fetch()
    except PublicDataMissing as exc:
        print(f"public data: {exc}", file=sys.stderr)
        return 1
    for data, downloaded in fetched.items():
        if downloaded:
            print(f"{data.title}: {cached_path(data)} ({data.provenance}; {data.licence})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
