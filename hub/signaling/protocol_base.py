"""The base of every signaling message (`protocol.py` and `conference_protocol.py` declare the messages)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

MAX_MESSAGE_BYTES = 64 * 1024

RequestId = int | Annotated[str, StringConstraints(min_length=1, max_length=64)]
ParticipantId = Annotated[str, StringConstraints(min_length=1, max_length=128)]
Sdp = Annotated[str, StringConstraints(min_length=1, max_length=MAX_MESSAGE_BYTES)]


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    type: str


class Request(Message):
    id: RequestId


class Reply(Message):
    id: RequestId | None = None
