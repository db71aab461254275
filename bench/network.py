"""Network benchmark (not a test): a two-party call through the seeded UDP impairment proxy, with the hub's repair
and feedback on, and off as the baseline in the same run.

    .venv/bin/python bench/network.py                 # 60 s per condition, as issue 16 asks (about 12 minutes)
    .venv/bin/python bench/network.py --seconds 15    # a short run

Party `a` publishes 640x480 30 fps VP8 (replayed, 1.2 Mbit/s) + Opus through the proxy (`tests/support/udp_proxy.py`,
every decision from one seed); party `b` publishes the same directly; each watches the other. Conditions: 5 % random
loss; 150 ms ± 30 ms delay; 2 % loss in bursts of 5; an outage of one party (30 s, or half the window when shorter);
an address change of one party (it offers again from a new address, as the protocol says a client does).
Figures per condition and mode: complete frames at each viewer (share of sent; frames assembled without a missing
packet: the viewers do not decode, to keep this machine's CPU for the hub), freezes (no new frame for > 200 ms):
count and total time, time to the first frame after the network came back. The audio/video skew at viewer b (a's
sound against a's picture, from the sender reports b receives: `tests/support/av_skew.py`) per condition as
`av_skew_ms_b`; `av_skew_ms` is the largest of loss5, delay150 and burst2 (positive: the audio would play late).
Not measured here: the recording's gap. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hub.media import MediaEngine, SlotLayout
from hub.signaling.client_media import ClientPeer
from hub.signaling.clip import Clip, encode_clip
from tests.support.av_skew import SkewMeter
from tests.support.udp_proxy import Impairment, UdpProxy

FREEZE_S = 0.2


async def offer(
    engine: MediaEngine, pid: str, clip: Clip, impairment: Impairment | None, seed: int
) -> tuple[ClientPeer, UdpProxy | None]:
    peer = ClientPeer(engine.layout.describe(publish=True), clip=clip, ice_addresses=["127.0.0.1"], decode=False)
    answer = await engine.room("call").connect(pid, await peer.offer(), publish=True)
    if impairment is None:
        await peer.accept(answer)
        return peer, None
    found = re.search(r"a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host", answer)
    assert found is not None
    proxy = UdpProxy(("127.0.0.1", int(found.group(1))), impairment, seed=seed)
    await proxy.start()
    await peer.accept(answer.replace(f" 127.0.0.1 {found.group(1)} typ host", f" 127.0.0.1 {proxy.client_port} typ host"))
    return peer, proxy


class Watch:
    """Samples a viewer's frame count every 10 ms: freezes and the first frame after a moment."""

    def __init__(self, get: Any) -> None:
        self.get = get
        self.samples: list[tuple[float, int]] = []
        self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        while True:
            self.samples.append((time.monotonic(), self.get()))
            await asyncio.sleep(0.01)

    def freezes(self, start: float, end: float) -> tuple[int, float]:
        count, total, last_change = 0, 0.0, start
        previous = None
        for at, frames in self.samples:
            if not start <= at <= end:
                continue
            if previous is not None and frames != previous:
                gap = at - last_change
                if gap > FREEZE_S:
                    count += 1
                    total += gap
                last_change = at
            previous = frames
        if end - last_change > FREEZE_S:
            count, total = count + 1, total + (end - last_change)
        return count, total

    def first_frame_after(self, moment: float) -> float | None:
        base = None
        for at, frames in self.samples:
            if at < moment:
                base = frames
                continue
            if base is not None and frames > base:
                return at - moment
        return None


async def condition(clip: Clip, name: str, seconds: float, repair: bool, seed: int) -> dict[str, Any]:
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1), repair=repair)
    outage = min(30.0, seconds / 2)
    impairment = {
        "loss5": Impairment(loss=0.05),
        "delay150": Impairment(delay=0.150, jitter=0.030),
        "burst2": Impairment(burst_loss=0.02 / 5, burst_length=5),
        "outage": Impairment(),
        "address_change": Impairment(),
    }[name]
    a, proxy = await offer(engine, "a", clip, impairment, seed)
    b, _ = await offer(engine, "b", clip, None, seed)
    peers = [a, b]
    proxies = [proxy]
    watch_b = Watch(lambda: b.stats["main"].frames)  # a's video, through the proxy
    skew_b = SkewMeter(b.pc)  # a's sound and picture at b, from the sender reports the hub forwards
    holder = {"a": a}
    watch_a = Watch(lambda: holder["a"].stats["main"].frames)  # b's video, to a through the proxy
    result: dict[str, Any] = {}
    try:
        deadline = time.monotonic() + 20
        while b.stats["main"].frames < 10 or a.stats["main"].frames < 10:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name}: the call did not start")
            await asyncio.sleep(0.1)
        start = time.monotonic()
        skew_b.reset()
        sent_a0, sent_b0 = a.tracks["camera"].sent, b.tracks["camera"].sent
        got_b0, got_a0 = b.stats["main"].frames, a.stats["main"].frames
        back_at = None
        if name == "outage":
            assert proxy is not None
            offset = time.monotonic() - proxy._started + seconds / 4
            impairment.outages.append((offset, offset + outage))
            back_at = start + seconds / 4 + outage
        await asyncio.sleep(seconds / 3 if name == "address_change" else seconds)
        if name == "address_change":
            # a's network changed: its packets come from elsewhere; the client offers again (a new connection).
            moved_at = time.monotonic()
            sent_a0 -= a.tracks["camera"].sent  # count what the old connection sent so far
            got_a0 -= a.stats["main"].frames
            await a.close()
            a, proxy2 = await offer(engine, "a", clip, Impairment(), seed + 1)
            holder["a"] = a
            peers.append(a)
            proxies.append(proxy2)
            await asyncio.sleep(seconds * 2 / 3)
            back_at = moved_at
        end = time.monotonic()
        sent_a = a.tracks["camera"].sent - sent_a0
        sent_b = b.tracks["camera"].sent - sent_b0
        got_b = b.stats["main"].frames - got_b0
        got_a = a.stats["main"].frames - got_a0
        freezes_b = watch_b.freezes(start, end)
        freezes_a = watch_a.freezes(start, end)
        result = {
            "frame_share_b_sees_a": round(got_b / sent_a, 3) if sent_a else None,
            "frame_share_a_sees_b": round(got_a / sent_b, 3) if sent_b else None,
            "freezes": freezes_a[0] + freezes_b[0],
            "freeze_s": round(freezes_a[1] + freezes_b[1], 2),
            "freeze_share": round((freezes_a[1] + freezes_b[1]) / (2 * (end - start)), 4),
            "seconds": round(end - start, 1),
        }
        skew = skew_b.skew_ms()
        result["av_skew_ms_b"] = round(skew, 1) if skew is not None else None
        if back_at is not None:
            recover = watch_b.first_frame_after(back_at)
            result["recover_s"] = round(recover, 2) if recover is not None else None
            if name == "outage":
                result["outage_s"] = outage
        result["proxy_dropped"] = sum(p.dropped for p in proxies if p is not None)
    finally:
        watch_a.task.cancel()
        watch_b.task.cancel()
        for p in proxies:
            if p is not None:
                p.close()
        for peer in peers:
            await peer.close()
        await engine.close()
    return result


async def run(args: argparse.Namespace) -> dict[str, Any]:
    load_start = os.getloadavg()[0]
    clip = await asyncio.to_thread(encode_clip, 640, 480, 30, 4.0, bitrate=1_200_000, keyframe_seconds=2.0)
    results: dict[str, Any] = {"seconds_per_condition": args.seconds}
    for name in args.conditions.split(","):
        for mode, repair in (("hub", True), ("baseline", False)):
            figures = await condition(clip, name, args.seconds, repair, args.seed)
            results.setdefault(name, {})[mode] = figures
            print(f"{name} {mode}: {figures}", flush=True)
    loss5 = results.get("loss5", {}).get("hub", {})
    recover = [results[n]["hub"].get("recover_s") for n in ("outage", "address_change") if n in results]
    results["loss5_frame_share"] = (
        min(loss5.get("frame_share_b_sees_a") or 0, loss5.get("frame_share_a_sees_b") or 0) if loss5 else None
    )
    results["loss5_freeze_share"] = loss5.get("freeze_share")
    results["recover_max_s"] = max((r for r in recover if r is not None), default=None)
    # Lip sync where the network only degrades (the outage and the address change restart the streams).
    skews = [results[n]["hub"].get("av_skew_ms_b") for n in ("loss5", "delay150", "burst2") if n in results]
    skews = [s for s in skews if s is not None]
    results["av_skew_ms"] = max(skews, key=abs) if skews else None
    results["machine"] = {
        "cores": os.cpu_count(),
        "loadavg_start": round(load_start, 2),
        "loadavg_end": round(os.getloadavg()[0], 2),
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help="measured seconds per condition and mode")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--conditions", default="loss5,delay150,burst2,outage,address_change")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args)), ensure_ascii=False))


if __name__ == "__main__":
    main()
