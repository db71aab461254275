"""Fixed receive slots decided at join, and the policy that maps publishers onto them.

A connection's transceivers never change after the first negotiation (aiortc renegotiation is
fragile), so people coming and going only switch what each slot carries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SlotLayout:
    """How many streams each participant receives: one main video, thumbnails, audio."""

    thumbnails: int = 2
    audio: int = 3
    dual: bool = False  # conferences: publishers send a small copy of the camera too (`camera_small`, for thumbnails)

    def video_names(self) -> list[str]:
        return ["main"] + [f"thumb{i}" for i in range(1, self.thumbnails + 1)]

    def audio_names(self) -> list[str]:
        return [f"audio{i}" for i in range(1, self.audio + 1)]

    def describe(self, publish: bool) -> list[dict[str, str]]:
        """The m-lines a client offers, in order: its own camera and microphone, then the receive slots."""
        lines: list[dict[str, str]] = []
        if publish:
            lines.append({"name": "camera", "kind": "video", "direction": "sendonly"})
            if self.dual:
                lines.append({"name": "camera_small", "kind": "video", "direction": "sendonly"})
            lines.append({"name": "microphone", "kind": "audio", "direction": "sendonly"})
            if self.dual:
                lines.append({"name": "content", "kind": "video", "direction": "sendonly"})
        lines += [{"name": n, "kind": "video", "direction": "recvonly"} for n in self.video_names()]
        if self.dual:
            lines.append({"name": CONTENT_VIEW, "kind": "video", "direction": "recvonly"})
        lines += [{"name": n, "kind": "audio", "direction": "recvonly"} for n in self.audio_names()]
        return lines


# what each send line is called among a publisher's streams and packet sources
SOURCE_KEYS = {"camera": "video", "camera_small": "video_small", "microphone": "audio", "content": "content"}
SMALL = "video_small"
CONTENT = "content"
CONTENT_VIEW = "content_view"  # the receive slot of the content being shared (conferences)


def source_key(slot: str) -> str:
    """Which of a publisher's sources a receive slot carries: thumbnails the small camera, main the large one."""
    if slot.startswith("audio"):
        return "audio"
    if slot == CONTENT_VIEW:
        return CONTENT
    return SMALL if slot.startswith("thumb") else "video"


@dataclass(frozen=True)
class Candidate:
    """A publisher as the assignment policy sees it."""

    participant_id: str
    joined_order: int
    last_spoke: float  # monotonic time of the last loud audio; 0 if never


def rank(candidates: Sequence[Candidate], presenter: str | None) -> list[str]:
    """Publishers in order of who deserves a slot most: presenter, recent speakers, then join order.

    Audio levels come from the RTP ssrc-audio-level header extension (RFC 6464), which aiortc parses
    and browsers send; a publisher that never sent it ranks by join order only.
    """
    ordered = sorted(candidates, key=lambda c: (c.participant_id != presenter, -c.last_spoke, c.joined_order))
    return [c.participant_id for c in ordered]


def assign(
    layout: SlotLayout,
    me: str,
    video_ranked: Sequence[str],
    audio_ranked: Sequence[str],
    current: dict[str, str | None] | None = None,
    presenter: str | None = None,
) -> dict[str, str | None]:
    """Slot name → publisher for participant `me` (never their own stream).

    The top-ranked publishers get the video slots, the loudest the audio slots. A publisher who stays
    among the wanted ones keeps the slot it already had (each move costs a keyframe, and two people
    taking turns to speak must not swap places on screen every second). Only the presenter is moved:
    onto the main slot. A newcomer takes the main slot when it is free.
    """
    current = current or {}
    video = [p for p in video_ranked if p != me]
    audio = [p for p in audio_ranked if p != me]
    wanted = video[: 1 + layout.thumbnails]
    if presenter is not None and presenter in wanted:
        mapping: dict[str, str | None] = {"main": presenter}
        rest = {k: v for k, v in current.items() if v != presenter}
        mapping |= _stable(layout.video_names()[1:], [p for p in wanted if p != presenter], rest)
    else:
        mapping = _stable(layout.video_names(), wanted, current)
    mapping |= _stable(layout.audio_names(), audio[: layout.audio], current)
    return mapping


def _stable(names: list[str], wanted: list[str], current: dict[str, str | None]) -> dict[str, str | None]:
    result: dict[str, str | None] = {}
    placed: set[str] = set()
    for name in names:
        holder = current.get(name)
        if holder is not None and holder in wanted and holder not in placed:
            result[name] = holder
            placed.add(holder)
    rest = iter(p for p in wanted if p not in placed)
    for name in names:
        if name not in result:
            result[name] = next(rest, None)
    return result
