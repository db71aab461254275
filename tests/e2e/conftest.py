"""Headless Debian Chromium driven by Playwright, with fake camera and microphone, against a live hub."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator

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
