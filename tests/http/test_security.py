"""CSRF, Origin, security headers and the content security policy."""

import re
from pathlib import Path

from hub.i18n import WEB_DIR


async def test_security_headers_on_pages_api_and_errors(browser):
    for path in ("/signin", "/api/v1/me", "/no-such-page", "/static/css/hub.css", "/healthz"):
        resp = await browser.get(path)
        headers = resp.headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp, path
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])


def test_templates_have_no_inline_script_or_handlers():
    for template in Path(WEB_DIR / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b[^>]*>", text):
            tag = match.group(0)
            # a JSON data block is not script (browsers never run it, CSP does not apply to it)
            assert "src=" in tag or 'type="application/json"' in tag, f"inline script in {template}: {tag}"
        assert not re.search(r"\son[a-z]+\s*=", text), f"inline event handler in {template}"


async def test_state_changing_requests_need_the_csrf_token(browser):
    await browser.sign_in("admin")
    no_token = await browser.client.post("/api/v1/org/units", json={"kind": "office"}, allow_redirects=False)
    assert no_token.status == 403
    assert (await no_token.json())["error"]["code"] == "csrf"
    wrong = await browser.client.post("/signout", data={"csrf_token": "x" * 43}, allow_redirects=False)
    assert wrong.status == 403
    assert (await browser.get("/home")).status == 200  # nothing happened


async def test_sign_in_form_itself_needs_the_token(browser):
    resp = await browser.client.post("/signin", data={"username": "leader", "password": "hub-demo-2026"}, allow_redirects=False)
    assert resp.status == 403
    assert "hub_session" not in resp.cookies


async def test_foreign_origin_is_refused(browser):
    await browser.sign_in("admin")
    resp = await browser.send_json("DELETE", "/api/v1/session", headers={"Origin": "https://evil.example"})
    assert resp.status == 403
    assert (await resp.json())["error"]["code"] == "bad_origin"
    assert (await browser.get("/home")).status == 200


async def test_health_and_metrics(browser):
    health = await browser.get("/healthz")
    assert health.status == 200 and (await health.json())["database"] == "ok"
    metrics = await (await browser.get("/metrics")).text()
    assert "hub_http_requests_total" in metrics
