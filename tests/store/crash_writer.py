"""A recorder stand-in for the crash test, run as a child process and killed with SIGKILL.

Writes a deterministic stream (``stream(seed)``) in small pieces, flushing every ``--flush``
seconds, and reports on stdout: ``ready <file id>``, ``wrote <bytes> <monotonic time>`` after
each write, ``flushed <durable bytes>`` after each flush returns.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from pathlib import Path

from hub.store.manifest import FileKind, Labels
from hub.store.store import EvidenceStore

TOTAL = 4 * 1024 * 1024
LABELS = Labels(case_id=7, room_id=2, room_session_id=3, participants=("user:1", "user:2"))


def stream(seed: int) -> bytes:
    return random.Random(seed).randbytes(TOTAL)


def emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def main(var_dir: Path, seed: int, piece: int, interval: float, flush_every: float) -> None:
    store = await EvidenceStore.open(var_dir)
    writer = await store.create(FileKind.RECORDING, "video/webm", LABELS)
    data = stream(seed)
    emit(f"ready {writer.file_id}")
    written, last_flush = 0, time.monotonic()
    while written + piece <= len(data):
        writer.write(data[written : written + piece])
        written += piece
        emit(f"wrote {written} {time.monotonic():.6f}")
        if time.monotonic() - last_flush >= flush_every:
            emit(f"flushed {await writer.flush()}")
            last_flush = time.monotonic()
        await asyncio.sleep(interval)
    await writer.close()
    emit("closed")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("var_dir", type=Path)
    parser.add_argument("seed", type=int)
    parser.add_argument("--piece", type=int, default=4000)
    parser.add_argument("--interval", type=float, default=0.02)
    parser.add_argument("--flush", type=float, default=0.2)
    args = parser.parse_args()
    asyncio.run(main(args.var_dir, args.seed, args.piece, args.interval, args.flush))
