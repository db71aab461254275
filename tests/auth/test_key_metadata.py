"""Attestation chains against the vendors' roots from the FIDO Metadata Service (issue 14): a BLOB signed under a test
"FIDO root" is imported with the real `hub keys import-metadata` command into the test database (SQLite and
PostgreSQL), then keys enrol (or not) through the real HTTP ceremony, py_webauthn and pyOpenSSL checking for real."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select
from structlog.testing import capture_logs

from hub import audit
from hub.auth.key_models import CHROMIUM_VIRTUAL_AUTHENTICATOR
from hub.auth.models import KeyMetadataImport, KeyModelMetadata, SecurityKey
from hub.cli import main
from hub.db import Database
from tests.auth import keyflow, mds
from tests.auth.keyflow import enrol, new_key, present

GOOD = "4a5b6c7d-1111-4222-8333-944455566677"  # a model in the BLOB, certified
REVOKED = "4a5b6c7d-2222-4222-8333-944455566677"  # a model in the BLOB, revoked by the Alliance
UNLISTED = "4a5b6c7d-3333-4222-8333-944455566677"  # an approved model the BLOB does not describe


@dataclass(frozen=True)
class Pki:
    fido_root: mds.Issued
    fido_chain: list[mds.Issued]  # signer, intermediate
    good_root: mds.Issued
    good_leaf: mds.Issued
    revoked_root: mds.Issued
    revoked_leaf: mds.Issued
    unlisted_root: mds.Issued
    unlisted_leaf: mds.Issued

    def entries(self) -> list[dict[str, object]]:
        return [
            mds.entry(GOOD, "Test Key 5 NFC", [self.good_root.der]),
            mds.entry(REVOKED, "Test Key Lite", [self.revoked_root.der], ["FIDO_CERTIFIED_L1", "REVOKED"]),
        ]

    def blob(self, **kw: object) -> bytes:
        return mds.blob(self.fido_chain[0], self.fido_chain, self.entries(), **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def pki() -> Pki:
    root, intermediate, signer = mds.fido_pki()
    good_root, good_leaf = mds.vendor_model(GOOD)
    revoked_root, revoked_leaf = mds.vendor_model(REVOKED)
    unlisted_root, unlisted_leaf = mds.vendor_model(UNLISTED)
    return Pki(root, [signer, intermediate], good_root, good_leaf, revoked_root, revoked_leaf, unlisted_root, unlisted_leaf)


@dataclass
class Importer:
    """`hub keys import-metadata` as the operator runs it, against the test's own database."""

    database: Database
    tmp: Path
    capsys: pytest.CaptureFixture[str]
    root: Path

    async def __call__(self, blob: bytes, *, root: Path | None = None, system_root: bool = False) -> tuple[int, str]:
        path = self.tmp / "blob.jwt"
        path.write_bytes(blob)
        self.capsys.readouterr()
        trust = [] if system_root else ["--trust-root", str(root or self.root)]
        code = await asyncio.to_thread(main, ["keys", "import-metadata", str(path), *trust])
        out = self.capsys.readouterr()
        return code, out.out + out.err


@pytest.fixture
def import_blob(database, tmp_path, capsys, monkeypatch, pki) -> Importer:
    # the command's own database factory, pointed at this test's database (its PostgreSQL schema included)
    monkeypatch.setattr("hub.cli.keys.database", lambda config: Database(database.url, schema=database.schema))
    root = tmp_path / "fido-root.pem"
    root.write_bytes(pki.fido_root.pem)
    return Importer(database, tmp_path, capsys, root)


def key_of(model: str, leaf: mds.Issued, chain: list[bytes] | None = None):  # type: ignore[no-untyped-def]
    assert isinstance(leaf.key, ec.EllipticCurvePrivateKey)
    return new_key(aaguid=model, attestation=(leaf.key, chain or [leaf.der]))


async def _stored(database: Database) -> tuple[int, int]:
    async with database.transaction(write=False) as s:
        imports = await s.scalar(select(func.count()).select_from(KeyMetadataImport))
        models = await s.scalar(select(func.count()).select_from(KeyModelMetadata))
    return int(imports or 0), int(models or 0)


@pytest.mark.usefixtures("key_required")
async def test_only_keys_whose_certificate_chains_to_their_makers_root_enrol(browser, settings, database, pki, import_blob):
    settings.security_key_aaguids = f"{GOOD},{REVOKED},{UNLISTED}"
    code, said = await import_blob(pki.blob(no=7))
    assert code == 0, said
    assert "BLOB number 7 imported: 2 key models" in said
    async with database.transaction(write=False) as s:
        actions = list((await s.scalars(select(audit.AuditEntry.action))).all())
    assert "security_key.metadata_import" in actions

    enrolment = await keyflow.issue_code(browser, "huhemudu1")
    await browser.sign_in("huhemudu1")
    # (b) a software authenticator with a self-made certificate that claims the certified model
    forger_root, forged_leaf = mds.vendor_model(GOOD)
    assert forger_root.der != pki.good_root.der
    with capture_logs() as logs:
        forged = await enrol(browser, key_of(GOOD, forged_leaf), fmt="packed", code=enrolment)
    assert forged.status == 422, await forged.text()
    error = (await forged.json())["error"]
    assert error["code"] == "key_attestation_chain"
    assert "不是它所声称的型号" in error["message"]  # Chinese first: the catalogue's words
    refusal = next(line for line in logs if line["event"] == "key_attestation_chain_refused")
    # the forger copied the names of the vendor's root: only the signature tells them apart
    assert refusal["aaguid"] == GOOD and "certificate signature failure" in refusal["cause"]
    # the forger's certificate names another model than the one the key claims: refused for that alone
    other = await enrol(browser, key_of(UNLISTED, pki.good_leaf), fmt="packed", code=enrolment)
    assert other.status == 422 and (await other.json())["error"]["code"] == "key_attestation_chain"
    # (c) a genuine key of a model the Alliance revoked
    with capture_logs() as logs:
        revoked = await enrol(browser, key_of(REVOKED, pki.revoked_leaf), fmt="packed", code=enrolment)
    assert revoked.status == 422 and (await revoked.json())["error"]["code"] == "key_model_compromised"
    assert "已被吊销或已泄露" in (await revoked.json())["error"]["message"]
    assert any(line["event"] == "key_model_compromised" and line["status"] == "REVOKED" for line in logs)
    # (a) a genuine key of the certified model
    genuine = key_of(GOOD, pki.good_leaf)
    accepted = await enrol(browser, genuine, fmt="packed", code=enrolment)
    assert accepted.status == 200, await accepted.text()
    assert (await present(browser, genuine)).status == 200
    async with database.transaction(write=False) as s:
        keys = list((await s.scalars(select(SecurityKey))).all())
    assert [(k.aaguid, k.attestation_format) for k in keys] == [(GOOD, "packed")]


@pytest.mark.usefixtures("key_required")
async def test_a_model_without_metadata_enrols_only_if_present_is_the_rule(browser, settings, pki, import_blob):
    settings.security_key_aaguids = f"{GOOD},{UNLISTED},{CHROMIUM_VIRTUAL_AUTHENTICATOR}"
    assert (await import_blob(pki.blob()))[0] == 0
    enrolment = await keyflow.issue_code(browser, "huhemudu1")
    await browser.sign_in("huhemudu1")
    settings.security_key_metadata = "required"
    with capture_logs() as logs:
        missing = await enrol(browser, key_of(UNLISTED, pki.unlisted_leaf), fmt="packed", code=enrolment)
    assert missing.status == 422 and (await missing.json())["error"]["code"] == "key_metadata_missing"
    assert any(line["event"] == "key_metadata_missing" and line["aaguid"] == UNLISTED for line in logs)
    # the demo's virtual authenticator attests itself: no chain to check, allowed by its AAGUID alone
    virtual = await enrol(browser, new_key(aaguid=CHROMIUM_VIRTUAL_AUTHENTICATOR), fmt="packed", code=enrolment)
    assert virtual.status == 200, await virtual.text()
    settings.security_key_metadata = "if_present"
    await browser.post_form("/signout", {})
    enrolment = await keyflow.issue_code(browser, "petition1")
    await browser.sign_in("petition1")
    unlisted = await enrol(browser, key_of(UNLISTED, pki.unlisted_leaf), fmt="packed", code=enrolment)
    assert unlisted.status == 200, await unlisted.text()


@pytest.mark.usefixtures("key_required")
async def test_a_model_chains_through_an_intermediate_of_its_maker(browser, settings, pki, import_blob):
    settings.security_key_aaguids = GOOD
    assert (await import_blob(pki.blob()))[0] == 0
    intermediate = mds.issue("Test Vendor Batch CA", by=pki.good_root)
    leaf = mds.issue("Test Key Attestation", by=intermediate, ca=False, ou="Authenticator Attestation", aaguid=GOOD)
    enrolment = await keyflow.issue_code(browser, "huhemudu1")
    await browser.sign_in("huhemudu1")
    resp = await enrol(browser, key_of(GOOD, leaf, [leaf.der, intermediate.der]), fmt="packed", code=enrolment)
    assert resp.status == 200, await resp.text()


async def test_forged_expired_and_older_blobs_are_refused_with_their_cause(pki, import_blob, database, tmp_path):
    # signed under another root than the FIDO root
    _, other_intermediate, other_signer = mds.fido_pki()
    code, said = await import_blob(mds.blob(other_signer, [other_signer, other_intermediate], pki.entries()))
    assert code == 3 and "does not lead to the FIDO root" in said, said
    # a payload altered after signing (a model's status changed from REVOKED to certified)
    header, payload, signature = pki.blob().split(b".")
    altered = mds.b64u(mds.base64.urlsafe_b64decode(payload + b"==").replace(b"REVOKED", b"FIDO_CERTIFIED")).encode()
    code, said = await import_blob(b".".join([header, altered, signature]))
    assert code == 3 and "signature does not match its contents" in said, said
    # out of date: its nextUpdate has passed
    code, said = await import_blob(pki.blob(next_update=dt.date.today() - dt.timedelta(days=2)))
    assert code == 4 and "is out of date: its next update was due on" in said, said
    # a chain certificate out of its validity
    stale = mds.issue("mds.test.example", by=pki.fido_chain[1], ca=False, key=pki.fido_chain[0].key, days=(-400, -35))
    code, said = await import_blob(mds.blob(stale, [stale, pki.fido_chain[1]], pki.entries()))
    assert code == 4 and "CN=mds.test.example" in said and "expired on" in said, said
    # not a BLOB at all; a trust root that is not a certificate
    assert (await import_blob(b"<html>maintenance</html>"))[0] == 2
    not_pem = tmp_path / "not.pem"
    not_pem.write_bytes(b"hello")
    code, said = await import_blob(pki.blob(), root=not_pem)
    assert code == 2 and "the trust root is not a certificate" in said
    assert await _stored(database) == (0, 0)  # nothing of a refused BLOB is kept
    # a newer BLOB replaces the stored one; an older one after it is refused (a replayed BLOB hides a revocation)
    assert (await import_blob(pki.blob(no=9)))[0] == 0
    code, said = await import_blob(pki.blob(no=8))
    assert code == 5 and "BLOB number 8 is older than number 9" in said, said
    assert (await import_blob(pki.blob(no=9)))[0] == 0  # the same one again: harmless
    assert await _stored(database) == (2, 2)


async def test_without_a_trust_root_the_blob_must_chain_to_globalsign_from_the_system_store(pki, import_blob, database):
    code, said = await import_blob(pki.blob(), system_root=True)  # Debian's ca-certificates, pinned by fingerprint
    assert code == 3 and "does not lead to the FIDO root CN=GlobalSign,O=GlobalSign,OU=GlobalSign Root CA - R3" in said
    assert await _stored(database) == (0, 0)


def test_a_compromised_attestation_key_refuses_only_the_certificate_it_names(pki):
    from hub.auth.key_metadata import ModelMetadata

    named = {"status": "ATTESTATION_KEY_COMPROMISE", "certificate": mds.b64(pki.good_leaf.der)}
    entry = ModelMetadata(GOOD, "Test Key 5 NFC", [pki.good_root.der], [{"status": "FIDO_CERTIFIED_L1"}, named])
    assert entry.refusing_status([pki.good_leaf.der]) == "ATTESTATION_KEY_COMPROMISE"
    other_batch = mds.issue("Test Key Attestation", by=pki.good_root, ca=False, ou="Authenticator Attestation")
    assert entry.refusing_status([other_batch.der]) is None
    unnamed = ModelMetadata(GOOD, "x", [], [{"status": "ATTESTATION_KEY_COMPROMISE", "certificate": None}])
    assert unnamed.refusing_status([other_batch.der]) == "ATTESTATION_KEY_COMPROMISE"
    assert ModelMetadata(GOOD, "x", [], [{"status": "UPDATE_AVAILABLE"}]).refusing_status([]) is None


async def test_the_security_administrator_sees_what_was_imported(browser, new_browser, clock, pki, import_blob):
    await browser.sign_in("secadmin")
    before = await (await browser.get("/security-keys/metadata")).text()
    assert "尚未导入" in before
    assert (await import_blob(pki.blob(no=12)))[0] == 0
    page = await (await browser.get("/security-keys/metadata")).text()
    assert "<dd>12</dd>" in page and "<dd>2</dd>" in page and "Test Key Lite" in page and "已被 FIDO 联盟吊销" in page
    assert "REVOKED" not in page and "已过期" not in page  # words, not codes; not yet overdue
    clock.set(clock.now() + dt.timedelta(days=60))  # past the BLOB's nextUpdate (and the session's lifetime)
    await browser.sign_in("secadmin")
    assert "已过期" in await (await browser.get("/security-keys/metadata")).text()
    home = await (await browser.get("/home")).text()
    assert "/security-keys/metadata" in home
    other = await new_browser()
    await other.sign_in("admin")
    assert (await other.get("/security-keys/metadata")).status == 403
