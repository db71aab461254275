"""The access matrix: every role of the demo organisation against every route of the fully wired app.

For each route there are probes (objects inside and outside the role's scope, guessed ids); each role must get exactly
the declared answer. A route without probes fails ``test_every_route_has_expectations``, so the matrix grows with
the app: a part that adds an endpoint adds its expectations in its own ``tests/access/spec_<part>.py``.
"""

from __future__ import annotations

import asyncio
import json

from aiohttp import web

from hub.app import create_app
from tests.access.matrix import ROLES, STAFF, DummyWorld, Probe, all_lists, all_probes
from tests.access.spec_ws import WS_ROUTE, ws_messages
from tests.support.clients import Browser

# routes a spec may name before their part is wired into create_app
WIRED_LATER = {("GET", WS_ROUTE)}


def routes_of(app: web.Application) -> set[tuple[str, str]]:
    found = set()
    for route in app.router.routes():
        if route.method == "HEAD":  # aiohttp adds HEAD beside every GET: the same handler
            continue
        found.add((route.method, route.resource.canonical if route.resource else ""))
    return found


def test_every_route_has_expectations(settings):
    app = create_app(settings)
    routes = routes_of(app)
    covered = {(p.method, p.route) for p in all_probes(DummyWorld())}
    missing = sorted(routes - covered)
    stale = sorted(covered - routes - WIRED_LATER)
    assert not missing, "routes without access expectations (add them to tests/access/spec_<part>.py):\n" + "\n".join(
        f"  {m} {r}" for m, r in missing
    )
    assert not stale, "expectations for routes that do not exist:\n" + "\n".join(f"  {m} {r}" for m, r in stale)


async def send(browser: Browser, probe: Probe) -> int:
    if probe.method == "GET":
        resp = await browser.get(probe.path, headers=dict(probe.headers))
    elif probe.form:
        resp = await browser.post_form(probe.path, dict(probe.body or {}), headers=dict(probe.headers))
    else:
        resp = await browser.send_json(probe.method, probe.path, probe.body, headers=dict(probe.headers))
    await resp.read()
    return resp.status


async def test_every_role_gets_exactly_the_declared_answer(app, clients, world):
    signed_in, make = clients
    routes = routes_of(app)
    probes = [p for p in all_probes(world) if (p.method, p.route) in routes]
    assert len(probes) > 100
    # every role knocks at once, many probes at a time: no probe changes what another probe's answer depends on
    # (allowed changes stop at 409/422 or add rows nobody else counts); probes that end their own session go alone
    gate = asyncio.Semaphore(24)

    async def knock(probe: Probe, role: str) -> str | None:
        async with gate:
            browser = await make(role, True) if probe.fresh else signed_in[role]
            status = await send(browser, probe)
        wanted = probe.expect[role]
        if status == wanted or (isinstance(wanted, frozenset) and status in wanted):
            return None
        return f"  {role:9} {probe.method:6} {probe.path}  [{probe.note}]  expected {probe.expect[role]}, got {status}"

    answers = await asyncio.gather(*(knock(p, r) for p in probes if not p.fresh for r in ROLES))
    # a fresh session signs in with the role's key: one at a time, or two assertions would race one sign counter
    answers += [await knock(p, r) for p in probes if p.fresh for r in ROLES]
    failures = [a for a in answers if a is not None]
    # lists never show what details refuse (and details refuse what lists hide): same clients, so same test
    failures += await _list_failures(signed_in, world)
    # the signaling messages, once /ws is wired (same clients again)
    if ("GET", WS_ROUTE) in routes:
        failures += await _websocket_failures(app, signed_in)
    assert not failures, f"{len(failures)} answers differ from the access matrix:\n" + "\n".join(failures)


async def _list_failures(signed_in: dict[str, Browser], world: object) -> list[str]:
    checks = all_lists(world)  # type: ignore[arg-type]
    assert checks
    failures = []
    for check in checks:
        for role in STAFF:
            browser = signed_in[role]
            resp = await browser.get(check.list_path)
            assert resp.status == 200, (role, check.list_path)
            listed = {item[check.id_key] for item in (await resp.json())[check.items_key]}
            for item_id in sorted(listed | set(check.all_ids)):
                status = (await browser.get(check.detail_path.format(id=item_id))).status
                wanted = 200 if item_id in listed else 404
                if status != wanted:
                    path = check.detail_path.format(id=item_id)
                    failures.append(f"  {role:9} {path}: listed={item_id in listed}, detail answered {status}")
        for role in ("anonymous", "pending", "kiosk"):
            status = (await signed_in[role].get(check.list_path)).status
            if status != 401:
                failures.append(f"  {role:9} {check.list_path}: expected 401, got {status}")
    return failures


async def _websocket_failures(app: web.Application, signed_in: dict[str, Browser]) -> list[str]:
    """Every role, every client message type of the signaling protocol (spec_ws.ws_messages): the exact reply."""
    from hub.http.keys import CLOCK, SECRET
    from hub.signaling import protocol
    from hub.signaling.keys import allowed_origin

    expectations = ws_messages(app[SECRET], app[CLOCK].now().timestamp())
    missing = sorted(set(protocol.CLIENT_MESSAGES) - set(expectations))
    if missing:
        return [f"  signaling messages without access expectations in tests/access/spec_ws.py: {missing}"]
    failures = []
    for role in ROLES:
        client = signed_in[role].client
        for kind, cases in expectations.items():
            for exp in cases:
                if exp.roles and role not in exp.roles:
                    continue
                ws = await client.ws_connect(WS_ROUTE, headers={"Origin": allowed_origin(app)})
                try:
                    await ws.send_str(json.dumps(exp.message))
                    reply = json.loads((await ws.receive(timeout=5)).data)
                finally:
                    await ws.close()
                if reply.get("type") != exp.reply_type or (exp.error_code and reply.get("code") != exp.error_code):
                    failures.append(f"  {role:9} /ws {kind}: expected {exp.reply_type}/{exp.error_code}, got {reply}")
    return failures
