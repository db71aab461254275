"""`hub audit verify` and `hub store verify`: the hash chain, and every evidence file against its signed manifest."""

from __future__ import annotations

import argparse

from hub import audit
from hub.cli.common import Subcommands, database, runs, settings
from hub.rooms.interface import unfinished_causes, verify_recordings
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
    """Exit 1 on any failure, an unfinished file that no live hub writes among them: a file is only being written
    while its writer holds the file's lock (the writing hub's process, read from /proc/locks)."""
    config = settings()
    db = database(config)
    try:
        opened = await EvidenceStore.open(config.var_dir, master_key_b64=config.master_key)
        async with db.transaction(write=False) as s:
            report = await verify_store(opened, s)
            report.failures.extend(await verify_recordings(s, opened))
            causes = await unfinished_causes(s, report.abandoned)
    finally:
        await db.dispose()
    for failure in report.failures:
        cause = causes.get(failure.file_id) if failure.file_id in report.abandoned else None
        print(f"FAILED {failure}" + (f"; cause: {cause}" if cause else ""))
    for file_id in report.unfinished:
        print(f"unfinished {file_id}: being written by a live hub ({report.writers[file_id]} holds its lock)")
    verdict = "ok" if report.ok else "FAILED"
    print(
        f"{verdict}: {report.checked} files checked, {len(report.failures)} failed, "
        f"{len(report.unfinished)} being written, {len(report.abandoned)} unfinished with no writer"
    )
    return 0 if report.ok else 1


def add_commands(sub: Subcommands) -> None:
    aud = sub.add_parser("audit", help="audit log").add_subparsers(dest="audit_command", required=True)
    aud.add_parser("verify", help="walk the hash chain").set_defaults(func=runs(audit_chain))
    st = sub.add_parser("store", help="evidence store").add_subparsers(dest="store_command", required=True)
    st.add_parser("verify", help="check every stored file against its manifest and the audit chain").set_defaults(
        func=runs(store)
    )
