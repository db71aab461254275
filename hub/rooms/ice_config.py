"""ICE servers (STUN/TURN) from a setting, in the browser's RTCIceServer shape, checked once at start-up.

The setting is JSON, e.g. ``[{"urls": "stun:turn.county.example:3478"},
{"urls": ["turn:turn.county.example:3478?transport=udp"], "username": "hub", "credential": "..."}]``;
the same list goes to aiortc (hub.media) and, in `joined`, to every browser.
"""

from __future__ import annotations

import json
from typing import Any

SCHEMES = ("stun:", "stuns:", "turn:", "turns:")


class IceConfigError(ValueError):
    pass


def parse_ice_servers(text: str) -> list[dict[str, Any]]:
    if not text.strip():
        return []
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise IceConfigError(f"ICE servers are not JSON: {exc}") from None
    if not isinstance(raw, list):
        raise IceConfigError("ICE servers must be a JSON list of objects")
    servers: list[dict[str, Any]] = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict) or set(entry) - {"urls", "username", "credential"}:
            raise IceConfigError(f"ICE server {i}: an object with urls, and username/credential for TURN")
        urls = entry.get("urls")
        url_list = [urls] if isinstance(urls, str) else urls
        if not isinstance(url_list, list) or not url_list or not all(isinstance(u, str) for u in url_list):
            raise IceConfigError(f"ICE server {i}: urls must be a string or a list of strings")
        for url in url_list:
            if not url.startswith(SCHEMES):
                raise IceConfigError(f"ICE server {i}: {url!r} is not a stun:, stuns:, turn: or turns: URL")
            if url.startswith(("turn:", "turns:")) and not (entry.get("username") and entry.get("credential")):
                raise IceConfigError(f"ICE server {i}: TURN needs a username and a credential")
        server: dict[str, Any] = {"urls": urls}
        for field in ("username", "credential"):
            if field in entry:
                if not isinstance(entry[field], str):
                    raise IceConfigError(f"ICE server {i}: {field} must be text")
                server[field] = entry[field]
        servers.append(server)
    return servers


def parse_addresses(text: str) -> list[str]:
    """A comma-separated list of host addresses (media's network cards), validated."""
    import ipaddress

    addresses = [a.strip() for a in text.split(",") if a.strip()]
    for address in addresses:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise IceConfigError(f"{address!r} is not an IP address") from None
    return addresses
