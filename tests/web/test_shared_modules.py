"""Helpers the browser pages share live in one module each, and stay there: the CSRF JSON POST (http.js), the
kiosk heartbeat (kiosk/heartbeat.js), and one document shell for every kiosk page (kiosk/base.html)."""

from __future__ import annotations

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"
JS = WEB / "static" / "js"
TEMPLATES = WEB / "templates"


def _js_files_with(pattern: str) -> list[str]:
    return sorted(str(path.relative_to(JS)) for path in JS.rglob("*.js") if re.search(pattern, path.read_text(encoding="utf-8")))


def test_only_http_js_sends_the_csrf_token() -> None:
    assert _js_files_with(r"X-CSRF-Token|csrf-token") == ["http.js"]


def test_only_the_heartbeat_module_beats() -> None:
    assert _js_files_with(r"[\"'`]/kiosk/heartbeat[\"'`]") == ["kiosk/heartbeat.js"]


def test_every_kiosk_page_renders_through_one_shell() -> None:
    kiosk_pages = [*(TEMPLATES / "kiosk").glob("*.html"), *(TEMPLATES / "schedule").glob("kiosk_*.html")]
    documents = sorted(str(p.relative_to(TEMPLATES)) for p in kiosk_pages if "<!doctype" in p.read_text(encoding="utf-8").lower())
    assert documents == ["kiosk/base.html"]
    reception_shell = (TEMPLATES / "schedule" / "kiosk_base.html").read_text(encoding="utf-8")
    assert '{% extends "kiosk/base.html" %}' in reception_shell
