"""What the other parts use of the evidence store: import from here, never from the store's other modules."""

from __future__ import annotations

from aiohttp import web

from hub.store import service
from hub.store.container import CHUNK_SIZE
from hub.store.errors import StoreError, StoreFull
from hub.store.manifest import FileKind, Labels, SignedManifest, grouped
from hub.store.models import StoredFile
from hub.store.monitor import StoreMonitor
from hub.store.reader import FileReader
from hub.store.service import record_closed, register_file
from hub.store.sink import WriterSink
from hub.store.store import EvidenceStore
from hub.store.verify import Failure, verify_store
from hub.store.writer import OpenedFile, StreamWriter

STORE: web.AppKey[EvidenceStore] = web.AppKey("store")
STORE_MONITOR: web.AppKey[StoreMonitor] = web.AppKey("store_monitor")

__all__ = [
    "CHUNK_SIZE",
    "STORE",
    "STORE_MONITOR",
    "EvidenceStore",
    "Failure",
    "FileKind",
    "FileReader",
    "Labels",
    "OpenedFile",
    "SignedManifest",
    "StoreError",
    "StoreFull",
    "StoreMonitor",
    "StoredFile",
    "StreamWriter",
    "WriterSink",
    "grouped",
    "record_closed",
    "register_file",
    "service",
    "verify_store",
]
