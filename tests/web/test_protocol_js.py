"""The browser's protocol module (web/static/js/protocol.js) declares exactly the signaling messages of
hub/signaling/protocol.py, with the same fields, and no other browser module spells a message name itself."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from pydantic import BaseModel

from hub.signaling import conference_protocol, protocol

JS = Path(__file__).resolve().parents[2] / "web" / "static" / "js"
PROTOCOL_JS = JS / "protocol.js"
NESTED = ("Participant", "Line", "IceCandidate")  # shapes inside messages, compared by name
CONFERENCE_NESTED = ("MutedVenue", "FloorRequest", "RollCallState", "BroadcastState", "TourState", "BoardRow")


def python_messages(base: type[protocol.Message]) -> dict[str, type[BaseModel]]:
    """Every model of protocol.py (and of the conference messages it merges) below `base` whose `type` is a Literal,
    by that literal."""
    found: dict[str, type[BaseModel]] = {}
    for model in [*vars(protocol).values(), *vars(conference_protocol).values()]:
        if isinstance(model, type) and issubclass(model, base) and model is not base:
            annotation = model.model_fields["type"].annotation
            if typing.get_origin(annotation) is typing.Literal:
                (name,) = typing.get_args(annotation)
                found[name] = model
    return found


def js_names(constant: str) -> dict[str, str]:
    """The KEY: "name" entries of `export const <constant> = {...}` in protocol.js."""
    match = re.search(rf"export const {constant} = \{{(.*?)\}};", PROTOCOL_JS.read_text(encoding="utf-8"), re.DOTALL)
    assert match, f"protocol.js declares no {constant}"
    return dict(re.findall(r'^\s*(\w+): "([a-z_]+)",?\s*$', match.group(1), re.MULTILINE))


def js_typedefs() -> dict[str, dict[str, str]]:
    """Each `@typedef {object} Name` of protocol.js with its `@property` names and types."""
    typedefs = {}
    for block in re.findall(r"/\*\*(.*?)\*/", PROTOCOL_JS.read_text(encoding="utf-8"), re.DOTALL):
        name = re.search(r"@typedef \{object\} (\w+)", block)
        if name:
            props = re.findall(r"@property \{(.*)\} \[?(\w+)\]?", block)
            typedefs[name.group(1)] = {prop: kind for kind, prop in props}
    return typedefs


def js_message_fields() -> dict[str, set[str]]:
    """The fields of each message typedef, by the message type its `type` property names."""
    messages = {}
    for props in js_typedefs().values():
        literal = re.fullmatch(r'"([a-z_]+)"', props.get("type", ""))
        if literal:
            messages[literal.group(1)] = set(props)
    return messages


def test_message_names_are_those_of_protocol_py() -> None:
    client, server = js_names("CLIENT"), js_names("SERVER")
    assert set(client.values()) == set(python_messages(protocol.Request)), "client request names differ"
    assert set(server.values()) == set(python_messages(protocol.Reply)), "server message names differ"
    assert all(key == name.upper() for key, name in {**client, **server}.items())
    # protocol.py's own registries agree with its models (a model left out of them would not be served)
    assert set(python_messages(protocol.Request)) == set(protocol.CLIENT_MESSAGES)
    assert set(python_messages(protocol.Reply)) == set(protocol.SERVER_MESSAGES)


def test_error_codes_are_those_of_protocol_py() -> None:
    codes = js_names("ERROR_CODE")
    assert set(codes.values()) == set(protocol.ERROR_CODES)
    assert all(key == name.upper() for key, name in codes.items())


def test_every_message_has_a_typedef_with_the_same_fields() -> None:
    """`id` is left out on both sides: Signaling numbers the requests itself."""
    declared = {**python_messages(protocol.Request), **python_messages(protocol.Reply)}
    typed = js_message_fields()
    assert set(typed) == set(declared)
    for name, model in declared.items():
        assert typed[name] - {"id"} == set(model.model_fields) - {"id"}, f"{name}: fields differ"


def test_nested_shapes_have_the_same_fields() -> None:
    typedefs = js_typedefs()
    for name in NESTED:
        model = getattr(protocol, name)
        assert set(typedefs[name]) == set(model.model_fields), f"{name}: fields differ"
    for name in CONFERENCE_NESTED:
        model = getattr(conference_protocol, name)
        assert set(typedefs[name]) == set(model.model_fields), f"{name}: fields differ"


# ---- no message name spelled outside protocol.js ------------------------------------------------------------

QUOTED = r"""["'`]([\w-]+)["'`]"""
# a literal as the first argument of signaling.on(...)/request(...)/send(...) and the like: any literal there is
# wrong (a typo too), so these flag every string, not only known names
CALL_ARGUMENT = re.compile(rf"\.(?:on|off|once|emit|request|send)\(\s*{QUOTED}")
CALL_TYPE_FIELD = re.compile(rf"\.(?:request|send)\(\s*\{{[^}}]*?\btype\s*:\s*{QUOTED}")
# comparisons with a message's type, and switch cases: flagged when the literal is a message name (other
# objects have types too: getStats() entries, credentials)
TYPE_COMPARISON = re.compile(rf"\.type\s*[!=]==?\s*{QUOTED}|{QUOTED}\s*[!=]==?\s*[\w.]*\.type\b|\bcase\s+{QUOTED}\s*:")


def message_name_literals(source: str, names: set[str]) -> list[str]:
    """The message-name string literals that `source` passes to send/on-style calls or compares with a type."""
    found = [m.group(0) for pattern in (CALL_ARGUMENT, CALL_TYPE_FIELD) for m in pattern.finditer(source)]
    for m in TYPE_COMPARISON.finditer(source):
        literal = next(g for g in m.groups() if g)
        if literal in names:
            found.append(m.group(0))
    return found


def all_names() -> set[str]:
    return set(js_names("CLIENT").values()) | set(js_names("SERVER").values())


def test_no_module_spells_a_message_name() -> None:
    names = all_names()
    offenders = {
        str(path.relative_to(JS)): hits
        for path in sorted(JS.rglob("*.js"))
        if path != PROTOCOL_JS and (hits := message_name_literals(path.read_text(encoding="utf-8"), names))
    }
    assert not offenders, f"use the names of protocol.js (CLIENT.*, SERVER.*) instead: {offenders}"


def test_the_scan_finds_planted_literals() -> None:
    names = all_names()
    planted = [
        's.on("participant_joined", (m) => show(m));',
        "signaling.on('partcipant_left', drop);",  # a typo is caught too
        "this.signaling.request({ type: `media_state`, audio: true, video: false });",
        'await ws.request({ room, type: "join", token });',
        'if (reply.type === "lobby") wait();',
        'if ("ended" !== message.type) return;',
        'case "slots":',
    ]
    for line in planted:
        assert message_name_literals(line, names), line
    allowed = [
        "s.on(SERVER.JOINED, (m) => this.joined(m));",
        "signaling.request({ type: CLIENT.PING });",
        'if (stat.type === "inbound-rtp") count();',
        'await pc.setRemoteDescription({ type: "answer", sdp });',  # WebRTC's own description type
        'this.finish("ended");',
    ]
    for line in allowed:
        assert not message_name_literals(line, names), line
