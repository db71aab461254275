"""`hub keys import-metadata FILE`: the FIDO Metadata Service BLOB, carried over from a connected machine.

Exit codes: 0 imported; 2 unreadable (no such file, not a BLOB, not MDS3); 3 forged (not signed under the FIDO root,
or its signature does not match its contents); 4 expired (a certificate of its chain, or its nextUpdate passed);
5 older than the BLOB imported before.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path

from hub import audit
from hub.auth.interface import key_metadata
from hub.cli.common import Subcommands, database, run, settings


def _fail(exc: key_metadata.BlobRefused) -> int:
    print(f"hub: metadata not imported: {exc.message}", file=sys.stderr)
    return exc.exit_code


def import_metadata(args: argparse.Namespace) -> int:
    """Verify the BLOB (files are read here, before the event loop runs), then store it in one transaction."""
    path = Path(args.file)
    try:
        blob = path.read_bytes()
    except OSError as exc:
        print(f"hub: metadata not imported: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return key_metadata.EXIT_UNREADABLE
    now = dt.datetime.now(dt.UTC)
    try:
        root = key_metadata.load_root(Path(args.trust_root).read_bytes()) if args.trust_root else key_metadata.system_fido_root()
        payload = key_metadata.verify_blob(blob, root, now)
    except key_metadata.BlobRefused as exc:
        return _fail(exc)
    except OSError as exc:
        print(f"hub: metadata not imported: cannot read the trust root: {exc.strerror}", file=sys.stderr)
        return key_metadata.EXIT_UNREADABLE
    return run(lambda: _store(payload, blob, now))


async def _store(payload: key_metadata.MetadataBlobPayload, blob: bytes, now: dt.datetime) -> int:
    db = database(settings())
    try:
        async with db.transaction() as s:
            imported = await key_metadata.store(s, payload, blob, audit.AuditActor(None, f"cli:{getpass.getuser()}"), now)
    except key_metadata.BlobRefused as exc:
        return _fail(exc)
    finally:
        await db.dispose()
    print(
        f"hub: FIDO metadata BLOB number {imported.blob_number} imported: {imported.models} key models, "
        f"next update due {imported.next_update:%Y-%m-%d}"
    )
    return 0


def add_commands(sub: Subcommands) -> None:
    keys = sub.add_parser("keys", help="security keys").add_subparsers(dest="keys_command", required=True)
    p = keys.add_parser(
        "import-metadata",
        help="import the FIDO Metadata Service (MDS3) BLOB: the attestation roots and status of key models",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", help="the BLOB as downloaded (a JWT), e.g. blob.jwt")
    p.add_argument(
        "--trust-root",
        metavar="PEM",
        help="the root the BLOB must chain to (tests); default: GlobalSign Root CA - R3 from the system's store",
    )
    p.set_defaults(func=import_metadata)
