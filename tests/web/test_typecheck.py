"""The browser code type-checks: TypeScript (from package-lock.json) reads web/static/js with checkJs and strict.

`make test` runs `npm ci` first, so a clean clone runs this check; only a machine without npm skips it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TSC = ROOT / "node_modules" / ".bin" / "tsc"


def test_browser_code_type_checks() -> None:
    if not TSC.exists():
        if shutil.which("npm") is None:
            pytest.skip("npm is not installed, so TypeScript cannot check web/static/js (install Node.js and npm)")
        pytest.fail("node_modules/.bin/tsc is missing: run `make test` or `npm ci --no-audit --no-fund` first")
    result = subprocess.run(  # noqa: S603 - our own pinned tsc, no shell
        [str(TSC), "-p", str(ROOT), "--pretty", "false"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, "tsc found type errors in web/static/js:\n" + result.stdout + result.stderr
