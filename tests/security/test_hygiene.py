"""Issue 14, findings 13 and 14: anonymous bodies refused before they are read, private files, no values in errors."""

from __future__ import annotations

import argparse
import os
import stat

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from hub.cli import database as cli_database


async def test_an_anonymous_body_is_refused_before_it_is_read(browser):
    await browser.prime()
    big = {"username": "x" * (200 * 1024), "password": "y"}
    resp = await browser.post_form("/signin", big)
    assert resp.status == 413
    small = await browser.post_form("/signin", {"username": "nobody", "password": "wrong-password"})
    assert small.status in (200, 303, 401, 422)


def _mode(path: str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def test_the_sqlite_file_and_its_backup_are_private(database, seeded, tmp_path, monkeypatch):
    if not database.is_sqlite:
        pytest.skip("the file modes are SQLite's")
    path = database.url.split("///", 1)[1]
    async with database.transaction() as s:
        await s.execute(text("SELECT 1"))
    assert _mode(path) == 0o600
    monkeypatch.setenv("HUB_DATABASE_URL", database.url)
    copy = tmp_path / "backup.sqlite3"
    assert cli_database.backup(argparse.Namespace(path=str(copy))) == 0
    assert _mode(str(copy)) == 0o600


async def test_a_database_error_names_no_values(database, seeded):
    with pytest.raises(IntegrityError) as caught:
        async with database.transaction() as s:
            await s.execute(
                text("INSERT INTO users (id, username, display_name, password_hash, role, disabled, created_at, version)"
                     " VALUES (1, :u, :d, 'x', 'admin', false, '2026-01-01', 1)"),
                {"u": "secret-username-1", "d": "王秘密"},
            )  # fmt: skip
    assert "王秘密" not in str(caught.value) and "secret-username-1" not in str(caught.value)
