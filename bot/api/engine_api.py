"""The engine's JSON API: risk questions, allocation and rebalancing, in the deployment's market
(``MARKET``): with ``cn`` an allocation is the China market's, with its ``suitability``, and the
rebalancing knows the market's asset classes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status

import engine
from bot.api.schemas import RebalanceRequest
from bot.dependencies import AppSettings, require_json
from engine.assumptions import load_assumptions
from engine.profile import InvestorProfile
from engine.questionnaire import questions
from engine.rebalancing import RebalancePlan, rebalance

router = APIRouter(prefix="/api/v1", tags=["engine"])


@router.get("/questions", summary="The risk questions with their options")
def risk_questions(
    language: Annotated[str, Query(pattern=r"^[a-z]{2}$", description="ISO 639-1 code")] = "en",
) -> list[dict[str, Any]]:
    return questions(language)


@router.post(
    "/allocation",
    summary="Recommend a strategic asset allocation for an investor profile",
    dependencies=[Depends(require_json)],
)
def allocation(profile: InvestorProfile, settings: AppSettings) -> dict[str, Any]:
    try:
        recommendation = engine.recommend(profile, market=settings.market)
    except ValueError as exc:  # the engine names the field in its message
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    return recommendation.model_dump(mode="json")


@router.post(
    "/rebalance",
    summary="Trades that bring holdings back to the target mix, new money first",
    dependencies=[Depends(require_json)],
)
def rebalance_plan(request: RebalanceRequest, settings: AppSettings) -> RebalancePlan:
    try:
        return rebalance(
            request.holdings,
            request.targets,
            contribution=request.contribution,
            threshold=request.threshold,
            asset_classes=load_assumptions(market=settings.market).labels,
        )
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
