"""Media benchmark (not a test): the forwarding engine against aiortc's stock MediaRelay, then capacity.

    .venv/bin/python bench/media.py                     # full run, about 5-8 minutes
    .venv/bin/python bench/media.py --window 4 --max-rooms 4   # a quick run

The hub's signaling and media (`hub.signaling.setup.setup()` on a bare aiohttp app) run in their own process
(`--serve`, started by this script); this process is the load generator. Publishers replay a clip encoded
once before the run (640x480 30 fps VP8 at 1.2 Mbit/s, keyframe every 2 s, plus 20 ms Opus frames), so no
encoding happens during measurement and the server's cost dominates. Viewers count assembled frames without
decoding, except one per scenario that decodes to read the frame index drawn into each picture: publisher
send → viewer decoded latency, the same method whether the server forwards or re-encodes.

Modes: forward (RTP packets rewritten per viewer: the default), frames (the fallback: assembled frames
packetised again per viewer), relay (aiortc's MediaRelay, the baseline). Figures, for each mode:
  cpu_1x1   server CPU (% of one core) with 1 publisher (audio+video) and 1 viewer
  cpu_1x3   the same with 3 viewers; per viewer = (cpu_1x3 - cpu_1x1) / 2; per published stream = cpu_1x1 - per viewer
  delivered video frames received / frames sent, lowest over all viewers
  latency   p50 / p95 in ms, send → decoded at the viewer
  us_per_packet  server CPU per RTP packet sent to viewers (forward mode), and per packet handled (in + out)
Capacity: two-party rooms (each side publishes and views the other) added step by step until a viewer
gets < 97 % of the frames; the generator's own CPU is reported, since on 2 cores it competes with the server.
All traffic stays on 127.0.0.1. The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from av.video.frame import VideoFrame

from hub.rooms.participants import ParticipantRole
from hub.rooms.tokens import issue_token
from hub.signaling.client import HubClient
from hub.signaling.clip import Clip, encode_clip, read_index

ORIGIN = "http://bench.local"
SECRET = "bench-secret"  # noqa: S105 - signs tokens for a throwaway server on 127.0.0.1
TICKS = os.sysconf("SC_CLK_TCK")


# ---- the server process ------------------------------------------------------------------------


async def serve(port: int, baseline: bool, forwarding: str) -> None:
    from aiohttp import web

    from hub.media import SlotLayout
    from hub.signaling.setup import setup

    app = web.Application()
    service = setup(
        app,
        secret=SECRET,
        allowed_origin=ORIGIN,
        ice_addresses=["127.0.0.1"],
        ice_servers=[],
        baseline_relay=baseline,
        forwarding=forwarding,
        layout=SlotLayout(thumbnails=0, audio=1),
    )
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("READY", flush=True)
    # What the server itself saw, so a loss can be placed: before the server, in it, or after it. The peers are gone by
    # the time the server stops (the generator closed them), so each object's counters are sampled while it lives and
    # its last sample is summed (before, the sum was taken at the stop only and came out all 0).
    seen: dict[int, tuple[object, dict[str, int]]] = {}

    def sample() -> None:
        for room in service.media.rooms.values():
            for peer in room.peers.values():
                if peer.packets is not None:
                    for source in peer.packets.sources.values():
                        seen[id(source)] = (source, {"packets_in": source.packets_in, "repaired_upstream": source.repaired})
                    for leg in peer.packets.legs.values():
                        seen[id(leg)] = (leg, {"packets_out": leg.packets, "retransmitted": leg.retransmitted})
                for stream in peer.streams.values():
                    seen[id(stream)] = (
                        stream,
                        {
                            "keyframe_requests": stream.requester.sent,
                            "frames_in": stream.frames_in,
                            "frames_dropped_waiting_keyframe": stream.frames_dropped,
                        },
                    )
                for track in peer.forwarded.values():
                    seen[id(track)] = (track, {"frames_out": track.frames_out, "frames_skipped": track.frames_skipped})

    async def sampler() -> None:
        while True:
            await asyncio.sleep(0.5)
            sample()

    sampling = asyncio.ensure_future(sampler())
    await stop.wait()
    sampling.cancel()
    sample()
    counters = dict.fromkeys(
        (
            "frames_in",
            "frames_dropped_waiting_keyframe",
            "frames_out",
            "frames_skipped",
            "packets_in",
            "packets_out",
            "retransmitted",
            "repaired_upstream",
            "keyframe_requests",
        ),
        0,
    )
    for _, values in seen.values():
        for key, value in values.items():
            counters[key] += value
    print(json.dumps(counters), flush=True)
    await runner.cleanup()


def cpu_seconds(pid: int | str = "self") -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime, all threads


class Server:
    def __init__(self, port: int, baseline: bool, forwarding: str = "packets") -> None:
        args = [sys.executable, __file__, "--serve", "--port", str(port), "--forwarding", forwarding]
        args += ["--baseline"] if baseline else []
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if line.strip() != "READY":
            raise RuntimeError(f"bench server did not start: {line!r}")
        self.url = f"ws://127.0.0.1:{port}/ws"

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def stop(self) -> dict[str, int]:
        """Stop the server; returns its frame counters (forwarding mode)."""
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.stdout is not None
        try:
            line = self.proc.stdout.readline()
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return {}
        return json.loads(line) if line.startswith("{") else {}


# ---- the load generator ------------------------------------------------------------------------


@dataclass
class Sent:
    """Send times of a publisher's frames by clip index (the replayed frames are the clip's own objects)."""

    index_of: dict[int, int]
    at: dict[int, float] = field(default_factory=dict)

    def __call__(self, data: bytes, when: float) -> None:
        index = self.index_of.get(id(data))
        if index is not None:
            self.at[index] = when


@dataclass
class Party:
    client: HubClient
    sent: Sent | None = None  # publishers
    watches: Party | None = None  # viewers: whose video is on their main slot

    def sent_frames(self) -> int:
        peer = self.client.peer
        return peer.tracks["camera"].sent if peer else 0

    def received_frames(self) -> int:
        peer = self.client.peer
        return peer.stats["main"].frames if peer else 0


async def packets(client: HubClient, direction: str) -> int:
    total = 0
    if client.peer is None:
        return 0
    for transceiver in client.peer.pc.getTransceivers():
        if transceiver.direction != direction:
            continue
        side = transceiver.sender if direction == "sendonly" else transceiver.receiver
        for stat in (await side.getStats()).values():
            if stat.type == ("outbound-rtp" if direction == "sendonly" else "inbound-rtp"):
                total += stat.packetsSent if direction == "sendonly" else stat.packetsReceived
    return total


class Generator:
    def __init__(self, url: str, clip: Clip) -> None:
        self.url = url
        self.clip = clip
        self.clients: list[HubClient] = []
        self.latencies: list[float] = []
        self.measuring = False

    async def join(
        self,
        room: str,
        who: str,
        role: ParticipantRole,
        *,
        publish: bool,
        decode: bool = False,
        admit_with: HubClient | None = None,
    ) -> Party:
        sent = Sent({id(f): i for i, f in enumerate(self.clip.video)}) if publish else None
        options: dict[str, Any] = {}
        if sent is not None:
            options["on_sent"] = sent
        if decode:
            options["on_video_frame"] = self._frame_seen
        token = issue_token(SECRET, room=room, participant=who, name=who, role=role, ttl_seconds=600)
        client = HubClient(self.url, token, room, origin=ORIGIN, clip=self.clip if publish else None, decode=decode, **options)
        self.clients.append(client)
        await client.connect()
        reply = await client.join()
        if reply["type"] == "lobby":
            assert admit_with is not None
            await admit_with.request({"type": "admit", "participant": who})
            await client.wait_event("joined")
        await client.start_media()
        return Party(client, sent)

    def _frame_seen(self, frame: VideoFrame) -> None:
        if not self.measuring or self.publisher_sent is None:
            return
        sent = self.publisher_sent.at.get(read_index(frame))
        if sent is not None:
            self.latencies.append(time.time() - sent)

    publisher_sent: Sent | None = None

    async def close(self) -> None:
        for client in self.clients:
            with contextlib.suppress(Exception):
                await client.close()
        self.clients.clear()


@dataclass
class Window:
    server_cpu: float
    generator_cpu: float
    seconds: float
    delivered: list[float]
    packets_out: int
    packets_in: int


async def measure(server: Server, publishers: list[Party], viewers: list[Party], seconds: float) -> Window:
    async def counts() -> tuple[list[int], list[int], int, int]:
        sent = [v.watches.sent_frames() if v.watches else 0 for v in viewers]
        got = [v.received_frames() for v in viewers]
        out = sum([await packets(v.client, "recvonly") for v in viewers])
        into = sum([await packets(p.client, "sendonly") for p in publishers])
        return sent, got, out, into

    sent0, got0, out0, in0 = await counts()
    cpu0, gen0, t0 = server.cpu(), cpu_seconds(), time.monotonic()
    await asyncio.sleep(seconds)
    cpu1, gen1, t1 = server.cpu(), cpu_seconds(), time.monotonic()
    sent1, got1, out1, in1 = await counts()
    elapsed = t1 - t0
    delivered = [(g1 - g0) / (s1 - s0) if s1 > s0 else 0.0 for s0, s1, g0, g1 in zip(sent0, sent1, got0, got1, strict=True)]
    return Window((cpu1 - cpu0) / elapsed, (gen1 - gen0) / elapsed, elapsed, delivered, out1 - out0, in1 - in0)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def one_to_many(server: Server, clip: Clip, viewers: int, args: argparse.Namespace) -> dict[str, Any]:
    generator = Generator(server.url, clip)
    try:
        room = f"fan-{viewers}"
        host = await generator.join(room, "pub", ParticipantRole.HOST, publish=True)
        generator.publisher_sent = host.sent
        parties = []
        for i in range(viewers):
            party = await generator.join(
                room, f"v{i}", ParticipantRole.WITNESS, publish=False, decode=i == 0, admit_with=host.client
            )
            party.watches = host
            parties.append(party)
        await asyncio.sleep(args.warmup)
        generator.measuring = True
        window = await measure(server, [host], parties, args.window)
        generator.measuring = False
        return {
            "server_cpu_pct": round(100 * window.server_cpu, 1),
            "generator_cpu_pct": round(100 * window.generator_cpu, 1),
            "delivered_min_pct": round(100 * min(window.delivered), 1),
            "latency_ms_p50": _ms(percentile(generator.latencies, 0.5)),
            "latency_ms_p95": _ms(percentile(generator.latencies, 0.95)),
            "packets_out": window.packets_out,
            "packets_in": window.packets_in,
            "server_cpu_s": window.server_cpu * window.seconds,
        }
    finally:
        await generator.close()


def _ms(value: float | None) -> float | None:
    return None if value is None else round(1000 * value, 1)


async def mode_figures(
    clip: Clip, baseline: bool, port: int, args: argparse.Namespace, forwarding: str = "packets"
) -> dict[str, Any]:
    server = Server(port, baseline, forwarding)
    try:
        await asyncio.sleep(1.0)
        idle0 = server.cpu()
        await asyncio.sleep(2.0)
        idle = (server.cpu() - idle0) / 2.0
        one = await one_to_many(server, clip, 1, args)
        three = await one_to_many(server, clip, 3, args)
    finally:
        counters = server.stop()
    per_viewer = (three["server_cpu_pct"] - one["server_cpu_pct"]) / 2
    figures = {
        "idle_cpu_pct": round(100 * idle, 1),
        "cpu_1x1_pct": one["server_cpu_pct"],
        "cpu_1x3_pct": three["server_cpu_pct"],
        "per_published_stream_pct": round(one["server_cpu_pct"] - per_viewer, 1),
        "per_viewer_pct": round(per_viewer, 1),
        "delivered_min_pct": min(one["delivered_min_pct"], three["delivered_min_pct"]),
        "latency_ms_p50": one["latency_ms_p50"],
        "latency_ms_p95": one["latency_ms_p95"],
        "latency_1x3_ms_p50": three["latency_ms_p50"],
        "latency_1x3_ms_p95": three["latency_ms_p95"],
        "generator_cpu_pct_1x3": three["generator_cpu_pct"],
        "server_counters": counters,
    }
    if three["packets_out"]:
        figures["us_per_packet_out"] = round(1e6 * three["server_cpu_s"] / three["packets_out"], 1)
        figures["us_per_packet_handled"] = round(1e6 * three["server_cpu_s"] / (three["packets_out"] + three["packets_in"]), 1)
    return figures


async def capacity(clip: Clip, port: int, args: argparse.Namespace, deadline: float) -> dict[str, Any]:
    server = Server(port, baseline=False)
    generator = Generator(server.url, clip)
    steps: list[dict[str, Any]] = []
    rooms: list[tuple[Party, Party]] = []
    best = 0
    limited_by = "max_rooms"
    try:
        target = 1
        while target <= args.max_rooms:
            if time.monotonic() + args.warmup + args.step_window + 2 * (target - len(rooms)) > deadline:
                limited_by = "time_budget"
                break
            while len(rooms) < target:
                name = f"pair-{len(rooms)}"
                a = await generator.join(name, "a", ParticipantRole.HOST, publish=True)
                b = await generator.join(name, "b", ParticipantRole.CLERK, publish=True)
                a.watches, b.watches = b, a
                rooms.append((a, b))
            await asyncio.sleep(args.warmup)
            parties = [p for pair in rooms for p in pair]
            for attempt in (1, 2):
                # The machine may be shared: a failing step is measured once more before it counts.
                window = await measure(server, parties, parties, args.step_window)
                step = {
                    "rooms": target,
                    "server_cpu_pct": round(100 * window.server_cpu, 1),
                    "generator_cpu_pct": round(100 * window.generator_cpu, 1),
                    "delivered_min_pct": round(100 * min(window.delivered), 1),
                    "delivered_median_pct": round(100 * statistics.median(window.delivered), 1),
                    "loadavg": round(os.getloadavg()[0], 1),
                    "attempt": attempt,
                }
                steps.append(step)
                print(f"capacity: {step}", flush=True)
                if step["delivered_min_pct"] >= 97.0:
                    break
                if args.verbose:  # where did the frames go: per party, both directions
                    for party in parties:
                        c = party.client
                        print(
                            "  ",
                            c.room,
                            c.token[-6:],
                            "sending",
                            c.sending_video,
                            "state",
                            c.peer.pc.connectionState if c.peer else None,
                            "sent",
                            party.sent_frames(),
                            "got",
                            party.received_frames(),
                            "slots",
                            c.slots,
                            [e["type"] for e in c.events][-6:],
                            flush=True,
                        )
            if step["delivered_min_pct"] < 97.0:
                limited_by = "generator" if step["generator_cpu_pct"] >= 90 else "delivery"
                break
            best = target
            if step["generator_cpu_pct"] >= 90:
                limited_by = "generator"
                break
            target = target + 1 if target < 4 else target + 2
    finally:
        counters = server.stop()  # first, while the rooms still hold their counters
        await generator.close()
    return {"max_two_party_rooms": best, "limited_by": limited_by, "steps": steps, "server_counters": counters}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.monotonic()
    deadline = started + args.budget
    load_start = os.getloadavg()[0]
    clip = await asyncio.to_thread(encode_clip, 640, 480, 30, 4.0, bitrate=1_200_000, keyframe_seconds=2.0)
    results: dict[str, Any] = {
        "clip": {
            "width": clip.width,
            "height": clip.height,
            "fps": clip.fps,
            "codec": clip.codec,
            "video_kbps": round(sum(map(len, clip.video)) * 8 / 4.0 / 1000),
        },
    }
    if not args.capacity_only:
        results["forward"] = await mode_figures(clip, False, args.port, args, "packets")
        print(f"forward (packets): {results['forward']}", flush=True)
        results["frames"] = await mode_figures(clip, False, args.port + 3, args, "frames")
        print(f"frames (fallback): {results['frames']}", flush=True)
        results["relay"] = await mode_figures(clip, True, args.port + 1, args)
        print(f"relay: {results['relay']}", flush=True)
        rel = results["relay"]
        for name, mode in (("ratio_relay_to_forward", "forward"), ("ratio_relay_to_frames", "frames")):
            fwd = results[mode]
            results[name] = {
                key: round(rel[key] / fwd[key], 1) if fwd.get(key) and rel.get(key) else None
                for key in ("cpu_1x1_pct", "cpu_1x3_pct", "per_viewer_pct", "per_published_stream_pct", "us_per_packet_handled")
            }
        results["us_per_packet_handled"] = results["forward"].get("us_per_packet_handled")
        results["per_viewer_ratio"] = results["ratio_relay_to_forward"]["per_viewer_pct"]
    if args.max_rooms > 0:
        results["capacity"] = await capacity(clip, args.port + 2, args, deadline)
        if "forward" in results:
            fwd = results["forward"]
            per_room = 2 * fwd["per_published_stream_pct"] + 2 * fwd["per_viewer_pct"]
            results["capacity"]["estimated_rooms_per_core"] = round(100 / per_room, 1) if per_room > 0 else None
    results["machine"] = {
        "cores": os.cpu_count(),
        "loadavg_start": round(load_start, 2),
        "loadavg_end": round(os.getloadavg()[0], 2),
    }
    results["seconds"] = round(time.monotonic() - started, 1)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--forwarding", default="packets", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=18740, help="first of three ports on 127.0.0.1")
    parser.add_argument("--window", type=float, default=10.0, help="seconds measured per scenario")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before each measurement")
    parser.add_argument("--step-window", type=float, default=6.0, help="seconds measured per capacity step")
    parser.add_argument("--max-rooms", type=int, default=30, help="capacity search limit (0: skip it)")
    parser.add_argument("--verbose", action="store_true", help="print every party of a failing capacity step")
    parser.add_argument("--capacity-only", action="store_true", help="skip the forward/relay comparison")
    parser.add_argument("--budget", type=float, default=450.0, help="seconds the whole run may take")
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.port, args.baseline, args.forwarding))
        return
    results = asyncio.run(run(args))
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
