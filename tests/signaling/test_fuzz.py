"""Ten thousand generated bad messages over a real WebSocket: each gets an `error`, nothing crashes.

The server runs in its own thread and loop so hypothesis can drive it from a plain test function.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.rooms.participants import ParticipantRole
from hub.rooms.tokens import issue_token
from hub.signaling import connection, protocol
from hub.signaling.setup import setup
from tests.signaling.conftest import ORIGIN, SECRET

EXAMPLES = 10_000


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Rig:
    """A hub on 127.0.0.1 with three sockets: not joined, a host, and an admitted kiosk."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.sockets: dict[str, aiohttp.ClientWebSocketResponse] = {}
        self.inbox: dict[str, asyncio.Queue[aiohttp.WSMessage]] = {}
        self.readers: list[asyncio.Future[None]] = []
        self.sent = 0
        self.codes: dict[str, int] = {}
        self.call(self._start())

    def call(self, coro: Any) -> Any:
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return future.result(timeout=30)

    async def _start(self) -> None:
        app = web.Application()
        self.service = setup(app, secret=SECRET, allowed_origin=ORIGIN, ice_addresses=["127.0.0.1"], ice_servers=[])
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        self.session = aiohttp.ClientSession()
        url = self.server.make_url("/ws")
        for name in ("fresh", "host", "kiosk"):
            self.sockets[name] = await self.session.ws_connect(url, origin=ORIGIN)
            # Keep reading every socket, as a real client does: that also answers the server's heartbeat.
            self.inbox[name] = asyncio.Queue()
            self.readers.append(asyncio.ensure_future(self._read(name)))
        await self._request("host", {"type": "join", "id": 1, "room": "fuzz", "token": token("host", ParticipantRole.HOST)})
        await self._request("kiosk", {"type": "join", "id": 1, "room": "fuzz", "token": token("kiosk", ParticipantRole.KIOSK)})
        await self._request("host", {"type": "admit", "id": 2, "participant": "kiosk"})

    async def _request(self, name: str, message: dict[str, Any]) -> dict[str, Any]:
        await self.sockets[name].send_str(json.dumps(message))
        return await self._reply(name, message.get("id"))

    async def _read(self, name: str) -> None:
        ws = self.sockets[name]
        while True:
            frame = await ws.receive()
            await self.inbox[name].put(frame)
            if frame.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                return

    async def _reply(self, name: str, request_id: Any) -> dict[str, Any]:
        while True:
            frame = await asyncio.wait_for(self.inbox[name].get(), 10)
            assert frame.type == aiohttp.WSMsgType.TEXT, f"socket {name} got {frame.type}"
            reply = json.loads(frame.data)
            if reply["type"] == "error" or (request_id is not None and reply.get("id") == request_id):
                return reply  # skip events (joined on admission, lobby_waiting…): their id is null

    async def _send(self, name: str, payload: str | bytes, request_id: Any) -> dict[str, Any]:
        ws = self.sockets[name]
        if isinstance(payload, bytes):
            await ws.send_bytes(payload)
        else:
            await ws.send_str(payload)
        return await self._reply(name, request_id)

    def send(self, name: str, payload: str | bytes, request_id: Any = None) -> dict[str, Any]:
        self.sent += 1
        reply: dict[str, Any] = self.call(self._send(name, payload, request_id))
        self.codes[reply.get("code", "")] = self.codes.get(reply.get("code", ""), 0) + 1
        return reply

    def close(self) -> None:
        async def stop() -> None:
            for ws in self.sockets.values():
                await ws.close()
            for reader in self.readers:
                await reader
            await self.session.close()
            await self.server.close()

        self.call(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


def token(participant: str, role: ParticipantRole, room: str = "fuzz") -> str:
    return issue_token(SECRET, room=room, participant=participant, name=participant, role=role)


@pytest.fixture(scope="module")
def rig() -> Iterator[Rig]:
    # Two busy threads share the GIL: hand it over quickly so each round trip is not a 5 ms switch interval.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    # Thousands of messages per connection as fast as it answers: no rate limit here (test_limits has its own).
    rate = connection.RATE_PER_SECOND
    connection.RATE_PER_SECOND = 1e9
    log = ErrorLog()
    logging.getLogger().addHandler(log)
    rig = Rig()
    rig.log = log  # type: ignore[attr-defined]
    try:
        yield rig
    finally:
        rig.close()
        logging.getLogger().removeHandler(log)
        sys.setswitchinterval(interval)
        connection.RATE_PER_SECOND = rate


# ---- strategies: every one yields a message the server must refuse, and the code it must give ----

ids = st.one_of(st.integers(-(2**53), 2**53), st.text(min_size=1, max_size=64))
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
participants = st.text(min_size=1, max_size=40)


def readable_id(value: Any) -> bool:
    """An id the server can echo: an integer (not a boolean) or a string of 1-64 characters."""
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and 0 < len(value) <= 64)


_CANDIDATE = st.none() | st.fixed_dictionaries(
    {"candidate": st.text(max_size=50)},
    optional={"sdpMid": st.none() | st.text(max_size=5), "sdpMLineIndex": st.none() | st.integers(0, 64)},
)
# Valid fields for each request type (built once: building strategies per draw is slow).
VALID_FIELDS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "join": st.fixed_dictionaries({"room": st.text(min_size=1, max_size=20), "token": st.text(min_size=1, max_size=200)}),
    "offer": st.fixed_dictionaries({"sdp": st.text(min_size=1, max_size=200), "restart": st.booleans()}),
    "ice": st.fixed_dictionaries({"candidate": _CANDIDATE}),
    "admit": st.fixed_dictionaries({"participant": participants}),
    "deny": st.fixed_dictionaries({"participant": participants}),
    "media_state": st.fixed_dictionaries({"audio": st.booleans(), "video": st.booleans()}),
    "set_presenter": st.fixed_dictionaries({"participant": st.none() | participants}),
    "remove": st.fixed_dictionaries({"participant": participants}),
    "leave": st.just({}),
    "end": st.just({}),
    "acknowledge_recording": st.just({}),
    "ping": st.just({}),
    # conferences (会控): in this plain room each gets `not_conference` when well formed
    **{k: st.fixed_dictionaries({"venue": participants}) for k in ("call_venue", "hang_up", "mute", "unmute", "roll_call")},
    **{k: st.fixed_dictionaries({"venue": participants}) for k in ("grant_floor", "decline_floor")},
    **{k: st.just({}) for k in ("admit_all", "mute_all", "unmute_all", "stop_tour", "end_conference", "end_floor")},
    **{k: st.just({}) for k in ("request_floor", "cancel_floor", "answer_roll_call")},
    "set_layout": st.fixed_dictionaries(
        {"layout": st.sampled_from(["single", "2x2", "3x3", "4x4"]), "venues": st.lists(participants, max_size=4)}
    ),
    "broadcast": st.fixed_dictionaries({"venue": st.none() | participants, "layout": st.booleans()}),
    "watch": st.fixed_dictionaries({"venue": st.none() | participants}),
    "voice_switching": st.fixed_dictionaries({"on": st.booleans()}),
    "tour": st.fixed_dictionaries(
        {"mode": st.sampled_from(["broadcast", "view"]), "seconds": st.integers(3, 600), "venues": st.none()}
    ),
    "lock": st.fixed_dictionaries({"locked": st.booleans()}),
    "extend": st.fixed_dictionaries({"minutes": st.integers(1, 240)}),
    "hand_over": st.fixed_dictionaries({"participant": participants}),
    "allow_content": st.fixed_dictionaries({"venue": participants, "allowed": st.booleans()}),
    "sign_in": st.fixed_dictionaries({"people": st.integers(1, 9999)}),
    "share_content": st.fixed_dictionaries({"on": st.booleans()}),
    "venue_stats": st.fixed_dictionaries(
        {
            "camera": st.booleans(),
            "microphone": st.booleans(),
            "quality": st.sampled_from(["good", "fair", "poor", "unknown"]),
            "rtt_ms": st.none() | st.integers(0, 1000),
            "loss_pct": st.none() | st.floats(0, 100),
            "bitrate_kbps": st.none() | st.integers(0, 5000),
        }
    ),
}


def valid_fields(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    return VALID_FIELDS[kind]


@st.composite
def not_json(draw: st.DrawFn) -> tuple[str, str | bytes, Any, set[str]]:
    text = draw(st.text(max_size=200))
    try:
        json.loads(text)
    except ValueError:
        return ("fresh", text, None, {"bad_json"})
    return ("fresh", text + "}{", None, {"bad_json"})


@st.composite
def not_object(draw: st.DrawFn) -> tuple[str, str | bytes, Any, set[str]]:
    value = draw(json_values.filter(lambda v: not isinstance(v, dict)))
    return (draw(st.sampled_from(["fresh", "kiosk"])), json.dumps(value), None, {"invalid_message"})


@st.composite
def unknown_type(draw: st.DrawFn) -> tuple[str, str | bytes, Any, set[str]]:
    message = draw(st.dictionaries(st.text(max_size=8), json_scalars, max_size=2))
    message["type"] = draw(
        (st.text(max_size=12) | json_values).filter(lambda v: not (isinstance(v, str) and v in protocol.CLIENT_MESSAGES))
    )
    request_id = draw(ids)
    message["id"] = request_id
    return (draw(st.sampled_from(["fresh", "kiosk"])), json.dumps(message), request_id, {"unknown_type"})


@st.composite
def wrong_fields(draw: st.DrawFn) -> tuple[str, str | bytes, Any, set[str]]:
    kind = draw(st.sampled_from(sorted(protocol.CLIENT_MESSAGES)))
    model = protocol.CLIENT_MESSAGES[kind]
    request_id = draw(ids)
    message = {"type": kind, "id": request_id, **draw(valid_fields(kind))}
    how = draw(st.sampled_from(["extra", "drop", "retype"]))
    names = [n for n in model.model_fields if n != "type"]
    if how == "extra":
        message[draw(st.text(min_size=1, max_size=10).filter(lambda n: n not in model.model_fields))] = draw(json_values)
    elif how == "drop":
        message.pop(draw(st.sampled_from(names)))
    else:
        message[draw(st.sampled_from(names))] = draw(json_values)
    try:
        model.model_validate(message)
    except ValueError:
        pass
    else:
        message["unexpected_field"] = 1  # the mutation happened to stay valid: make it certainly invalid
    echoed = message.get("id") if readable_id(message.get("id")) else None
    return (draw(st.sampled_from(["fresh", "kiosk"])), json.dumps(message), echoed, {"invalid_message"})


@st.composite
def oversized(draw: st.DrawFn) -> tuple[str, str | bytes, Any, set[str]]:
    size = draw(st.integers(protocol.MAX_MESSAGE_BYTES - 20, 3 * protocol.MAX_MESSAGE_BYTES))
    char = draw(st.sampled_from(["a", "字", "\\n"]))
    text = '{"type":"ping","id":1,"pad":"' + char * (size // len(char.encode()) + 1) + '"}'
    return (draw(st.sampled_from(["fresh", "kiosk"])), text, None, {"too_large"})


@st.composite
def out_of_order(draw: st.DrawFn) -> tuple[str, str | bytes, Any, set[str]]:
    kind = draw(st.sampled_from(sorted(set(protocol.CLIENT_MESSAGES) - {"join", "ping"})))
    request_id = draw(ids)
    message = {"type": kind, "id": request_id, **draw(valid_fields(kind))}
    return ("fresh", json.dumps(message), request_id, {"out_of_order"})


@st.composite
def unauthorised(draw: st.DrawFn) -> tuple[str, str | bytes, Any, set[str]]:
    kind = draw(st.sampled_from(["admit", "deny", "end", "remove", "set_presenter", "acknowledge_recording"]))
    request_id = draw(ids)
    message = {"type": kind, "id": request_id, **draw(valid_fields(kind))}
    return ("kiosk", json.dumps(message), request_id, {"forbidden"})


@st.composite
def bad_join(draw: st.DrawFn) -> tuple[str, str | bytes, Any, set[str]]:
    request_id = draw(ids)
    choice = draw(st.sampled_from(["garbage", "other_room", "expired", "again"]))
    if choice == "garbage":
        message = {"type": "join", "id": request_id, "room": "fuzz", "token": draw(st.text(min_size=1, max_size=300))}
        return ("fresh", json.dumps(message), request_id, {"bad_token"})
    if choice == "other_room":
        message = {"type": "join", "id": request_id, "room": "fuzz", "token": token("x", ParticipantRole.HOST, room="elsewhere")}
        return ("fresh", json.dumps(message), request_id, {"wrong_room"})
    if choice == "expired":
        expired = issue_token(SECRET, room="fuzz", participant="x", name="x", role=ParticipantRole.HOST, ttl_seconds=-5)
        message = {"type": "join", "id": request_id, "room": "fuzz", "token": expired}
        return ("fresh", json.dumps(message), request_id, {"token_expired"})
    message = {"type": "join", "id": request_id, "room": "fuzz", "token": token("kiosk", ParticipantRole.KIOSK)}
    return ("kiosk", json.dumps(message), request_id, {"out_of_order"})


@st.composite
def binary(draw: st.DrawFn) -> tuple[str, str | bytes, Any, set[str]]:
    return (draw(st.sampled_from(["fresh", "kiosk"])), draw(st.binary(max_size=100)), None, {"binary_frame"})


bad_messages = st.one_of(
    not_json(), not_object(), unknown_type(), wrong_fields(), oversized(), out_of_order(), unauthorised(), bad_join(), binary()
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(case=bad_messages)
def test_every_bad_message_gets_an_error_and_nothing_breaks(rig: Rig, case: tuple[str, str | bytes, Any, set[str]]) -> None:
    socket, payload, request_id, codes = case
    reply = rig.send(socket, payload, request_id)
    assert reply["type"] == "error", reply
    assert reply["code"] in codes, (payload if isinstance(payload, bytes) or len(payload) < 300 else "(long)", reply)
    assert reply["id"] == request_id
    assert reply["reason"]


def test_after_the_storm_the_room_lives_and_nothing_was_logged(rig: Rig) -> None:
    assert rig.sent >= EXAMPLES, "the property test must have run first, with all its examples"
    assert rig.call(rig._request("host", {"type": "ping", "id": "p"}))["type"] == "pong"
    assert rig.call(rig._request("kiosk", {"type": "media_state", "id": 9, "audio": False, "video": False}))["type"] == "ok"
    assert set(rig.service.rooms["fuzz"].members) == {"host", "kiosk"}
    assert rig.codes.get("internal", 0) == 0
    assert len(rig.codes) >= 10, rig.codes  # the generator reached (nearly) every refusal
    problems = [r.getMessage() for r in rig.log.records if r.name.startswith(("hub", "aiohttp", "asyncio"))]  # type: ignore[attr-defined]
    assert problems == []


def test_a_held_interview_refuses_going_on_with_its_own_code(rig: Rig) -> None:
    """After the storm: the recorder of the fuzz room fails (an interview); until the host acknowledges, choosing the
    presenter is `recording_unacknowledged`, a kiosk's acknowledgement `forbidden`; the host's lifts the hold."""

    async def hold() -> None:
        rig.service.set_recording("fuzz", False, "recorder_failed", acknowledge=True)

    rig.call(hold())
    presenter = json.dumps({"type": "set_presenter", "id": 20, "participant": "kiosk"})
    assert rig.send("host", presenter, 20)["code"] == "recording_unacknowledged"
    assert rig.send("kiosk", json.dumps({"type": "acknowledge_recording", "id": 21}), 21)["code"] == "forbidden"
    assert rig.send("host", json.dumps({"type": "acknowledge_recording", "id": 22}), 22)["type"] == "ok"
    assert rig.send("host", presenter, 20)["type"] == "ok"
