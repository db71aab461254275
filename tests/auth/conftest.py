"""The hardware-key tests run with the requirement on (the shared `settings` fixture turns it off for other parts)."""

from __future__ import annotations

import pytest

from hub.settings import Settings
from tests.auth.keyflow import require_keys


@pytest.fixture
def key_required(settings: Settings) -> Settings:
    require_keys(settings)
    return settings
