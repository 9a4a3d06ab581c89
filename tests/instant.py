"""The one instant the date-sensitive tests run at.

The clock is an input: builds get it as HUB_NOW, pollserver as its clock, Chromium through
Playwright's clock. `make test-dates` sets HUB_TEST_NOW to run the same tests at other instants
(today, either side of an offer's expiry, years ahead); by default it is a fixed instant so a
run never depends on the day it happens on.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

ENV = "HUB_TEST_NOW"
DEFAULT = "2026-11-23T12:00:00+00:00"


def test_now() -> datetime:
    """Return the instant under test (HUB_TEST_NOW, ISO 8601, UTC unless it says otherwise)."""
    moment = datetime.fromisoformat(os.environ.get(ENV) or DEFAULT)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


TEST_NOW = test_now()
