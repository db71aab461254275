"""Network benchmark (not a test): a two-party call through the seeded UDP impairment proxy, with the hub's repair
and feedback on, and off as the baseline in the same run.

    .venv/bin/python bench/network.py                 # 60 s per condition, as issue 16 asks (about 12 minutes)
    .venv/bin/python bench/network.py --seconds 15    # a short run
    .venv/bin/python bench/network.py --viewer-nack-retry   # viewers that ask again for what is missing, as browsers do
    .venv/bin/python bench/network.py --conditions loss5 --modes hub --trace   # where the freeze time comes from
    .venv/bin/python bench/network.py --conditions loss5 --no-poll    # without polling lossy viewers (--rtx-once: no
                                                                      # second copy of a retransmission)
    .venv/bin/python bench/network.py --conditions address_change --address-change new   # a new connection at once

Party `a` publishes 640x480 30 fps VP8 (replayed, 1.2 Mbit/s) + Opus through the proxy (`tests/support/udp_proxy.py`,
every decision from one seed); party `b` publishes the same directly; each watches the other. Conditions: 5 % random
loss; 150 ms ± 30 ms delay; 2 % loss in bursts of 5; an outage of one party (30 s, or half the window when shorter);
an address change of one party (its old path is cut and it restarts ICE on the same connection from a new address,
as the call page does: docs/protocol.md, "Reconnecting"; when the hub refuses the restart or the new path does not
connect within 8 s, it falls back to a new connection; `restart` says which path the run took, `--address-change new`
measures the new connection alone).
Figures per condition and mode: complete frames at each viewer (share of sent; frames assembled without a missing
packet: the viewers do not decode, to keep this machine's CPU for the hub), freezes (no new frame for > 200 ms):
count and total time, time to the first frame after the network came back (after the address change: to the end of
the freeze at b the cut caused, `recover_s`; `restart_s` / `restart_hub_s`: until the client / the hub moved onto the
new pair). The audio/video skew at viewer b (a's sound against a's picture, from the sender reports b receives:
`tests/support/av_skew.py`) per condition as `av_skew_ms_b`; `av_skew_ms` is the largest of loss5, delay150 and
burst2 (positive: the audio would play late).
The call is recorded (the hub's recorder into a throw-away evidence store): per condition the recorder's logged gaps
for party a (`recording_gaps_s`, absences of 2 s or more, beside `outage_s`), the longest stretch without a's video in
the file around the event (`recording_hole_s`), the segments, and how many recorded video frames PyAV cannot decode
(`recording_undecodable_frames`, 0 expected). At 5 % loss, `repair_cost_at_a` says what the downlink repair towards a
costs: bytes resent against payload bytes sent, polls, and NACKs a sent (with an upper bound of their bytes). With
`--trace`, `trace_at_a` follows each packet a lost and each freeze at a to its cause (`bench/repair_trace.py`), and
times each keyframe wanted at the hub to its PLI and to the keyframe's arrival at a. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import av
from aiortc import RTCSessionDescription
from aiortc import sdp as aiortc_sdp

from bench.repair_trace import RepairTrace
from hub.media import MediaEngine, SlotLayout, packets
from hub.media.ice import restrict_host_addresses
from hub.media.ice_restart import RestartError, make_restartable, prepare_restart, restartable
from hub.media.peer import RestartFailed
from hub.rooms.recording.recorder import Person, Recorder
from hub.signaling.client_media import ClientPeer
from hub.signaling.clip import Clip, encode_clip
from hub.store.keys import StoreKeys
from hub.store.manifest import Labels
from hub.store.store import EvidenceStore
from tests.rooms.recording.support import MemoryLog, plaintext
from tests.support.av_skew import SkewMeter
from tests.support.udp_proxy import Impairment, UdpProxy, route_through

FREEZE_S = 0.2


def party(participant: str) -> Person:
    return Person(participant, "party")


VIEWER_NACK_RETRY = {"on": False}  # --viewer-nack-retry: the viewers ask again for what is missing, as browsers do
TRACE = {"on": False}  # --trace: where the freeze time at viewer a comes from (bench/repair_trace.py)
ADDRESS_CHANGE = {"restart": True}  # --address-change new: a new connection at once, without trying an ICE restart
RESTART_WAIT_S = 8.0  # as the call page (web/static/js/room/call.js, RESTART_WAIT_MS), then a new connection


async def offer(
    engine: MediaEngine,
    pid: str,
    clip: Clip,
    impairment: Impairment | None,
    seed: int,
    started: float | None = None,
    restartable: bool = False,
) -> tuple[ClientPeer, UdpProxy | None]:
    peer = ClientPeer(
        engine.layout.describe(publish=True),
        clip=clip,
        ice_addresses=["127.0.0.1"],
        decode=False,
        nack_retry=VIEWER_NACK_RETRY["on"],
    )
    if restartable:  # its ICE can be restarted (hub/media/ice_restart.py), as a browser's can
        restrict_host_addresses(peer.pc, ["127.0.0.1"])
        make_restartable(peer.pc)
    if impairment is None:
        await peer.accept(await engine.room("call").connect(pid, await peer.offer(), publish=True))
        return peer, None
    # Both ends' candidates name the proxy, so no pair can bypass it (tests/support/udp_proxy.py: route_through).
    proxy = UdpProxy(("127.0.0.1", 0), impairment, seed=seed)
    await proxy.start()
    if started is not None:
        proxy._started = started  # a reconnect through the same network: its outages stay where they were
    offer_sdp, _ = route_through(await peer.offer(), proxy.server_port)
    answer, port = route_through(await engine.room("call").connect(pid, offer_sdp, publish=True), proxy.client_port)
    proxy.server = ("127.0.0.1", port)
    await peer.accept(answer)
    return peer, proxy


async def restart_ice(engine: MediaEngine, pid: str, peer: ClientPeer, proxy: UdpProxy) -> str | None:
    """Restart `peer`'s ICE on the same connection through `proxy` (its new address), as the call page does: an
    `offer` with `restart: true` (here the hub's `peer.restart`, which the signaling calls), then the client's checks.
    None once the client has nominated a pair on the new path; else why the restart failed (refused by the hub, or not
    connected within RESTART_WAIT_S)."""
    try:
        client_ice = await prepare_restart(peer.pc)
        await peer.pc.setLocalDescription(await peer.pc.createOffer())
        offer_sdp, _ = route_through(peer.pc.localDescription.sdp, proxy.server_port)
        answer = await engine.room("call").peers[pid].restart(offer_sdp)
        routed, port = route_through(answer, proxy.client_port)
        proxy.server = ("127.0.0.1", port)
        await peer.pc.setRemoteDescription(RTCSessionDescription(sdp=routed, type="answer"))
        ice = aiortc_sdp.SessionDescription.parse(answer).media[0].ice
        if ice is None or not ice.usernameFragment or not ice.password:
            return "the restart answer has no ICE credentials"
        await asyncio.wait_for(client_ice.start(ice.usernameFragment, ice.password), RESTART_WAIT_S)
    except (RestartFailed, RestartError) as exc:
        return f"{type(exc).__name__}: {exc}"
    except TimeoutError:
        return f"not connected within {RESTART_WAIT_S:g} s"
    return None


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
        spans = self.freeze_spans(start, end)
        return len(spans), sum(b - a for a, b in spans)

    def freeze_spans(self, start: float, end: float) -> list[tuple[float, float]]:
        spans, last_change = [], start
        previous = None
        for at, frames in self.samples:
            if not start <= at <= end:
                continue
            if previous is not None and frames != previous:
                if at - last_change > FREEZE_S:
                    spans.append((last_change, at))
                last_change = at
            previous = frames
        if end - last_change > FREEZE_S:
            spans.append((last_change, end))
        return spans

    def recovered_after(self, moment: float, end: float) -> float | None:
        """Seconds from `moment` (the path was cut) to the end of the freeze the cut caused (one that overlaps it or
        begins within 1 s after): frames already on their way when the path was cut arrive a few ms later and are not
        a recovery. None if the freeze lasted to `end`; the first frame after `moment` if the cut froze nothing."""
        for began, ended in self.freeze_spans(moment - 1.0, end):
            if ended > moment and began < moment + 1.0:
                return None if ended >= end else ended - moment
        return self.first_frame_after(moment)

    def first_frame_after(self, moment: float) -> float | None:
        base = None
        for at, frames in self.samples:
            if at < moment:
                base = frames
                continue
            if base is not None and frames > base:
                return at - moment
        return None


def recording_figures(log: MemoryLog, participant: str, window: tuple[float, float] | None) -> dict[str, Any]:
    """The recorder's gaps for `participant` (seconds; those that overlap `window`, unix times, when given)."""
    gaps = []
    for who, started, ended, cause in log.gaps.values():
        if who != participant or ended is None:
            continue
        start, end = started.timestamp(), ended.timestamp()
        if window is None or (start < window[1] + 5 and end > window[0] - 5):
            gaps.append((round(end - start, 2), str(cause.value if hasattr(cause, "value") else cause)))
    return {"recording_gaps_s": [g for g, _ in gaps], "recording_gap_s": round(sum(g for g, _ in gaps), 2)}


async def check_recording(store: EvidenceStore, log: MemoryLog, participant: str) -> tuple[int, list[float]]:
    """(video frames PyAV cannot decode, each segment from its start; unix times of `participant`'s video frames)."""
    bad = 0
    times: list[float] = []
    for segment in log.segments:
        if not segment.duration_ms:
            continue
        data = await plaintext(store, segment.opened.file_id)
        zero = segment.started_at.timestamp()
        mine = [t["track"] for t in segment.tracks if t["participant"] == participant and t["kind"] == "video"]

        def check(data: bytes = data, zero: float = zero, mine: list[int] = mine) -> int:
            errors = 0
            with av.open(io.BytesIO(data)) as container:
                for stream in [s for s in container.streams if s.type == "video"]:
                    with av.open(io.BytesIO(data)) as reader:
                        video = reader.streams[stream.index]
                        for packet in reader.demux(video):
                            if not packet.size:
                                continue
                            if stream.index in mine and packet.pts is not None:
                                times.append(zero + float(packet.pts * packet.time_base))
                            try:
                                video.codec_context.decode(packet)
                            except av.error.InvalidDataError:
                                errors += 1
            return errors

        bad += await asyncio.to_thread(check)
    return bad, sorted(times)


def largest_hole(times: list[float], window: tuple[float, float] | None) -> float | None:
    """The longest stretch without a frame that overlaps `window` (± 5 s), in seconds."""
    if window is None or len(times) < 2:
        return None
    holes = [b - a for a, b in itertools.pairwise(times) if a < window[1] + 5 and b > window[0] - 5]
    return round(max(holes), 2) if holes else None


async def condition(clip: Clip, name: str, seconds: float, repair: bool, seed: int) -> dict[str, Any]:
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1), repair=repair)
    folder = tempfile.TemporaryDirectory(prefix="bench-network-")
    store = EvidenceStore(Path(folder.name), StoreKeys.generate())
    log = MemoryLog()
    recorder = Recorder(engine.room("call"), store, log, Labels(case_id=1, room_id=1, room_session_id=1), party)
    gap_window: tuple[float, float] | None = None
    outage = min(30.0, seconds / 2)
    impairment = {
        "loss5": Impairment(loss=0.05),
        "delay150": Impairment(delay=0.150, jitter=0.030),
        "burst2": Impairment(burst_loss=0.02 / 5, burst_length=5),
        "outage": Impairment(),
        "address_change": Impairment(),
    }[name]
    a, proxy = await offer(engine, "a", clip, impairment, seed, restartable=name == "address_change")
    b, _ = await offer(engine, "b", clip, None, seed)
    peers = [a, b]
    proxies = [proxy]
    watch_b = Watch(lambda: b.stats["main"].frames)  # a's video, through the proxy
    skew_b = SkewMeter(b.pc)  # a's sound and picture at b, from the sender reports the hub forwards
    holder = {"a": a}
    watch_a = Watch(lambda: holder["a"].stats["main"].frames)  # b's video, to a through the proxy
    result: dict[str, Any] = {}
    trace = RepairTrace() if TRACE["on"] else None
    if trace is not None:  # b's video to a, whose whole connection crosses the proxy
        trace.hook_viewer(a.transceivers["main"].receiver)
        hub_a = engine.room("call").peers["a"].packets
        if hub_a is not None:
            trace.hook_leg(hub_a.legs["main"])
        hub_b = engine.room("call").peers["b"]
        trace.hook_requester(hub_b.streams["video"].requester)
    try:
        deadline = time.monotonic() + 20
        while b.stats["main"].frames < 10 or a.stats["main"].frames < 10:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name}: the call did not start")
            await asyncio.sleep(0.1)
        recorder.start()  # a recorded call, as interviews are
        await asyncio.sleep(1.0)
        start = time.monotonic()
        skew_b.reset()
        sent_a0, sent_b0 = a.tracks["camera"].sent, b.tracks["camera"].sent
        got_b0, got_a0 = b.stats["main"].frames, a.stats["main"].frames
        back_at = None
        outage_reconnects = 0
        if name == "outage":
            assert proxy is not None
            offset = time.monotonic() - proxy._started + seconds / 4
            impairment.outages.append((offset, offset + outage))
            back_at = start + seconds / 4 + outage
            gap_window = (time.time() + seconds / 4, time.time() + seconds / 4 + outage)
        if name == "outage":
            # 30 s without a single datagram ends ICE consent (RFC 7675): the client offers again when its connection
            # failed, as the call page does (web/static/js/room/call.js), through the same (impaired) network.
            reconnects = 0
            while time.monotonic() < start + seconds:
                await asyncio.sleep(0.1)
                if holder["a"].pc.connectionState in ("failed", "closed"):
                    reconnects += 1
                    sent_a0 -= a.tracks["camera"].sent
                    got_a0 -= a.stats["main"].frames
                    await a.close()
                    assert proxy is not None
                    a, proxy2 = await offer(engine, "a", clip, impairment, seed + 1 + reconnects, started=proxy._started)
                    holder["a"] = a
                    peers.append(a)
                    proxies.append(proxy2)
            outage_reconnects = reconnects
        else:
            await asyncio.sleep(seconds / 3 if name == "address_change" else seconds)
        if name == "address_change":
            # a's network changed: the old path is gone (nothing passes either way) and its packets come from
            # elsewhere. As the call page does, a restarts ICE on the same connection from the new address; when the
            # hub refuses or the new path does not connect in time, it offers a new connection instead. (The page
            # notices the change after 2 s of ICE `disconnected`; here a acts at once, so the figures are the
            # recovery itself, as they were for the new connection before.)
            moved_at = time.monotonic()
            gap_window = (time.time(), time.time())
            assert proxy is not None
            proxy.close()
            restart_error: str | None = "not tried (--address-change new)"
            if ADDRESS_CHANGE["restart"]:
                moved = UdpProxy(("127.0.0.1", 0), Impairment(), seed=seed + 1)
                await moved.start()
                proxies.append(moved)
                restart_error = await restart_ice(engine, "a", a, moved)
                result["restart_s"] = round(time.monotonic() - moved_at, 2)  # to the client's nominated pair
                if restart_error is None:  # and to the hub's (it moves its sends to the new pair then)
                    server_ice = restartable(engine.room("call").peers["a"].pc)
                    for _ in range(int(RESTART_WAIT_S * 100)):  # polled every 10 ms
                        if server_ice.generation >= 1:
                            break
                        await asyncio.sleep(0.01)
                    if server_ice.generation >= 1:
                        result["restart_hub_s"] = round(time.monotonic() - moved_at, 2)
            result["restart"] = restart_error is None
            if restart_error is not None:
                if ADDRESS_CHANGE["restart"]:
                    result["restart_error"] = restart_error
                sent_a0 -= a.tracks["camera"].sent  # count what the old connection sent so far
                got_a0 -= a.stats["main"].frames
                await a.close()
                a, proxy2 = await offer(engine, "a", clip, Impairment(), seed + 2)
                holder["a"] = a
                peers.append(a)
                proxies.append(proxy2)
            await asyncio.sleep(max(0.0, moved_at + seconds * 2 / 3 - time.monotonic()))
            back_at = moved_at
        end = time.monotonic()
        sent_a = a.tracks["camera"].sent - sent_a0
        sent_b = b.tracks["camera"].sent - sent_b0
        got_b = b.stats["main"].frames - got_b0
        got_a = a.stats["main"].frames - got_a0
        freezes_b = watch_b.freezes(start, end)
        freezes_a = watch_a.freezes(start, end)
        result |= {
            "frame_share_b_sees_a": round(got_b / sent_a, 3) if sent_a else None,
            "frame_share_a_sees_b": round(got_a / sent_b, 3) if sent_b else None,
            "freezes": freezes_a[0] + freezes_b[0],
            "freeze_s": round(freezes_a[1] + freezes_b[1], 2),
            "freeze_s_at_a": round(freezes_a[1], 2),  # b's video to a, whose whole connection crosses the proxy
            "freeze_s_at_b": round(freezes_b[1], 2),  # a's video to b: lossy upstream only
            "freeze_share": round((freezes_a[1] + freezes_b[1]) / (2 * (end - start)), 4),
            "seconds": round(end - start, 1),
        }
        hub_a = engine.room("call").peers["a"].packets
        leg_a = hub_a.legs.get("main") if hub_a is not None else None
        if leg_a is not None and name == "loss5":
            # What repair costs towards a (its last connection): bytes resent against bytes sent, NACKs asked of a.
            # A NACK message as a sends it, at most: RTCP header 12, 4 per listed sequence number (an upper bound:
            # aiortc packs up to 17 neighbours into one 4-byte PID+BLP), SRTCP index and tag 14, UDP/IPv4 28.
            nack_bytes = leg_a.nacks_in * (12 + 14 + 28) + 4 * leg_a.nacked
            result["repair_cost_at_a"] = {
                "payload_bytes": leg_a.octets,
                "rtx_bytes": leg_a.rtx_octets,
                "rtx_share": round(leg_a.rtx_octets / leg_a.octets, 4) if leg_a.octets else None,
                "rtx_packets": leg_a.retransmitted,
                "second_copies": leg_a.twice,
                "polls": leg_a.polls,
                "viewer_nacks": leg_a.nacks_in,
                "viewer_nack_bytes_est": nack_bytes,
                "viewer_nack_share": round(nack_bytes / leg_a.octets, 4) if leg_a.octets else None,
            }
        if trace is not None:
            result["trace_at_a"] = trace.summary(watch_a.freeze_spans(start, end), start, end, watch_a.samples)
        skew = skew_b.skew_ms()
        result["av_skew_ms_b"] = round(skew, 1) if skew is not None else None
        if back_at is not None:
            recover = watch_b.first_frame_after(back_at) if name == "outage" else watch_b.recovered_after(back_at, end)
            result["recover_s"] = round(recover, 2) if recover is not None else None
            if name == "outage":
                result["outage_s"] = outage
                result["reconnects"] = outage_reconnects  # offers again after the connection failed
        result["proxy_dropped"] = sum(p.dropped for p in proxies if p is not None)
        await recorder.stop("ended")
        # The recording: a's gaps (the party behind the proxy) against what happened to its network.
        result.update(recording_figures(log, "a", gap_window))
        result["recording_segments"] = len(log.segments)
        bad, times = await check_recording(store, log, "a")
        result["recording_undecodable_frames"] = bad
        # What the file shows: a's longest stretch without video around the event (the logged gaps above are the
        # absences the recorder wrote down: only those of `drop_after` = 2 s or more).
        result["recording_hole_s"] = largest_hole(times, gap_window)
    finally:
        if not recorder._stopping:
            await recorder.stop("ended")
        watch_a.task.cancel()
        watch_b.task.cancel()
        for p in proxies:
            if p is not None:
                p.close()
        for peer in peers:
            await peer.close()
        await engine.close()
        folder.cleanup()
    return result


async def run(args: argparse.Namespace) -> dict[str, Any]:
    load_start = os.getloadavg()[0]
    clip = await asyncio.to_thread(encode_clip, 640, 480, 30, 4.0, bitrate=1_200_000, keyframe_seconds=2.0)
    VIEWER_NACK_RETRY["on"] = args.viewer_nack_retry
    TRACE["on"] = args.trace
    ADDRESS_CHANGE["restart"] = args.address_change == "restart"
    # Variants of the hub's downlink repair, to weigh what each part buys against what it costs (same run, same load).
    if args.no_poll:
        packets.POLL_LOSS = 2.0  # never: the viewer's NACKs are not polled
    if args.rtx_once:
        packets.RTX_TWICE_LOSS = 2.0  # never a second copy of a retransmission
    results: dict[str, Any] = {"seconds_per_condition": args.seconds, "viewer_nack_retry": args.viewer_nack_retry}
    results["no_poll"], results["rtx_once"] = args.no_poll, args.rtx_once
    results["address_change_mode"] = args.address_change
    for name in args.conditions.split(","):
        for mode, repair in [m for m in (("hub", True), ("baseline", False)) if m[0] in args.modes.split(",")]:
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
    outage = results.get("outage", {}).get("hub", {})
    results["outage_s"] = outage.get("outage_s")
    results["outage_recording_gap_s"] = outage.get("recording_gap_s")  # the gap the recorder wrote down
    results["outage_recording_hole_s"] = outage.get("recording_hole_s")  # the stretch without a's video in the file
    change = results.get("address_change", {}).get("hub", {})
    results["address_change_recording_hole_s"] = change.get("recording_hole_s")
    results["address_change_restart"] = change.get("restart")  # ICE restart on the same connection (else a new one)
    runs = [r for c in results.values() if isinstance(c, dict) for r in c.values() if isinstance(r, dict)]
    results["recording_undecodable_frames"] = sum(r.get("recording_undecodable_frames") or 0 for r in runs)
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
    parser.add_argument("--modes", default="hub,baseline", help="hub (repair on), baseline (off), or both")
    parser.add_argument(
        "--viewer-nack-retry",
        action="store_true",
        help="viewers ask again every 50 ms for video packets still missing, as browsers do (aiortc asks once)",
    )
    parser.add_argument("--no-poll", action="store_true", help="the hub does not poll lossy viewers for their NACKs")
    parser.add_argument("--rtx-once", action="store_true", help="the hub sends each retransmission once")
    parser.add_argument("--trace", action="store_true", help="trace the repair of b's video to a (bench/repair_trace.py)")
    parser.add_argument("--conditions", default="loss5,delay150,burst2,outage,address_change")
    parser.add_argument(
        "--address-change",
        choices=("restart", "new"),
        default="restart",
        help="restart ICE on the same connection, falling back to a new one (as the page does), or a new one at once",
    )
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args)), ensure_ascii=False))


if __name__ == "__main__":
    main()
