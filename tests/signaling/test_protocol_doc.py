"""docs/protocol.md must cover every declared message type, its fields, and every error code."""

from __future__ import annotations

import re
from pathlib import Path

from hub.rooms import tokens
from hub.signaling import protocol, service

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^### `([a-z_]+)`\s*$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_every_declared_type_has_a_section_with_its_fields() -> None:
    documented = sections()
    declared = {**protocol.CLIENT_MESSAGES, **protocol.SERVER_MESSAGES}
    assert set(declared) == set(documented), "documented types differ from declared ones"
    for name, model in declared.items():
        for field in model.model_fields:
            if field != "type":
                assert f"`{field}`" in documented[name], f"{name}: field {field} not documented"


def test_no_type_is_both_request_and_reply() -> None:
    assert not set(protocol.CLIENT_MESSAGES) & set(protocol.SERVER_MESSAGES)


def test_every_error_code_is_in_the_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.MULTILINE))
    assert set(protocol.ERROR_CODES) <= table


def test_roles_table_matches_the_rights() -> None:
    from hub.rooms.participants import RIGHTS

    text = DOC.read_text(encoding="utf-8")
    rows = {m[0]: m[1] for m in re.findall(r"^\| `([a-z]+)` \|(.*)\|$", text, flags=re.MULTILINE)}
    for role, rights in RIGHTS.items():
        cells = [c.strip().split(" ")[0] for c in rows[role.value].split("|")]
        expected = [rights.speak, rights.admit, rights.present, rights.remove, rights.end, rights.waits_in_lobby]
        assert cells == ["yes" if e else "no" for e in expected], role


def test_every_error_code_the_code_raises_is_declared() -> None:
    source = "\n".join(
        Path(module.__file__).read_text(encoding="utf-8")
        for module in (service, tokens)  # type: ignore[arg-type]
    )
    raised = set(re.findall(r'(?:SignalingError|TokenError)\("([a-z_]+)"', source))
    raised |= set(re.findall(r'code="([a-z_]+)"', source))
    assert raised and raised <= set(protocol.ERROR_CODES), raised - set(protocol.ERROR_CODES)
