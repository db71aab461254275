"""Conference benchmark (not a test): one chair and N township venues (default 25), roll calls and a tour (issue 12).

    .venv/bin/python bench/conference.py                          # 25 venues, roll calls every 10 s for 60 s, then a tour
    .venv/bin/python bench/conference.py --venues 6 --seconds 20  # a quick run

The hub's signaling, media and conference console (`hub.signaling.setup.setup()` with the conferences part's
`ConferenceConsole` as its hook) run in their own process (`--serve`, started by this script); this process is the
load generator. Every participant replays a clip encoded once before the run (VP8, a keyframe only at the start of
the clip, so the loop sends one every `--clip-seconds`; Opus audio), so nothing is encoded during the measurement.
Each venue publishes the lines `joined.lines` lists (today: camera and microphone; the small dual-stream track is
not yet listed by the hub, see docs/protocol.md) and receives main, thumbnails and audio without decoding.

What is measured:
  server_cpu_pct            the hub process's CPU (% of one core) over the measured window
  worst_broadcast_frame_share
                            per venue: frames received on `main` / frames the broadcast source (the venue on everyone's
                            main, or the chair for the venue being broadcast) sent while it was on air; the lowest venue
  switch_p95_ms             roll call and tour steps: from the command to the first decoded frame of the new source at
                            each venue (the hub starts a switched slot at a keyframe, which it requests at once; the
                            generator decodes that keyframe with a fresh VP8 decoder, the only frame it decodes, and
                            counts its arrival plus the decoding); p95 over every venue and switch
  bytes_in_per_s / bytes_out_per_s
                            RTP bytes the peers sent to the hub / the hub sent to the peers, per second
The last line printed is one JSON object with the figures (`venues`, `server_cpu_pct`, `worst_broadcast_frame_share`,
`switch_p95_ms`, ...).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import av

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hub.rooms.participants import ParticipantRole
from hub.rooms.tokens import issue_token
from hub.signaling.client import HubClient
from hub.signaling.clip import Clip, encode_clip

ORIGIN = "http://bench.local"
SECRET = "bench-secret"  # noqa: S105 - signs tokens for a throwaway server on 127.0.0.1
ROOM = "session-1"
TICKS = os.sysconf("SC_CLK_TCK")


# ---- the server process ------------------------------------------------------------------------


async def serve(port: int, venues: int, thumbnails: int = 2) -> None:
    from aiohttp import web

    from hub.conferences.interface import ConferenceConsole, ConferenceInfo
    from hub.media import SlotLayout
    from hub.signaling.setup import setup

    app = web.Application()
    service = setup(
        app,
        secret=SECRET,
        allowed_origin=ORIGIN,
        ice_addresses=["127.0.0.1"],
        ice_servers=[],
        layout=SlotLayout(thumbnails=thumbnails, audio=3),
    )
    console = ConferenceConsole(service.controls)
    service.console = console
    console.register(ROOM, ConferenceInfo(1, "bench", None, invited={f"v{i}": f"venue {i}" for i in range(1, venues + 1)}))
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)

    def octets_out() -> None:  # SIGUSR1: the RTP bytes the hub has sent to viewers so far
        total = sum(
            leg.octets
            for room in service.media.rooms.values()
            for peer in room.peers.values()
            if peer.packets is not None
            for leg in peer.packets.legs.values()
        )
        print(json.dumps({"octets_out": total}), flush=True)

    loop.add_signal_handler(signal.SIGUSR1, octets_out)
    print("READY", flush=True)
    await stop.wait()
    await console.close()
    await runner.cleanup()


def cpu_seconds(pid: int | str = "self") -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime, all threads


class Server:
    def __init__(self, port: int, venues: int, thumbnails: int = 2) -> None:
        args = [sys.executable, __file__, "--serve", "--port", str(port), "--venues", str(venues)]
        args += ["--thumbnails", str(thumbnails)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if line.strip() != "READY":
            raise RuntimeError(f"bench server did not start: {line!r}")
        self.url = f"ws://127.0.0.1:{port}/ws"

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def octets_out(self) -> int:
        assert self.proc.stdout is not None
        self.proc.send_signal(signal.SIGUSR1)
        return int(json.loads(self.proc.stdout.readline())["octets_out"])

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ---- the load generator ------------------------------------------------------------------------


async def bytes_sent(client: HubClient) -> int:
    """RTP bytes this peer sent to the hub (aiortc's receivers count no bytes: the hub counts what it sends)."""
    total = 0
    if client.peer is None:
        return 0
    for transceiver in client.peer.pc.getTransceivers():
        if transceiver.direction == "sendonly":
            for stat in (await transceiver.sender.getStats()).values():
                if stat.type == "outbound-rtp":
                    total += stat.bytesSent
    return total


def sent(client: HubClient) -> int:
    return client.peer.tracks["camera"].sent if client.peer else 0


def main_frames(client: HubClient) -> int:
    return client.peer.stats["main"].frames if client.peer else 0


def main_keyframes(client: HubClient) -> int:
    return client.peer.stats["main"].keyframes if client.peer else 0


def decoded_at(client: HubClient) -> float | None:
    """When the newest keyframe on `main` arrived plus the time to decode it with a fresh decoder (a keyframe needs no
    earlier frame), or None when it does not decode to a picture."""
    stats = client.peer.stats["main"] if client.peer else None
    if stats is None or not stats.last_keyframe:
        return None
    decoder = av.CodecContext.create("vp8", "r")
    began = time.monotonic()
    try:
        pictures = decoder.decode(av.Packet(stats.last_keyframe))
    except av.error.FFmpegError:
        return None
    return stats.keyframe_at + (time.monotonic() - began) if pictures else None


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Run:
    def __init__(self, url: str, clip: Clip, venues: int) -> None:
        self.url, self.clip = url, clip
        self.names = [f"v{i}" for i in range(1, venues + 1)]
        self.clients: dict[str, HubClient] = {}
        self.switches: list[float] = []  # seconds, command → first decoded frame, per venue and switch
        self.missed = 0  # venues that saw no new keyframe within the wait
        self.on_air: str = "chair"
        self.marks: list[tuple[str, dict[str, int]]] = []  # (who was on air from then, every camera's sent count)

    async def join(self, who: str, role: ParticipantRole) -> HubClient:
        token = issue_token(SECRET, room=ROOM, participant=who, name=who, role=role, ttl_seconds=600)
        client = HubClient(self.url, token, ROOM, origin=ORIGIN, clip=self.clip, decode=False)
        self.clients[who] = client
        await client.connect()
        await client.join()
        await client.start_media()
        return client

    def mark(self, on_air: str) -> None:
        self.on_air = on_air
        self.marks.append((on_air, {who: sent(c) for who, c in self.clients.items()}))

    async def switch(self, command: dict[str, Any], new: str, wait: float = 3.0) -> None:
        """Send a console command that puts `new` on everyone's main; time the first keyframe at each venue."""
        chair = self.clients["chair"]
        before = {who: main_keyframes(c) for who, c in self.clients.items()}
        start = time.monotonic()
        if command:
            await chair.request(command)
        self.mark(new)
        waiting = {who for who in self.names if who != new}
        deadline = start + wait
        while waiting and time.monotonic() < deadline:
            for who in list(waiting):
                if main_keyframes(self.clients[who]) > before[who]:
                    at = decoded_at(self.clients[who])
                    if at is not None:
                        self.switches.append(at - start)
                        waiting.discard(who)
            await asyncio.sleep(0.005)
        self.missed += len(waiting)
        if os.environ.get("BENCH_DEBUG"):
            print("switch", new, sorted(waiting), [round(x, 3) for x in self.switches[-5:]], flush=True)

    def shares(self, end: dict[str, int], got: dict[str, int]) -> dict[str, float]:
        """Per venue: main frames received / frames its broadcast sources sent while on air."""
        expected = dict.fromkeys(self.names, 0)
        bounds = [*self.marks, ("end", end)]
        for (on_air, start), (_, stop) in itertools.pairwise(bounds):
            for who in self.names:
                source = "chair" if on_air == who else on_air
                expected[who] += stop.get(source, 0) - start.get(source, 0)
        return {who: got[who] / expected[who] for who in self.names if expected[who] > 0}

    async def close(self) -> None:
        for client in self.clients.values():
            with contextlib.suppress(Exception):
                await client.close()


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    clip = await asyncio.to_thread(
        encode_clip, 320, 240, 15, args.clip_seconds, bitrate=250_000, keyframe_seconds=args.clip_seconds + 1
    )
    server = Server(args.port, args.venues, args.thumbnails)
    run = Run(server.url, clip, args.venues)
    try:
        await run.join("chair", ParticipantRole.HOST)
        for name in run.names:
            await run.join(name, ParticipantRole.VENUE)
        await asyncio.sleep(args.warmup)
        counts0 = {who: main_frames(run.clients[who]) for who in run.names}
        bytes_in0 = sum([await bytes_sent(c) for c in run.clients.values()])
        bytes_out0 = await asyncio.to_thread(server.octets_out)
        cpu0, gen0, t0 = server.cpu(), cpu_seconds(), time.monotonic()
        run.mark("chair")
        # roll calls every `--every` seconds, venue after venue
        index = 0
        while time.monotonic() - t0 < args.seconds:
            venue = run.names[index % len(run.names)]
            index += 1
            await run.switch({"type": "roll_call", "venue": venue}, venue)
            await asyncio.sleep(max(0.0, args.every - (time.monotonic() - t0) % args.every))
        # a broadcast tour: the hub steps it; each step is timed from the moment its picture changes at the chair
        tour = run.names[: min(4, len(run.names))]
        await run.clients["chair"].request({"type": "tour", "mode": "broadcast", "seconds": args.tour_seconds, "venues": tour})
        run.mark(tour[0])
        tour_end = time.monotonic() + args.tour_seconds * len(tour)
        while time.monotonic() < tour_end:
            current = run.clients["chair"].slots.get("main")
            if current is not None and current != run.on_air and current in tour:
                await run.switch({}, current, wait=2.0)
            await asyncio.sleep(0.02)
        elapsed = time.monotonic() - t0
        cpu1, gen1 = server.cpu(), cpu_seconds()
        end = {who: sent(c) for who, c in run.clients.items()}
        counts1 = {who: main_frames(run.clients[who]) for who in run.names}
        bytes_in1 = sum([await bytes_sent(c) for c in run.clients.values()])
        bytes_out1 = await asyncio.to_thread(server.octets_out)
        shares = run.shares(end, {who: counts1[who] - counts0[who] for who in run.names})
        if os.environ.get("BENCH_DEBUG"):
            print("shares", shares, [(m[0], m[1].get("chair"), m[1].get("v1")) for m in run.marks], flush=True)
        p95 = percentile(run.switches, 0.95)
        return {
            "venues": args.venues,
            "seconds": round(elapsed, 1),
            "server_cpu_pct": round(100 * (cpu1 - cpu0) / elapsed, 1),
            "generator_cpu_pct": round(100 * (gen1 - gen0) / elapsed, 1),
            "worst_broadcast_frame_share": round(min(shares.values()), 3) if shares else None,
            "median_broadcast_frame_share": round(sorted(shares.values())[len(shares) // 2], 3) if shares else None,
            "switches_timed": len(run.switches),
            "switches_missed": run.missed,
            "switch_p50_ms": round(1000 * (percentile(run.switches, 0.5) or 0), 1),
            "switch_p95_ms": round(1000 * p95, 1) if p95 is not None else None,
            "bytes_in_per_s": round((bytes_in1 - bytes_in0) / elapsed),
            "bytes_out_per_s": round((bytes_out1 - bytes_out0) / elapsed),
        }
    finally:
        await run.close()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=18771)
    parser.add_argument("--venues", type=int, default=25)
    parser.add_argument("--seconds", type=float, default=60.0, help="roll-call phase length")
    parser.add_argument("--every", type=float, default=10.0, help="seconds between roll calls")
    parser.add_argument("--tour-seconds", type=int, default=5, help="seconds per tour step (4 steps)")
    parser.add_argument("--thumbnails", type=int, default=2, help="small pictures each participant receives")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--clip-seconds", type=float, default=12.0, help="clip length: its loop sends a keyframe this often")
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.port, args.venues, args.thumbnails))
        return
    figures = asyncio.run(bench(args))
    for key, value in figures.items():
        print(f"{key:30} {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
