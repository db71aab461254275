"""Issue 14, finding 3: untrusted text that reaches the translation function is escaped, and its "%" is no format."""

from __future__ import annotations

from urllib.parse import quote

from hub.i18n import Catalogs, current_locale

META = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'


def test_only_our_own_messages_are_trusted():
    catalogs = Catalogs()
    token = current_locale.set("zh_CN")
    try:
        assert catalogs.page_gettext("Sign out") == catalogs.gettext("Sign out") != "Sign out"
        assert "<meta" not in catalogs.page_gettext(META)
        assert str(catalogs.page_gettext("100%d")) % {} == "100%d"
    finally:
        current_locale.reset(token)


async def test_an_error_in_the_address_is_shown_as_text(browser):
    await browser.sign_in("petition1")
    for path in ("/petitions",):
        resp = await browser.get(f"{path}?error={quote(META)}")
        body = await resp.text()
        assert resp.status == 200, path
        assert "<meta http-equiv" not in body and "&lt;meta http-equiv" in body, path
        resp = await browser.get(f"{path}?error=%25d")
        assert resp.status == 200, (path, await resp.text())
