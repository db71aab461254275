"""Cluster benchmark (not a test): what relaying over Redis costs, what the bus costs per room, how fast failover is.

    .venv/bin/python bench/cluster.py                       # about 3 minutes
    .venv/bin/python bench/cluster.py --joins 20 --kills 3 --seconds 8   # quicker, noisier

Needs Redis (HUB_TEST_REDIS_URL or --redis, default redis://127.0.0.1:6379/0). Real `hub serve` processes on SQLite
over 127.0.0.1, aiortc clients in this process (320x240 VP8 + Opus, not decoded):

  relay     `hub serve --workers 2`, worker 2 draining so the room lives on worker 1: a participant joins with its
            socket on the room's node, or on the other node (relayed over Redis). Join = `join` sent to `joined`
            received; answer = `offer` sent to `answer` received (the media node's SDP with its own candidates);
            first frame = `join` sent to the first decoded frame of the host's camera (the joiner decodes, aiortc VP8:
            join, offer/answer, ICE, DTLS, the host's next keyframe, the decode). The host's clip has a keyframe
            every second and cannot make one on request, so each join starts at a random point of that second
            (seeded): the first frame includes 0-1 s of waiting for a keyframe, the same for both kinds of join
  cpu       the same R two-party rooms with media both ways for S seconds: on one process (HUB_BUS=memory), then
            spread over 2 workers (HUB_BUS=redis, every other socket relayed). CPU per room = the hub processes'
            CPU seconds (user+system, /proc) ÷ R ÷ S. Ratio = two processes ÷ one (target ≤ 1.10)
  failover  kill -9 of the room's node, K times: from the kill to a participant (socket on a surviving node,
            reconnecting as the browser does on `closed`) joined again on a live node (target ≤ 10 s)

This machine's 2 cores are shared by the load generator: per-process CPU, not a capacity claim. The last line printed
is one JSON object with `relay_join_p95_ms`, `cpu_per_room_ratio` and `failover_max_s`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from redis.asyncio import Redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hub.migrate import upgrade
from hub.rooms.tokens import issue_token
from hub.signaling.client import HubClient
from hub.signaling.clip import Clip, encode_clip

ROOT = Path(__file__).resolve().parents[1]
SECRET = "cluster-bench-secret-key-that-is-long-enough-0123456789"  # noqa: S105 - a throwaway hub
TICK = os.sysconf("SC_CLK_TCK")


def free_base(count: int) -> int:
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = int(s.getsockname()[1])
        try:
            for port in range(base, base + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        if base + count < 65000:
            return base
    raise RuntimeError("no free ports")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Hub:
    """`hub serve` (--workers N) in child processes; `ports` are the workers'."""

    def __init__(self, tmp: Path, url: str, workers: int, bus: str, redis_url: str, name: str) -> None:
        self.base = free_base(workers)
        self.ports = [self.base + i for i in range(workers)]
        self.namespace = f"bench-{uuid.uuid4().hex[:8]}"
        self.redis_url = redis_url
        self.env = {
            **os.environ,
            "HUB_DATABASE_URL": url,
            "HUB_VAR_DIR": str(tmp / f"var-{name}"),
            "HUB_HOST": "127.0.0.1",
            "HUB_PORT": str(self.base),
            "HUB_PUBLIC_ORIGIN": f"http://127.0.0.1:{self.base}",
            "HUB_SECRET_KEY": SECRET,
            "HUB_REQUIRE_SECURITY_KEY": "false",
            "HUB_STORE_RESERVE_MB": "0",
            "HUB_LOG_LEVEL": "WARNING",
            "HUB_BUS": bus,
            "HUB_REDIS_URL": redis_url,
            "HUB_REDIS_NAMESPACE": self.namespace,
            "HUB_NODE_ID": "bench",
        }
        self.workers = workers
        self.log = tmp / f"{name}.log"
        self.proc: asyncio.subprocess.Process | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.base}"

    def node(self, i: int) -> str:
        return f"bench:{self.ports[i]}"

    async def start(self, drained: list[int] | None = None) -> None:
        if drained:
            redis = Redis.from_url(self.redis_url)
            await redis.sadd(f"{self.namespace}:drain", *[self.node(i) for i in drained])  # type: ignore[misc]
            await redis.aclose()
        args = ["serve", "--workers", str(self.workers)] if self.workers > 1 else ["serve"]
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "hub.cli", *args, cwd=ROOT, env=self.env, stdout=log, stderr=log
            )
        await self.ready()

    async def ready(self, limit: float = 90.0) -> None:
        deadline = time.monotonic() + limit
        async with aiohttp.ClientSession() as http:
            for port in self.ports:
                while True:
                    if time.monotonic() > deadline:
                        raise TimeoutError(self.log.read_text()[-2000:])
                    try:
                        async with http.get(f"http://127.0.0.1:{port}/readyz") as resp:
                            if resp.status == 200:
                                break
                    except aiohttp.ClientError:
                        pass
                    await asyncio.sleep(0.2)

    async def nodes(self) -> dict[str, Any]:
        redis = Redis.from_url(self.redis_url, decode_responses=True)
        try:
            ids = await redis.smembers(f"{self.namespace}:nodes")  # type: ignore[misc]
            found = {}
            for node_id in ids:
                raw = await redis.get(f"{self.namespace}:nodekey:{node_id}")
                if raw:
                    found[node_id] = json.loads(raw)
            return found
        finally:
            await redis.aclose()

    async def pids(self) -> list[int]:
        if self.workers == 1:
            assert self.proc is not None
            return [self.proc.pid]
        return [int(info["pid"]) for info in (await self.nodes()).values()]

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.proc.wait(), 60)
        redis = Redis.from_url(self.redis_url)
        keys = [k async for k in redis.scan_iter(f"{self.namespace}:*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()

    def client(self, port: int, room: str, participant: str, role: str, clip: Clip | None = None, **decoding: Any) -> HubClient:
        """A participant (`decoding`: decode=True and on_video_frame= to time the first decoded frame)."""
        token = issue_token(SECRET.encode(), room=room, participant=participant, name=participant, role=role, ttl_seconds=600)
        options: dict[str, Any] = {"decode": False, **decoding}
        return HubClient(f"ws://127.0.0.1:{port}/ws", token, room, origin=self.origin, clip=clip, **options)


async def relay(hub: Hub, joins: int, clip: Clip) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {
        "join_on": [],
        "join_relay": [],
        "answer_on": [],
        "answer_relay": [],
        "frame_on": [],
        "frame_relay": [],
    }
    host = hub.client(hub.ports[0], "bench-relay", "host", "host", clip)  # its camera is what joiners see first
    await host.connect()
    await host.join()
    await host.start_media()
    phase = random.Random(15)
    for n in range(joins):
        for where, port in (("on", hub.ports[0]), ("relay", hub.ports[1])):
            first: list[float] = []

            def seen(_frame: Any, first: list[float] = first) -> None:
                if not first:
                    first.append(time.perf_counter())

            c = hub.client(port, "bench-relay", f"p{where}{n}", "clerk", clip, decode=True, on_video_frame=seen)
            await c.connect()
            await asyncio.sleep(phase.uniform(0.0, 1.0))  # anywhere in the host's keyframe interval
            started = time.perf_counter()
            await c.join()
            times[f"join_{where}"].append((time.perf_counter() - started) * 1000)
            answering = time.perf_counter()
            await c.start_media()  # offer → answer, then ICE and DTLS
            times[f"answer_{where}"].append((time.perf_counter() - answering) * 1000)
            deadline = time.monotonic() + 15
            while not first:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no decoded frame for p{where}{n} in 15 s")
                await asyncio.sleep(0.002)
            times[f"frame_{where}"].append((first[0] - started) * 1000)
            await c.request({"type": "leave"})
            await c.close()
    await host.close()
    return times


async def cpu_per_room(hub: Hub, rooms: int, seconds: float, clip: Clip) -> float:
    clients = []
    for r in range(rooms):
        for k, role in enumerate(("host", "clerk")):
            port = hub.ports[(2 * r + k) % len(hub.ports)]
            c = hub.client(port, f"bench-cpu-{r}", f"{role}{r}", role, clip)
            await c.connect()
            await c.join()
            await c.start_media()
            clients.append(c)
    await asyncio.sleep(3.0)  # media settled
    pids = await hub.pids()
    before = sum(cpu_seconds(pid) for pid in pids)
    await asyncio.sleep(seconds)
    used = sum(cpu_seconds(pid) for pid in pids) - before
    frames = [c.peer.stats["main"].frames for c in clients if c.peer is not None]
    for c in clients:
        await c.close()
    if min(frames, default=0) < 10:
        raise RuntimeError(f"media did not flow: {frames}")
    return used / rooms / seconds


async def failover(hub: Hub, kills: int, clip: Clip) -> list[float]:
    results = []
    for k in range(kills):
        room = f"bench-failover-{k}"
        nodes = await hub.nodes()
        host = hub.client(hub.ports[0], room, "host", "host")
        await host.connect()
        await host.join()
        await asyncio.sleep(1.5)  # a heartbeat
        node = next(n for n, info in (await hub.nodes()).items() if room in info["rooms"])
        survivor = next(p for i, p in enumerate(hub.ports) if hub.node(i) != node)
        watcher = hub.client(survivor, room, "clerk", "clerk")
        await watcher.connect()
        await watcher.join()
        killed = time.monotonic()
        os.kill(int(nodes[node]["pid"]), signal.SIGKILL)
        await watcher.wait_event("closed", wait=15)
        while True:  # the browser's path: a new token, join again
            again = hub.client(survivor, room, "clerk", "clerk")
            try:
                await again.connect()
                await again.join()
                break
            except Exception:
                await again.close()
                await asyncio.sleep(0.2)
        results.append(time.monotonic() - killed)
        for c in (host, watcher, again):
            await c.close()
        await hub.ready()  # the supervisor restarted the killed worker
        await asyncio.sleep(3.5)  # its old key has expired, its new one is written
        print(f"kill {k + 1}: back in {results[-1]:.2f} s", flush=True)
    return results


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--joins", type=int, default=50)
    parser.add_argument("--rooms", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--redis", default=os.environ.get("HUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args()
    clip = await asyncio.to_thread(lambda: encode_clip(320, 240, 15, seconds=2.0, keyframe_seconds=1.0))
    with tempfile.TemporaryDirectory(prefix="hub-cluster-") as name:
        tmp = Path(name)
        url = f"sqlite+aiosqlite:///{tmp / 'hub.sqlite3'}"
        await upgrade(url)

        two = Hub(tmp, url, 2, "redis", args.redis, "relay")
        await two.start(drained=[1])
        try:
            times = await relay(two, args.joins, clip)
        finally:
            await two.stop()
        for key, values in times.items():
            print(f"{key:<14} p50 {pct(values, 0.5):7.1f} ms   p95 {pct(values, 0.95):7.1f} ms", flush=True)

        one = Hub(tmp, url, 1, "memory", args.redis, "one")
        await one.start()
        try:
            cpu_one = await cpu_per_room(one, args.rooms, args.seconds, clip)
        finally:
            await one.stop()
        spread = Hub(tmp, url, 2, "redis", args.redis, "spread")
        await spread.start()
        try:
            cpu_two = await cpu_per_room(spread, args.rooms, args.seconds, clip)
            print(f"cpu per room   one process {cpu_one:.3f}   two processes {cpu_two:.3f}", flush=True)
            kills = await failover(spread, args.kills, clip) if args.kills else []
        finally:
            await spread.stop()
    result = {
        "joins": args.joins,
        "relay_join_p50_ms": round(pct(times["join_relay"], 0.5), 2),
        "relay_join_p95_ms": round(pct(times["join_relay"], 0.95), 2),
        "on_node_join_p50_ms": round(pct(times["join_on"], 0.5), 2),
        "on_node_join_p95_ms": round(pct(times["join_on"], 0.95), 2),
        "relay_media_p95_ms": round(pct(times["answer_relay"], 0.95), 1),
        "on_node_media_p95_ms": round(pct(times["answer_on"], 0.95), 1),
        "relay_first_frame_p50_ms": round(pct(times["frame_relay"], 0.5), 1),
        "relay_first_frame_p95_ms": round(pct(times["frame_relay"], 0.95), 1),
        "on_node_first_frame_p50_ms": round(pct(times["frame_on"], 0.5), 1),
        "on_node_first_frame_p95_ms": round(pct(times["frame_on"], 0.95), 1),
        "rooms": args.rooms,
        "cpu_per_room_one": round(cpu_one, 4),
        "cpu_per_room_two": round(cpu_two, 4),
        "cpu_per_room_ratio": round(cpu_two / cpu_one, 3) if cpu_one else None,
        "kills": len(kills),
        "failover_p50_s": round(statistics.median(kills), 2) if kills else None,
        "failover_max_s": round(max(kills), 2) if kills else None,
        "targets": {"cpu_per_room_ratio": 1.10, "failover_max_s": 10.0},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
