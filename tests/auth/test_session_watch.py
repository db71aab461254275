"""Live connections end with their session: sign-out, idle and absolute timeouts, a disabled account, a revoked key,
and an ending made by another process (another app over the same database)."""

import datetime as dt

from sqlalchemy import select

from hub.app import create_app
from hub.auth.live import SESSION_WATCH
from hub.auth.models import SecurityKey, User
from hub.auth.sessions import token_id
from tests.auth import keyflow
from tests.auth.keyflow import first_sign_in


def _session_of(browser) -> str:
    cookie = browser.client.session.cookie_jar.filter_cookies(browser.client.make_url("/"))["hub_session"]
    return token_id(cookie.value)


def _socket(watch, session_id: str) -> list[str]:
    """A stand-in for one WebSocket: records that it was closed."""
    closed: list[str] = []

    async def on_end() -> None:
        closed.append(session_id)

    watch.watch(session_id, on_end)
    return closed


async def test_sign_out_and_timeouts_close_sockets(app, browser, new_browser, clock, settings, key_required):
    watch = app[SESSION_WATCH]
    key = await first_sign_in(browser, "petition1")
    first = _socket(watch, _session_of(browser))
    assert await watch.check() == 0 and first == []
    await browser.post_form("/signout", {})  # closes at once: sign-out re-checks
    assert len(first) == 1

    b = await new_browser()
    await keyflow.sign_in(b, "petition1", key)
    idle = _socket(watch, _session_of(b))
    clock.advance(dt.timedelta(minutes=settings.session_idle_minutes - 1))
    await watch.activity(_session_of(b))  # a message on the socket counts as activity
    clock.advance(dt.timedelta(minutes=settings.session_idle_minutes - 1))
    assert await watch.check() == 0 and idle == []
    clock.advance(dt.timedelta(minutes=settings.session_idle_minutes))
    assert await watch.check() == 1 and idle

    c = await new_browser()
    await keyflow.sign_in(c, "petition1", key)
    absolute = _socket(watch, _session_of(c))
    for _ in range(settings.session_absolute_hours * 3):
        clock.advance(dt.timedelta(minutes=20))
        await watch.activity(_session_of(c))
        await watch.check()
    assert absolute and watch.watched == 0


async def test_disabling_an_account_or_revoking_its_key_closes_its_sockets(app, browser, new_browser, database, key_required):
    watch = app[SESSION_WATCH]
    user_browser = await new_browser()
    await first_sign_in(user_browser, "group1.1")
    sockets = _socket(watch, _session_of(user_browser))
    await first_sign_in(browser, "secadmin")  # keys are the security administrator's
    sysadmin = await new_browser()
    await first_sign_in(sysadmin, "admin")  # disabling is the system administrator's
    async with database.transaction(write=False) as s:
        user = await s.scalar(select(User).where(User.username == "group1.1"))
        key = await s.scalar(select(SecurityKey).where(SecurityKey.user_id == user.id))
    assert (await browser.send_json("DELETE", f"/api/v1/staff/{user.id}/keys/{key.id}")).status == 200
    assert sockets  # closed by the request itself, not by the next sweep

    other = await new_browser()
    await first_sign_in(other, "group1.2")
    more = _socket(watch, _session_of(other))
    async with database.transaction(write=False) as s:
        target = await s.scalar(select(User).where(User.username == "group1.2"))
    assert (await sysadmin.patch_json(f"/api/v1/staff/{target.id}", {"version": target.version, "disabled": True})).status == 200
    assert more


async def test_an_ending_in_another_process_is_seen_at_the_next_check(app, browser, database, clock, settings, key_required):
    watch = app[SESSION_WATCH]
    await first_sign_in(browser, "tracking1")
    sockets = _socket(watch, _session_of(browser))
    # a second app over the same database stands for another process; it disables the account
    other = create_app(settings, clock=clock, database=database)
    async with database.transaction() as s:
        user = await s.scalar(select(User).where(User.username == "tracking1"))
        user.disabled = True
    assert other is not app and sockets == []
    assert await watch.check() == 1 and sockets


async def test_a_real_websocket_closes_when_its_key_is_revoked(app, aiohttp_client, seeded, database, key_required):
    """The wiring hub/signaling's `/ws` needs, on a socket of its own: watch_request + note_activity."""
    import asyncio

    from aiohttp import WSMsgType, web

    from hub.auth.live import note_activity, watch_request

    async def echo(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        unwatch = watch_request(request, ws.close)
        try:
            async for frame in ws:
                await note_activity(request)
                await ws.send_str(frame.data)
        finally:
            unwatch()
        return ws

    app.router.add_get("/test-echo", echo)  # before the app starts: its router freezes then
    from tests.support.clients import Browser

    client = await aiohttp_client(app)
    browser, user = Browser(client), Browser(await aiohttp_client(client.server))
    await first_sign_in(user, "group4.1")
    ws = await user.client.ws_connect("/test-echo")
    await ws.send_str("hello")
    assert (await ws.receive(timeout=5)).data == "hello"

    await first_sign_in(browser, "secadmin")
    async with database.transaction(write=False) as s:
        target = await s.scalar(select(User).where(User.username == "group4.1"))
        key = await s.scalar(select(SecurityKey).where(SecurityKey.user_id == target.id))
    assert (await browser.send_json("DELETE", f"/api/v1/staff/{target.id}/keys/{key.id}")).status == 200
    closing = await asyncio.wait_for(ws.receive(), 5)
    assert closing.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING)
    assert app[SESSION_WATCH].watched == 0
