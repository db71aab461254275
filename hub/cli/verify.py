"""`hub audit verify` and `hub store verify`: the hash chain, and every evidence file against its signed manifest."""

from __future__ import annotations

import argparse

from hub import audit
from hub.cli.common import Subcommands, database, runs, settings
from hub.rooms.interface import verify_recordings
from hub.store.interface import EvidenceStore, verify_store


async def audit_chain(args: argparse.Namespace) -> int:
    db = database(settings())
    try:
        async with db.transaction(write=False) as s:
            result = await audit.verify(s)
    finally:
        await db.dispose()
    print(result.message())
    return 0 if result.ok else 1


async def store(args: argparse.Namespace) -> int:
    config = settings()
    db = database(config)
    try:
        opened = await EvidenceStore.open(config.var_dir, master_key_b64=config.master_key)
        async with db.transaction(write=False) as s:
            report = await verify_store(opened, s)
            report.failures.extend(await verify_recordings(s, opened))
    finally:
        await db.dispose()
    for failure in report.failures:
        print(f"FAILED {failure}")
    for file_id in report.unfinished:
        print(f"unfinished {file_id} (being written, or waiting for recovery at the next start)")
    verdict = "ok" if report.ok else "FAILED"
    print(f"{verdict}: {report.checked} files checked, {len(report.failures)} failed, {len(report.unfinished)} unfinished")
    return 0 if report.ok else 1


def add_commands(sub: Subcommands) -> None:
    aud = sub.add_parser("audit", help="audit log").add_subparsers(dest="audit_command", required=True)
    aud.add_parser("verify", help="walk the hash chain").set_defaults(func=runs(audit_chain))
    st = sub.add_parser("store", help="evidence store").add_subparsers(dest="store_command", required=True)
    st.add_parser("verify", help="check every stored file against its manifest and the audit chain").set_defaults(
        func=runs(store)
    )
