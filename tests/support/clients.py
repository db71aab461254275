"""A test client that signs in like a browser and sends the CSRF token like our pages do."""

from __future__ import annotations

from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from hub.demo.org import DEMO_PASSWORD


class Browser:
    def __init__(self, client: TestClient) -> None:
        self.client = client

    @property
    def csrf(self) -> str:
        cookie = self.client.session.cookie_jar.filter_cookies(self.client.make_url("/")).get("hub_csrf")
        return cookie.value if cookie else ""

    async def prime(self) -> None:
        """Fetch a page so that the CSRF cookie is set."""
        if not self.csrf:
            resp = await self.client.get("/signin")
            await resp.read()

    async def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> ClientResponse:
        await self.prime()
        return await self.client.post(
            "/signin",
            data={"username": username, "password": password, "csrf_token": self.csrf, "next": "/home"},
            allow_redirects=False,
        )

    async def get(self, path: str, **kw: Any) -> ClientResponse:
        return await self.client.get(path, allow_redirects=False, **kw)

    async def post_form(self, path: str, data: dict[str, Any], **kw: Any) -> ClientResponse:
        await self.prime()
        return await self.client.post(path, data={**data, "csrf_token": self.csrf}, allow_redirects=False, **kw)

    async def send_json(self, method: str, path: str, body: Any = None, **kw: Any) -> ClientResponse:
        await self.prime()
        headers = {"X-CSRF-Token": self.csrf, **kw.pop("headers", {})}
        return await self.client.request(method, path, json=body, headers=headers, allow_redirects=False, **kw)

    async def post_json(self, path: str, body: Any = None, **kw: Any) -> ClientResponse:
        return await self.send_json("POST", path, body, **kw)

    async def patch_json(self, path: str, body: Any = None, **kw: Any) -> ClientResponse:
        return await self.send_json("PATCH", path, body, **kw)
