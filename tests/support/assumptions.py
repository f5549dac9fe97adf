"""Capital market assumptions a firm might supply, built from the bundled file for tests."""

from __future__ import annotations

from pathlib import Path

import yaml

from engine.assumptions import DEFAULT_FILE


def volatile_cash_and_bonds(folder: Path, factor: float = 6.0) -> Path:
    """The bundled assumptions with cash and bonds ``factor`` times as volatile (cash 6.6 % at 6,
    as in a currency with high and erratic inflation), written to ``folder``; at 6 not even a mix
    without equity keeps its 1-in-20 bad year within 5 %."""
    data = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    for asset_class in data["asset_classes"].values():
        if asset_class["group"] in {"bonds", "cash"}:
            asset_class["volatility"] = round(asset_class["volatility"] * factor, 4)
    path = folder / "volatile_cash_and_bonds.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path
