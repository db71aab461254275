"""What the command line and the wiring use of signaling: other parts import from here, never from signaling's other
modules (tests/test_layers.py)."""

from __future__ import annotations

from hub.signaling.client import print_probe, probe

__all__ = ["print_probe", "probe"]
