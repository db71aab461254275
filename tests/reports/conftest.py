"""Fixtures of the reports tests: the case-tracking kit and signed-in browsers of the demo staff."""

from __future__ import annotations

from tests.cases.conftest import Kit, kit  # noqa: F401  (the fixture, shared)

__all__ = ["Kit"]
