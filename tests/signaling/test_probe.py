"""`hub probe ROOM`: join with a token, publish a synthetic clip, report what flowed each way."""

from __future__ import annotations

import pytest

from hub.rooms.participants import ParticipantRole
from hub.signaling.client import print_probe, probe
from hub.signaling.clip import Clip
from tests.signaling.conftest import ORIGIN, Hub


async def test_probe_sees_media_both_ways(hub: Hub, clip: Clip, capsys: pytest.CaptureFixture[str]) -> None:
    host = await hub.client("r1", "host", ParticipantRole.HOST, clip=clip)
    await host.start_media()
    result = await probe(hub.url, hub.token("r1", "probe", ParticipantRole.CLERK), "r1", seconds=2.0, origin=ORIGIN)
    assert result.joined and result.upstream and result.downstream
    assert result.received["main"][2:] == (640, 480)
    assert print_probe(result) == 0
    out = capsys.readouterr().out
    assert "upstream OK" in out and "downstream OK" in out
    assert host.peer is not None and host.peer.stats["main"].decoded > 0  # the host saw the probe too


async def test_probe_alone_or_refused(hub: Hub, capsys: pytest.CaptureFixture[str]) -> None:
    alone = await probe(hub.url, hub.token("r1", "probe", ParticipantRole.CLERK), "r1", seconds=2.5, origin=ORIGIN)
    assert alone.joined and alone.upstream and not alone.downstream
    assert print_probe(alone) == 1
    refused = await probe(hub.url, hub.token("r2", "probe", ParticipantRole.CLERK), "r1", seconds=1.0, origin=ORIGIN)
    assert not refused.joined and "wrong_room" in refused.detail
    assert print_probe(refused) == 2
