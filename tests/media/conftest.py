"""Shared pieces for media tests: one pre-encoded clip per session (encoding is the slow part)."""

from __future__ import annotations

import pytest

from hub.signaling.clip import Clip, encode_clip


@pytest.fixture(scope="session")
def clip() -> Clip:
    return encode_clip(640, 480, 30, seconds=1.0, keyframe_seconds=0.5)


@pytest.fixture(scope="session")
def small_clip() -> Clip:
    return encode_clip(320, 240, 30, seconds=2.0, keyframe_seconds=1.0)
