"""The `hub` command as an operator uses it, against a real SQLite file."""

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from hub.cli import main


@pytest.fixture
def hub_var(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HUB_VAR_DIR", str(tmp_path))
    assert main(["migrate"]) == 0
    assert main(["demo", "--if-empty", "--cases", "0"]) == 0
    out = capsys.readouterr().out
    assert "leader" in out and "hub-demo-2026" in out  # the demo sign-ins are printed
    assert main(["audit", "verify"]) == 0
    return DemoHome(tmp_path, _entries(capsys.readouterr().out))


@dataclass(frozen=True)
class DemoHome:
    path: Path
    entries: int  # audit entries the demo load wrote


def _entries(verify_output: str) -> int:
    match = re.match(r"ok, (\d+) entries", verify_output)
    assert match, verify_output
    return int(match.group(1))


def test_org_show_prints_the_tree_and_rooms(hub_var, capsys):
    assert main(["org", "show"]) == 0
    out = capsys.readouterr().out
    assert "jg.7" in out and "sg.19" in out and "tw.xini" in out and "(trials: jg.1)" in out
    assert "county.hall" in out and "xini.kiosk" in out


def test_user_add_list_disable(hub_var, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password-9\n"))
    assert (
        main(
            [
                "user",
                "add",
                "wang",
                "--name",
                "信访室 王",
                "--role",
                "office_staff",
                "--unit",
                "office.petition",
                "--password-stdin",
            ]
        )
        == 0
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password-9\n"))
    assert main(["user", "add", "wang", "--role", "admin", "--password-stdin"]) == 2  # taken
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password-9\n"))
    assert main(["user", "add", "li", "--role", "office_staff", "--unit", "no.such.unit", "--password-stdin"]) == 2
    capsys.readouterr()
    assert main(["user", "list"]) == 0
    listing = capsys.readouterr().out
    assert "wang" in listing and "office.petition" in listing
    assert main(["user", "disable", "wang"]) == 0
    assert main(["user", "list"]) == 0
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("wang "))
    assert "disabled" in line
    assert main(["audit", "verify"]) == 0
    after = _entries(capsys.readouterr().out)
    assert after == hub_var.entries + 2  # user.create, user.disable on top of the demo's entries


def test_demo_if_empty_leaves_existing_data_alone(hub_var, capsys):
    assert main(["demo", "--if-empty", "--cases", "0"]) == 0
    assert "already holds data" in capsys.readouterr().out


def test_backup_makes_a_copy_whose_audit_chain_verifies(hub_var, capsys, monkeypatch, tmp_path):
    copy = tmp_path / "backup.sqlite3"
    assert main(["backup", str(copy)]) == 0
    monkeypatch.setenv("HUB_DATABASE_URL", f"sqlite+aiosqlite:///{copy}")
    capsys.readouterr()
    assert main(["audit", "verify"]) == 0
    assert _entries(capsys.readouterr().out) == hub_var.entries


def test_store_verify_names_a_tampered_file(hub_var, capsys):
    import asyncio

    from hub.db import Database
    from hub.settings import Settings
    from hub.store.models import FileKind
    from hub.store.service import record_closed
    from hub.store.store import EvidenceStore
    from hub.store.writer import Labels

    async def put_one() -> str:
        settings = Settings()
        store = await EvidenceStore.open(settings.var_dir)
        signed = await store.put("笔录 evidence".encode() * 1000, FileKind.ATTACHMENT, "text/plain", Labels(case_id=1))
        db = Database(settings.effective_database_url)
        async with db.transaction() as s:
            await record_closed(s, signed)
        await db.dispose()
        return signed.manifest.file_id

    file_id = asyncio.run(put_one())
    capsys.readouterr()
    assert main(["store", "verify"]) == 0
    assert "ok: 1 files checked" in capsys.readouterr().out
    data_file = next(p for p in (hub_var.path / "store").rglob(f"{file_id}*") if p.is_file() and "manifest" not in p.name)
    raw = bytearray(data_file.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    data_file.write_bytes(bytes(raw))
    assert main(["store", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"FAILED {file_id}" in out


def test_probe_sees_media_both_ways_through_a_running_hub(tmp_path, monkeypatch, capsys):
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "HUB_VAR_DIR": str(tmp_path), "HUB_PORT": str(port), "HUB_LOG_JSON": "false"}
    for key, value in env.items():
        if key.startswith("HUB_"):
            monkeypatch.setenv(key, value)
    assert main(["migrate"]) == 0
    server = subprocess.Popen(
        [sys.executable, "-m", "hub.cli", "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.3)
        capsys.readouterr()
        assert main(["probe", "--seconds", "3", "--ice-address", "127.0.0.1"]) == 0
        out = capsys.readouterr().out
        assert out.count("upstream OK") == 2 and out.count("downstream OK") == 2
        assert "decoded at 320x240" in out
        # a room nobody else is in: the probe joins, sends, and says nothing came back
        assert main(["probe", "session-999", "--seconds", "2", "--ice-address", "127.0.0.1"]) == 1
        assert "downstream NONE" in capsys.readouterr().out
    finally:
        server.terminate()
        server.wait(10)
