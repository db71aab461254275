"""Wire recording into the app: pages and endpoints, crash recovery at start, and the recorder on signaling's hooks.

Call `setup(app)` after `hub.signaling.setup.setup(...)` (so the recorders stop before the media closes
on shutdown) and after the cases part (the pages check access to the case).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import structlog
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.http.keys import CLOCK, DB, LABELS, POLICY, READINESS, SETTINGS, Readiness
from hub.rooms.live_calls import LIVE_CALLS
from hub.rooms.recording import service, views
from hub.rooms.recording.access import load_recording
from hub.rooms.recording.copies import ReviewCopies
from hub.rooms.recording.keys import CASE_RESOLVER, COPIES, READERS, RECORDINGS
from hub.rooms.recording.manager import RecordingManager, no_case
from hub.rooms.recording.models import RECORDING_LABELS, GapCause, Recording
from hub.rooms.recording.playback import ReaderCache
from hub.rooms.recording.rules import RecordingRule
from hub.store.interface import STORE, STORE_MONITOR

log = structlog.get_logger("hub.recorder")


def setup(app: web.Application) -> None:
    app[LABELS].update(RECORDING_LABELS)
    policy = app[POLICY]
    policy.register(Recording, RecordingRule(policy))

    async def recording(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> Recording:
        return await load_recording(session, policy, actor, object_id)

    policy.register_loader("recording", recording)
    app.setdefault(CASE_RESOLVER, no_case)  # the schedule part, which links interviews to cases, may set its own
    app.router.add_routes(views.routes.table)
    app.cleanup_ctx.append(_recordings)


async def _recordings(app: web.Application) -> AsyncIterator[None]:
    store = app[STORE]  # opened (and recovered) by hub.app before this runs
    app[READERS] = ReaderCache(store)
    app[COPIES] = ReviewCopies(app[DB], store)
    async with app[DB].transaction() as s:
        adopted = await service.adopt_orphans(s, store)
        # several processes (HUB_BUS=redis): what no live process writes any more was a dead node's
        cause = GapCause.NODE_FAILED if app[SETTINGS].bus == "redis" else GapCause.SERVER_RESTART
        recovered = await service.recover_interrupted(s, store, now=app[CLOCK].now(), cause=cause)
    log.info("recordings_recovered", recordings=recovered, segments_adopted=adopted)
    manager: RecordingManager | None = None
    if LIVE_CALLS in app:
        signaling = app[LIVE_CALLS]
        monitor = app.get(STORE_MONITOR)
        manager = RecordingManager(
            app[DB],
            store,
            signaling,
            clock=app[CLOCK],
            case_of=app[CASE_RESOLVER],
            impossible=monitor.verdict if monitor is not None else lambda: None,
        )
        signaling.on_participant_joined.append(manager.on_participant_joined)
        signaling.on_participant_left.append(manager.on_participant_left)
        signaling.on_room_ended.append(manager.on_room_ended)
        signaling.on_recording_acknowledged.append(manager.on_recording_acknowledged)
        fenced = getattr(signaling, "on_room_fenced", None)  # several processes (hub.signaling.cluster.ClusterCalls)
        if fenced is not None:
            fenced.append(manager.on_room_fenced)
            manager.holds_room = signaling.holds_room  # type: ignore[attr-defined]
        app[RECORDINGS] = manager
        app[READINESS].append(lambda: _recorders_ready(manager))
    yield
    if manager is not None:
        await manager.close()


async def _recorders_ready(manager: RecordingManager) -> Readiness:
    """Every room that must be recorded has a recorder that writes; rows waiting for the database say so too."""
    detail = {
        "running": sum(1 for recorder, _ in manager.recorders.values() if recorder.failed is None),
        "not_recording": {room: fault.cause.value for room, fault in manager.faults.items()},
        "rows_waiting": sum(backlog.pending for backlog in manager.backlogs.values()),
    }
    return Readiness("recorders", not manager.faults, detail)
