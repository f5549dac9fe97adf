"""The database session dependency: one SQLAlchemy session per request, committed at the end."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from db.session import transaction


def get_db(request: Request) -> Iterator[Session]:
    with transaction(request.app.state.sessionmaker) as session:
        yield session
