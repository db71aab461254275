"""What a call page hands the browser client: where to get a token, the socket path, and its strings.

The client's strings are the message ids its modules pass to `t(...)`; they are found once at start-up
(the same extraction `make messages` uses) and each page gets them translated into its locale, as JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web

from hub.http.keys import CATALOGS
from hub.i18n import EXTRACT_KEYWORDS, WEB_DIR

CLIENT_DIRS = ("static/js/room", "static/js/kiosk", "static/js/conference")

CLIENT_MESSAGE_IDS: web.AppKey[tuple[str, ...]] = web.AppKey("rooms_client_message_ids")
# Host addresses the browser may offer as ICE candidates (empty: all). Tests pin it to 127.0.0.1 so
# media never leaves the loopback interface; a LAN trial leaves it empty.
CLIENT_ICE_ADDRESSES: web.AppKey[list[str]] = web.AppKey("rooms_client_ice_addresses")


def client_message_ids(web_dir: Path = WEB_DIR) -> tuple[str, ...]:
    from babel.messages.extract import extract_from_dir

    found: dict[str, None] = {}
    for folder in CLIENT_DIRS:
        path = web_dir / folder
        if not path.is_dir():
            continue
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(path), method_map=[("**.js", "javascript")], keywords=EXTRACT_KEYWORDS
        ):
            for msgid in message if isinstance(message, tuple) else (message,):
                if msgid:
                    found[msgid] = None
    return tuple(sorted(found))


def client_catalog(request: web.Request) -> dict[str, str]:
    """The client's strings in the request's locale (English ids map to themselves in English)."""
    translate = request.app[CATALOGS].gettext
    return {msgid: translate(msgid) for msgid in request.app.get(CLIENT_MESSAGE_IDS, ())}


def client_config(request: web.Request, *, mode: str, session_id: int | None) -> dict[str, Any]:
    ice_addresses = request.app[CLIENT_ICE_ADDRESSES]  # set by hub.rooms.setup
    return {
        "mode": mode,  # "staff" or "kiosk"
        "session": session_id,
        "ws_path": "/ws",
        "ice_addresses": list(ice_addresses),
        "catalog": client_catalog(request),
    }
