"""Wire case tracking into the app: access rules, routes, home tiles, and what must be loaded at start."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.access.roles import ADMINISTRATORS
from hub.cases import holidays
from hub.cases.access import CaseContext, load_clue, load_petition
from hub.cases.choices import case_choices
from hub.cases.keys import CASES, CLUE_PAGE_PARTS, HOLIDAY_NOTICE
from hub.cases.labels import CASE_LABELS
from hub.cases.models import Clue, Petition
from hub.cases.rules import CASE_SETTINGS, CaseSettings, CaseSettingsRule, ClueRule, OfficeDirectory, PetitionRule
from hub.cases.todos import case_todos
from hub.cases.views import admin, api, holidays_page, outcomes, pages
from hub.http.keys import CLOCK, DB, HOME_TILES, HOME_TODOS, LABELS, POLICY, HomeTile
from hub.i18n import N_
from hub.org.interface import OrgUnit, UnitKind
from hub.rooms.interface import CASE_CHOICES


async def load_offices(app: web.Application) -> None:
    """Fill the office directory, seed an empty holiday table (both once, at start) and say when next year's is missing."""
    directory = app[CASES].offices
    async with app[DB].transaction(write=False) as s:
        rows = (await s.execute(select(OrgUnit.id, OrgUnit.office).where(OrgUnit.kind == UnitKind.OFFICE))).all()
        directory.by_unit = {r[0]: r[1] for r in rows if r[1] is not None}
    try:
        async with app[DB].transaction() as s:
            await holidays.seed_if_empty(s)
    except IntegrityError:
        pass  # another process of the hub seeded the table at the same moment
    async with app[DB].transaction(write=False) as s:
        app[HOLIDAY_NOTICE].check(await holidays.entered_years(s), app[CLOCK].today())


def _sees_cases(actor: object) -> bool:
    role = getattr(actor, "role", None)
    return bool(getattr(actor, "is_staff", False)) and role is not None and role not in ADMINISTRATORS


def setup(app: web.Application) -> None:
    offices = OfficeDirectory()
    policy = app[POLICY]
    policy.register(Clue, ClueRule(offices))
    policy.register(Petition, PetitionRule(offices))
    policy.register(CaseSettings, CaseSettingsRule())
    ctx = app[CASES] = CaseContext(policy, offices)
    app[HOLIDAY_NOTICE] = holidays.NextYearNotice()
    app.setdefault(CLUE_PAGE_PARTS, [])

    async def clue(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> Clue:
        return await load_clue(session, ctx, actor, object_id, for_update=for_update)

    async def petition(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> Petition:
        return await load_petition(session, ctx, actor, object_id)

    async def settings(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> CaseSettings:
        return CASE_SETTINGS

    policy.register_loader("clue", clue)
    policy.register_loader("case_settings", settings)
    policy.register_loader("petition", petition)
    for table in CASE_LABELS:
        app[LABELS].update(table)
    app[LABELS].update(holidays_page.DAY_LABELS)
    app.on_startup.append(load_offices)
    app[HOME_TODOS].append(case_todos)

    async def choices(session: AsyncSession, actor: Actor) -> list[tuple[int, str]]:
        return await case_choices(session, policy, actor)

    app[CASE_CHOICES] = choices  # the rooms part's session form offers these cases
    app[HOME_TODOS].append(holidays_page.holiday_todos)
    app[HOME_TILES].append(
        HomeTile(
            N_("Holidays"),
            "/admin/holidays",
            N_("The holiday and 调休 table that deadlines are counted with; add next year's when the notice comes."),
            lambda actor: bool(getattr(actor, "is_system_admin", False)),
            order=90,
        )
    )
    for module in (api, admin, pages, outcomes, holidays_page):
        app.router.add_routes(module.routes.table)
    app[HOME_TILES].append(
        HomeTile(
            N_("Ledger"),
            "/ledger",
            N_("Clues and cases with their deadline colours, filters and export."),
            _sees_cases,
            order=20,
        )
    )
    app[HOME_TILES].append(
        HomeTile(
            N_("Petitions"),
            "/petitions",
            N_("Register petitions, send acceptance notices, convert accusations into clues."),
            _sees_cases,
            order=25,
        )
    )
