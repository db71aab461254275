"""Lip sync measured at the viewer: the sender reports the hub forwards put a publisher's sound and picture on one
timeline (skew ≤ 40 ms, the issue's target), measured from what the viewer receives (tests/support/av_skew.py)."""

from __future__ import annotations

import asyncio

import pytest

from hub.media import MediaEngine, SlotLayout
from hub.signaling.clip import Clip
from tests.media.test_forwarding import connect, wait_for
from tests.support.av_skew import SkewMeter

pytestmark = pytest.mark.asyncio


async def test_audio_and_video_stay_together_at_the_viewer(clip: Clip) -> None:
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1))
    a = await connect(engine, "r1", "a", clip, decode=False)
    b = await connect(engine, "r1", "b", None, decode=False)
    meter = SkewMeter(b.pc)
    try:
        await wait_for(lambda: meter.reports["audio"] >= 1 and meter.reports["video"] >= 1, limit=20)
        meter.reset()
        await asyncio.sleep(4)
        skew = meter.skew_ms()
        print(f"audio/video skew at the viewer: {skew} ms; reports {meter.reports}")
        assert skew is not None  # both streams arrived with reports
        assert abs(skew) <= 40
    finally:
        await a.close()
        await b.close()
        await engine.close()
