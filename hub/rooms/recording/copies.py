"""Review copies: each participant's tracks of a segment in a file of their own, for playing in a browser.

A segment holds every participant's tracks, which is what the evidence should be; but a browser's player
plays one audio track of a file, so on a recording page only one side would be heard. A review copy is that
segment remuxed (no decoding) down to one participant's audio and video, on the same time zero, so the page
plays one player per participant side by side and in step (and one more for a participant's shared content, a
second video track a player would not show). It is made on first playback, encrypted into
the store like the original (with its own manifest, in the audit chain), and kept.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import av
from sqlalchemy import select

from hub.db import Database
from hub.rooms.recording.loop_sink import LoopSink
from hub.rooms.recording.models import CONTENT_COPY, RecordingSegment, ReviewCopy, TrackKind
from hub.rooms.recording.probe import PlainFile
from hub.store.interface import EvidenceStore, FileKind, FileReader, Labels, StreamWriter, record_closed, register_file


class ReviewCopies:
    """Makes each copy once, even when a page asks for it several times at once."""

    def __init__(self, db: Database, store: EvidenceStore) -> None:
        self.db = db
        self.store = store
        self._making: dict[tuple[int, str], asyncio.Future[str]] = {}

    async def file_of(self, segment: RecordingSegment, participant: str, *, content: bool = False) -> str:
        """The copy of `participant`'s camera and sound, or (`content`) of the content they shared."""
        copy_of = participant + CONTENT_COPY if content else participant
        async with self.db.transaction(write=False) as s:
            existing = await s.scalar(
                select(ReviewCopy.file_id).where(ReviewCopy.segment_id == segment.id, ReviewCopy.participant == copy_of)
            )
        if existing is not None:
            return existing
        key = (segment.id, copy_of)
        making = self._making.get(key)
        if making is None:
            making = self._making[key] = asyncio.ensure_future(self._make(segment, participant, content))
            making.add_done_callback(lambda _: self._making.pop(key, None))
        return await asyncio.shield(making)

    async def _make(self, segment: RecordingSegment, participant: str, content: bool) -> str:
        indexes = [
            track["track"]
            for track in json.loads(segment.tracks)
            if track["participant"] == participant and (track["kind"] == TrackKind.CONTENT) == content
        ]
        if not indexes:
            raise LookupError(participant)
        original = await self.store.open_reader(segment.file_id)
        labels = original.manifest.labels
        copy_labels = Labels(case_id=labels.case_id, room_id=labels.room_id, room_session_id=labels.room_session_id,
                             participants=(participant,))  # fmt: skip
        writer = await self.store.create(FileKind.RECORDING, original.manifest.media_type, copy_labels)
        async with self.db.transaction() as s:
            await register_file(s, writer.opened)
        try:
            await asyncio.to_thread(_remux, original, writer, asyncio.get_running_loop(), indexes)
        except BaseException:
            await writer.abort()  # the store's recovery finishes it; the row says writing until then
            raise
        signed = await writer.close(participants=(participant,))
        async with self.db.transaction() as s:
            await record_closed(s, signed)
            copy_of = participant + CONTENT_COPY if content else participant
            s.add(ReviewCopy(segment_id=segment.id, participant=copy_of, file_id=signed.manifest.file_id))
        return signed.manifest.file_id


def _remux(original: FileReader, writer: StreamWriter, loop: asyncio.AbstractEventLoop, indexes: list[int]) -> None:
    """Blocking: copy the chosen tracks' packets into a new file of the same format."""
    fmt = "matroska" if original.manifest.media_type == "video/x-matroska" else "webm"
    with av.open(PlainFile(original), mode="r") as source:
        chosen = [source.streams[i] for i in indexes]
        with av.open(LoopSink(writer, loop), mode="w", format=fmt, options={"live": "1"}) as target:
            streams: dict[int, av.stream.Stream] = {}
            for stream in chosen:
                streams[stream.index] = target.add_stream_from_template(stream)
            keep: Callable[[int], bool] = streams.__contains__
            for packet in source.demux(chosen):
                if packet.dts is None or not keep(packet.stream.index):
                    continue  # the demuxer's end-of-stream marker
                packet.stream = streams[packet.stream.index]
                target.mux(packet)
