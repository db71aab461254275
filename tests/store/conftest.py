"""Fixtures for the evidence store: fresh keys and a store in the test's own folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.clock import FakeClock
from hub.store.keys import StoreKeys
from hub.store.store import EvidenceStore


@pytest.fixture
def keys() -> StoreKeys:
    return StoreKeys.generate()


@pytest.fixture
def store(tmp_path: Path, keys: StoreKeys, clock: FakeClock) -> EvidenceStore:
    return EvidenceStore(tmp_path / "store", keys, clock=clock)
