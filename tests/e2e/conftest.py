"""Headless Debian Chromium driven by Playwright, with fake camera and microphone, against a live hub."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = os.path.exists(CHROMIUM)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
]


@pytest.fixture
async def chromium() -> AsyncIterator[object]:
    if not HAVE_CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def live_url(aiohttp_server, app, seeded) -> str:  # type: ignore[no-untyped-def]
    server = await aiohttp_server(app, host="127.0.0.1")
    return f"http://127.0.0.1:{server.port}"


async def acknowledge_recording_notice(page: object, timeout_ms: float = 30_000) -> str:
    """The legal notice a petitioner or interviewee answers before recording starts; returns its text."""
    dialog = page.locator("dialog.recording-notice")  # type: ignore[attr-defined]
    await dialog.wait_for(state="visible", timeout=timeout_ms)
    text: str = await dialog.inner_text()
    await dialog.locator('button[data-decision="acknowledged"]').click()
    await dialog.wait_for(state="detached", timeout=timeout_ms)
    return text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def hub_origin(aiohttp_server, app, settings, seeded) -> str:  # type: ignore[no-untyped-def]
    """The fully wired hub on a port chosen in advance: its Origin (checked by /ws and by forms) is then known,
    and browsers offer only loopback candidates."""
    from hub.rooms.client_page import CLIENT_ICE_ADDRESSES

    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    settings.public_origin = origin
    app[CLIENT_ICE_ADDRESSES] = ["127.0.0.1"]
    await aiohttp_server(app, host="127.0.0.1", port=port)
    return origin


def watch_errors(page: Any, errors: list[str]) -> None:
    """Collect script errors and console errors (not HTTP statuses, which tests check on the page itself)."""
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.on(
        "console",
        lambda msg: (
            errors.append(f"{page.url}: {msg.text}")
            if msg.type == "error" and "Failed to load resource" not in msg.text
            else None
        ),
    )


async def until(check: Callable[[], Awaitable[Any]], what: str, deadline: float = 30.0) -> Any:
    """Poll ``check`` until it returns something truthy, or fail naming ``what`` was awaited."""
    end = asyncio.get_running_loop().time() + deadline
    while asyncio.get_running_loop().time() < end:
        value = await check()
        if value:
            return value
        await asyncio.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")
