"""Wire rooms into the app: rules, routes, labels, home tiles and the device actor resolver."""

from __future__ import annotations

from aiohttp import web

from hub.auth.interface import ACTOR_RESOLVERS
from hub.http.keys import HOME_TILES, LABELS, POLICY, HomeTile
from hub.i18n import N_
from hub.org.interface import ORG_PAGE_PARTS
from hub.rooms import admin_views, kiosk_views, loaders, session_views
from hub.rooms.client_page import CLIENT_ICE_ADDRESSES, CLIENT_MESSAGE_IDS, client_message_ids
from hub.rooms.device_actor import resolve_device
from hub.rooms.models import ROOM_LABELS, SESSION_LABELS, Device, Room, RoomSession
from hub.rooms.rules import DeviceRule, RoomRule, RoomSessionRule


def setup(app: web.Application) -> None:
    app[LABELS].update(ROOM_LABELS)
    app[LABELS].update(SESSION_LABELS)
    app[POLICY].register(Room, RoomRule())
    app[POLICY].register(Device, DeviceRule())
    app[POLICY].register(RoomSession, RoomSessionRule())
    loaders.register(app[POLICY])  # "room", "device", "room_session" for declared views (theirs and other parts')
    app[ACTOR_RESOLVERS].append(resolve_device)
    app.setdefault(ORG_PAGE_PARTS, []).append(admin_views.org_page_rooms(app[POLICY]))
    app[CLIENT_MESSAGE_IDS] = client_message_ids()
    app[CLIENT_ICE_ADDRESSES] = []
    for module in (admin_views, kiosk_views, session_views):
        app.router.add_routes(module.routes.table)
    app[HOME_TILES].append(
        HomeTile(
            N_("Video rooms"),
            "/rooms/sessions",
            N_("Interviews, receptions and conferences by video: plan, invite, join."),
            lambda actor: actor.is_staff and not actor.is_admin,
            order=40,
        )
    )
    app[HOME_TILES].append(
        HomeTile(
            N_("Rooms and devices"),
            "/rooms",
            N_("Register rooms, enrol kiosks and see which are online."),
            lambda actor: actor.is_system_admin,
            order=80,
        )
    )
