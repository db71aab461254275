"""Dependencies point one way (DESIGN §8), and each part is reached only through its face.

The order, lowest first: the core modules; then org ← auth ← store ← media ← rooms ← signaling ← cases ←
{schedule, documents, reports, conferences}; then the wiring (app, cli, demo, printouts, schema, migrations), which may
import anything.
A part may import the core and the faces (``hub.<part>.interface``) of the parts below it; never a part above it or
beside it, and never another part's other modules. Every import counts: at module level, inside functions and under
``TYPE_CHECKING``. Against the direction, parts talk through callbacks and interfaces registered at wiring time.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "hub"
CORE = frozenset(
    {"access", "audit", "clock", "db", "enums", "errors", "http", "i18n", "keyfiles", "logs", "migrate", "numbering", "settings"}
)
PARTS = ["org", "auth", "store", "media", "rooms", "signaling", "cases", ("schedule", "documents", "reports", "conferences")]
WIRING = frozenset({"app", "cli", "demo", "printouts", "schema", "migrations"})
FACE = "interface"


def _rank() -> dict[str, int]:
    ranks: dict[str, int] = {}
    for i, entry in enumerate(PARTS, start=1):
        for name in entry if isinstance(entry, tuple) else (entry,):
            ranks[name] = i
    return ranks


RANK = _rank()


def group_of(module: str) -> str:
    """``hub.rooms.recording.views`` → ``rooms``; ``hub.db`` → ``db``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "hub"


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Each module of the hub and the hub modules it imports (absolute names)."""
    graph: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        rel = path.relative_to(root.parent).with_suffix("")
        module = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        package = module if rel.name == "__init__" else module.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name.startswith("hub.")}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
                if base == "hub" or base.startswith("hub."):
                    # `from hub.x import y` may name a module y: count hub.x.y when it is one
                    for alias in node.names:
                        sub = f"{base}.{alias.name}"
                        is_module = (root.parent / Path(*sub.split("."))).with_suffix(".py").exists() or (
                            root.parent / Path(*sub.split("."))
                        ).is_dir()
                        targets.add(sub if is_module else base)
        graph[module] = targets
    return graph


def violations(graph: dict[str, set[str]]) -> list[str]:
    found: list[str] = []
    for module, targets in sorted(graph.items()):
        source = group_of(module)
        if source in WIRING or source == "hub":
            continue
        for target in sorted(targets):
            dest = group_of(target)
            if dest == source or dest == "hub":
                continue
            if source in CORE:
                if dest not in CORE:
                    found.append(f"{module} → {target}: the core imports no part")
                continue
            if dest in CORE:
                continue
            if dest in WIRING:
                found.append(f"{module} → {target}: parts never import the wiring")
            elif dest not in RANK:
                found.append(f"{module} → {target}: {dest} is in no layer (add it to PARTS or CORE, and to DESIGN §8)")
            elif RANK[dest] >= RANK[source]:
                found.append(f"{module} → {target}: {source} may not import {dest} (against the order of the parts)")
            elif target != f"hub.{dest}.{FACE}":
                found.append(f"{module} → {target}: import {dest} through its face hub.{dest}.{FACE}")
    return found


def test_every_module_belongs_to_a_layer() -> None:
    groups = {group_of(m) for m in import_graph()} - {"hub"}
    assert groups <= CORE | set(RANK) | WIRING, groups - (CORE | set(RANK) | WIRING)


def test_dependencies_point_one_way_through_faces() -> None:
    found = violations(import_graph())
    assert not found, "imports against the layers:\n" + "\n".join(found)


def test_a_planted_wrong_arrow_is_caught() -> None:
    """The check can fail: an arrow upwards, one sideways, one past a face, and one from the core."""
    graph = import_graph()
    graph["hub.rooms.sessions"] = graph["hub.rooms.sessions"] | {"hub.cases.interface"}
    graph["hub.schedule.bookings"] = graph["hub.schedule.bookings"] | {"hub.rooms.models"}
    graph["hub.http.context"] = graph["hub.http.context"] | {"hub.auth.interface"}
    graph["hub.schedule.queue"] = graph["hub.schedule.queue"] | {"hub.reports.interface"}
    found = violations(graph)
    assert any(v.startswith("hub.rooms.sessions → hub.cases.interface") for v in found), found
    assert any(v.startswith("hub.schedule.bookings → hub.rooms.models") for v in found), found
    assert any(v.startswith("hub.http.context → hub.auth.interface") for v in found), found
    assert any(v.startswith("hub.schedule.queue → hub.reports.interface") for v in found), found


def test_each_face_exists_and_says_what_it_exports() -> None:
    graph = import_graph()
    used = {t for m, ts in graph.items() for t in ts if t.endswith(f".{FACE}") and group_of(m) != group_of(t)}
    for face in used:
        path = ROOT.parent / Path(*face.split(".")).with_suffix(".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{face} has no docstring"
        assert any(isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in n.targets) for n in tree.body), (
            f"{face} declares no __all__"
        )
