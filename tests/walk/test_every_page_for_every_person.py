"""Every page works for every person: axe-core over every page of the newcomer's walk, and a 390-px phone.

The walk's own crawl (tests/walk/test_newcomer_walk.py) finds each role's pages over HTTP, bounded to one page per
URL shape; headless Chromium then opens each of them with the role's session, injects axe-core (from the npm
registry, node_modules/axe-core, locked in package-lock.json) and fails on any serious or critical violation, and at a
390-px wide viewport checks that no page scrolls sideways. All the failures of a role are listed together.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM
from tests.walk import test_newcomer_walk as walk
from tests.walk.test_newcomer_walk import Served, Walker, _enrol_kiosk, _sign_in, demo_home, http, served

__all__ = ["demo_home", "http", "served"]  # the walk's fixtures, used here by name

pytestmark = pytest.mark.slow

AXE = walk.ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE_WIDTH = 390
# serious and critical violations, each with its first three places and what is wrong there
AXE_RUN = """async () => {
    const r = await axe.run(document, {resultTypes: ['violations']});
    return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').split('\\n')[1]),
    }));
}"""
# pages per role, at most: the walk's shapes, one page each
MAX_PAGES = 60
# a role set that covers every office's pages and the leaders', kept small for CI's two cores
ROLES = ["admin", "secadmin", "leader", "petition1", "casemgmt1", "trial1", "group1.1", "xini1"]


class PageWalker(Walker):
    """The walk's walker that also notes which answers were pages (HTML), not downloads."""

    html: set[str]

    async def get(self, url: str) -> str:
        body = await super().get(url)
        if body:
            self.__dict__.setdefault("html", set()).add(url)
        return body


async def _pages(walker: PageWalker, starts: list[str]) -> list[str]:
    """The walk's crawl, one page per URL shape."""
    walk_pages_per_shape, walk_max = walk.PAGES_PER_SHAPE, walk.MAX_PAGES
    walk.PAGES_PER_SHAPE, walk.MAX_PAGES = 1, MAX_PAGES
    try:
        for start in starts:
            await walker.crawl(start)
    finally:
        walk.PAGES_PER_SHAPE, walk.MAX_PAGES = walk_pages_per_shape, walk_max
    return sorted(walker.__dict__.get("html", set()))


async def _audit(origin: str, http: aiohttp.ClientSession, urls: list[str]) -> list[str]:
    if not HAVE_CHROMIUM:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("node_modules/axe-core is missing: `make test` runs `npm ci`")
        pytest.skip("node_modules/axe-core is missing: run `npm ci` (make lint and make test do)")
    from playwright.async_api import async_playwright

    axe = AXE.read_text()
    cookies: list[Any] = [
        {"name": c.key, "value": c.value, "url": origin} for c in http.cookie_jar if c.key and c.value is not None
    ]
    failures: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": PHONE_WIDTH, "height": 844}, locale="zh-CN", bypass_csp=True)
            await context.add_cookies(cookies)
            # no camera, no microphone, no sockets: a page's scripts must not block the audit
            await context.route("**/ws**", lambda route: route.abort())
            page = await context.new_page()
            for url in sorted(urls):
                response = await page.goto(url, wait_until="load")
                if response is None or response.status >= 400 or "text/html" not in (response.headers.get("content-type") or ""):
                    continue
                width = await page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE_WIDTH:
                    wide = await page.evaluate(
                        """(w) => [...document.querySelectorAll('body *')]
                            .filter(e => e.getBoundingClientRect().right > w + 1)
                            .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""",
                        PHONE_WIDTH,
                    )
                    failures.append(f"{url}: {width} px wide at a {PHONE_WIDTH}-px viewport ({', '.join(wide)})")
                await page.add_script_tag(content=axe)
                result = await page.evaluate(AXE_RUN)
                for v in result:
                    failures.append(f"{url}: {v['impact']} {v['id']} ({v['help']}): {json.dumps(v['nodes'], ensure_ascii=False)}")
            await context.close()
        finally:
            await browser.close()
    return failures


def _fail(who: str, failures: list[str], pages: int) -> None:
    print(f"{who}: {pages} pages audited")  # shown with -s
    assert pages > 0, f"{who}: no page to audit"
    if failures:
        pytest.fail(f"{who}: {len(failures)} accessibility or phone-width problems\n" + "\n".join(failures))


@pytest.mark.parametrize("role", ROLES)
async def test_every_page_of_a_staff_role_passes_axe_and_fits_a_phone(
    role: str, served: Served, http: aiohttp.ClientSession
) -> None:
    walker = PageWalker(served.origin, http)
    await _sign_in(walker, role)
    urls = await _pages(walker, [f"{served.origin}/home"])
    _fail(role, await _audit(served.origin, http, urls), len(urls))


async def test_every_kiosk_and_public_page_passes_axe_and_fits_a_phone(
    served: Served, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as public:
        walker = PageWalker(served.origin, public)
        urls = await _pages(walker, [f"{served.origin}{p}" for p in ("/", "/reception", "/signin", "/kiosk/enrol")])
        failures = await _audit(served.origin, public, urls)
    await _enrol_kiosk(served.origin, http, "xini.kiosk")
    kiosk = PageWalker(served.origin, http)
    kiosk_urls = await _pages(kiosk, [f"{served.origin}/kiosk"])
    failures += await _audit(served.origin, http, kiosk_urls)
    _fail("anonymous and kiosk", failures, len(urls) + len(kiosk_urls))
