"""Several processes, one hub: `hub serve --workers N` and `hub node list|drain|undrain` (HUB_BUS=redis).

`--workers N` runs N `hub serve` processes on N consecutive ports (HUB_PORT, HUB_PORT+1, …), one per core, and
restarts any that dies. Each its own port rather than one port shared with SO_REUSEPORT: every process is then a
node with a stable name (host:port) that `hub node drain` can address and that survives a restart, nginx balances
and health-checks each process by itself (`/readyz` of a process tells about that process, and `/metrics` is
scraped per process instead of from whichever process the kernel picked), and a process that is draining or
restarting is taken out by nginx's `max_fails`, not by luck. Rooms are placed by the hub itself (the registry in
Redis), not by the port a socket happens to reach, so nginx need not know about rooms at all.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from types import FrameType

from redis.asyncio import Redis

from hub.app import app_secret
from hub.cli.common import Subcommands, runs, settings
from hub.settings import Settings
from hub.signaling.nodes import NodeRegistry
from hub.store.keys import load_keys

STOP_SECONDS = 30.0  # a worker told to stop (SIGTERM) gets this long to tell its sockets and finish its recordings
RESTART_BACKOFF = (1.0, 2.0, 5.0, 10.0)


def worker_node_id(config: Settings, port: int) -> str:
    return f"{config.node_id or socket.gethostname()}:{port}"


def serve_workers(args: argparse.Namespace, config: Settings, workers: int) -> int:
    if config.bus != "redis" or not config.redis_url:
        print(
            "hub: --workers needs HUB_BUS=redis and HUB_REDIS_URL (otherwise each process's rooms would split)", file=sys.stderr
        )
        return 2
    if args.tls_cert or getattr(args, "self_signed", False):
        print("hub: with --workers nginx terminates TLS (deploy/nginx/); the workers serve plain HTTP", file=sys.stderr)
        return 2
    # the keys are made once here, not raced for by N processes at their first start
    app_secret(config)
    load_keys(config.var_dir / "keys", config.master_key)
    ports = [config.port + i for i in range(workers)]
    children: dict[int, subprocess.Popen[bytes]] = {}
    deaths: dict[int, list[float]] = {port: [] for port in ports}
    stopping = False

    def start(port: int) -> None:
        env = {**os.environ, "HUB_PORT": str(port), "HUB_HOST": config.host, "HUB_NODE_ID": worker_node_id(config, port)}
        cmd = [sys.executable, "-m", "hub.cli", "serve", "--host", config.host, "--port", str(port)]
        children[port] = subprocess.Popen(cmd, env=env)  # noqa: S603 - our own interpreter and module
        print(f"hub: worker {worker_node_id(config, port)} started (pid {children[port].pid})", flush=True)

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for port in ports:
        start(port)
    restart_at: dict[int, float] = {}
    while not stopping:
        time.sleep(0.2)
        now = time.monotonic()
        for port, child in list(children.items()):
            code = child.poll()
            if code is None or port in restart_at:
                continue
            recent = [t for t in deaths[port] if now - t < 60] + [now]
            deaths[port] = recent
            delay = RESTART_BACKOFF[min(len(recent) - 1, len(RESTART_BACKOFF) - 1)]
            print(f"hub: worker {worker_node_id(config, port)} exited ({code}); restarting in {delay:.0f} s", flush=True)
            restart_at[port] = now + delay
        for port, when in list(restart_at.items()):
            if now >= when:
                del restart_at[port]
                start(port)
    print("hub: stopping the workers", flush=True)
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for child in children.values():
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return 0


def _registry(config: Settings) -> tuple[Redis, NodeRegistry]:
    if not config.redis_url:
        raise SystemExit("hub: HUB_REDIS_URL is not set (nodes exist only with HUB_BUS=redis)")
    redis = Redis.from_url(config.redis_url, decode_responses=True, socket_connect_timeout=2.0)
    return redis, NodeRegistry(redis, config.redis_namespace, "cli")


async def list_nodes(args: argparse.Namespace) -> int:
    redis, registry = _registry(settings())
    try:
        nodes = await registry.live_nodes()
        drained = await registry.drained()
    finally:
        await redis.aclose()
    if args.json:
        print(json.dumps({i: {**json.loads(n.dump()), "draining": i in drained} for i, n in nodes.items()}, indent=2))
        return 0
    print(f"{'node':<28} {'rooms':>5} {'people':>6} {'publishers':>10} {'cpu':>6}  state")
    for node in nodes.values():
        state = "draining" if node.id in drained else "taking rooms"
        people = sum(node.rooms.values())
        print(f"{node.id:<28} {len(node.rooms):>5} {people:>6} {node.publishers:>10} {node.cpu:>6.0%}  {state}")
    for node_id in sorted(drained - set(nodes)):
        print(f"{node_id:<28} {'-':>5} {'-':>6} {'-':>10} {'-':>6}  draining (not running)")
    return 0


async def drain(args: argparse.Namespace) -> int:
    """The node takes no new rooms; its current rooms finish there. `--wait`: until it holds none."""
    redis, registry = _registry(settings())
    try:
        nodes = await registry.live_nodes()
        if args.node not in nodes:
            print(f"hub: no live node {args.node!r} (live: {', '.join(sorted(nodes)) or 'none'}); marked anyway", flush=True)
        await registry.set_draining(args.node, True)
        print(f"hub: {args.node} is draining: it takes no new rooms and finishes its current ones", flush=True)
        if not args.wait:
            return 0
        deadline = time.monotonic() + args.wait
        while time.monotonic() < deadline:
            node = (await registry.live_nodes()).get(args.node)
            if node is None or not node.rooms:
                print(f"hub: {args.node} holds no room now", flush=True)
                return 0
            print(f"hub: {args.node} still holds {len(node.rooms)} room(s)", flush=True)
            await asyncio.sleep(min(10.0, max(0.5, deadline - time.monotonic())))
        return 1
    finally:
        await redis.aclose()


async def undrain(args: argparse.Namespace) -> int:
    redis, registry = _registry(settings())
    try:
        await registry.set_draining(args.node, False)
    finally:
        await redis.aclose()
    print(f"hub: {args.node} takes rooms again", flush=True)
    return 0


def add_commands(sub: Subcommands) -> None:
    p = sub.add_parser("node", help="the hub's processes (HUB_BUS=redis): list, drain for maintenance, undrain")
    nodes = p.add_subparsers(dest="node_command", required=True)
    listing = nodes.add_parser("list", help="live nodes with their rooms, publishers and CPU")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=runs(list_nodes))
    d = nodes.add_parser("drain", help="the node takes no new rooms and finishes its current ones")
    d.add_argument("node", help="its name, as `hub node list` shows it (host:port)")
    d.add_argument("--wait", type=float, default=0.0, help="wait up to this many seconds until it holds no room")
    d.set_defaults(func=runs(drain))
    u = nodes.add_parser("undrain", help="the node takes new rooms again")
    u.add_argument("node")
    u.set_defaults(func=runs(undrain))
