async def test_signin_page_renders_chinese_by_default(browser):
    resp = await browser.get("/signin")
    assert resp.status == 200
    body = await resp.text()
    assert "登录" in body
