"""Encode a short synthetic clip once, so clients and the benchmark can replay it without encoding."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import av
from av.audio.frame import AudioFrame
from av.video.frame import VideoFrame


@dataclass(frozen=True)
class Clip:
    width: int
    height: int
    fps: int
    codec: str  # "VP8" or "H264"
    video: list[bytes]  # one encoded frame each, the first a keyframe
    audio: list[bytes]  # 20 ms Opus frames, 48 kHz stereo


def encode_clip(
    width: int = 640,
    height: int = 480,
    fps: int = 30,
    seconds: float = 4.0,
    *,
    bitrate: int = 1_200_000,
    keyframe_seconds: float = 1.0,
    codec: str = "VP8",
) -> Clip:
    """A moving pattern in VP8 (or H.264) and a tone in Opus. Blocking: call it in a thread."""
    frames = int(seconds * fps)
    encoder = av.CodecContext.create("libvpx" if codec == "VP8" else "libx264", "w")
    encoder.width, encoder.height = width, height
    encoder.pix_fmt = "yuv420p"
    encoder.bit_rate = bitrate
    encoder.framerate = Fraction(fps, 1)
    encoder.time_base = Fraction(1, fps)
    encoder.gop_size = max(1, int(keyframe_seconds * fps))
    if codec == "VP8":
        encoder.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0", "error-resilient": "1"}
    else:
        encoder.options = {"preset": "ultrafast", "tune": "zerolatency", "profile": "baseline"}
    video: list[bytes] = []
    for i in range(frames):
        frame = _pattern(width, height, i)
        frame.pts = i
        video += [bytes(p) for p in encoder.encode(frame)]
    video += [bytes(p) for p in encoder.encode(None)]
    return Clip(width, height, fps, codec, video[:frames], _tone(seconds))


INDEX_BITS = 8
INDEX_BLOCK = 32


def read_index(frame: VideoFrame) -> int:
    """The clip index drawn by `_pattern` into a decoded frame (modulo 256)."""
    plane = frame.planes[0]
    data = memoryview(plane)
    centre = (INDEX_BLOCK // 2) * plane.line_size
    value = 0
    for bit in range(INDEX_BITS):
        if data[centre + bit * INDEX_BLOCK + INDEX_BLOCK // 2] > 128:
            value |= 1 << bit
    return value


def _pattern(width: int, height: int, index: int) -> VideoFrame:
    frame = VideoFrame(width, height, "yuv420p")
    # A bar that moves and a shifting gradient: enough motion for realistic delta frames.
    shift = (index * 4) % width
    row = bytes(((x + shift) % width * 255 // width) if abs(x - shift) > 16 else 255 for x in range(width))
    rows = [row[y % 7 :] + row[: y % 7] for y in range(height)]
    # The frame's index in the clip as a row of black/white blocks, so a viewer can tell which frame
    # it decoded (latency measurement survives re-encoding, unlike the bytes).
    for bit in range(INDEX_BITS):
        block = bytes([235 if index >> bit & 1 else 16]) * INDEX_BLOCK
        x = bit * INDEX_BLOCK
        for y in range(INDEX_BLOCK):
            rows[y] = rows[y][:x] + block + rows[y][x + INDEX_BLOCK :]
    frame.planes[0].update(b"".join(rows))
    chroma_size = (width // 2) * (height // 2)
    frame.planes[1].update(bytes([(index * 3) % 256]) * chroma_size)
    frame.planes[2].update(bytes([128]) * chroma_size)
    return frame


def _tone(seconds: float) -> list[bytes]:
    encoder = av.CodecContext.create("libopus", "w")
    encoder.sample_rate = 48000
    encoder.layout = "stereo"
    encoder.format = "s16"
    encoder.bit_rate = 48000
    encoder.time_base = Fraction(1, 48000)
    out: list[bytes] = []
    samples = 960
    for i in range(int(seconds * 50)):
        pcm = bytearray()
        for n in range(samples):
            value = int(8000 * math.sin(2 * math.pi * 440 * (i * samples + n) / 48000))
            pcm += value.to_bytes(2, "little", signed=True) * 2
        frame = AudioFrame(format="s16", layout="stereo", samples=samples)
        frame.planes[0].update(bytes(pcm))
        frame.sample_rate = 48000
        frame.pts = i * samples
        out += [bytes(p) for p in encoder.encode(frame)]
    return out
