"""The one entry point that decides every access (DESIGN §7).

Each part declares the rules for its own objects and registers them at wiring time, so
this module never imports the parts. A rule answers two questions with the same logic:
``allows`` for one object, ``where`` for the SQL filter of a list, so that a list never
shows what a detail page would refuse.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Protocol

import structlog
from prometheus_client import Counter
from sqlalchemy import ColumnElement, false
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.errors import Forbidden, NotFound

log = structlog.get_logger("hub.access")

REFUSALS = Counter("hub_access_refusals_total", "Access refusals by object type and action", ["object_type", "action"])


class Rule(Protocol):
    """Rules for one kind of object. ``action`` names are the part's own ("view", "update", ...)."""

    object_type: str

    def allows(self, actor: Actor, action: str, obj: Any) -> bool: ...

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]: ...


class Loader(Protocol):
    """Loads one object for an actor, checking that they may see it (404 otherwise, refusal logged). A part registers
    one per object type, so that views (its own, and other parts') name the object ("clue") without importing it.
    ``for_update``: the caller will change it; lock the row where the database can (PostgreSQL)."""

    def __call__(self, session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> Awaitable[Any]: ...


class Policy:
    def __init__(self) -> None:
        self._rules: dict[type, Rule] = {}
        self._loaders: dict[str, Loader] = {}

    def register(self, model: type, rule: Rule) -> None:
        if model in self._rules:
            raise ValueError(f"a rule for {model.__name__} is already registered")
        self._rules[model] = rule

    def rule_for(self, model: type) -> Rule:
        try:
            return self._rules[model]
        except KeyError:
            raise LookupError(f"no access rule registered for {model.__name__}") from None

    @property
    def models(self) -> list[type]:
        return list(self._rules)

    def model_named(self, object_type: str) -> type:
        """The model whose rule calls its objects ``object_type`` (a part may name another's objects, not import them)."""
        for model, rule in self._rules.items():
            if rule.object_type == object_type:
                return model
        raise LookupError(f"no access rule registered for objects called {object_type!r}")

    def register_loader(self, object_type: str, loader: Loader) -> None:
        if object_type in self._loaders:
            raise ValueError(f"a loader for {object_type} is already registered")
        self._loaders[object_type] = loader

    async def load(
        self, session: AsyncSession, actor: Actor, object_type: str, object_id: int, *, for_update: bool = False
    ) -> Any:
        """The object if the actor may see it; ``NotFound`` (logged) otherwise."""
        try:
            loader = self._loaders[object_type]
        except KeyError:
            raise LookupError(f"no loader registered for {object_type}") from None
        return await loader(session, actor, object_id, for_update=for_update)

    def may(self, actor: Actor, action: str, obj: Any) -> bool:
        return self.rule_for(type(obj)).allows(actor, action, obj)

    def where(self, actor: Actor, action: str, model: type) -> ColumnElement[bool]:
        """The SQL condition selecting exactly the rows of ``model`` the actor may ``action``."""
        if actor.kind == "anonymous":
            return false()
        return self.rule_for(model).where(actor, action)

    def require(self, actor: Actor, action: str, obj: Any, *, hide: bool = True) -> None:
        """Refuse unless allowed; log every refusal.

        ``hide``: answer 404 when the actor may not even see the object, so ids cannot be probed.
        """
        rule = self.rule_for(type(obj))
        if rule.allows(actor, action, obj):
            return
        REFUSALS.labels(rule.object_type, action).inc()
        log.warning(
            "access_refused",
            actor=actor.audit.label,
            action=action,
            object_type=rule.object_type,
            object_id=getattr(obj, "id", None),
        )
        if hide and action != "view" and rule.allows(actor, "view", obj):
            raise Forbidden("not_allowed", "You may not do this.")
        if hide:
            raise NotFound(rule.object_type)
        raise Forbidden("not_allowed", "You may not do this.")
