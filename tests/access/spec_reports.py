# ruff: noqa: E501
# (one probe per line reads as a table: long lines are the price)
"""Expectations for the weekly rhythm and the statistics (hub/reports).

Every staff member reaches the reports hub, the week's standing and the Monday archive (each lists only what their
grade allows; tests/reports prove the contents). The statistics are for the leaders and the case management and
tracking offices (403 for everyone else). A 督办 notice is answered by the deputy it is addressed to (an empty
form goes back with the message); the main leader sees it in copy but does not answer (403); nobody else sees it (404). The printable ledger is the ledger: every staff member but the three administrators.
Guessed ids are 404 for everyone; an empty form goes back to its page with the message (303).
"""

from __future__ import annotations

import datetime as dt

from hub.db import Database
from tests.access.matrix import GUESSED_ID, Probe, World, expect

G = GUESSED_ID
STATS = {"leader": 200, "deputy": 200, "ledger": 200}


def probes(world: World) -> list[Probe]:
    notice = world.extra("supervise.notice")  # noqa: S610 - the matrix world, not Django
    return [
        Probe("GET", "/reports", "/reports", expect("/reports", staff=200)),
        Probe("GET", "/reports/weekly", "/reports/weekly", expect("/reports", staff=200)),
        Probe("POST", "/reports/weekly/start", "/reports/weekly/start", expect("/reports", staff=303), body={}, form=True, note="empty form: back with the message"),
        Probe("GET", "/reports/weekly/{id}", f"/reports/weekly/{G}", expect("/reports", staff=404), note="guessed id"),
        Probe("POST", "/reports/weekly/{id}", f"/reports/weekly/{G}", expect("/reports", staff=404), body={}, form=True, note="guessed id"),
        Probe("POST", "/reports/weekly/{id}/return", f"/reports/weekly/{G}/return", expect("/reports", staff=404), body={}, form=True, note="guessed id"),
        Probe("GET", "/reports/monday", "/reports/monday", expect("/reports", staff=200)),
        Probe("POST", "/reports/monday", "/reports/monday", expect("/reports", staff=303), body={}, form=True, note="empty form: back with the message"),
        Probe("GET", "/reports/monday/{id}", f"/reports/monday/{G}", expect("/reports", staff=404), note="guessed id"),
        Probe("GET", "/reports/monday/{id}/pdf", f"/reports/monday/{G}/pdf", expect("/reports", staff=404), note="guessed id"),
        Probe("GET", "/reports/monday/{id}/docx", f"/reports/monday/{G}/docx", expect("/reports", staff=404), note="guessed id"),
        Probe("POST", "/reports/monday/{id}/compile", f"/reports/monday/{G}/compile", expect("/reports", staff=404), body={}, form=True, note="guessed id"),
        Probe("POST", "/reports/monday/{id}/approve", f"/reports/monday/{G}/approve", expect("/reports", staff=404), body={}, form=True, note="guessed id"),
        Probe("GET", "/statistics", "/statistics", expect("/statistics", staff=403, **STATS)),
        Probe("GET", "/statistics/cases", "/statistics/cases", expect("/statistics", staff=403, leader=422, deputy=422, ledger=422), note="no figure named"),
        Probe("GET", "/reports/ledger/print", "/reports/ledger/print", expect("/reports", staff=200, admin=403, secadmin=403, auditor=403)),
        Probe("GET", "/reports/ledger.pdf", "/reports/ledger.pdf", expect("/reports", staff=200, admin=403, secadmin=403, auditor=403)),
        Probe("GET", "/reports/ledger.xlsx", "/reports/ledger.xlsx", expect("/reports", staff=200, admin=403, secadmin=403, auditor=403)),
        Probe("GET", "/supervision", "/supervision", expect("/supervision", staff=200), note="each sees only their own notices (tests/reports)"),
        Probe("POST", "/supervision/{id}/answer", f"/supervision/{notice}/answer", expect("/supervision", staff=404, deputy=303, leader=403), body={}, form=True, note="addressed to deputy1"),
        Probe("POST", "/supervision/{id}/answer", f"/supervision/{G}/answer", expect("/supervision", staff=404), body={}, form=True, note="guessed id"),
    ]  # fmt: skip


async def seed_supervision(database: Database, now: dt.datetime) -> dict[str, int]:
    """A red Xini town clue with its 督办 notice addressed to deputy1."""
    from sqlalchemy import select

    from hub.auth.interface import User
    from hub.clock import FakeClock
    from hub.reports.models import SuperviseNotice
    from tests.cases.conftest import make_kit

    kit = await make_kit(database, FakeClock(now))
    clue = await kit.register_clue(township_id=kit.unit("tw.xini"), subject_name="己")
    async with database.transaction() as s:
        deputy = await s.scalar(select(User.id).where(User.username == "deputy1"))
        notice = SuperviseNotice(
            clue_id=clue.id, due_date=now.date() - dt.timedelta(days=3), due_key="clue_disposal", deputy_id=deputy,
            raised_at=now, answer="",
        )  # fmt: skip
        s.add(notice)
        await s.flush()
        return {"supervise.notice": notice.id}
