"""Gettext catalogues (English message ids, zh_CN the default) and the locale of the current request."""

from __future__ import annotations

import contextvars
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from markupsafe import escape

LOCALES = ("zh_CN", "en")
WEB_DIR = Path(__file__).resolve().parent.parent / "web"
LOCALE_DIR = WEB_DIR / "locale"

current_locale: contextvars.ContextVar[str] = contextvars.ContextVar("hub_locale", default="zh_CN")


class Catalogs:
    """Translations per locale, compiled in memory from the .po files (no build step)."""

    def __init__(self, locale_dir: Path = LOCALE_DIR) -> None:
        self._by_locale: dict[str, NullTranslations] = {"en": NullTranslations()}
        self._known: set[str] = set()
        for folder in sorted(locale_dir.glob("*/LC_MESSAGES")):
            locale = folder.parent.name
            catalog = read_folder(folder, locale)
            self._known.update(str(m.id) for m in catalog if m.id)
            buf = io.BytesIO()
            write_mo(buf, catalog)
            buf.seek(0)
            self._by_locale[locale] = Translations(buf)

    def get(self, locale: str) -> NullTranslations:
        return self._by_locale.get(locale) or self._by_locale["en"]

    def gettext(self, message: str) -> str:
        return self.get(current_locale.get()).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.get(current_locale.get()).ngettext(singular, plural, n)

    # Pages: Jinja marks what ``_()`` returns as safe and then formats it with ``%``. Only our own catalogue's
    # messages are trusted; any other text that reaches ``_()`` (a query parameter, a title someone typed) is
    # escaped, and its ``%`` doubled so that the formatting gives it back unchanged (issue 14: no markup, no 500).

    def page_gettext(self, message: str) -> str:
        if message in self._known:
            return self.gettext(message)
        return escape(message).replace("%", "%%")

    def page_ngettext(self, singular: str, plural: str, n: int) -> str:
        if singular in self._known:
            return self.ngettext(singular, plural, n)
        return escape(singular if n == 1 else plural).replace("%", "%%")


def read_folder(folder: Path, locale: str) -> Catalog:
    """One catalogue from every .po file of a locale: each part keeps its own file (messages.po, cases.po, ...)."""
    merged = Catalog(locale=locale)
    for po in sorted(folder.glob("*.po")):
        with po.open("rb") as fh:
            for message in read_po(fh, locale=locale):
                if message.id and message.string:
                    merged.add(message.id, message.string)
    return merged


def compile_folder(folder: Path, locale: str) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, read_folder(folder, locale))
    return buf.getvalue()


def pick_locale(cookie_value: str | None, accept_language: str | None, default: str) -> str:
    if cookie_value in LOCALES:
        return cookie_value  # type: ignore[return-value]
    return default if default in LOCALES else "zh_CN"


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


# Where user-facing strings are, and the calls that mark them (the error classes take their message second).
EXTRACT_METHODS = [
    ("hub/**.py", "python"),
    ("web/templates/**.html", "jinja2"),
    ("web/static/js/**.js", "javascript"),
]
EXTRACT_KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "N_": None,
    "gettext": None,
    "t": None,
    "ngettext": (1, 2),
    "Invalid": (2,),
    "Conflict": (2,),
    "Forbidden": (2,),
    "BadRequest": (2,),
    "Unauthenticated": (2,),
    "NotFound": (2,),
    "TooManyRequests": (1,),
}


def extract_ids(root: Path = WEB_DIR.parent) -> dict[str, str]:
    """Every message id in the code and templates, with where it was first seen."""
    from babel.messages.extract import extract_from_dir

    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(root),
        method_map=EXTRACT_METHODS,
        keywords=EXTRACT_KEYWORDS,
        options_map={"web/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if msgid:
                found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def missing_translations(locale: str = "zh_CN") -> dict[str, str]:
    """Message ids that the locale's catalogue does not translate (id → where it is used)."""
    catalog = read_folder(LOCALE_DIR / locale / "LC_MESSAGES", locale)
    return {msgid: where for msgid, where in extract_ids().items() if not catalog.get(msgid) or not catalog[msgid].string}
