"""Every string the browser client shows goes through t() and reaches the page's catalogue translated.

Babel's JavaScript extractor misses calls inside template literals, so this compares what it finds with a plain
search of the sources: a string the extractor missed would show in English on a Chinese page.
"""

from __future__ import annotations

import re

from hub.i18n import WEB_DIR, Catalogs, current_locale
from hub.rooms.client_page import CLIENT_DIRS, client_message_ids


def test_the_extractor_finds_every_client_string():
    written = set()
    for folder in CLIENT_DIRS:
        for path in (WEB_DIR / folder).glob("*.js"):
            written |= set(re.findall(r'\bt\("([^"]+)"', path.read_text(encoding="utf-8")))
    assert written and set(client_message_ids()) == written


def test_every_client_string_has_chinese():
    catalogs = Catalogs()
    token = current_locale.set("zh_CN")
    try:
        untranslated = [m for m in client_message_ids() if catalogs.gettext(m) == m]
    finally:
        current_locale.reset(token)
    assert untranslated == []
