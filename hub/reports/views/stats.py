"""Pages of the statistics (统计分析) and the printable ledger."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import select

from hub.cases.interface import COLOURS, ClueSource, ClueState, Colour, LedgerQuery, ledger_counts, ledger_stream
from hub.errors import Forbidden
from hub.http.keys import CATALOGS, LOCALE, POLICY
from hub.http.views import Call, Routes
from hub.i18n import N_, WEB_DIR
from hub.org.interface import OrgUnit, UnitKind
from hub.reports import stats, xlsx
from hub.reports.outcomes import OUTCOMES, OutcomeSource
from hub.reports.printing import PAGE_PDF
from hub.reports.rules import sees_statistics
from hub.reports.views.shared import TEMPLATE_HELPERS, label_of, offices_of, unit_names

routes = Routes()
LIST_LIMIT = 500
PRINT_LIMIT = 2000


def _outcomes(call: Call[Any]) -> list[OutcomeSource]:
    found: list[OutcomeSource] = call.app[OUTCOMES]
    return found


def _allowed(call: Call[Any]) -> None:
    if not sees_statistics(offices_of(call.app), call.actor):
        raise Forbidden("not_allowed", N_("The statistics are for the leaders and the case management and tracking offices."))


async def _choices(call: Call[Any]) -> dict[str, Any]:
    locale = call.request.get(LOCALE, "zh_CN")
    rows = (
        await call.db.scalars(
            select(OrgUnit).where(OrgUnit.kind.in_([UnitKind.JOINT_GROUP, UnitKind.TOWNSHIP, UnitKind.SUPERVISED_UNIT]))
        )
    ).all()
    return {
        "groups": sorted((u for u in rows if u.kind is UnitKind.JOINT_GROUP), key=lambda u: u.ordinal or 0),
        "townships": [u for u in rows if u.kind is UnitKind.TOWNSHIP],
        "supervised": sorted((u for u in rows if u.kind is UnitKind.SUPERVISED_UNIT), key=lambda u: u.code),
        "sources": list(ClueSource),
        "locale": locale,
    }


@routes.get("/statistics", template="reports/statistics.html", summary="The statistics with charts, for a period and filters.")
async def statistics_page(call: Call[None]) -> dict[str, Any]:
    _allowed(call)
    query = stats.stats_query(call.request.query, call.today)
    counter = stats.Counter(call.app[POLICY], call.actor, query, _outcomes(call), call.today)
    choices = await _choices(call)
    label = label_of(call.app)
    translate = call.app[CATALOGS].gettext
    result = await stats.compute(
        call.db,
        counter,
        townships=[(t.id, t.name(choices["locale"])) for t in choices["townships"]],
        source_label=label,
        translate=translate,
    )
    return {"query": query, "result": result, "params": query.params(), "urlencode": urlencode, **choices}


@routes.get(
    "/statistics/cases", template="reports/statistics_cases.html", summary="The cases behind one figure of the statistics."
)
async def statistics_cases(call: Call[None]) -> dict[str, Any]:
    _allowed(call)
    query = stats.stats_query(call.request.query, call.today)
    figure = stats.figure_from(call.request.query)
    counter = stats.Counter(call.app[POLICY], call.actor, query, _outcomes(call), call.today)
    total = (await counter.count_many(call.db, [figure]))[0]
    rows = (await call.db.scalars(counter.rows(figure).limit(LIST_LIMIT))).all()
    return {
        "query": query,
        "figure": figure,
        "measure": stats.MEASURE_LABELS[figure.measure],
        "petitions": figure.measure in stats.PETITION_MEASURES,
        "total": total,
        "rows": rows,
        "limit": LIST_LIMIT,
        "units": await unit_names(call.db, call.request.get(LOCALE, "zh_CN")),
        "back": "/statistics?" + urlencode(query.params()),
        **TEMPLATE_HELPERS,
    }


async def _ledger_groups(call: Call[Any]) -> list[tuple[ClueSource, list[dict[str, Any]], dict[str, int]]]:
    """The live matters the reader's ledger holds, by source (the five of the county's practice always shown)."""
    if call.actor.is_admin:
        raise Forbidden("not_allowed", N_("Administrators see no case content."))
    policy = call.app[POLICY]
    groups = []
    for source in ClueSource:
        rows = []
        async for row in ledger_stream(call.db, policy, call.actor, LedgerQuery(source=source), call.today):
            rows.append(row)
            if len(rows) >= PRINT_LIMIT:
                break
        if rows or source in list(ClueSource)[:5]:
            counts = await ledger_counts(call.db, policy, call.actor, LedgerQuery(source=source), call.today)
            groups.append((source, rows, counts))
    return groups


@routes.get(
    "/reports/ledger/print", template="reports/ledger_print.html", summary="The ledger by source, for print (A4 landscape)."
)
async def ledger_print(call: Call[None]) -> dict[str, Any]:
    return await _ledger_print_context(call)


@routes.get("/reports/ledger.pdf", summary="The ledger by source as a PDF: the printed page, A4 landscape, colours kept.")
async def ledger_pdf(call: Call[None]) -> web.StreamResponse:
    context = {**await _ledger_print_context(call), "pdf": True}
    page = aiohttp_jinja2.render_string("reports/ledger_print.html", call.request, context)
    pdf = await asyncio.to_thread(call.app[PAGE_PDF], page, WEB_DIR / "static")
    filename = f"ledger-{call.today.isoformat()}.pdf"
    return web.Response(
        body=pdf, content_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


async def _ledger_print_context(call: Call[None]) -> dict[str, Any]:
    groups = await _ledger_groups(call)
    return {
        "groups": groups,
        "totals": await ledger_counts(call.db, call.app[POLICY], call.actor, LedgerQuery(), call.today),
        "colours": COLOURS,
        "today": call.today,
        "limit": PRINT_LIMIT,
        "units": await unit_names(call.db, call.request.get(LOCALE, "zh_CN")),
        **TEMPLATE_HELPERS,
    }


XLSX_HEADERS = (
    N_("Deadline"), N_("Number"), N_("Subject"), N_("Stage"), N_("Unit or township"), N_("Reviewer"), N_("Received"),
    N_("Due date"), N_("Days left"),
)  # fmt: skip


@routes.get("/reports/ledger.xlsx", summary="The ledger by source as a workbook: a sheet per source, colours kept.")
async def ledger_xlsx(call: Call[None]) -> web.StreamResponse:
    groups = await _ledger_groups(call)
    label = label_of(call.app)
    gettext = call.app[CATALOGS].gettext
    names = await unit_names(call.db, call.request.get(LOCALE, "zh_CN"))
    head: list[xlsx.Cell] = [
        (gettext(N_("Source")), "header"),
        *((label(c), c.value) for c in COLOURS),
        (gettext(N_("Total")), "header"),
    ]
    summary = xlsx.Sheet(gettext(N_("Totals by source")), [head], (28, 8, 8, 8, 8, 8))
    sheets = [summary]
    for source, rows, counts in groups:
        summary.rows.append([(label(source), ""), *((counts[c.value], "") for c in COLOURS), (counts["total"], "")])
        sheet = xlsx.Sheet(label(source), [[(gettext(h), "header") for h in XLSX_HEADERS]], (8, 18, 10, 22, 20, 16, 12, 12, 8))
        for r in rows:
            colour = r["colour"] or ""
            sheet.rows.append(
                [
                    (label(Colour(colour)) if colour else "—", colour),
                    (r["number"], ""),
                    (r["subject_name"], ""),
                    (label(ClueState(r["state"])), ""),
                    (names.get(r["unit_id"] or r["township_id"], "—"), ""),
                    (names.get(r["reviewer_unit_id"], "—"), ""),
                    (r["received_on"], ""),
                    (r["due_date"] or "—", ""),
                    (r["days_left"] if r["days_left"] is not None else "", ""),
                ]
            )
        sheets.append(sheet)
    filename = f"ledger-{call.today.isoformat()}.xlsx"
    return web.Response(
        body=xlsx.workbook(sheets),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
