"""The staff console (placeholder until the review pages land)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/staff", tags=["staff"], include_in_schema=False)
