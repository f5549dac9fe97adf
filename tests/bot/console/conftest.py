"""A reviewer signed in to the staff console, on the database the requesting module chooses."""

from __future__ import annotations

import pytest
from staff_session import sign_in


@pytest.fixture
def staff(make_client):
    client = make_client()
    assert sign_in(client).status_code == 303
    return client
