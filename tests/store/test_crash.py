"""Real crashes: a child process writes a recording and is killed with SIGKILL at a random moment.

After ``recover()`` every file must verify and decrypt to a prefix of what was written that
holds everything the child saw flushed, losing at most 1.5 s of writes.
"""

from __future__ import annotations

import asyncio
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from hub.store.keys import load_keys
from hub.store.store import EvidenceStore
from hub.store.verify import verify_file
from tests.store.crash_writer import LABELS, stream

ROOT = Path(__file__).resolve().parents[2]
RUNS = 24
PARALLEL = 4
MAX_LOSS_SECONDS = 1.5


@dataclass
class Run:
    seed: int
    kill_after: float
    file_id: str = ""
    writes: list[tuple[int, float]] | None = None  # (bytes written so far, child's monotonic time)
    flushed: int = 0


async def crash_once(var_dir: Path, run: Run) -> Run:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.store.crash_writer", str(var_dir), str(run.seed),
        cwd=ROOT, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        ready = await asyncio.wait_for(proc.stdout.readline(), 30)
        assert ready.startswith(b"ready "), ready
        run.file_id = ready.split()[1].decode()
        await asyncio.sleep(run.kill_after)
    finally:
        proc.kill()  # SIGKILL: no cleanup, no close, no flush
        rest = await asyncio.wait_for(proc.stdout.read(), 10)  # whatever it printed before dying
        await proc.wait()
    run.writes = []
    for line in rest.decode().splitlines():
        kind, *values = line.split()
        if kind == "wrote":
            run.writes.append((int(values[0]), float(values[1])))
        elif kind == "flushed":
            run.flushed = max(run.flushed, int(values[0]))
        assert kind != "closed", "the child finished before it was killed"
    return run


async def test_sigkill_at_random_moments_loses_at_most_the_unflushed_tail(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    load_keys(var_dir / "keys")  # created once, before the children race to do it
    rng = random.Random(20261127)
    runs = [Run(seed=i, kill_after=rng.uniform(0.05, 1.3)) for i in range(RUNS)]
    for start in range(0, RUNS, PARALLEL):
        await asyncio.gather(*(crash_once(var_dir, run) for run in runs[start : start + PARALLEL]))

    store = await EvidenceStore.open(var_dir)
    results = {r.file_id: r for r in await store.recover()}
    assert sorted(results) == sorted(run.file_id for run in runs)
    losses = []
    for run in runs:
        result = results[run.file_id]
        assert result.signed is not None, result.error
        manifest = result.signed.manifest
        assert manifest.recovery is not None and manifest.labels == LABELS
        assert verify_file(store.layout, store.keys, run.file_id)[1] == []
        reader = await store.open_reader(run.file_id)
        recovered = b"".join([p async for p in reader.iter_all()])
        assert recovered == stream(run.seed)[: len(recovered)]  # a prefix of what was written
        assert len(recovered) >= run.flushed  # everything confirmed flushed survived
        assert run.writes
        last_time = run.writes[-1][1]
        lost_since = next((t for n, t in run.writes if n > len(recovered)), last_time)
        losses.append(last_time - lost_since)
    assert max(losses) <= MAX_LOSS_SECONDS, losses
    print(f"\n{RUNS} kills: lost at most {max(losses):.2f} s of writes (mean {sum(losses) / len(losses):.2f} s)")
