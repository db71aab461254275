"""Presence and messages between a room's participants.

The room's state lives on the node that holds its media; the bus only carries messages to the
participants' connections and knows who is connected. `MemoryBus` serves one process, and it also serves each node
of a hub of several processes (HUB_BUS=redis, `cluster.py`): every participant of a room is attached on the room's
node, those whose socket is on another process through a `RemoteConnection` whose `deliver` enqueues the message onto
the ordered Redis link (`redis_bus.py`). So the interface stays synchronous and `present` stays exact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

Deliver = Callable[[dict[str, Any]], None]  # must not block: it queues the message for the connection


class Bus(Protocol):
    def attach(self, room: str, participant: str, deliver: Deliver) -> None:
        """Route the room's messages for `participant` to `deliver` (replacing an earlier route)."""

    def detach(self, room: str, participant: str, deliver: Deliver | None = None) -> None:
        """Stop routing; with `deliver`, only if that is still the current route."""

    def publish(self, room: str, message: dict[str, Any], *, to: str | None = None, exclude: str | None = None) -> None:
        """Send to one participant (`to`) or to everyone in the room but `exclude`."""

    def present(self, room: str) -> set[str]:
        """Participants connected to the room now."""


class MemoryBus:
    def __init__(self) -> None:
        self._routes: dict[str, dict[str, Deliver]] = {}

    def attach(self, room: str, participant: str, deliver: Deliver) -> None:
        self._routes.setdefault(room, {})[participant] = deliver

    def detach(self, room: str, participant: str, deliver: Deliver | None = None) -> None:
        routes = self._routes.get(room)
        if routes is None:
            return
        if deliver is None or routes.get(participant) is deliver:
            routes.pop(participant, None)
        if not routes:
            del self._routes[room]

    def publish(self, room: str, message: dict[str, Any], *, to: str | None = None, exclude: str | None = None) -> None:
        routes = self._routes.get(room, {})
        if to is not None:
            target = routes.get(to)
            if target is not None:
                target(message)
            return
        for participant, deliver in list(routes.items()):
            if participant != exclude:
                deliver(message)

    def present(self, room: str) -> set[str]:
        return set(self._routes.get(room, {}))
