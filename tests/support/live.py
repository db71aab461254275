"""The hub served from a thread of its own, for synchronous tests (hypothesis drives them) over real HTTP."""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
import urllib.parse
from collections.abc import Callable
from typing import Any

from aiohttp import web

from hub.db import Database


class LiveServer:
    def __init__(self, make_app: Callable[[], web.Application]) -> None:
        self._make_app = make_app
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    def __enter__(self) -> LiveServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(30)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _start(self) -> None:
        self._runner = web.AppRunner(self._make_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def owning(database: Database, app: web.Application) -> web.Application:
    """``app`` (made with ``database=``, which the app leaves to its caller) closes that database when it stops,
    after every part's own cleanup: a served thread's engine left open was collected later, unclosed, in whatever test
    ran then (the late ``ResourceWarning``s of aiosqlite and asyncpg connections)."""

    async def dispose(app: web.Application) -> None:
        await database.dispose()

    app.on_cleanup.append(dispose)
    return app


class SyncBrowser:
    """A tiny cookie-keeping HTTP client on http.client, enough for the tests."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        all_headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        conn.request(method, path, body=body, headers=all_headers)
        resp = conn.getresponse()
        data = resp.read()
        for header in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return resp.status, data

    def json(self, method: str, path: str, body: Any) -> tuple[int, bytes]:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.request(
            method, path, raw, {"Content-Type": "application/json", "X-CSRF-Token": self.cookies.get("hub_csrf", "")}
        )

    def form(self, path: str, data: dict[str, str]) -> tuple[int, bytes]:
        encoded = urllib.parse.urlencode({**data, "csrf_token": self.cookies.get("hub_csrf", "")}).encode()
        return self.request("POST", path, encoded, {"Content-Type": "application/x-www-form-urlencoded"})

    def sign_in(self, username: str, password: str) -> int:
        self.request("GET", "/signin")
        status, _ = self.form("/signin", {"username": username, "password": password, "next": "/home"})
        return status
