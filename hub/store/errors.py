"""What can go wrong in the store, as exceptions the callers map to messages or HTTP errors."""

from __future__ import annotations


class StoreError(Exception):
    """Base class of the store's errors."""


class StoredFileMissing(StoreError):
    """No such file (or no manifest: it is unfinished) in the store."""


class IntegrityError(StoreError):
    """A file, its header, a chunk or its manifest fails authentication or does not match."""


class KeyFileError(StoreError):
    """A key file is malformed or readable by others."""


class StoreFull(StoreError):
    """The disk (or the store's quota, or its reserve) has no room for the write."""
