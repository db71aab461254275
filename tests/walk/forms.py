"""Read a page as a newcomer would: its links and its forms, and fill a form with plausible values.

The stdlib HTML parser is enough: pages are server-rendered; what a script adds is reached through the JSON API
and walked by its own tests.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# a one-pixel PNG, for file inputs (kiosk photographs, document uploads)
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da636460f85f0f0005fe02fe0dcb3b9f0000000049454e44ae426082"
)


@dataclass
class Field:
    tag: str  # input, select, textarea, button
    type: str
    name: str
    value: str
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected) for a select
    checked: bool = False
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[Field] = field(default_factory=list)

    @property
    def submits(self) -> list[Field]:
        return [
            f
            for f in self.fields
            if (f.tag == "button" and f.type == "submit") or (f.tag == "input" and f.type in ("submit", "image"))
        ]


class PageParser(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: tuple[str | None, bool] | None = None
        self._option_text = ""
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "a" and "href" in attrs:
            self.links.append(urljoin(self.base, attrs["href"]))
        elif tag == "form":
            self._form = Form(
                action=urljoin(self.base, attrs.get("action") or self.base),
                method=(attrs.get("method") or "get").lower(),
                enctype=attrs.get("enctype", ""),
            )
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = attrs.get("type", "text").lower()
            self._form.fields.append(
                Field("input", kind, attrs.get("name", ""), attrs.get("value", ""), checked="checked" in attrs, attrs=attrs)
            )
        elif tag == "button":
            self._form.fields.append(
                Field("button", attrs.get("type", "submit").lower(), attrs.get("name", ""), attrs.get("value", ""), attrs=attrs)
            )
        elif tag == "select":
            self._select = Field("select", "select", attrs.get("name", ""), "", attrs=attrs)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = (attrs.get("value"), "selected" in attrs)
            self._option_text = ""
        elif tag == "textarea":
            self._textarea = Field("textarea", "textarea", attrs.get("name", ""), "", attrs=attrs)
            self._form.fields.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option_text += data
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, selected = self._option
            self._select.options.append((value if value is not None else self._option_text.strip(), selected))
            self._option = None
        elif tag == "select":
            if self._option is not None and self._select is not None:
                self.handle_endtag("option")
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse(html: str, base: str) -> PageParser:
    parser = PageParser(base)
    parser.feed(html)
    parser.close()
    return parser


def shape(url: str) -> str:
    """A URL with its numbers and codes blanked: two clue pages are one shape."""
    parts = urlsplit(url)
    path = re.sub(r"/[0-9A-Za-z_.-]*\d[0-9A-Za-z_.-]*", "/#", parts.path)
    keys = sorted({q.split("=", 1)[0] for q in parts.query.split("&") if q})
    return f"{path}?{'&'.join(keys)}"


def _text_for(name: str, today: dt.date) -> str:
    n = name.lower()
    if any(k in n for k in ("phone", "contact", "tel", "mobile")):
        return "13800138000"
    if "email" in n:
        return "walk@example.com"
    if "url" in n or "origin" in n:
        return "https://example.com"
    if n.endswith("name") or n == "name" or "subject" in n or "accused" in n:
        return "张演示"
    if "year" in n:
        return str(today.year)
    if "week" in n:
        return f"{today.isocalendar().year}-W{today.isocalendar().week:02d}"
    return "走查测试：一位新用户填写的内容"


def fill(form: Form, submit: Field | None, today: dt.date) -> list[tuple[str, str | bytes]]:
    """Plausible values for every named field, the way a person fills a form that asks for them."""
    values: list[tuple[str, str | bytes]] = []
    radios_done: set[str] = set()
    for f in form.fields:
        if not f.name or "disabled" in f.attrs:
            continue
        if f.tag == "button" or f.type in ("submit", "image", "reset", "button"):
            continue
        if f.tag == "select":
            chosen = [v for v, sel in f.options if sel] or [v for v, _ in f.options if v] or [v for v, _ in f.options]
            if chosen:
                values.append((f.name, chosen[0]))
        elif f.tag == "textarea":
            values.append((f.name, f.value.strip() or "走查测试：情况说明。"))
        elif f.type == "hidden":
            values.append((f.name, f.value))
        elif f.type == "checkbox":
            values.append((f.name, f.value or "on"))
        elif f.type == "radio":
            if f.name not in radios_done:
                group = [g for g in form.fields if g.type == "radio" and g.name == f.name]
                pick = next((g for g in group if g.checked), group[0])
                values.append((f.name, pick.value or "on"))
                radios_done.add(f.name)
        elif f.type == "file":
            values.append((f.name, TINY_PNG))
        elif f.value and f.type not in ("password",):
            values.append((f.name, f.value))
        elif f.type == "number":
            low = f.attrs.get("min") or "1"
            values.append((f.name, low if low not in ("", "0") else "1"))
        elif f.type == "date":
            values.append((f.name, f.attrs.get("min") or (today + dt.timedelta(days=7)).isoformat()))
        elif f.type == "datetime-local":
            day = today + dt.timedelta(days=7)
            values.append((f.name, f.attrs.get("min") or f"{day.isoformat()}T10:00"))
        elif f.type == "time":
            values.append((f.name, f.attrs.get("min") or "10:00"))
        elif f.type == "month":
            values.append((f.name, f"{today.year}-{today.month:02d}"))
        elif f.type == "week":
            values.append((f.name, _text_for("week", today)))
        elif f.type == "password":
            values.append((f.name, "walk-Passw0rd-2026!"))
        elif f.type == "email":
            values.append((f.name, "walk@example.com"))
        elif f.type == "tel":
            values.append((f.name, "13800138000"))
        else:
            values.append((f.name, _text_for(f.name, today)))
    if submit is not None and submit.name:
        values.append((submit.name, submit.value))
    return values
