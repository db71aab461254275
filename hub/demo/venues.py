"""`hub demo venues`: the six township venues of the demo conference as bots, so that the chair's board shows them ready
without six browsers.

Each bot signs in over HTTP as its township's staff member (xini1, balagong1, ...; the demo's password), asks the hub
for its seat in the conference like the page does (`POST /api/v1/room-sessions/{session}/token`), joins over `/ws` and
publishes a moving test picture with a tone (replayed, never encoded live; aiortc). Then it behaves as a venue would:
it reports its devices and network for the board every few seconds, signs in with the number of people present,
answers the roll call when it is called, and (one of them) asks to speak, so that the chair has a request to grant.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import structlog

from hub.demo.conference import TITLE, township_people
from hub.demo.org import DEMO_PASSWORD
from hub.signaling.client import HubClient, SignalingRefused
from hub.signaling.clip import Clip, encode_clip

log = structlog.get_logger(__name__)

STATS_SECONDS = 5.0  # the board's figures, as the page sends them
TICKS_PER_REPORT = 5  # the roll call is looked for five times as often
RETRY_SECONDS = 15.0
ANSWER_AFTER_SECONDS = 1.5  # a person takes a moment to say "到"
PEOPLE = {"xini1": 12, "balagong1": 9, "jirigalangtu1": 15, "huhemudu1": 8, "duguitala1": 11, "yihewusu1": 7}


@dataclass
class VenueBot:
    """One township venue: its staff member's HTTP session, its seat, and its signaling client."""

    base: str
    username: str
    clip: Clip
    ask_to_speak_after: float | None = None
    say: Callable[[str], None] = print
    client: HubClient | None = None
    answered: set[str] = field(default_factory=set)

    async def seat(self, http: aiohttp.ClientSession, conference: int | None) -> tuple[dict[str, Any], str]:
        """Sign in as the township's staff member and take its seat in the conference (the room token)."""
        page = await (await http.get(f"{self.base}/signin")).text()
        csrf = _csrf(page)
        signed = await http.post(
            f"{self.base}/signin",
            data={"username": self.username, "password": DEMO_PASSWORD, "csrf_token": csrf, "next": "/home"},
            allow_redirects=False,
        )
        if signed.status != 303:
            raise RuntimeError(f"{self.username} could not sign in ({signed.status}): is the demo loaded and keys off?")
        csrf = _csrf(await (await http.get(f"{self.base}/home")).text())
        found = await (await http.get(f"{self.base}/api/v1/conferences")).json()
        listed = found.get("conferences", found) if isinstance(found, dict) else found
        chosen = [c for c in listed if (c["id"] == conference if conference else c["title"] == TITLE)]
        chosen = [c for c in chosen if c["status"] != "ended"]
        if not chosen:
            raise RuntimeError(f"{self.username} sees no open demo conference (hub demo loads one; --conference ID)")
        session = chosen[0]["session"]
        while True:
            reply = await http.post(f"{self.base}/api/v1/room-sessions/{session}/token", headers={"X-CSRF-Token": csrf})
            if reply.status != 409:
                break
            self.say(f"{self.username}: the conference is not open yet; trying again in {RETRY_SECONDS:.0f} s")
            await asyncio.sleep(RETRY_SECONDS)
        if reply.status != 200:
            raise RuntimeError(f"{self.username} got no seat ({reply.status}): {await reply.text()}")
        return await reply.json(), chosen[0]["title"]

    async def run(self, conference: int | None, ice_addresses: list[str]) -> None:
        ws_url = re.sub(r"^http", "ws", self.base) + "/ws"
        http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        try:
            seat, title = await self.seat(http, conference)
        except BaseException:
            await http.close()
            raise
        client = SignedInClient(
            http, ws_url, seat["token"], seat["room"], origin=self.base, clip=self.clip, ice_addresses=ice_addresses,
            decode=False,
        )  # fmt: skip
        self.client = client
        await client.connect()
        reply = await client.join()
        if reply["type"] != "joined":
            self.say(f"{seat['name']}: waiting in the lobby of {title}")
            await client.wait_event("joined", wait=3600)
        await client.start_media()
        self.say(f"{seat['name']}: joined {title} as {seat['role']}, sending the test picture")
        await client.request({"type": "sign_in", "people": PEOPLE.get(self.username, 10)})
        asked = False
        started = asyncio.get_running_loop().time()
        seen = 0
        for tick in itertools.count():
            if tick % TICKS_PER_REPORT == 0:
                await self.report()
            for event in client.events[seen:]:
                await self.on_event(event, seat["participant"])
                if event.get("type") in ("ended", "closed", "_socket_closed"):
                    self.say(f"{seat['name']}: the conference is over ({event.get('reason', 'closed')})")
                    return
            seen = len(client.events)
            due = self.ask_to_speak_after
            if not asked and due is not None and asyncio.get_running_loop().time() - started >= due:
                with contextlib.suppress(SignalingRefused):
                    await client.request({"type": "request_floor"})
                    self.say(f"{seat['name']}: asks to speak (申请发言)")
                asked = True
            await asyncio.sleep(STATS_SECONDS / TICKS_PER_REPORT)

    async def report(self) -> None:
        """What the board shows of us: camera and microphone on, the network as our peer connection sees it."""
        client = self.client
        if client is None or client.peer is None:
            return
        connected = client.peer.pc.connectionState == "connected"
        with contextlib.suppress(SignalingRefused, TimeoutError, ConnectionError):
            await client.request(
                {"type": "venue_stats", "camera": True, "microphone": True, "quality": "good" if connected else "poor"}
            )

    async def on_event(self, event: dict[str, Any], me: str) -> None:
        """Answer the roll call when the main venue calls us."""
        if event.get("type") != "conference" or self.client is None:
            return
        roll = event.get("roll_call")
        if roll and roll["participant"] == me and not roll["answered_at"] and roll["called_at"] not in self.answered:
            self.answered.add(roll["called_at"])
            await asyncio.sleep(ANSWER_AFTER_SECONDS)
            with contextlib.suppress(SignalingRefused):
                await self.client.request({"type": "answer_roll_call"})
                self.say(f"{self.username}: answers the roll call (到)")

    async def close(self) -> None:
        if self.client is not None:
            await self.client.close()


class SignedInClient(HubClient):
    """A signaling client on the signed-in person's HTTP session: the hub accepts a seat's token only on a socket that
    carries the session of the person it was issued to."""

    def __init__(self, http: aiohttp.ClientSession, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.http = http

    async def connect(self) -> None:
        self._session = self.http  # closed with the client
        self._ws = await self.http.ws_connect(self.url, origin=self.origin, max_msg_size=4 * 1024 * 1024)
        self._reader = asyncio.ensure_future(self._read())


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', page)
    if not found:
        raise RuntimeError("the hub's page carries no CSRF token")
    return found.group(1)


async def run_venues(
    base: str,
    *,
    conference: int | None = None,
    only: list[str] | None = None,
    ask_to_speak: str | None = "balagong1",
    ice_addresses: list[str] | None = None,
    say: Callable[[str], None] = print,
    clip: Clip | None = None,
) -> None:
    """Run the township venue bots until the conference ends (or Ctrl-C)."""
    if clip is None:  # the test picture: a moving pattern and a tone, encoded once (some seconds), replayed by all
        clip = await asyncio.to_thread(encode_clip, 640, 360, 15, 4.0, bitrate=400_000)
    names = only or township_people()
    bots = [VenueBot(base, name, clip, ask_to_speak_after=20.0 if name == ask_to_speak else None, say=say) for name in names]
    try:
        results = await asyncio.gather(*(b.run(conference, ice_addresses or ["127.0.0.1"]) for b in bots), return_exceptions=True)
        for bot, result in zip(bots, results, strict=True):
            if isinstance(result, BaseException):
                log.error("demo_venue_failed", venue=bot.username, error=str(result))
                say(f"{bot.username}: failed: {result}")
    finally:
        await asyncio.gather(*(b.close() for b in bots), return_exceptions=True)
