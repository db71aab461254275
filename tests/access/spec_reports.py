# ruff: noqa: E501
# (one probe per line reads as a table: long lines are the price)
"""Expectations for the weekly rhythm and the statistics (hub/reports).

Every staff member reaches the reports hub, the week's standing and the Monday archive (each lists only what their
grade allows; tests/reports prove the contents). The statistics are for the leaders and the case management and
tracking offices (403 for everyone else). The printable ledger is the ledger: every staff member but the three administrators.
Guessed ids are 404 for everyone; an empty form goes back to its page with the message (303).
"""

from __future__ import annotations

from tests.access.matrix import GUESSED_ID, Probe, World, expect

G = GUESSED_ID
STATS = {"leader": 200, "deputy": 200, "ledger": 200}


def probes(world: World) -> list[Probe]:
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
        Probe("POST", "/reports/monday/{id}/compile", f"/reports/monday/{G}/compile", expect("/reports", staff=404), body={}, form=True, note="guessed id"),
        Probe("POST", "/reports/monday/{id}/approve", f"/reports/monday/{G}/approve", expect("/reports", staff=404), body={}, form=True, note="guessed id"),
        Probe("GET", "/statistics", "/statistics", expect("/statistics", staff=403, **STATS)),
        Probe("GET", "/statistics/cases", "/statistics/cases", expect("/statistics", staff=403, leader=422, deputy=422, ledger=422), note="no figure named"),
        Probe("GET", "/reports/ledger/print", "/reports/ledger/print", expect("/reports", staff=200, admin=403, secadmin=403, auditor=403)),
        Probe("GET", "/reports/ledger.xlsx", "/reports/ledger.xlsx", expect("/reports", staff=200, admin=403, secadmin=403, auditor=403)),
    ]  # fmt: skip
