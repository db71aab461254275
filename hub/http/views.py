"""Views that declare what they need, as Warehouse's ``@view_config(permission=…)`` does.

A route says who may call it (``who``), which object it acts on and with what action (``permission``), what it
reads (``body`` from JSON, ``form`` from a form post, both pydantic models) and whether it writes. The framework,
in this order: resolves the actor and refuses strangers (before reading any body), parses and validates the input,
opens the unit of work, loads the object through the policy (which logs every refusal), runs the handler inside
the transaction and commits at the edge. A refusal that must be written down (a recused person's attempt, 规则 65)
is audited in a transaction of its own, so the rolled-back work does not take it along.

The declarations are kept (``Routes.declared``) for the OpenAPI description and the access matrix.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Generic, TypeVar

import aiohttp_jinja2
from aiohttp import web
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from yarl import URL

from hub import audit
from hub.access.actor import Actor
from hub.clock import LOCAL_TZ
from hub.errors import AuditedRefusal, Conflict, Forbidden, HubError, Invalid, Unauthenticated
from hub.http.context import actor_of, db_of, now_of, policy_of
from hub.http.validation import int_param, read_form, read_json_object, validate
from hub.i18n import N_

B = TypeVar("B")
T = TypeVar("T")


class Who(Enum):
    """Who may call a route at all; what they may do with an object is the permission's (the policy's) business."""

    ANYONE = "anyone"  # public pages, sign-in, enrolment
    STAFF = "staff"  # a signed-in staff member (with their key, when keys are required)
    KIOSK = "kiosk"  # an enrolled township kiosk device (anyone else is told so: signing in would not help)
    STAFF_OR_KIOSK = "staff_or_kiosk"


@dataclass(frozen=True)
class Permission:
    """The action on one object: the object is loaded by the loader its part registered under ``object_type``."""

    action: str
    object_type: str
    key: str | None = "id"  # the path parameter that holds the object's id; None: one object of its kind (settings)


@dataclass
class Call(Generic[B]):
    """One call of a declared view: what the framework already established."""

    request: web.Request
    actor: Actor
    body: B
    session: AsyncSession | None = None  # the unit of work (None for views declared with ``tx=False``)
    target: Any = None  # the permission's object, loaded and checked
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    raw: dict[str, Any] = field(default_factory=dict)  # the body or form as sent (to show a form again as typed)
    committed: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def after_commit(self, action: Callable[[], Awaitable[None]]) -> None:
        """Run ``action`` once the unit of work has committed (close the sockets of sessions it ended, end a call):
        never for work that rolled back, and never before what it depends on is visible to others."""
        self.committed.append(action)

    @property
    def app(self) -> web.Application:
        return self.request.app

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(LOCAL_TZ).date()

    @property
    def db(self) -> AsyncSession:
        if self.session is None:
            raise RuntimeError("this view was declared without a unit of work")
        return self.session

    def int(self, name: str) -> int:
        return int_param(self.request, name)

    def query(self, name: str, default: str = "") -> str:
        return self.request.query.get(name, default)


@dataclass(frozen=True)
class Declared:
    """What one route declared (read by the OpenAPI generator and the access matrix)."""

    method: str
    path: str
    who: Who
    permission: Permission | None
    body: type[BaseModel] | None
    form: type[BaseModel] | None
    response: type[BaseModel] | None
    summary: str


Handler = Callable[[Call[Any]], Awaitable[Any]]
# shows a form again after one of ``back_on``, when a page needs more than ``Again`` gives: the page with the error
# and what was typed (``call.raw``), built by the view's own function
AgainPage = Callable[[Call[Any], HubError], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Again:
    """A form that fails is shown again (where ``back`` would redirect): ``template`` rendered with the page's
    ``context`` (read in a unit of its own, the failed one having rolled back; ``call.body`` is the form when it was
    valid, else None), the fields as sent (``form``, CSRF field dropped) and the error (``errors``: by field, or the
    message under ``"form"``; ``error``: its message in any case), at the error's status."""

    template: str
    context: Handler


def declared_of(route_handler: Any) -> Declared | None:
    """What a registered route declared (None for a route not declared through ``Routes``)."""
    found = getattr(route_handler, "declared", None)
    return found if isinstance(found, Declared) else None


def _check_who(actor: Actor, who: Who) -> None:
    if who is Who.ANYONE:
        return
    if who in (Who.STAFF, Who.STAFF_OR_KIOSK) and actor.is_staff:
        return
    if who in (Who.KIOSK, Who.STAFF_OR_KIOSK) and actor.kind == "kiosk":
        return
    if who is Who.KIOSK:
        raise Forbidden("not_kiosk", N_("This page opens only on an enrolled township kiosk."))
    raise Unauthenticated("unauthenticated", "Please sign in.")


async def record_refusal(request: web.Request, actor: Actor, refusal: AuditedRefusal) -> None:
    """Write down a refusal the rules want kept, in a transaction of its own."""
    async with db_of(request).transaction() as s:
        await audit.record(
            s, actor.audit, refusal.audit_action, refusal.object_type, refusal.object_id,
            {"path": request.path, "method": request.method}, at=now_of(request),
        )  # fmt: skip


async def in_transaction(request: web.Request, work: Callable[[AsyncSession], Awaitable[T]], *, write: bool = True) -> T:
    """One unit of work at the edge, for views that open theirs by hand (``tx=False``)."""
    try:
        async with db_of(request).transaction(write=write) as s:
            return await work(s)
    except AuditedRefusal as refusal:
        await record_refusal(request, actor_of(request), refusal)
        raise


def back_with_error(path: str, exc: HubError | None = None) -> web.HTTPSeeOther:
    """After a form post: back to ``path``, with the error's message shown there when there is one."""
    if exc is None:
        return web.HTTPSeeOther(path)
    return web.HTTPSeeOther(str(URL(path).with_query(error=exc.message)))


def _form_data(raw: Mapping[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """A form's fields as the model wants them: the CSRF field dropped, an empty optional field as missing."""
    data = {k: v for k, v in raw.items() if k != "csrf_token"}
    for name, info in model.model_fields.items():
        if data.get(name) == "" and not info.is_required():
            data.pop(name)
    return data


async def _show_again(again: Again, call: Call[Any], sent: dict[str, Any], exc: HubError) -> web.StreamResponse:
    async def page(s: AsyncSession) -> Any:
        return await again.context(Call(call.request, call.actor, call.body, session=s, now=call.now))

    context = {**await in_transaction(call.request, page, write=False), "form": sent}
    context["errors"] = exc.fields or {"form": exc.message}
    context["error"] = exc.message  # beside the fields' errors: what a clash or a refusal says as a whole
    return aiohttp_jinja2.render_template(again.template, call.request, context, status=exc.status)


class Routes:
    """A part's routes: ``routes.get(path, …)(handler)``; ``routes.table`` goes to ``app.router.add_routes``."""

    def __init__(self) -> None:
        self.table = web.RouteTableDef()
        self.declared: list[Declared] = []

    def route(
        self,
        method: str,
        path: str,
        *,
        who: Who = Who.STAFF,
        permission: Permission | None = None,
        body: type[BaseModel] | None = None,
        form: type[BaseModel] | None = None,
        write: bool | None = None,
        tx: bool = True,
        template: str | None = None,
        back: str | None = None,
        back_on: tuple[type[HubError], ...] = (Invalid, Conflict),
        again: Again | AgainPage | None = None,
        guard: Callable[[web.Request], object] | None = None,
        response: type[BaseModel] | None = None,
        summary: str = "",
    ) -> Callable[[Handler], Handler]:
        """Declare a view. ``template``: the handler returns the page's context. ``back``: a form post that fails
        with one of ``back_on`` (input and state errors by default) goes back to this path (``{name}`` from the path
        parameters) with the message; the handler returns where to go on success (a path, or None for ``back``).
        ``again``: such a form is shown again instead, with the error's status, in a read unit of its own (the failed
        one is rolled back): an ``Again`` (template and context), or a function that builds the page. ``guard``: a
        check of the caller beyond ``who`` (a sign-in half done), run before the body is read; it raises to refuse."""
        writes = write if write is not None else method not in ("GET", "HEAD")
        if permission is not None and not tx:
            # the framework checks a permission inside the unit it opens: without one, the declaration would be a promise
            # nothing keeps (use after_commit for what must happen after the commit)
            raise TypeError(f"{method} {path}: a permission needs the framework's unit of work (tx=True)")

        def decorate(handler: Handler) -> Handler:
            @functools.wraps(handler)
            async def view(request: web.Request) -> web.StreamResponse:
                actor = actor_of(request)
                _check_who(actor, who)  # strangers are refused before their body is read
                if guard is not None:
                    guard(request)
                back_to = back.format_map(request.match_info) if back else None
                call: Call[Any] = Call(request, actor, None, now=now_of(request))
                try:
                    # read (bounded) before the unit of work, so no transaction waits on a slow upload; validate
                    # after the permission check, so that a refusal is not preceded by a lesson in our field names
                    if body is not None:
                        call.raw = await read_json_object(request)
                    elif form is not None:
                        call.raw = _form_data(await read_form(request), form)
                    model = body or form
                    validated = (lambda: validate(model, call.raw)) if model is not None else (lambda: None)
                    if tx:
                        result = await self._in_unit(call, handler, permission, writes, validated)
                    else:
                        call.body = validated()
                        result = await handler(call)
                except HubError as exc:
                    if not isinstance(exc, back_on) or isinstance(exc, AuditedRefusal):
                        raise
                    if again is not None:
                        if isinstance(again, Again):
                            return await _show_again(again, call, call.raw, exc)
                        async with db_of(request).transaction(write=False) as s:
                            call.session, call.target = s, None
                            return await again(call, exc)
                    if back_to is None:
                        raise
                    raise back_with_error(back_to, exc) from None
                if template is not None:
                    return aiohttp_jinja2.render_template(template, request, result)
                if isinstance(result, str):
                    raise web.HTTPSeeOther(result)
                if back_to is not None and result is None:
                    raise web.HTTPSeeOther(back_to)
                assert isinstance(result, web.StreamResponse), f"{handler.__name__} returned {type(result).__name__}"
                return result

            declared = Declared(method, path, who, permission, body, form, response, summary or (handler.__doc__ or "").strip())
            view.declared = declared  # type: ignore[attr-defined]  # read back from app.router by declared_of()
            self.table.route(method, path)(view)
            self.declared.append(declared)
            return handler

        return decorate

    async def _in_unit(
        self, call: Call[Any], handler: Handler, permission: Permission | None, write: bool, validated: Callable[[], Any]
    ) -> Any:
        request = call.request
        try:
            async with db_of(request).transaction(write=write) as s:
                call.session = s
                if permission is not None:
                    object_id = int_param(request, permission.key) if permission.key else 0
                    call.target = await policy_of(request).load(
                        s, call.actor, permission.object_type, object_id, for_update=write
                    )
                    policy_of(request).require(call.actor, permission.action, call.target)
                call.body = validated()
                result = await handler(call)
        except AuditedRefusal as refusal:
            await record_refusal(request, call.actor, refusal)
            raise
        for action in call.committed:
            await action()
        return result

    def __iter__(self) -> Iterator[web.AbstractRouteDef]:
        """The route definitions, so that ``app.router.add_routes(routes)`` takes a ``Routes`` as it is."""
        return iter(self.table)

    def get(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **kw)

    def put(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **kw)
