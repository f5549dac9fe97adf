"""Client data for staff: the lifecycle stage as scored, with its history, and the reasons of the
current score as they stand now (the client's activity since the scoring included)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, status
from pydantic import BaseModel

from bot.auth.dependencies import require_staff
from bot.dependencies import DB
from db.accounts import StaffUser
from db.clients import Client, score_history
from db.lifecycle_store import served_score

router = APIRouter(prefix="/api/v1/clients", tags=["clients"])


class StageScore(BaseModel):
    as_of: str
    stage: str
    churn_risk: float
    expected_value: float
    next_best_action: str | None
    reasons: str
    model_version: str


class ClientLifecycle(BaseModel):
    client_id: int
    name: str
    current: StageScore | None
    #: The reasons of ``current``'s stage worked out from the client's events up to now.
    reasons_now: str | None
    history: list[StageScore]


@router.get(
    "/{client_id}/lifecycle",
    summary="A client's lifecycle stage, churn risk and next-best action (staff only)",
    responses={401: {"description": "Staff sign-in required."}, 404: {"description": "No client."}},
)
def lifecycle(
    client_id: Annotated[int, Path(ge=1)], db: DB, _: Annotated[StaffUser, Depends(require_staff)]
) -> ClientLifecycle:
    client = db.get(Client, client_id)
    if client is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"client_id: no client {client_id}.")
    history = [StageScore(as_of=s.as_of.isoformat(), stage=s.stage, churn_risk=s.churn_risk,
                          expected_value=s.expected_value, next_best_action=s.next_best_action,
                          reasons=s.reasons, model_version=s.model_version)
               for s in score_history(db, client_id)]
    served = served_score(db, client_id)
    return ClientLifecycle(client_id=client.id, name=client.name,
                           current=history[-1] if history else None,
                           reasons_now=served.reasons if served is not None else None,
                           history=history)
