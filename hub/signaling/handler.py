"""The `/ws` endpoint: checks Origin, then feeds every text frame to the service."""

from __future__ import annotations

from aiohttp import WSMsgType, web

from hub.auth.interface import note_activity, watch_request
from hub.http.context import actor_of
from hub.signaling.connection import Connection
from hub.signaling.keys import CLUSTER, SIGNALING, allowed_origin

# Frames above MAX_MESSAGE_BYTES get an `error` and the connection lives on; only frames this large
# (which no honest client sends) make aiohttp close the socket.
HARD_FRAME_LIMIT = 1024 * 1024


async def websocket(request: web.Request) -> web.StreamResponse:
    service = request.app[SIGNALING]
    cluster = request.app.get(CLUSTER)  # several processes: the room may live on another one (hub/signaling/cluster.py)
    receive = cluster.receive if cluster is not None else service.receive
    if request.headers.get("Origin") != allowed_origin(request.app):
        raise web.HTTPForbidden(text="origin not allowed")
    ws = web.WebSocketResponse(max_msg_size=HARD_FRAME_LIMIT, heartbeat=30.0)
    await ws.prepare(request)
    conn = Connection(ws)
    # the staff member behind this socket's session cookie: a token for "user-N" joins only on N's own socket, so that
    # the socket leaves the call when N signs out (issue 14, finding 12)
    actor = actor_of(request)
    conn.bearer = f"user-{actor.user_id}" if actor.is_staff else None
    service.connections.add(conn)

    async def session_ended() -> None:
        # the staff session behind this socket ended (sign-out, timeout, disabled account, revoked key)
        if cluster is not None:
            await cluster.session_ended(conn)
            return
        if conn.room and conn.participant:
            await service.remove_participant(conn.room, conn.participant, reason="signed_out")
        await conn.close()

    unwatch = watch_request(request, session_ended)
    try:
        async for frame in ws:
            if frame.type == WSMsgType.TEXT:
                await note_activity(request)  # a live call keeps its staff session from going idle
                await receive(conn, frame.data)
            elif frame.type == WSMsgType.BINARY:
                service.binary(conn)
    finally:
        unwatch()
        await (cluster.disconnected(conn) if cluster is not None else service.disconnected(conn))
        await conn.close()
    return ws
