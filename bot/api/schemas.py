"""Request bodies of the engine's JSON API (the engine's own models are used as they are)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from engine.rebalancing import DEFAULT_THRESHOLD


class RebalanceRequest(BaseModel):
    """Current holdings and the target mix; amounts in the account currency, weights as fractions."""

    model_config = ConfigDict(extra="forbid")

    holdings: dict[str, float] = Field(description="Amount held per asset class, 0 or more.")
    targets: dict[str, float] = Field(description="Target weight per asset class, summing to 1.")
    contribution: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    threshold: float = Field(default=DEFAULT_THRESHOLD, gt=0, lt=1,
                             description="Drift that triggers sales.")
