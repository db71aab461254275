"""How much room the store has: a quota enforced exactly as the disk's ENOSPC, a reserve, and minutes left.

``Space.charge(n)`` runs on a writer's thread before ``n`` bytes reach the disk. Past the quota
(``HUB_STORE_QUOTA_MB``), or when the disk's free space would fall into the reserve
(``HUB_STORE_RESERVE_MB``), it raises ``OSError(ENOSPC)``: the writer fails exactly as it would on
a full disk, and a real ENOSPC from ``os.write`` takes the same path. Finishing a file (its last
chunk and manifest) may use the reserve, so a recording cut by a full disk still closes and verifies.

Under a quota, every file below the store's folder counts (a file put there by hand fills it like any other
disk); ``measure()`` counts them again, so space freed by deleting is seen within one measure.

``Space.measure()`` turns free bytes into minutes of recording at the current write rate (never
less than one room's rate, so an idle hub is not told it has forever): readiness and the refusal
of new recorded sessions read it, and the monitor in ``hub.store.monitor`` publishes it.
"""

from __future__ import annotations

import errno
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# one recorded two-party room (two cameras about 1 Mbit/s each, two Opus streams, container overhead)
ONE_ROOM_BYTES_PER_SECOND = 300_000
_STATVFS_EVERY = 0.5  # seconds between two looks at the disk on the write path
# The write rate is taken over at least this long: two measures a few milliseconds apart (readiness asked by several
# callers at once) would otherwise turn one flushed chunk into gigabytes per second, and a roomy disk into "full".
RATE_WINDOW = 2.0


@dataclass(frozen=True)
class Measure:
    free_bytes: int  # what the store may still write, quota and reserve deducted
    rate: float  # bytes per second written lately
    minutes_left: float  # free bytes at max(rate, one room's rate)
    used_bytes: int  # counted against the quota (the store's files)
    writable: bool  # the store's folder accepts a new file
    error: str = ""


def folder_size(root: Path) -> int:
    total = 0
    if not root.exists():
        return 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except FileNotFoundError:
                continue
    return total


class Space:
    def __init__(
        self,
        root: Path,
        *,
        quota_bytes: int = 0,
        reserve_bytes: int = 0,
        used_bytes: int = 0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.root = root
        self._monotonic = monotonic
        self.quota_bytes = quota_bytes
        self.reserve_bytes = reserve_bytes
        self.used = used_bytes
        self.written = 0  # bytes this process wrote into the store (the rate's counter)
        self._lock = threading.Lock()
        self._disk_free = -1
        self._disk_seen = 0.0
        self._last: tuple[float, int] | None = None
        self._rate = 0.0

    def charge(self, size: int, *, finishing: bool = False) -> None:
        """Room for ``size`` more bytes, or ``OSError(ENOSPC)``. Blocking (may look at the disk): writer threads only."""
        reserve = 0 if finishing else self.reserve_bytes
        with self._lock:
            if self.quota_bytes and self.used + size > self.quota_bytes - reserve:
                raise OSError(errno.ENOSPC, f"the store's quota ({self.quota_bytes} bytes) is used up")
            if reserve and self._disk_bytes() - size < reserve:
                raise OSError(errno.ENOSPC, f"the disk's free space has reached the store's reserve ({reserve} bytes)")
            self.used += size
            self.written += size
            self._disk_free -= size

    def release(self, size: int) -> None:
        """Bytes given back (a torn tail cut off by recovery, a temporary file removed)."""
        with self._lock:
            self.used = max(0, self.used - size)

    def _disk_bytes(self) -> int:
        now = time.monotonic()
        if self._disk_free < 0 or now - self._disk_seen >= _STATVFS_EVERY:
            self._disk_free = self._statvfs_free()
            self._disk_seen = now
        return self._disk_free

    def _statvfs_free(self) -> int:
        path = self.root
        while not path.exists() and path != path.parent:
            path = path.parent
        st = os.statvfs(path)
        return st.f_bavail * st.f_frsize

    def measure(self) -> Measure:
        """Blocking (statvfs, a probe file): call it in a thread."""
        now = self._monotonic()
        on_disk = folder_size(self.root) if self.quota_bytes else 0
        with self._lock:
            if self.quota_bytes:
                self.used = on_disk  # what is really there: files removed (space freed) or put in by hand count too
            written = self.written
            if self._last is None:
                self._last = (now, written)
            elif now - self._last[0] >= RATE_WINDOW:
                instant = (written - self._last[1]) / (now - self._last[0])
                self._rate = instant if self._rate == 0 else 0.5 * self._rate + 0.5 * instant
                self._last = (now, written)
            rate = self._rate
        error = ""
        try:
            free = self._statvfs_free() - self.reserve_bytes
            writable = self._probe()
        except OSError as exc:
            free, writable, error = 0, False, str(exc)
        if self.quota_bytes:
            free = min(free, self.quota_bytes - self.reserve_bytes - self.used)
        free = max(free, 0)
        minutes = free / max(rate, ONE_ROOM_BYTES_PER_SECOND) / 60
        return Measure(free, rate, minutes, self.used, writable, error)

    def _probe(self) -> bool:
        """Whether a new file can be made in the store's folder (a read-only or vanished mount says no)."""
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        # a name of its own each time: two measures at once (the monitor's round and a /readyz) shared one name, and
        # the first to unlink made the other's unlink fail: "store_error", and a recorded session refused (seen by hand)
        fd, probe = tempfile.mkstemp(prefix=".probe-", dir=self.root)
        os.close(fd)
        os.unlink(probe)
        return True
