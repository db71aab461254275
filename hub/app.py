"""The one factory that wires the hub together."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp_jinja2
import jinja2
import structlog
from aiohttp import web

from hub.access.policy import Policy
from hub.auth.interface import ACTOR_RESOLVERS
from hub.auth.middleware import session_actor
from hub.clock import Clock, to_local
from hub.db import Database
from hub.http import middleware, openapi, ops_views
from hub.http.keys import (
    CATALOGS,
    CLOCK,
    DB,
    HOME_TILES,
    HOME_TODOS,
    LABELS,
    PAGE_PDF,
    POLICY,
    READINESS,
    SECRET,
    SETTINGS,
    EnumLabels,
)
from hub.http.rendering import page_context
from hub.i18n import WEB_DIR, Catalogs
from hub.keyfiles import load_or_create
from hub.settings import Settings
from hub.store.interface import STORE, STORE_MONITOR, EvidenceStore, StoreMonitor
from hub.store.service import reconcile

log = structlog.get_logger("hub.app")


def app_secret(settings: Settings) -> bytes:
    """The key that signs room tokens: from the settings, or generated once into the var folder."""
    if settings.secret_key:
        return settings.secret_key.encode()
    return load_or_create(settings.var_dir / "keys" / "secret.key")


def _jinja(app: web.Application, catalogs: Catalogs) -> None:
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(WEB_DIR / "templates")),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        context_processors=[page_context],
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_callables(catalogs.page_gettext, catalogs.page_ngettext, newstyle=True)  # type: ignore[attr-defined]
    labels = app[LABELS]
    env.filters["label"] = lambda value: catalogs.gettext(labels.get(value))
    env.filters["local"] = lambda value, fmt="%Y-%m-%d %H:%M": to_local(value).strftime(fmt) if value else ""


async def _open_store(app: web.Application) -> AsyncIterator[None]:
    """The evidence store: finish what a crash left half-written, then bring the database in step with the disk."""
    settings = app[SETTINGS]
    store = await EvidenceStore.open(
        settings.var_dir,
        master_key_b64=settings.master_key,
        clock=app[CLOCK],
        quota_bytes=settings.store_quota_mb * 1024**2,
        reserve_bytes=settings.store_reserve_mb * 1024**2,
    )
    results = await store.recover()
    for result in results:
        if result.error:
            log.error("store_recovery_failed", file_id=result.file_id, error=result.error)
    async with app[DB].transaction() as s:
        recorded = await reconcile(s, store)
    log.info(
        "store_recovered",
        finished=[r.file_id for r in results if r.signed is not None],
        failed=[r.file_id for r in results if r.error],
        recorded=[row.id for row in recorded],
    )
    app[STORE] = store
    monitor = StoreMonitor(store, warn_minutes=settings.store_warn_minutes, min_minutes=settings.store_min_minutes)
    await monitor.measure()
    monitor.start()
    app[STORE_MONITOR] = monitor
    app[READINESS].append(monitor.readiness)
    yield
    await monitor.close()


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, database: Database | None = None
) -> web.Application:
    settings = settings or Settings()
    app = web.Application(
        middlewares=[middleware.request_context, middleware.errors, session_actor, middleware.csrf],
        client_max_size=32 * 1024**2,
    )
    catalogs = Catalogs()
    app[SETTINGS] = settings
    app[CLOCK] = clock or Clock()
    app[DB] = database or Database(settings.effective_database_url)
    app[POLICY] = Policy()
    app[CATALOGS] = catalogs
    app[SECRET] = app_secret(settings)
    app[HOME_TILES] = []
    app[READINESS] = []
    app[HOME_TODOS] = []
    app[LABELS] = EnumLabels()
    app[ACTOR_RESOLVERS] = []
    _jinja(app, catalogs)
    app.on_response_prepare.append(middleware.security_headers)

    async def close_db(app: web.Application) -> AsyncIterator[None]:
        yield
        if database is None:
            await app[DB].dispose()

    app.cleanup_ctx.append(close_db)
    app.cleanup_ctx.append(_open_store)

    # the parts, each wiring its own routes, rules and home tiles
    from hub.auth import setup as auth_setup
    from hub.cases import setup as cases_setup
    from hub.conferences import setup as conferences_setup
    from hub.conferences.service import BUSY_ROOMS, BusyRooms
    from hub.documents import setup as documents_setup
    from hub.documents.interface import render_page_pdf
    from hub.org import setup as org_setup
    from hub.printouts import monday_file
    from hub.reports import setup as reports_setup
    from hub.reports.interface import MONDAY_FILE
    from hub.rooms import setup as rooms_setup
    from hub.rooms.events import on_room_ended
    from hub.rooms.ice_config import parse_addresses, parse_ice_servers
    from hub.rooms.recording import setup as recording_setup
    from hub.schedule import setup as schedule_setup
    from hub.schedule.interviews import rooms_busy as interview_rooms_busy
    from hub.signaling import setup as signaling_setup

    auth_setup.setup(app)
    org_setup.setup(app)
    rooms_setup.setup(app)
    cases_setup.setup(app)
    schedule_setup.setup(app)  # after rooms and cases: it needs both
    documents_setup.setup(app)  # after cases: it adds a section to the clue page
    reports_setup.setup(app)  # after cases: its ledger rule and office directory
    app[PAGE_PDF] = render_page_pdf  # printable pages (the ledger, an attendance sheet) by the documents part's renderer
    app[MONDAY_FILE] = monday_file  # the Monday report's PDF and DOCX, as `hub report monday` builds them
    if settings.bus == "redis" and not settings.redis_url:
        raise ValueError("HUB_BUS=redis needs HUB_REDIS_URL")
    signaling_setup.setup(
        app,
        secret=app[SECRET],
        allowed_origin=lambda: settings.effective_origin,
        ice_addresses=parse_addresses(settings.media_addresses),
        ice_servers=parse_ice_servers(settings.ice_servers),
        baseline_relay=settings.baseline_relay,
        forwarding=settings.media_forwarding,
        on_room_ended=on_room_ended(app),
        clock=app[CLOCK],
        redis_url=settings.redis_url if settings.bus == "redis" else None,
        redis_namespace=settings.redis_namespace,
        node_id=settings.effective_node_id,
        heartbeat_seconds=settings.node_heartbeat_seconds,
    )
    recording_setup.setup(app)  # after signaling: it hooks into rooms as they start and end
    conferences_setup.setup(app)  # after signaling: the live console is signaling's conference hook
    busy: list[BusyRooms] = [interview_rooms_busy]
    app[BUSY_ROOMS] = busy  # a conference books no room an interview holds

    app.router.add_routes(ops_views.routes)
    openapi.setup(app)  # the JSON API described at /api/v1/openapi.json, read from the routes declared above
    app.router.add_static("/static/", WEB_DIR / "static", name="static", append_version=True)
    return app


async def offline_app(settings: Settings, database: Database, *, clock: Clock | None = None) -> web.Application:
    """The wired app without a server, for the command line and the demo loader: the same policy, rules and part
    contexts as a serving hub (one place builds them: ``create_app``), with the start-up hooks run."""
    app = create_app(settings, clock=clock, database=database)
    for hook in app.on_startup:
        await hook(app)
    return app
