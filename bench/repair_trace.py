"""Where the freeze time at a lossy viewer comes from (`bench/network.py --trace`): a trace of one video leg.

Hooks (bench only) log, for the hub's leg towards viewer `a` and a's aiortc receiver: every video packet a receives
(original or RTX, by original sequence number), every NACK and PLI a sends, every NACK the hub's leg gets and every
retransmission it sends, and every keyframe request the hub sends the publisher. `summary()` follows each packet a
lost on the way down: when it noticed the hole (the next packet), when the repair arrived, and why it took long
(its first NACK lost on the way up, every retransmission lost on the way down, never NACKed again, never repaired);
and for each freeze, the packet that held it (the oldest hole open across the freeze) and its cause.
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from typing import Any

from hub.media.packets import starts_keyframe


class RepairTrace:
    def __init__(self) -> None:
        self.arrivals: dict[int, list[tuple[float, bool]]] = defaultdict(list)  # seq → (when, as RTX)
        self.first_after: dict[int, float] = {}  # seq → when a higher sequence number first arrived
        self.max_seq: int | None = None
        self.viewer_nacks: list[tuple[float, list[int]]] = []
        self.viewer_plis: list[float] = []
        self.hub_nacks: list[tuple[float, list[int]]] = []
        self.hub_rtx: dict[int, list[float]] = defaultdict(list)
        self.hub_plis: list[float] = []  # keyframe requests sent to the publisher (coalesced, rate-limited)
        self.hub_requests: list[float] = []  # keyframe wanted (before coalescing)
        self.keyframes_at_viewer: list[float] = []
        self._base: int | None = None
        self._media: int | None = None

    def _extend(self, seq: int) -> int:
        # sequence numbers unwrapped (the call lasts minutes: a wrap happens)
        if self._base is None:
            self._base = seq
            return seq
        last = self._base & 0xFFFF
        delta = (seq - last + 0x8000) % 0x10000 - 0x8000
        value = self._base + delta
        if delta > 0:
            self._base = value
        return value

    def hook_viewer(self, receiver: Any) -> None:
        original = receiver._handle_rtp_packet

        def handle(packet: Any, arrival_time_ms: int) -> Any:
            now = time.monotonic()
            if self._media is None:
                self._media = packet.ssrc  # the media stream starts before any retransmission
            rtx = packet.ssrc != self._media
            if rtx and len(packet.payload) < 2:
                return original(packet, arrival_time_ms)
            if rtx:
                seq = self._extend(int.from_bytes(packet.payload[:2]))
            else:
                seq = self._extend(packet.sequence_number)
                if self.max_seq is None or seq > self.max_seq:
                    if self.max_seq is not None:
                        for s in range(self.max_seq + 1, seq):
                            self.first_after[s] = now
                    self.max_seq = seq
            self.arrivals[seq].append((now, rtx))
            if not rtx and starts_keyframe("VP8", packet.payload):
                self.keyframes_at_viewer.append(now)
            return original(packet, arrival_time_ms)

        receiver._handle_rtp_packet = handle
        send_nack = receiver._send_rtcp_nack

        async def nack(media_ssrc: int, lost: list[int]) -> None:
            self.viewer_nacks.append((time.monotonic(), [self._extend_peek(s) for s in lost]))
            await send_nack(media_ssrc, lost)

        receiver._send_rtcp_nack = nack
        send_pli = receiver._send_rtcp_pli

        async def pli(media_ssrc: int) -> None:
            self.viewer_plis.append(time.monotonic())
            await send_pli(media_ssrc)

        receiver._send_rtcp_pli = pli

    def _extend_peek(self, seq: int) -> int:
        if self._base is None:
            return seq
        delta = (seq - (self._base & 0xFFFF) + 0x8000) % 0x10000 - 0x8000
        return self._base + delta

    def hook_leg(self, leg: Any) -> None:
        """The hub's leg: NACKs in (sequence numbers as the viewer sees them), retransmissions out."""
        nack = leg.nack
        retransmit = leg._retransmit

        def on_nack(lost: list[int]) -> None:
            self.hub_nacks.append((time.monotonic(), [self._extend_peek(s) for s in lost]))
            nack(lost)

        def on_retransmit(seq: int, *args: Any) -> None:
            self.hub_rtx[self._extend_peek(seq)].append(time.monotonic())
            retransmit(seq, *args)

        leg.nack = on_nack
        leg._retransmit = on_retransmit

    def hook_requester(self, requester: Any) -> None:
        request = requester.request

        def on_request() -> None:
            self.hub_requests.append(time.monotonic())
            request()

        requester.request = on_request
        send = requester._send

        async def on_send() -> None:
            self.hub_plis.append(time.monotonic())
            await send()

        requester._send = on_send

    def lost(self, start: float, end: float) -> list[dict[str, Any]]:
        """Each packet a lost on the way down (first seen as RTX, or never) between `start` and `end`."""
        rows = []
        for seq, noticed in sorted(self.first_after.items()):
            if not start <= noticed <= end:
                continue
            got = self.arrivals.get(seq, [])
            originals = [t for t, rtx in got if not rtx]
            if originals and originals[0] - noticed < 0.05:
                continue  # reordered, not lost
            repaired = min((t for t, _ in got), default=None)
            asked = [t for t, lost in self.viewer_nacks if seq in lost and t >= noticed - 0.001]
            heard = [t for t, lost in self.hub_nacks if seq in lost and t >= noticed - 0.001]
            sent = [t for t in self.hub_rtx.get(seq, []) if t >= noticed - 0.001]
            delay = (repaired - noticed) if repaired is not None else None
            if delay is None:
                cause = "never repaired"
            elif not asked:
                cause = "not asked"
            elif heard and asked and heard[0] - asked[0] > 0.02 and len(asked) > 1:
                cause = "first NACK lost"
            elif sent and len(sent) > 2 and repaired - sent[0] > 0.03:
                cause = "retransmissions lost"
            elif not heard:
                cause = "NACK lost"
            else:
                cause = "repaired"
            rows.append(
                {
                    "seq": seq,
                    "noticed": noticed,
                    "delay": delay,
                    "nacks": len(asked),
                    "heard": len(heard),
                    "rtx": len(sent),
                    "cause": cause,
                }
            )
        return rows

    def summary(
        self, freezes: list[tuple[float, float]], start: float, end: float, samples: list[tuple[float, int]]
    ) -> dict[str, Any]:
        rows = self.lost(start, end)
        arrival_times = sorted(t for got in self.arrivals.values() for t, _ in got)
        by_cause: dict[str, list[float]] = defaultdict(list)
        for row in rows:
            by_cause[row["cause"]].append(row["delay"] if row["delay"] is not None else float("nan"))
        held = []
        for f0, f1 in freezes:
            # the hole that held the picture: open at the freeze's start, closed nearest its end
            # (the hole is noticed up to a frame or more after the last frame came out: at the next packet)
            mid = min(f0 + 0.15, f1)
            open_rows = [r for r in rows if r["noticed"] <= mid and (r["delay"] is None or r["noticed"] + r["delay"] >= mid)]
            row = min(open_rows, key=lambda r: r["seq"], default=None)
            plis = [round(t - f0, 3) for t in self.viewer_plis if f0 - 0.5 <= t <= f1]
            hub_plis = [round(t - f0, 3) for t in self.hub_plis if f0 - 0.5 <= t <= f1]
            inside = [t for t in arrival_times if f0 - 0.05 <= t <= f1 + 0.05]
            ticks = [t for t, _ in samples if f0 - 0.05 <= t <= f1 + 0.05]
            held.append(
                {
                    "at": round(f0 - start, 2),
                    "arrivals": len(inside),
                    "arrival_gap_s": round(max((b - a for a, b in itertools.pairwise(inside)), default=0.0), 3),
                    "loop_gap_s": round(max((b - a for a, b in itertools.pairwise(ticks)), default=0.0), 3),
                    "s": round(f1 - f0, 3),
                    "seq": row["seq"] if row else None,
                    "cause": row["cause"] if row else "no hole",
                    "hole_open_s": round(row["delay"], 3) if row and row["delay"] is not None else None,
                    "nacks": row["nacks"] if row else None,
                    "heard": row["heard"] if row else None,
                    "rtx": row["rtx"] if row else None,
                    "viewer_pli": plis,
                    "hub_pli": hub_plis,
                }
            )
        delays = sorted(r["delay"] for r in rows if r["delay"] is not None)
        # From a keyframe wanted at the hub to the PLI sent upstream (the rate limit), and to the keyframe's first
        # packet at the viewer (the publisher's answer and the way down).
        keyframes = []
        for asked in self.hub_requests:
            if not start - 1 <= asked <= end:
                continue
            sent = next((t for t in self.hub_plis if t >= asked - 0.001), None)
            seen = next((t for t in self.keyframes_at_viewer if t >= asked), None)
            keyframes.append(
                {
                    "at": round(asked - start, 2),
                    "pli_after_ms": round(1000 * (sent - asked), 1) if sent is not None else None,
                    "keyframe_after_ms": round(1000 * (seen - asked), 1) if seen is not None else None,
                }
            )
        return {
            "lost_down": len(rows),
            "repair_p50_ms": round(1000 * delays[len(delays) // 2], 1) if delays else None,
            "repair_p95_ms": round(1000 * delays[int(len(delays) * 0.95)], 1) if delays else None,
            "by_cause": {k: {"n": len(v), "over_0.15s": sum(1 for d in v if not d < 0.15)} for k, v in by_cause.items()},
            "viewer_nacks": len(self.viewer_nacks),
            "hub_nacks_heard": len(self.hub_nacks),
            "hub_rtx": sum(len(v) for v in self.hub_rtx.values()),
            "viewer_plis": len(self.viewer_plis),
            "hub_plis": len(self.hub_plis),
            "freezes": held,
            "keyframes": keyframes[:20],
        }
