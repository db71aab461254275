"""The audit chain: every change is linked to the one before; verify names the first entry that was tampered with."""

import pytest
from sqlalchemy import select, text, update

from hub import audit
from hub.cli import main


async def _write_entries(database, n=5):
    async with database.transaction() as s:
        for i in range(n):
            await audit.record(s, audit.AuditActor(7, "user:tester"), "test.change", "thing", i, {"value": i, "名": "测试"})


async def test_a_clean_chain_verifies(database):
    await _write_entries(database)
    async with database.transaction(write=False) as s:
        result = await audit.verify(s)
    assert result.ok and result.count == 5
    assert result.message().startswith("ok, 5 entries")


@pytest.mark.parametrize("tamper", ["update", "delete", "reorder", "rehash"])
async def test_tampering_is_found_and_named(database, tamper):
    await _write_entries(database)
    async with database.transaction() as s:
        rows = (await s.scalars(select(audit.AuditEntry).order_by(audit.AuditEntry.seq))).all()
        third, fourth = rows[2], rows[3]
        if tamper == "update":
            await s.execute(update(audit.AuditEntry).where(audit.AuditEntry.id == third.id).values(change='{"value":999}'))
            expected = 3
        elif tamper == "delete":
            await s.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": third.id})
            expected = 4
        elif tamper == "reorder":
            # swap the content of two rows (ids keep their order)
            a = {c: getattr(third, c) for c in ("seq", "action", "object_id", "change", "prev_hash", "hash")}
            b = {c: getattr(fourth, c) for c in ("seq", "action", "object_id", "change", "prev_hash", "hash")}
            await s.execute(update(audit.AuditEntry).where(audit.AuditEntry.id == third.id).values(seq=-1))
            await s.execute(update(audit.AuditEntry).where(audit.AuditEntry.id == fourth.id).values(**a))
            await s.execute(update(audit.AuditEntry).where(audit.AuditEntry.id == third.id).values(**b))
            expected = 4
        else:
            # an attacker who edits a row and recomputes its own hash still breaks the link to the next row
            new_change = '{"value":42}'
            new_hash = audit.entry_hash(
                third.prev_hash,
                seq=third.seq,
                at=third.at,
                actor_id=third.actor_id,
                actor_label=third.actor_label,
                action=third.action,
                object_type=third.object_type,
                object_id=third.object_id,
                change=new_change,
            )
            await s.execute(
                update(audit.AuditEntry).where(audit.AuditEntry.id == third.id).values(change=new_change, hash=new_hash)
            )
            expected = 4
    async with database.transaction(write=False) as s:
        result = await audit.verify(s)
    assert not result.ok
    assert result.broken_seq == expected, result.message()
    assert f"seq={expected}" in result.message()


async def test_concurrent_appends_never_fork_the_chain(database):
    import asyncio

    async def writer(k):
        for i in range(5):
            async with database.transaction() as s:
                await audit.record(s, audit.SYSTEM, "test.concurrent", "thing", f"{k}.{i}", {})

    await asyncio.gather(*(writer(k) for k in range(4)))
    async with database.transaction(write=False) as s:
        result = await audit.verify(s)
    assert result.ok and result.count == 20


def test_cli_audit_verify_reports_ok_and_breaks(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HUB_VAR_DIR", str(tmp_path))
    assert main(["migrate"]) == 0
    assert main(["demo", "--cases", "0"]) == 0
    capsys.readouterr()
    assert main(["audit", "verify"]) == 0
    assert capsys.readouterr().out.startswith("ok, ")
    import sqlite3

    con = sqlite3.connect(tmp_path / "hub.sqlite3")
    con.execute("UPDATE audit_log SET actor_label = 'someone else' WHERE seq = 1")
    con.commit()
    con.close()
    assert main(["audit", "verify"]) == 1
    assert "seq=1" in capsys.readouterr().out
