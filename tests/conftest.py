"""Settings shared by every test."""

from __future__ import annotations

import os

from hypothesis import settings

# In CI (CI=true) property tests draw the same examples every run, so a result there can be
# reproduced exactly; locally they keep exploring new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
