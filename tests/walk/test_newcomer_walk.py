"""A newcomer's walk (DESIGN §11): the database `make run` creates, every demo role, every form once, over real HTTP.

`hub migrate` and `hub demo --if-empty` make the demo exactly as `make run` does; each role then gets its own copy of
that database and its own `hub serve` process, signs in, follows the links of its pages (each kind of page at most
twice) and submits every form it finds once (each button of it), with plausible values. Any 5xx fails the test, and
the failures of a role are listed together so that one run shows them all.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest

from hub.clock import LOCAL_TZ
from tests.walk.forms import Form, parse, shape
from tests.walk.forms import fill as fill_form

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "hub-demo-2026"
PAGES_PER_SHAPE = 2
MAX_PAGES = 160
# one account of every demo role (and every office: each office's pages differ)
ROLES = [
    "admin",
    "secadmin",
    "auditor",
    "leader",
    "deputy1",
    "deputy2",
    "petition1",
    "casemgmt1",
    "trial1",
    "tracking1",
    "group1.1",
    "group3.2",
    "xini1",
    "yihewusu1",
]
NEVER_FOLLOW = ("/static/", "/signout", "/ws")


def _env(var_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(
        HUB_VAR_DIR=str(var_dir),
        HUB_PORT=str(port),
        HUB_DEMO="true",
        HUB_LOG_JSON="true",
        HUB_PUBLIC_ORIGIN=f"http://127.0.0.1:{port}",
    )
    return env


def _hub(*args: str, env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603 - our own command, as `make run` calls it
        [sys.executable, "-m", "hub.cli", *args], env=env, cwd=ROOT, check=True, capture_output=True, timeout=300
    )


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The var/ folder that `make run` creates: migrations, then the demo with its default size."""
    home = tmp_path_factory.mktemp("demo") / "var"
    env = _env(home, 0)
    _hub("migrate", env=env)
    _hub("demo", "--if-empty", env=env)
    return home


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    origin: str
    log: Path


@pytest.fixture
async def served(demo_home: Path, tmp_path: Path) -> AsyncIterator[Served]:
    """A `hub serve` process over a fresh copy of the demo, as a newcomer's first `make run` serves it."""
    var = tmp_path / "var"
    shutil.copytree(demo_home, var)
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "hub.cli", "serve", env=_env(var, port), cwd=ROOT, stdout=out, stderr=out
        )
    origin = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(150):
                try:
                    async with http.get(f"{origin}/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                if proc.returncode is not None:
                    raise RuntimeError(f"hub serve exited: {log.read_text()[-2000:]}")
                await asyncio.sleep(0.2)
        yield Served(origin, log)
    finally:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 20)
        except TimeoutError:
            proc.kill()
            await proc.wait()


@dataclass
class Walker:
    origin: str
    http: aiohttp.ClientSession
    failures: list[str] = field(default_factory=list)
    seen_pages: dict[str, int] = field(default_factory=dict)
    visited: set[str] = field(default_factory=set)
    seen_forms: set[str] = field(default_factory=set)
    forms: list[tuple[str, Form]] = field(default_factory=list)
    pages: int = 0
    submitted: int = 0

    def _ours(self, url: str) -> bool:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" == self.origin and not any(parts.path.startswith(p) for p in NEVER_FOLLOW)

    def _check(self, what: str, response: aiohttp.ClientResponse, body: str) -> None:
        for hop in (*response.history, response):
            if hop.status >= 500:
                self.failures.append(f"{hop.status} {what} → {hop.url}: {body[:300]!r}")

    async def get(self, url: str) -> str:
        async with self.http.get(url) as r:
            body = await r.text(errors="replace")
            self._check(f"GET {url}", r, body)
            return body if r.content_type == "text/html" else ""

    async def crawl(self, start: str) -> None:
        queue = [start]
        while queue and self.pages < MAX_PAGES:
            url = queue.pop(0).split("#", 1)[0]
            if url in self.visited or not self._ours(url):
                continue
            key = shape(url)
            if self.seen_pages.get(key, 0) >= PAGES_PER_SHAPE:
                continue
            self.visited.add(url)
            self.seen_pages[key] = self.seen_pages.get(key, 0) + 1
            self.pages += 1
            page = parse(await self.get(url), url)
            queue.extend(page.links)
            for form in page.forms:
                if (form.method == "get" and self._ours(form.action)) or (form.method == "post" and self._ours(form.action)):
                    self._remember(url, form)

    def _remember(self, page_url: str, form: Form) -> None:
        names = sorted({f.name for f in form.fields if f.name})
        for submit in form.submits or [None]:  # type: ignore[list-item]
            button = f"{submit.name}={submit.value}" if submit is not None else ""
            key = f"{form.method} {shape(form.action)} {names} {button}"
            if key not in self.seen_forms:
                self.seen_forms.add(key)
                self.forms.append((page_url, form))

    async def submit_all(self, today: dt.date) -> None:
        # signing out ends the walk, so it goes last
        ordered = sorted(self.forms, key=lambda item: "signout" in item[1].action)
        done: set[str] = set()
        for page_url, form in ordered:
            for submit in form.submits or [None]:  # type: ignore[list-item]
                key = f"{id(form)} {submit.name if submit else ''}={submit.value if submit else ''}"
                if key in done:
                    continue
                done.add(key)
                await self.submit(page_url, form, submit, today)

    async def submit(self, page_url: str, form: Form, submit: object, today: dt.date) -> None:
        values = fill_form(form, submit, today)  # type: ignore[arg-type]
        what = f"{form.method.upper()} {form.action} (form on {page_url})"
        self.submitted += 1
        if form.method == "get":
            params = [(k, v) for k, v in values if isinstance(v, str)]
            async with self.http.get(form.action, params=params) as r:
                self._check(what, r, await r.text(errors="replace"))
            return
        headers = {"Origin": self.origin, "Referer": page_url}
        if form.enctype == "multipart/form-data" or any(isinstance(v, bytes) for _k, v in values):
            data = aiohttp.FormData()
            for k, v in values:
                if isinstance(v, bytes):
                    data.add_field(k, v, filename="walk.png", content_type="image/png")
                else:
                    data.add_field(k, v)
            body: object = data
        else:
            body = [(k, v) for k, v in values if isinstance(v, str)]
        async with self.http.post(form.action, data=body, headers=headers) as r:
            self._check(what, r, await r.text(errors="replace"))


async def _sign_in(walker: Walker, username: str) -> None:
    page = parse(await walker.get(f"{walker.origin}/signin"), f"{walker.origin}/signin")
    form = next(f for f in page.forms if f.method == "post" and urlsplit(f.action).path == "/signin")
    values = dict(fill_form(form, None, _today()))
    values.update(username=username, password=PASSWORD)
    async with walker.http.post(form.action, data=values, headers={"Origin": walker.origin}) as r:
        said = re.findall(r'role="alert">([^<]*)', await r.text())
        assert r.status == 200 and str(r.url).endswith("/home"), f"{username} could not sign in: {r.status} {r.url} {said}"


def _today() -> dt.date:
    return dt.datetime.now(LOCAL_TZ).date()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session


def _report(role: str, walker: Walker, served: Served) -> None:
    print(f"{role}: {walker.pages} pages, {walker.submitted} form submissions")  # shown with -s
    assert walker.pages > 3, f"{role}: the walk found only {walker.pages} pages"
    if walker.failures:
        log_tail = served.log.read_text(errors="replace")[-4000:]
        pytest.fail(
            f"{role}: {len(walker.failures)} answers ≥ 500\n" + "\n".join(walker.failures) + f"\n--- server log ---\n{log_tail}"
        )


@pytest.mark.parametrize("role", ROLES)
async def test_every_form_of_a_staff_role_answers_without_a_server_error(
    role: str, served: Served, http: aiohttp.ClientSession
) -> None:
    walker = Walker(served.origin, http)
    await _sign_in(walker, role)
    await walker.crawl(f"{served.origin}/home")
    await walker.submit_all(_today())
    _report(role, walker, served)
    assert walker.submitted > 0, f"{role}: no form found on its pages"


async def _enrol_kiosk(origin: str, http: aiohttp.ClientSession, room: str) -> None:
    """As the administrator, make an enrolment code for the kiosk; in the kiosk's own browser, type it."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as admin_http:
        admin = Walker(origin, admin_http)
        await _sign_in(admin, "admin")
        html = await admin.get(f"{origin}/rooms")
        row = re.search(rf'<tr[^>]*data-room="{re.escape(room)}".*?</tr>', html, re.S)
        assert row, f"no row for {room} on /rooms"
        form = next(f for f in parse(row.group(0), f"{origin}/rooms").forms if f.method == "post")
        async with admin_http.post(form.action, data=dict(fill_form(form, None, _today())), headers={"Origin": origin}) as r:  # type: ignore[arg-type]
            code = re.search(r'data-code="([^"]+)"', await r.text())
        assert code, "the administrator's page shows no enrolment code"
    kiosk = Walker(origin, http)
    page = parse(await kiosk.get(f"{origin}/kiosk/enrol"), f"{origin}/kiosk/enrol")
    form = next(f for f in page.forms if f.method == "post" and urlsplit(f.action).path == "/kiosk/enrol")
    values = dict(fill_form(form, None, _today()))
    values["code"] = code.group(1)
    async with http.post(form.action, data=values, headers={"Origin": origin}) as r:
        assert r.status == 200 and urlsplit(str(r.url)).path == "/kiosk", f"enrolment failed: {r.status} {r.url}"


async def test_every_form_of_a_township_kiosk_answers_without_a_server_error(served: Served, http: aiohttp.ClientSession) -> None:
    await _enrol_kiosk(served.origin, http, "xini.kiosk")
    walker = Walker(served.origin, http)
    await walker.crawl(f"{served.origin}/kiosk")
    await walker.submit_all(_today())
    _report("kiosk", walker, served)
    assert walker.submitted > 0


async def test_every_public_page_and_form_answers_without_a_server_error(served: Served, http: aiohttp.ClientSession) -> None:
    walker = Walker(served.origin, http)
    for start in ("/", "/reception", "/signin", "/kiosk/enrol"):
        await walker.crawl(f"{served.origin}{start}")
    await walker.submit_all(_today())
    _report("anonymous", walker, served)
