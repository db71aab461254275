"""What the other parts use of the evidence store: import from here, never from the store's other modules."""

from __future__ import annotations

from aiohttp import web

from hub.store.store import EvidenceStore

STORE: web.AppKey[EvidenceStore] = web.AppKey("store")
