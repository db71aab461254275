"""What the wiring uses of the conferences part (no part sits above it)."""

from __future__ import annotations

from hub.conferences.live import ConferenceConsole, ConferenceInfo

__all__ = ["ConferenceConsole", "ConferenceInfo"]
