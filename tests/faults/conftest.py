"""Fixtures of the fault tests: a hub in a process of its own, on a database and a store the test controls."""

from __future__ import annotations

from tests.cases.conftest import kit  # noqa: F401  (the stale-write race registers clues through it)
