"""Demo history for the whole organisation: `hub demo --cases N`.

Bulk path (any N, up to millions on PostgreSQL): clues of every source, stage, township and colour, written in
batches (COPY on PostgreSQL, executemany on SQLite) with their open clock, a two-entry timeline and, for reports
accepted here, the petition they came from. For a small N a dozen clues are also walked through the real workflow
(approvals, audit entries), so that each demo role finds genuine case files with signed approvals.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit, numbering
from hub.access.roles import Role
from hub.auth.interface import User
from hub.cases import holidays, stat_tally, tally, taxonomy
from hub.cases.access import CaseContext
from hub.cases.colours import colour_of
from hub.cases.intake import CLUE_PREFIX, PETITION_PREFIX
from hub.cases.limits import BY_KEY
from hub.cases.models import CaseClock, CaseEvent, ClockStatus, Clue, ClueSource, Gender, Petition, RankLevel
from hub.cases.outcome_models import CaseOutcome, CaseOutcomeItem
from hub.cases.workflow import ClueState, PetitionState
from hub.clock import LOCAL_TZ
from hub.db import Database
from hub.demo.case_walks import walk_examples
from hub.org.interface import OrgUnit, UnitKind

BATCH = 20_000
Outcome = tuple[dict[str, Any], list[dict[str, Any]]]  # an outcome row and its classification rows

SOURCES = [
    (ClueSource.ACCEPTED_HERE, 45),
    (ClueSource.LEADER_INSTRUCTED, 8),
    (ClueSource.UPPER_ASSIGNED, 9),
    (ClueSource.TRANSFERRED, 10),
    (ClueSource.SELF_FOUND, 15),
    (ClueSource.INSPECTION_TOUR, 6),
    (ClueSource.AUDIT, 3),
    (ClueSource.LOWER_REPORTED, 2),
    (ClueSource.SURRENDER, 2),
]
FINISHED = [
    (ClueState.CLOSED, 38),
    (ClueState.FIRST_FORM_HANDLED, 27),
    (ClueState.EXECUTED, 18),
    (ClueState.EFFECT_EXPIRED, 6),
    (ClueState.REFERRED_TO_PARTY_ORG, 4),
    (ClueState.TRANSFERRED_PROSECUTION, 2),
    (ClueState.CASE_WITHDRAWN, 1),
    (ClueState.APPEAL_DECIDED, 2),
    (ClueState.FALSE_ACCUSATION_REFERRED, 2),
]
# live states with the clock that gives their deadline
LIVE = [
    (ClueState.RECEIVED, "clue_disposal", 14),
    (ClueState.ASSIGNED, "clue_disposal", 10),
    (ClueState.TALK_LETTER_PENDING, "talk_letter_reply", 8),
    (ClueState.TALK_LETTER_REPORTING, "talk_letter_report", 6),
    (ClueState.PRELIM_CHECKING, "prelim_check", 14),
    (ClueState.PRELIM_REPORTED, "prelim_check", 4),
    (ClueState.SHELVED, "shelved_review", 6),
    (ClueState.FILED, "review", 3),
    (ClueState.INVESTIGATING, "review", 12),
    (ClueState.FACTS_CONFIRMED, "review", 3),
    (ClueState.TRANSFERRED_TO_TRIAL, "review", 2),
    (ClueState.TRIAL_ACCEPTED, "trial", 6),
    (ClueState.RETURNED_SUPPLEMENT, "supplement", 1),
    (ClueState.TRIAL_REPORTED, "trial", 2),
    (ClueState.PARTY_APPROVAL_PENDING, "party_approval", 1),
    (ClueState.DECIDED, "announce", 3),
    (ClueState.ANNOUNCED, "execute", 3),
    (ClueState.SERVED, "execute", 1),
    (ClueState.APPEAL_REVIEWING, "appeal", 1),
]
LIVE_SHARE = 0.10  # a county's ledger: most of a long history is finished
SMALL_LIVE_SHARE = 0.35  # a small demo shows a busier ledger, so that every role has open matters to look at
TOWNSHIP_SHARE = 0.3
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "建国志强海军红梅丽娜伟芳秀英敏静磊洋勇艳杰娟涛明超秀兰霞平刚桂英巴特尔其其格乌兰图雅苏和朝鲁额尔敦"
POSTS = [
    "局长",
    "副局长",
    "科长",
    "副科长",
    "主任",
    "副主任",
    "所长",
    "站长",
    "嘎查党支部书记",
    "村委会主任",
    "会计",
    "科员",
    "镇长",
    "副镇长",
]
MATTERS = [
    "违规收受礼金",
    "违规发放津贴补贴",
    "公款吃喝",
    "违规使用公车",
    "优亲厚友、违规办理低保",
    "截留挪用惠农补贴",
    "工程项目中吃拿卡要",
    "不作为、慢作为，群众反映强烈",
    "违规操办婚丧喜庆事宜",
    "利用职务便利为他人谋利",
    "草原补奖资金发放不公",
    "违规出入私人会所",
    "超标准接待",
    "在项目审批中收受好处费",
]
# what each matter (MATTERS) is found to be: violations (hub/cases/taxonomy.py) and eight-point items
FINDINGS: dict[str, tuple[list[str], list[str]]] = {
    "违规收受礼金": (["integrity.gifts"], ["h05_gifts"]),
    "违规发放津贴补贴": (["integrity.allowances"], ["h08_allowances"]),
    "公款吃喝": (["integrity.banquets"], ["h06_public_meals"]),
    "违规使用公车": (["integrity.cars_offices"], ["h10_cars"]),
    "优亲厚友、违规办理低保": (["masses.funds"], []),
    "截留挪用惠农补贴": (["masses.funds"], []),
    "工程项目中吃拿卡要": (["masses.charges"], []),
    "不作为、慢作为，群众反映强烈": (["work.formalism", "masses.indifference"], ["f02_duties"]),
    "违规操办婚丧喜庆事宜": (["integrity.celebrations"], ["h07_celebrations"]),
    "利用职务便利为他人谋利": (["integrity.power_for_money"], []),
    "草原补奖资金发放不公": (["masses.funds"], []),
    "违规出入私人会所": (["life.extravagance"], ["h15_clubs"]),
    "超标准接待": (["integrity.banquets"], ["h12_hospitality"]),
    "在项目审批中收受好处费": (["integrity.power_for_money", "duty_violation.corruption"], []),
}
EXTRA_VIOLATIONS = [
    ("organisational.reporting", 5),
    ("political.obstruction", 2),
    ("work.dereliction", 4),
    ("life.family", 2),
    ("integrity.relatives", 3),
]
FORM_SHARES = [("first", 25), ("second", 55), ("third", 17), ("fourth", 3)]  # 人次, roughly a county's
FIRST_FORM = ["reminder_talk", "criticism", "self_criticism", "admonition"]
LIGHT_PARTY = [("warning", 60), ("serious_warning", 40)]
HEAVY_PARTY = [("removal_from_posts", 20), ("probation_1y", 30), ("probation_2y", 20), ("expulsion", 30)]
LIGHT_GOV = [("warning", 40), ("demerit", 40), ("major_demerit", 20)]
HEAVY_GOV = [("demotion", 40), ("dismissal", 45), ("expulsion", 15)]
# states whose case has an approved decision (the trial's outcome), and those where only the review has proposed one
DECIDED_STATES = frozenset(
    {
        ClueState.PARTY_APPROVAL_PENDING,
        ClueState.DECIDED,
        ClueState.ANNOUNCED,
        ClueState.SERVED,
        ClueState.EXECUTED,
        ClueState.EFFECT_EXPIRED,
        ClueState.TRANSFERRED_PROSECUTION,
        ClueState.APPEAL_REVIEWING,
        ClueState.APPEAL_DECIDED,
    }
)
PROPOSED_STATES = frozenset(
    {ClueState.TRANSFERRED_TO_TRIAL, ClueState.TRIAL_ACCEPTED, ClueState.RETURNED_SUPPLEMENT, ClueState.TRIAL_REPORTED}
)


@dataclass
class Org:
    units: list[tuple[int, int]]  # (supervised unit id, its joint group id)
    groups: list[int]  # joint group ids in rotation order
    townships: list[tuple[int, int, int | None]]  # (township id, trial group id, trial member user id)


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


async def _org(session: AsyncSession) -> Org:
    rows = (
        await session.execute(
            select(OrgUnit.id, OrgUnit.kind, OrgUnit.parent_id, OrgUnit.ordinal, OrgUnit.code, OrgUnit.trial_group_id).where(
                OrgUnit.active.is_(True)
            )
        )
    ).all()
    by_id = {r.id: r for r in rows}
    groups = [r.id for r in sorted((r for r in rows if r.kind is UnitKind.JOINT_GROUP), key=lambda r: r.ordinal or 0)]
    units = []
    for r in rows:
        if r.kind is UnitKind.SUPERVISED_UNIT and r.parent_id in by_id:
            group = by_id[r.parent_id].parent_id
            if group in groups:
                units.append((r.id, group))
    towns = sorted((r for r in rows if r.kind is UnitKind.TOWNSHIP), key=lambda r: r.code)
    staff = dict(
        (
            await session.execute(
                select(User.org_unit_id, func.min(User.id)).where(User.role == Role.TOWNSHIP_STAFF).group_by(User.org_unit_id)
            )
        ).all()
    )
    townships = []
    for i, t in enumerate(towns):
        other = towns[(i + 1) % len(towns)].id if len(towns) > 1 else None
        townships.append((t.id, t.trial_group_id or groups[0], staff.get(other)))
    if len(groups) < 3 or not units:
        raise RuntimeError("load the demo organisation first (hub demo)")
    return Org(units, groups, townships)


def _outcome(
    rng: random.Random, clue: dict[str, Any], state: ClueState, outcome_id: int, decided_on: dt.date | None, now: dt.datetime
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A plausible outcome of a clue (the rules of hub/cases/outcomes.py hold for it), with its classification rows."""
    matter = clue["summary"].removeprefix("反映其").removesuffix("。")
    violations, eight_point = FINDINGS.get(matter, (["integrity.other"], []))
    violations = list(violations)
    eight_point = eight_point if rng.random() < 0.9 else []
    if rng.random() < 0.2:
        extra = _pick(rng, EXTRA_VIOLATIONS)
        if extra not in violations:
            violations.append(extra)
    member = clue["subject_party_member"]
    membership = "member" if member else "none"
    rank = clue["subject_rank"]
    public = rank != "other" and (rank != "village" or rng.random() < 0.4)
    form = "fourth" if state is ClueState.TRANSFERRED_PROSECUTION else _pick(rng, FORM_SHARES)
    party = gov = reason = None
    dispositions: list[str] = []
    if form in ("second", "third") and not member and not public:
        form = "first"
    if form == "first":
        dispositions = [rng.choice(FIRST_FORM)]
        reason = "exempted" if rng.random() < 0.3 else None
    elif form == "second":
        party = _pick(rng, LIGHT_PARTY) if member else None
        gov = _pick(rng, LIGHT_GOV) if public and (party is None or rng.random() < 0.3) else None
    elif form == "third":
        party = _pick(rng, HEAVY_PARTY) if member else None
        gov = _pick(rng, HEAVY_GOV) if public and (party is None or rng.random() < 0.6) else None
        if rng.random() < 0.5:
            dispositions.append("proceeds_confiscated")
    else:
        party = "expulsion" if member else None
        gov = "expulsion" if public else None
        dispositions = ["to_prosecution", "proceeds_confiscated"]
        violations.append("duty_crime.corruption")
    outcome = {
        "id": outcome_id,
        "clue_id": clue["id"],
        "stage": "trial" if decided_on is not None else "review",
        "facts": "演示数据：" + matter,
        "form": form,
        "party_membership": membership,
        "public_employee": public,
        "rank": rank,
        "party_sanction": party,
        "gov_sanction": gov,
        "no_sanction_reason": reason,
        "reason_text": "",
        "recorded_by": None,
        "recorded_label": "演示数据",
        "recorded_at": now,
        "approved_at": dt.datetime.combine(decided_on, dt.time(10), LOCAL_TZ).astimezone(dt.UTC) if decided_on else None,
        "approved_on": decided_on,
        "version": 1,
    }
    parents = {**{t.code: t.parent for t in taxonomy.VIOLATIONS}, **{t.code: t.parent for t in taxonomy.EIGHT_POINT},
               **{t.code: t.parent for t in taxonomy.DISPOSITIONS}}  # fmt: skip
    items = [
        {"outcome_id": outcome_id, "kind": kind, "code": code, "parent": parents[code]}
        for kind, codes in (("violation", violations), ("eight_point", eight_point), ("disposition", dispositions))
        for code in dict.fromkeys(codes)
    ]
    return outcome, items


def _clue_rows(
    org: Org, rng: random.Random, first_id: int, n: int, today: dt.date, now: dt.datetime, first_outcome_id: int = 1
) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None, list[dict[str, Any]], dict[str, Any] | None, Outcome | None]]:
    """(clue, open clock, timeline entries, petition, outcome with its items) for each generated clue."""
    k = len(org.groups)
    outcome_id = first_outcome_id
    seen_live = seen_finished = 0
    for i in range(n):
        cid = first_id + i
        live = rng.random() < (SMALL_LIVE_SHARE if n <= 5000 else LIVE_SHARE) or i < len(LIVE)
        # the first items go through every source, live state and ending once, so that a small demo shows them all
        source = SOURCES[i][0] if i < len(SOURCES) else _pick(rng, SOURCES)
        township = rng.random() < TOWNSHIP_SHARE
        clue: dict[str, Any] = {
            "id": cid,
            "source": source.value,
            "summary": f"反映其{rng.choice(MATTERS)}。",
            "subject_name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
            "subject_gender": rng.choice((Gender.MALE.value, Gender.MALE.value, Gender.FEMALE.value)),
            "subject_birth_date": dt.date(rng.randint(1962, 1995), rng.randint(1, 12), rng.randint(1, 28)),
            "subject_party_member": rng.random() < 0.85,
            "subject_post": rng.choice(POSTS),
            "subject_rank": _pick(
                rng,
                [
                    (RankLevel.COUNTY.value, 8),
                    (RankLevel.SECTION.value, 30),
                    (RankLevel.GENERAL.value, 30),
                    (RankLevel.VILLAGE.value, 22),
                    (RankLevel.OTHER.value, 10),
                ],
            ),
            "subject_lower_leader": rng.random() < 0.03,
            "assignment_note": "",
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "unit_id": None,
            "township_id": None,
            "supervisor_group_id": None,
            "reviewer_unit_id": None,
            "trial_group_id": None,
            "appeal_group_id": None,
            "township_trial_member_id": None,
            "filed_on": None,
            "trial_on": None,
            "closed_on": None,
            "due_date": None,
            "due_key": None,
            "party_sanction": None,
            "gov_sanction": None,
        }
        if live:
            index = seen_live if seen_live < len(LIVE) else rng.choices(range(len(LIVE)), [w for *_x, w in LIVE])[0]
            seen_live += 1
            state, key, _w = LIVE[index]
            # deadlines spread so that every colour shows: some overdue, many close, a long tail
            due = today + dt.timedelta(days=int(rng.triangular(-25, 120, 20)))
            limit = BY_KEY[key]
            span = limit.amount * (30 if limit.unit.value == "months" else 1.4 if limit.unit.value == "working_days" else 1)
            started = due - dt.timedelta(days=int(span))
            if started > today:  # no clock started tomorrow: it started today, and its due date follows from the limit
                started, due = today, today + dt.timedelta(days=int(span))
            received = min(started, today) - dt.timedelta(days=rng.randint(0, 200) if state is not ClueState.RECEIVED else 0)
            clue.update(due_date=due, due_key=key)
        else:
            state = FINISHED[seen_finished][0] if seen_finished < len(FINISHED) else _pick(rng, FINISHED)
            seen_finished += 1
            received = today - dt.timedelta(days=rng.randint(40, 3 * 365))
            key, due, started = None, None, received
            clue["closed_on"] = min(today, received + dt.timedelta(days=rng.randint(20, 300)))
        assigned = state is not ClueState.RECEIVED
        if township:
            town, trial_group, member = org.townships[cid % len(org.townships)]
            clue["township_id"] = town
            if assigned:
                clue.update(reviewer_unit_id=town, trial_group_id=trial_group, township_trial_member_id=member)
        else:
            unit, group = org.units[cid % len(org.units)]
            g = org.groups.index(group)
            clue.update(unit_id=unit, supervisor_group_id=group)
            if assigned:
                clue.update(reviewer_unit_id=org.groups[(g + 1) % k], trial_group_id=org.groups[(g + 2) % k])
        staged = list(ClueState).index(state)
        if staged >= list(ClueState).index(ClueState.FILED) or state in (ClueState.EXECUTED, ClueState.EFFECT_EXPIRED):
            clue["filed_on"] = received + dt.timedelta(days=45)
        if clue["filed_on"] and staged >= list(ClueState).index(ClueState.TRANSFERRED_TO_TRIAL):
            clue["trial_on"] = received + dt.timedelta(days=120)
        if state in (ClueState.APPEAL_REVIEWING, ClueState.APPEAL_DECIDED):
            handled = {clue["supervisor_group_id"], clue["reviewer_unit_id"], clue["trial_group_id"]}
            clue["appeal_group_id"] = next(x for x in org.groups if x not in handled)
        outcome: Outcome | None = None
        if state in DECIDED_STATES or state in PROPOSED_STATES:
            decided_on = None
            if state in DECIDED_STATES:
                latest = clue["closed_on"] or today
                earliest = clue["trial_on"] or received + dt.timedelta(days=120)
                decided_on = max(earliest, latest - dt.timedelta(days=rng.randint(10, 40)))
                decided_on = min(decided_on, today)
            outcome = _outcome(rng, clue, state, outcome_id, decided_on, now)
            outcome_id += 1
            if decided_on is not None:
                clue["party_sanction"], clue["gov_sanction"] = outcome[0]["party_sanction"], outcome[0]["gov_sanction"]
        clue.update(state=state.value, received_on=received, number="")  # numbered per batch from the sequences
        clock = None
        if key is not None:
            assert due is not None
            clock = {
                "clue_id": cid,
                "petition_id": None,
                "key": key,
                "started_on": started,
                "due_on": due,
                "status": ClockStatus.OPEN.value,
                "paused_on": None,
                "extensions": 0,
            }
        at = dt.datetime.combine(received, dt.time(9, 30), LOCAL_TZ).astimezone(dt.UTC)
        events = [
            {
                "clue_id": cid,
                "petition_id": None,
                "at": at,
                "actor_id": None,
                "actor_label": "demo",
                "event": "register",
                "from_state": "",
                "to_state": "received",
                "comment": "演示数据",
            },
            {
                "clue_id": cid,
                "petition_id": None,
                "at": min(now, at + dt.timedelta(days=20)),
                "actor_id": None,
                "actor_label": "demo",
                "event": "history",
                "from_state": "received",
                "to_state": state.value,
                "comment": "演示数据：此前的办理过程从略",
            },
        ]
        petition = None
        if source is ClueSource.ACCEPTED_HERE and rng.random() < 0.5:
            named = rng.random() < 0.6
            petition = {
                "number": "",  # numbered per batch from the sequences
                "channel": rng.choice(("visit", "letter", "phone", "web", "kiosk")),
                "kind": "accusation",
                "state": (PetitionState.CONVERTED_TO_CLUE if live else PetitionState.CLOSED).value,
                "petitioner_name": rng.choice(SURNAMES) + rng.choice(GIVEN) if named else None,
                "petitioner_contact": "",
                "accused_name": clue["subject_name"],
                "summary": clue["summary"],
                "township_id": clue["township_id"],
                "unit_id": clue["unit_id"],
                "received_at": at,
                "received_on": received,
                "acknowledged_on": received + dt.timedelta(days=10) if named else None,
                "due_date": None,
                "reported_up": False,
                "clue_id": cid,
                "duplicate_of_id": None,
                "intake_ref": "",
                "created_by": None,
                "version": 1,
            }
        yield clue, clock, events, petition, outcome


async def _write(session: AsyncSession, table: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        conn = await session.connection()
        raw = await conn.get_raw_connection()
        columns = list(rows[0])
        await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
            table.name, records=[tuple(r[c] for c in columns) for r in rows], columns=columns
        )
    else:
        await session.execute(insert(table), rows)


async def _number(session: AsyncSession, rows: list[dict[str, Any]], scope: str, prefix: str) -> None:
    """Number a batch from the same per-year sequences that live intake uses, so the two never collide."""
    by_year: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_year.setdefault(row["received_on"].year, []).append(row)
    for year, items in sorted(by_year.items()):
        first = await numbering.take(session, scope, year, len(items))
        for n, row in enumerate(items, start=first):
            row["number"] = numbering.formatted(prefix, year, n)


async def generate(database: Database, n: int, *, seed: int, now: dt.datetime, ctx: CaseContext | None = None) -> dict[str, Any]:
    """Generate n clues of an organisation-wide history; returns counts (by state family and colour). With the cases
    context of a wired app (``ctx``) and a small n, a dozen clues are also walked through the real workflow."""
    rng = random.Random(seed)
    today = now.astimezone(LOCAL_TZ).date()
    async with database.transaction() as s:
        org = await _org(s)
        await holidays.seed_if_empty(s)
        first = int(await s.scalar(select(func.coalesce(func.max(Clue.id), 0))) or 0) + 1
        first_outcome = int(await s.scalar(select(func.coalesce(func.max(CaseOutcome.id), 0))) or 0) + 1
    colours: dict[str, int] = {}
    petitions = live = decided = 0
    done = 0
    rows = _clue_rows(org, rng, first, n, today, now, first_outcome)
    while done < n:
        size = min(BATCH, n - done)
        clues, clocks, events, pets, outs, items = [], [], [], [], [], []
        for _ in range(size):
            clue, clock, evs, petition, outcome = next(rows)
            if outcome is not None:
                outs.append(outcome[0])
                items.extend(outcome[1])
                decided += outcome[0]["approved_on"] is not None
            clues.append(clue)
            events.extend(evs)
            if clock:
                clocks.append(clock)
                live += 1
                colour = colour_of(clue["due_date"], today)
                colours[colour.value if colour else "none"] = colours.get(colour.value if colour else "none", 0) + 1
            if petition:
                pets.append(petition)
        async with database.transaction() as s:
            await _number(s, clues, "clue", CLUE_PREFIX)
            await _number(s, pets, "petition", PETITION_PREFIX)
            await _write(s, Clue.__table__, clues)
            await _write(s, CaseClock.__table__, clocks)
            await _write(s, CaseEvent.__table__, events)
            await _write(s, Petition.__table__, pets)
            await _write(s, CaseOutcome.__table__, outs)
            await _write(s, CaseOutcomeItem.__table__, items)
        petitions += len(pets)
        done += size
    async with database.transaction() as s:
        await tally.rebuild(s)
        await stat_tally.rebuild(s)  # after tally.rebuild: both count deputies with the snapshot it takes
        if s.bind is not None and s.bind.dialect.name == "postgresql":
            for table in ("clues", "petitions", "case_clocks", "case_events", "case_outcomes"):
                await s.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))")  # noqa: S608 (constant table names)
                )
        result = {
            "clues": n,
            "live": live,
            "finished": n - live,
            "petitions": petitions,
            "decisions": decided,
            "colours": colours,
        }
        await audit.record(s, audit.SYSTEM, "demo.generate_cases", "clue", "demo", {**result, "seed": seed}, at=now)
    if n <= 5000 and ctx is not None:
        result["walked"] = await walk_examples(database, ctx, now=now)
    if database.engine.dialect.name == "postgresql":
        # fresh statistics, and a visibility map so that colour counts can be index-only scans
        async with database.engine.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            for table in (
                "clues",
                "case_clocks",
                "case_events",
                "petitions",
                "ledger_tallies",
                "case_outcomes",
                "case_outcome_items",
            ):
                await auto.execute(text(f"VACUUM ANALYZE {table}"))
    return result
