"""The database's record of each stored file: its manifest and where it stands.

``case_id`` and ``room_session_id`` are plain integers for now; foreign keys follow once the
cases and room sessions tables exist (a later migration).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime
from hub.enums import enum_column
from hub.store.manifest import FileKind


class FileStatus(StrEnum):
    WRITING = "writing"  # open; a crash leaves it here until recover()
    CLOSED = "closed"
    RECOVERED = "recovered"  # finished by recover() after a crash


class StoredFile(Base):
    __tablename__ = "stored_files"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # str(uuid4()), as in the store
    kind: Mapped[FileKind] = mapped_column(enum_column(FileKind), index=True)
    media_type: Mapped[str] = mapped_column(String(100))
    status: Mapped[FileStatus] = mapped_column(enum_column(FileStatus), index=True)
    plaintext_size: Mapped[int | None] = mapped_column(BigInteger)
    ciphertext_size: Mapped[int | None] = mapped_column(BigInteger)
    plaintext_sha256: Mapped[str | None] = mapped_column(String(64))
    ciphertext_sha256: Mapped[str | None] = mapped_column(String(64))
    manifest: Mapped[str | None] = mapped_column(Text)  # the canonical manifest body, as signed
    manifest_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)  # the fingerprint
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    room_session_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
