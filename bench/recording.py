"""Recording benchmark (not a test): the remuxing recorder against aiortc's stock `MediaRecorder`.

    .venv/bin/python bench/recording.py                 # about 2-3 minutes
    .venv/bin/python bench/recording.py --window 10     # a quicker, noisier run

A server process (`--serve`, started by this script) holds the hub's media engine; a publisher process
(`--publish`) connects two participants over 127.0.0.1 that replay clips encoded once before the run
(640x480 30 fps VP8 at 1.2 Mbit/s plus 20 ms Opus frames), so no encoding happens in the generator.
Server CPU (% of one core, from /proc) is measured in four configurations:

  receive       forwarding engine, nobody records (the receivers do not decode)
  remux         the same plus the hub's recorder (tap → sender-report timeline → PyAV remux → encrypted store)
  decode        aiortc's stock receive path (a plain RTCPeerConnection per publisher, as in aiortc's server
                example: every incoming track is decoded), tracks dropped into a MediaBlackhole
  stock         the same with aiortc's MediaRecorder per publisher writing WebM (re-encodes; plaintext)

Per recorded stream (one participant's audio+video): remux = (remux - receive) / 2 and stock = (stock -
decode) / 2; because the remux figure is close to the noise of a whole-process reading, the recorder's own
CPU is also counted inside the server (event-loop thread time in the room's tap for it and in the recorder's
loop, plus the store's writer threads) and that figure is the one the ratio uses. Bytes written per minute are the
ciphertext the store wrote. A last run records clips with marks (a white frame and a beep at the same
instant of each clip) and measures audio-video offset in the decoded file against when each mark was sent:
lip-sync from the publishers' RTCP sender reports. The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TICKS = os.sysconf("SC_CLK_TCK")
PARTICIPANTS = ("interviewer", "interviewee")


def cpu_seconds(pid: int | str = "self", task: str | None = None) -> float:
    path = f"/proc/{pid}/task/{task}/stat" if task else f"/proc/{pid}/stat"
    fields = Path(path).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


# ---- the server process ------------------------------------------------------------------------


class _Accounting:
    """CPU the recorder itself uses: loop-thread time in its callbacks and loop, and the writer threads."""

    def __init__(self) -> None:
        self.loop_seconds = 0.0

    def wrap(self, recorder: Any, sink: Any) -> None:
        """Time the room's tap sink (it builds each packet, then calls the recorder) and the recorder's loop."""
        push, step = sink.push, recorder._step

        def timed_push(*args: Any) -> None:
            start = time.thread_time()
            try:
                push(*args)
            finally:
                self.loop_seconds += time.thread_time() - start

        async def timed_step(now: float) -> None:
            start = time.thread_time()
            try:
                await step(now)  # what it awaits is short: hand-offs to the writer thread
            finally:
                self.loop_seconds += time.thread_time() - start

        sink.push = timed_push
        recorder._step = timed_step

    @staticmethod
    def writer_seconds() -> float:
        total = 0.0
        for task in os.listdir("/proc/self/task"):
            try:
                if Path(f"/proc/self/task/{task}/comm").read_text().startswith("store-writer"):
                    total += cpu_seconds("self", task)
            except OSError:
                continue
        return total


class _BenchLog:
    """The recorder's log, in memory (the database is not what is measured)."""

    def __init__(self) -> None:
        self.segments: list[dict[str, Any]] = []
        self.gaps = 0

    async def segment_opened(self, position: int, opened: Any, started_at: Any, tracks: Any) -> None:
        self.segments.append({"file_id": opened.file_id, "started_at": started_at.timestamp(), "tracks": tracks})

    async def segment_closed(self, signed: Any, ended_at: Any, duration_ms: int, cause: str, tracks: Any) -> None:
        for s in self.segments:
            if s["file_id"] == signed.manifest.file_id:
                s.update(duration_ms=duration_ms, ciphertext=signed.manifest.ciphertext_size, tracks=tracks)

    async def gap_opened(self, participant: Any, started_at: Any, cause: Any) -> int:
        self.gaps += 1
        return self.gaps

    async def gap_closed(self, gap: int, ended_at: Any) -> None:
        return None


def _video_packets(paths: list[Path]) -> int:
    """Video packets the stock recorder wrote (proof that the baseline did record video)."""
    import av

    total = 0
    for path in paths:
        with av.open(str(path)) as container:
            total += sum(1 for p in container.demux() if p.size and p.stream.type == "video")
    return total


async def serve(port: int, mode: str, var: Path) -> None:
    from aiohttp import web
    from aiortc import RTCPeerConnection, RTCSessionDescription
    from aiortc.contrib.media import MediaBlackhole, MediaRecorder

    from hub.media import MediaEngine, SlotLayout
    from hub.media.ice import restrict_host_addresses
    from hub.rooms.recording.recorder import Person, Recorder
    from hub.store.manifest import Labels
    from hub.store.store import EvidenceStore

    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1))
    store = await EvidenceStore.open(var)
    log = _BenchLog()
    accounting = _Accounting()
    state: dict[str, Any] = {}
    stock_peers: list[Any] = []  # the stock configurations: plain aiortc peers, as in aiortc's server example
    stock_sinks: list[Any] = []
    done = asyncio.Event()

    async def offer(request: web.Request) -> web.Response:
        body = await request.json()
        if mode in ("receive", "remux"):
            answer = await engine.room("r").connect(body["participant"], body["sdp"], publish=True)
            return web.json_response({"sdp": answer})
        # aiortc's stock receive path: every incoming track decoded, then recorded (stock) or dropped (decode)
        pc = RTCPeerConnection()
        stock_peers.append(pc)
        sink = MediaRecorder(str(var / f"stock-{body['participant']}.webm")) if mode == "stock" else MediaBlackhole()
        stock_sinks.append(sink)
        pc.on("track", sink.addTrack)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=body["sdp"], type="offer"))
        restrict_host_addresses(pc, ["127.0.0.1"])
        await pc.setLocalDescription(await pc.createAnswer())
        await sink.start()
        return web.json_response({"sdp": pc.localDescription.sdp})

    async def start(request: web.Request) -> web.Response:
        if mode == "remux":
            room = engine.rooms["r"]
            recorder = Recorder(room, store, log, Labels(room_session_id=1), lambda p: Person(p, "bench"))
            recorder.start()
            accounting.wrap(recorder, room._taps[-1])  # bench only: the tap sink the room made for this recorder
            state["recorder"] = recorder
        return web.json_response({"ok": True})

    async def stop(request: web.Request) -> web.Response:
        stats: dict[str, Any] = {"mode": mode}
        if "recorder" in state:
            stats["writer_seconds"] = accounting.writer_seconds()
            stats["loop_seconds"] = accounting.loop_seconds
            await state["recorder"].stop("bench")
            stats["segments"] = log.segments
        for sink in stock_sinks:
            await sink.stop()
        for pc in stock_peers:
            await pc.close()
        if mode == "stock":
            files = await asyncio.to_thread(lambda: sorted(var.glob("stock-*.webm")))
            stats["stock_bytes"] = sum(p.stat().st_size for p in files)
            stats["stock_video_packets"] = await asyncio.to_thread(_video_packets, files)
        await engine.close()
        done.set()
        return web.json_response(stats)

    async def accounted(request: web.Request) -> web.Response:
        return web.json_response({"loop": accounting.loop_seconds, "writer": accounting.writer_seconds()})

    app = web.Application()
    app.router.add_post("/offer", offer)
    app.router.add_post("/start", start)
    app.router.add_post("/stop", stop)
    app.router.add_get("/accounted", accounted)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("ready", flush=True)
    await done.wait()
    await asyncio.sleep(0.2)
    await runner.cleanup()


# ---- the publisher process ---------------------------------------------------------------------


async def publish(url: str, clip_path: Path, marks_path: Path) -> None:
    import aiohttp

    from hub.media import SlotLayout
    from hub.signaling.client_media import ClientPeer

    clip = pickle.loads(await asyncio.to_thread(clip_path.read_bytes))  # noqa: S301 - written by this script a moment ago
    white, beep = clip.pop("white"), clip.pop("beep")
    sent: dict[str, dict[str, list[float]]] = {p: {"video": [], "audio": []} for p in PARTICIPANTS}
    peers = []
    async with aiohttp.ClientSession() as http:
        for participant in PARTICIPANTS:

            def on_sent(data: bytes, at: float, who: str = participant) -> None:
                if data in white:
                    sent[who]["video"].append(at)
                elif data in beep:
                    sent[who]["audio"].append(at)

            peer = ClientPeer(SlotLayout(thumbnails=0, audio=1).describe(True), clip=clip["clip"], ice_addresses=["127.0.0.1"],
                              decode=False, on_sent=on_sent)  # fmt: skip
            async with http.post(f"{url}/offer", json={"participant": participant, "sdp": await peer.offer()}) as resp:
                await peer.accept((await resp.json())["sdp"])
            peers.append(peer)
    print("publishing", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # until told to stop
    await asyncio.to_thread(marks_path.write_text, json.dumps(sent))
    for peer in peers:
        await peer.close()


# ---- the orchestrator --------------------------------------------------------------------------


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, __file__, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)


def _expect(proc: subprocess.Popen[str], word: str, timeout: float = 60.0) -> None:
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(proc.stdout.readline() if proc.stdout else ""), daemon=True)
    reader.start()
    reader.join(timeout)
    if not result or not result[0].startswith(word):
        raise RuntimeError(f"expected {word!r} from {proc.args}, got {result}")


def _post(url: str, path: str) -> dict[str, Any]:
    import urllib.request

    with urllib.request.urlopen(urllib.request.Request(f"{url}{path}", data=b"{}", method="POST"), timeout=120) as resp:  # noqa: S310 - 127.0.0.1
        return json.loads(resp.read())


def _get(url: str, path: str) -> dict[str, Any]:
    import urllib.request

    with urllib.request.urlopen(f"{url}{path}", timeout=30) as resp:  # noqa: S310 - 127.0.0.1
        return json.loads(resp.read())


def run_config(mode: str, clip_path: Path, port: int, warmup: float, window: float) -> dict[str, Any]:
    var = Path(tempfile.mkdtemp(prefix=f"bench-rec-{mode}-"))
    url = f"http://127.0.0.1:{port}"
    server = _spawn("--serve", mode, "--port", str(port), "--var", str(var))
    publisher = None
    try:
        _expect(server, "ready")
        marks = var / "marks.json"
        publisher = _spawn("--publish", url, "--clip", str(clip_path), "--marks", str(marks))
        _expect(publisher, "publishing")
        time.sleep(1.0)  # connections settle
        _post(url, "/start")
        time.sleep(warmup)
        cpu0, t0 = cpu_seconds(server.pid), time.monotonic()
        acc0 = _get(url, "/accounted") if mode == "remux" else {"loop": 0.0, "writer": 0.0}
        time.sleep(window)
        cpu1, t1 = cpu_seconds(server.pid), time.monotonic()
        acc1 = _get(url, "/accounted") if mode == "remux" else {"loop": 0.0, "writer": 0.0}
        assert publisher.stdin is not None
        publisher.stdin.write("stop\n")
        publisher.stdin.flush()
        publisher.wait(30)
        stats = _post(url, "/stop")
        server.wait(30)
        stats["cpu_percent"] = 100 * (cpu1 - cpu0) / (t1 - t0)
        stats["recorder_percent"] = 100 * ((acc1["loop"] - acc0["loop"]) + (acc1["writer"] - acc0["writer"])) / (t1 - t0)
        stats["var"] = str(var)
        stats["marks"] = json.loads(marks.read_text()) if marks.exists() else {}
        return stats
    finally:
        for proc in (publisher, server):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()


def lip_sync(stats: dict[str, Any]) -> dict[str, float]:
    """Audio minus video offset (ms) per participant, in the recorded file, against when the marks were sent."""
    from hub.store.store import EvidenceStore
    from tests.rooms.recording.support import analyse, lip_sync_ms, offsets

    async def read(file_id: str) -> bytes:
        store = await EvidenceStore.open(Path(stats["var"]))
        reader = await store.open_reader(file_id)
        return b"".join([p async for p in reader.iter_all()])

    result: dict[str, float] = {}
    for segment in stats["segments"]:
        reports = analyse(asyncio.run(read(segment["file_id"])))
        track_of = {(t["participant"], t["kind"]): t["track"] for t in segment["tracks"]}
        for participant in PARTICIPANTS:
            if (participant, "video") not in track_of or (participant, "audio") not in track_of:
                continue
            sent = stats["marks"][participant]
            video = offsets(reports[track_of[(participant, "video")]].marks, sent["video"], segment["started_at"])
            audio = offsets(reports[track_of[(participant, "audio")]].marks, sent["audio"], segment["started_at"])
            if len(video) >= 3 and len(audio) >= 3:
                result[participant] = round(lip_sync_ms(audio, video), 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve")
    parser.add_argument("--publish")
    parser.add_argument("--port", type=int, default=18931)
    parser.add_argument("--var", type=Path)
    parser.add_argument("--clip", type=Path)
    parser.add_argument("--marks", type=Path)
    parser.add_argument("--window", type=float, default=20.0, help="seconds of CPU measurement per configuration")
    parser.add_argument("--warmup", type=float, default=4.0)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.port, args.serve, args.var))
        return
    if args.publish:
        asyncio.run(publish(args.publish, args.clip, args.marks))
        return

    from hub.signaling.clip import encode_clip
    from tests.rooms.recording.support import encode_marked_clip, mark_frames

    work = Path(tempfile.mkdtemp(prefix="bench-rec-"))
    realistic = encode_clip(640, 480, 30, 4.0, bitrate=1_200_000, keyframe_seconds=2.0)
    marked = encode_marked_clip(640, 480)
    clips = {}
    for name, clip in (("realistic", realistic), ("marked", marked)):
        white, beep = mark_frames(marked)
        path = work / f"{name}.pickle"
        path.write_bytes(pickle.dumps({"clip": clip, "white": white, "beep": beep}))
        clips[name] = path

    results = {}
    for mode in ("receive", "remux", "decode", "stock"):
        results[mode] = run_config(mode, clips["realistic"], args.port, args.warmup, args.window)
        print(f"{mode:8s} server CPU {results[mode]['cpu_percent']:6.1f} %", flush=True)
    sync_run = run_config("remux", clips["marked"], args.port, args.warmup, min(args.window, 12.0))
    sync = lip_sync(sync_run)

    remux, stock = results["remux"], results["stock"]
    streams = len(PARTICIPANTS)
    remux_process = (remux["cpu_percent"] - results["receive"]["cpu_percent"]) / streams
    stock_process = (stock["cpu_percent"] - results["decode"]["cpu_percent"]) / streams
    remux_accounted = remux["recorder_percent"] / streams
    seconds = sum(s.get("duration_ms", 0) for s in remux["segments"]) / 1000
    ciphertext = sum(s.get("ciphertext", 0) for s in remux["segments"])
    figures = {
        "server_cpu_percent": {m: round(r["cpu_percent"], 2) for m, r in results.items()},
        "per_recorded_stream_percent": {
            "remux_accounted": round(remux_accounted, 3),
            "remux_process_delta": round(remux_process, 2),
            "stock_process_delta": round(stock_process, 2),
        },
        "ratio_stock_over_remux": round(stock_process / remux_accounted, 1) if remux_accounted > 0 else None,
        "ratio_stock_over_remux_process_delta": round(stock_process / remux_process, 1) if remux_process > 0 else None,
        "remux_bytes_per_minute": int(ciphertext / seconds * 60) if seconds else None,
        "remux_bytes_per_minute_per_stream": int(ciphertext / seconds * 60 / streams) if seconds else None,
        "stock_bytes_per_minute": int(stock.get("stock_bytes", 0) / (args.window + args.warmup + 1.0) * 60),
        # the stock recorder encodes on the event loop: below 30 fps per stream it fell behind real time
        "stock_video_fps_per_stream": round(stock.get("stock_video_packets", 0) / streams / (args.window + args.warmup + 1.0), 1),
        "lip_sync_ms": sync,
        "lip_sync_max_abs_ms": max((abs(v) for v in sync.values()), default=None),
        "segments": len(remux["segments"]),
        "window_seconds": args.window,
        "streams_recorded": streams,
        "clip": "640x480 30 fps VP8 1.2 Mbit/s + Opus, replayed",
    }
    print(f"remux recorder {remux_accounted:.3f} % per stream (accounted), stock {stock_process:.1f} % per stream")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
