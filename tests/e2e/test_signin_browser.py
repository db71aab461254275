"""A person signs in, switches language, and signs out, in a real browser."""

import pytest

pytestmark = pytest.mark.browser


async def test_sign_in_switch_language_and_sign_out(chromium, live_url, settings):
    settings.public_origin = live_url  # the page's Origin must be ours
    page = await chromium.new_page()
    errors = []
    # script errors and CSP violations; HTTP statuses (the 401 of a wrong password) are checked on the page itself
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" and "Failed to load resource" not in msg.text else None,
    )
    await page.goto(f"{live_url}/")
    assert await page.title() == "登录 · 旗纪委监委"
    await page.fill("input[name=username]", "leader")
    await page.fill("input[name=password]", "wrong password")
    await page.click("button[type=submit]")
    assert "用户名或密码不正确" in await page.inner_text("main")

    await page.fill("input[name=password]", "hub-demo-2026")
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{live_url}/home")
    assert "欢迎，纪委书记 王建国" in await page.inner_text("h1")

    await page.click("text=English")
    await page.wait_for_load_state()
    assert "Welcome" in await page.inner_text("h1")
    await page.click("text=简体中文")
    await page.wait_for_load_state()
    await page.click("text=组织机构")
    await page.wait_for_url(f"{live_url}/org")
    assert "第七联查联审组" in await page.inner_text("main")

    await page.click("text=退出")
    await page.wait_for_url(f"{live_url}/signin")
    await page.goto(f"{live_url}/home")
    assert page.url.startswith(f"{live_url}/signin")
    assert errors == [], errors  # no CSP violations or script errors
