"""What the other parts use of the forwarding media server.

Other parts import from here, never from this part's other modules (tests/test_layers.py)."""

from __future__ import annotations

from hub.media import FrameTiming, MediaEngine, MediaRoom, SlotLayout
from hub.media.ice import peer_configuration, restrict_host_addresses
from hub.media.keyframes import is_keyframe
from hub.media.peer import MediaError, RestartFailed
from hub.media.tap import ReceiverTap
from hub.media.tracks import CLOCK_RATE

__all__ = [
    "CLOCK_RATE",
    "FrameTiming",
    "MediaEngine",
    "MediaError",
    "MediaRoom",
    "ReceiverTap",
    "RestartFailed",
    "SlotLayout",
    "is_keyframe",
    "peer_configuration",
    "restrict_host_addresses",
]
