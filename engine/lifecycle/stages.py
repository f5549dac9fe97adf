"""Lifecycle stages and their reasons, by the documented rules of ``stages.yml``.

The input is one row per client with the engagement features, the churn risk and the account facts
(funding day, AUM, last review). Everything is vectorised; reason texts are formatted once per
distinct displayed figure, so a million clients cost little more than a thousand.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

STAGES_FILE = Path(__file__).resolve().parent / "stages.yml"
STAGES = ("prospect", "onboarding", "growth", "mature", "decline")
REASONS = (
    "no_funded_account", "recently_funded", "high_churn_risk", "net_outflow",
    "inactive_missed_review", "long_tenure_stable", "growing", "long_quiet", "login_drop",
    "recent_complaint", "missed_review",
)


@lru_cache(maxsize=4)
def load_stage_rules(path: str | Path = STAGES_FILE) -> dict:
    """Thresholds and reason texts; an incomplete file is an error naming what is missing."""
    with open(path, encoding="utf-8") as handle:
        rules = yaml.safe_load(handle)
    missing = [r for r in REASONS if r not in rules.get("reasons", {})]
    if missing:
        raise ValueError(f"{path}: reasons without text: {', '.join(missing)}")
    return rules


def _reason_text(template: str, values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Codes into the distinct texts of ``template`` filled with ``values`` (rounded as shown)."""
    spec = re.search(r"\{value:[^}]*\.(\d)([f%])\}", template)
    if "{value" not in template:
        return np.zeros(values.size, dtype=np.int64), [template]
    digits = int(spec.group(1)) + (2 if spec.group(2) == "%" else 0) if spec else 3
    rounded = np.round(np.nan_to_num(values.astype(float)), digits)
    distinct, inverse = np.unique(rounded, return_inverse=True)
    return inverse, [template.format(value=v) for v in distinct]


def assign_stages(frame: pd.DataFrame, as_of_day: float, language: str = "en",
                  rules: dict | None = None, stage: np.ndarray | None = None) -> pd.DataFrame:
    """Stage, reason codes and reason text per client.

    Parameters
    ----------
    frame : DataFrame
        Columns ``funded_day``, ``aum``, ``net_flow_90``, ``last_login_day``, ``last_review_day``,
        ``first_day``, ``churn_risk``, ``complaints_90``, ``recency_days``, ``logins_90``,
        ``logins_prev_90``; days count from the same origin as ``as_of_day``.
    as_of_day : float
        The scoring instant in days.
    language : str
        Language of the reason texts.
    stage : ndarray of str, optional
        Stages already decided (a stored score's): kept as they are, and a stage's own reasons
        are given only where their rule holds on ``frame`` at ``as_of_day``.
    """
    rules = rules or load_stage_rules()
    th = rules["thresholds"]
    n = len(frame)
    col = {c: frame[c].to_numpy(dtype=float) for c in (
        "funded_day", "aum", "net_flow_90", "last_login_day", "last_review_day", "first_day",
        "churn_risk", "complaints_90", "recency_days", "logins_90", "logins_prev_90")}
    funded_for = as_of_day - col["funded_day"]  # NaN when never funded
    funded = np.isfinite(funded_for) & (funded_for >= 0)
    outflow_share = np.divide(-col["net_flow_90"], col["aum"], out=np.zeros(n), where=col["aum"] > 0)
    # No login ever counts from the first event (or funding): silence since they arrived.
    login_gap = as_of_day - np.where(np.isfinite(col["last_login_day"]), col["last_login_day"],
                                     np.fmin(col["first_day"], col["funded_day"]))
    review_gap = as_of_day - np.where(np.isfinite(col["last_review_day"]), col["last_review_day"],
                                      col["funded_day"])
    missed_review = funded & (review_gap > th["review_interval_days"])
    logins_drop = np.divide(col["logins_prev_90"] - col["logins_90"], col["logins_prev_90"],
                            out=np.zeros(n), where=col["logins_prev_90"] > 0)

    flags = {
        "no_funded_account": ~funded,
        "recently_funded": funded & (funded_for < th["onboarding_days"]),
        "high_churn_risk": col["churn_risk"] >= th["decline_churn_risk"],
        "net_outflow": outflow_share > th["decline_outflow_share"],
        "inactive_missed_review": (np.nan_to_num(login_gap, nan=np.inf) >= th["inactive_login_days"])
        & missed_review,
    }
    decline = funded & (flags["high_churn_risk"] | flags["net_outflow"] | flags["inactive_missed_review"])
    stable = (col["churn_risk"] < th["stable_churn_risk"]) & (col["complaints_90"] == 0)
    flags["long_tenure_stable"] = funded & (funded_for >= th["mature_tenure_days"]) & stable
    stage_code = np.select(
        [~funded, flags["recently_funded"], decline, flags["long_tenure_stable"]],
        [STAGES.index("prospect"), STAGES.index("onboarding"), STAGES.index("decline"),
         STAGES.index("mature")], default=STAGES.index("growth"),
    )
    if stage is not None:
        unknown = sorted(set(stage) - set(STAGES))
        if unknown:
            raise ValueError(f"unknown stage(s) {', '.join(map(str, unknown))}; "
                             f"expected {', '.join(STAGES)}")
        stage_code = pd.Categorical(np.asarray(stage, dtype=object), categories=list(STAGES)).codes
    stage = np.asarray(STAGES, dtype=object)[stage_code]
    # Stage reasons only where they decided the stage; risk drivers wherever they hold.
    flags["recently_funded"] &= stage == "onboarding"
    for code in ("high_churn_risk", "net_outflow", "inactive_missed_review"):
        flags[code] &= stage == "decline"
    flags["long_tenure_stable"] &= stage == "mature"
    flags["growing"] = stage == "growth"
    flags["long_quiet"] = np.nan_to_num(col["recency_days"], nan=0) >= th["long_quiet_days"]
    flags["login_drop"] = funded & (logins_drop >= th["login_drop_share"])
    flags["recent_complaint"] = col["complaints_90"] > 0
    flags["missed_review"] = missed_review & ~flags["inactive_missed_review"]
    values = {
        "recently_funded": funded_for, "high_churn_risk": col["churn_risk"],
        "net_outflow": outflow_share, "inactive_missed_review": login_gap,
        "long_tenure_stable": funded_for / 365.25, "long_quiet": col["recency_days"],
        "login_drop": logins_drop, "recent_complaint": col["complaints_90"],
    }
    # Each client's reasons as one code: texts are built once per distinct combination, which
    # keeps a million clients cheap.
    mask = np.zeros(n, dtype=np.int64)
    combined = np.zeros(n, dtype=np.int64)
    parts: list[tuple[np.ndarray, list[str]]] = []
    for bit, code in enumerate(REASONS):
        rows = np.flatnonzero(flags[code])
        which = np.zeros(n, dtype=np.int64)  # 0: reason absent, i + 1: its i-th text
        texts: list[str] = []
        if rows.size:
            mask[rows] |= 1 << bit
            template = rules["reasons"][code].get(language) or rules["reasons"][code]["en"]
            inverse, texts = _reason_text(template, values.get(code, np.zeros(n))[rows])
            which[rows] = inverse + 1
        parts.append((which, texts))
        combined = pd.factorize(combined * (len(texts) + 1) + which)[0].astype(np.int64)
    _, first = np.unique(combined, return_index=True)
    labels = np.full(first.size, "", dtype=object)
    for which, texts in parts:
        present = which[first] > 0
        if present.any():
            text = np.array(texts, dtype=object)[which[first][present] - 1]
            glue = np.where(labels[present] == "", "", "; ").astype(object)
            labels[present] = labels[present] + glue + text
    combos, inverse = np.unique(mask, return_inverse=True)
    codes = [",".join(c for b, c in enumerate(REASONS) if combo >> b & 1) for combo in combos]
    return pd.DataFrame({
        "stage": pd.Categorical.from_codes(stage_code, categories=list(STAGES)),
        "reason_codes": pd.Categorical.from_codes(inverse, categories=codes),
        "reasons": pd.Categorical.from_codes(combined, categories=list(labels)),
    }, index=frame.index)
