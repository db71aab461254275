"""What the command line, the wiring and the parts above use of signaling: other parts import from here, never from
signaling's other modules (tests/test_layers.py)."""

from __future__ import annotations

from hub.signaling import conference_protocol as cp
from hub.signaling.client import print_probe, probe
from hub.signaling.conference_protocol import CHAIR_ONLY, LAYOUT_PICTURES
from hub.signaling.console import ConferenceControls, ConsoleError, ConsoleHook, MemberView
from hub.signaling.keys import SIGNALING
from hub.signaling.protocol_base import Request

__all__ = [
    "CHAIR_ONLY",
    "LAYOUT_PICTURES",
    "SIGNALING",
    "ConferenceControls",
    "ConsoleError",
    "ConsoleHook",
    "MemberView",
    "Request",
    "cp",
    "print_probe",
    "probe",
]
