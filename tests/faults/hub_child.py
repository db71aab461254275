"""The hub served in a process of its own, for the fault tests: ``python -m tests.faults.hub_child``.

Settings come from the ``HUB_*`` environment as for ``hub serve`` (JSON logs on stderr). One addition for drills:
SIGUSR1 makes every running recorder fail from inside, with an exception, as a bug would.
"""

from __future__ import annotations

import asyncio
import signal

import structlog
from aiohttp import web

from hub import logs
from hub.app import create_app
from hub.rooms.recording.keys import RECORDINGS
from hub.settings import Settings


class InjectedFault(RuntimeError):
    """A recorder killed from inside by the fault drill."""


def main() -> None:
    settings = Settings()
    logs.configure(json=True, level="INFO")
    app = create_app(settings)
    log = structlog.get_logger("tests.faults")

    async def drills(app: web.Application) -> None:
        def inject() -> None:
            manager = app.get(RECORDINGS)
            recorders = [recorder for recorder, _ in manager.recorders.values()] if manager is not None else []
            log.info("fault_injected", recorders=len(recorders))
            for recorder in recorders:
                recorder.inject(InjectedFault("the fault drill killed the recorder"))

        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, inject)

    app.on_startup.append(drills)
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
