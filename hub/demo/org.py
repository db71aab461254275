"""The demo organisation: the banner commission, 4 offices, 7 joint groups over 19 stationed groups,
the units they supervise, 6 townships (苏木镇) and the rooms. Township and unit kinds are real; people are invented."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.roles import Role
from hub.auth.interface import PortfolioEntry, User
from hub.org.interface import OfficeCode, OrgUnit, UnitKind
from hub.org.models import UnitRelation
from hub.rooms.interface import Room, RoomKind

DEMO_PASSWORD = "hub-demo-2026"

OFFICES = [
    (OfficeCode.PETITION, "信访室", "Petition office"),
    (OfficeCode.CASE_MANAGEMENT, "案件监督管理室", "Case management office"),
    (OfficeCode.TRIAL, "审理室", "Trial office"),
    (OfficeCode.TRACKING, "跟踪督办办公室", "Tracking office"),
]

TOWNSHIPS = [  # code, name, English, the joint group that tries its cases
    ("xini", "锡尼镇", "Xini town", 1),
    ("balagong", "巴拉贡镇", "Balagong town", 2),
    ("jirigalangtu", "吉日嘎朗图镇", "Jirigalangtu town", 3),
    ("huhemudu", "呼和木独镇", "Huhemudu town", 4),
    ("duguitala", "独贵塔拉镇", "Duguitala town", 5),
    ("yihewusu", "伊和乌素苏木", "Yihewusu sumu", 6),
]

ORDINALS_ZH = "一二三四五六七八九十"

# 19 stationed groups merged into 7 joint groups (3+3+3+3+3+2+2); each supervises a stationed unit and affiliated units.
STATIONED_GROUPS: list[tuple[int, str, list[str]]] = [
    (1, "旗委办公室", ["旗档案史志馆"]),
    (1, "旗委组织部", ["旗委党校", "旗委编办"]),
    (1, "旗委宣传部", ["旗融媒体中心"]),
    (2, "旗政府办公室", ["旗机关事务服务中心"]),
    (2, "旗发展和改革委员会", ["旗统计局", "旗能源局"]),
    (2, "旗财政局", ["旗审计局"]),
    (3, "旗教育体育局", ["旗科学技术局"]),
    (3, "旗卫生健康委员会", ["旗医疗保障局"]),
    (3, "旗人力资源和社会保障局", ["旗退役军人事务局"]),
    (4, "旗自然资源局", ["旗林业和草原局"]),
    (4, "旗住房和城乡建设局", ["旗城市管理综合执法局"]),
    (4, "旗交通运输局", ["旗公路养护中心"]),
    (5, "旗农牧局", ["旗乡村振兴局", "旗供销社"]),
    (5, "旗水利局", ["旗水务公司"]),
    (5, "旗市场监督管理局", ["旗商务局"]),
    (6, "旗委政法委", ["旗公安局", "旗司法局"]),
    (6, "旗民政局", ["旗信访局"]),
    (7, "旗应急管理局", ["旗消防救援大队"]),
    (7, "旗文化旅游体育局", ["旗总工会", "旗妇联"]),
]

COUNTY_ROOMS = [
    ("county.reception.1", RoomKind.COUNTY_RECEPTION, "旗纪委信访接待室一", "County reception room 1"),
    ("county.reception.2", RoomKind.COUNTY_RECEPTION, "旗纪委信访接待室二", "County reception room 2"),
    ("county.interview.1", RoomKind.COUNTY_INTERVIEW, "旗纪委谈话室一", "County interview room 1"),
    ("county.interview.2", RoomKind.COUNTY_INTERVIEW, "旗纪委谈话室二", "County interview room 2"),
    ("county.hall", RoomKind.COUNTY_HALL, "旗纪委会议室", "County hall"),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    unit_code: str | None = None
    portfolio: tuple[str, ...] = ()


def demo_users() -> list[DemoUser]:
    users = [
        # the three separated administrators (三员分立): none of them sees case content
        DemoUser("admin", "系统管理员 赵敏", Role.ADMIN),
        DemoUser("secadmin", "安全管理员 孙立", Role.SECURITY_ADMIN),
        DemoUser("auditor", "安全审计员 吕楠", Role.AUDIT_ADMIN),
        DemoUser("leader", "纪委书记 王建国", Role.MAIN_LEADER),
        DemoUser(
            "deputy1",
            "副书记 李红梅",
            Role.DEPUTY_LEADER,
            portfolio=(
                "office.petition",
                "office.case_management",
                "office.tracking",
                "jg.1",
                "jg.2",
                "jg.3",
                "tw.xini",
                "tw.balagong",
                "tw.jirigalangtu",
            ),
        ),
        DemoUser(
            "deputy2",
            "副书记 张志刚",
            Role.DEPUTY_LEADER,
            portfolio=("office.trial", "jg.4", "jg.5", "jg.6", "jg.7", "tw.huhemudu", "tw.duguitala", "tw.yihewusu"),
        ),
        DemoUser("petition1", "信访室 刘芳", Role.OFFICE_STAFF, "office.petition"),
        DemoUser("petition2", "信访室 陈晓东", Role.OFFICE_STAFF, "office.petition"),
        DemoUser("casemgmt1", "案管室 杨丽", Role.OFFICE_STAFF, "office.case_management"),
        DemoUser("trial1", "审理室 黄国强", Role.OFFICE_STAFF, "office.trial"),
        DemoUser("tracking1", "督办办 周静", Role.OFFICE_STAFF, "office.tracking"),
    ]
    given = ["吴", "郑", "孙", "马", "朱", "胡", "郭"]
    for k in range(1, 8):
        for n in (1, 2):
            users.append(
                DemoUser(
                    f"group{k}.{n}",
                    f"第{ORDINALS_ZH[k - 1]}联查联审组 {given[k - 1]}{'伟' if n == 1 else '娜'}",
                    Role.GROUP_STAFF,
                    f"jg.{k}",
                )
            )
    surnames = ["高", "林", "何", "罗", "梁", "宋"]
    for (code, name, _en, _g), surname in zip(TOWNSHIPS, surnames, strict=True):
        users.append(DemoUser(f"{code}1", f"{name}纪委 {surname}军", Role.TOWNSHIP_STAFF, f"tw.{code}"))
    return users


def _cn_group_name(n: int) -> str:
    return f"第{ORDINALS_ZH[n - 1] if n <= 10 else '十' + ORDINALS_ZH[n - 11]}派驻纪检组"


async def load(session: AsyncSession, *, password_hash: str, now: dt.datetime) -> dict[str, int]:
    """Insert the demo organisation, rooms and staff; the caller commits. Returns counts."""
    if await session.scalar(select(OrgUnit.id).limit(1)) is not None:
        raise RuntimeError("the database already holds an organisation")
    units: dict[str, OrgUnit] = {}

    def add(code: str, **values: object) -> OrgUnit:
        unit = OrgUnit(code=code, active=True, **values)
        session.add(unit)
        units[code] = unit
        return unit

    root = add("commission", kind=UnitKind.COMMISSION, name_zh="杭锦旗纪委监委（演示）", name_en="Banner Commission (demo)")
    await session.flush()
    for office, zh, en in OFFICES:
        add(f"office.{office.value}", kind=UnitKind.OFFICE, office=office, name_zh=zh, name_en=en, parent_id=root.id)
    for k in range(1, 8):
        add(
            f"jg.{k}",
            kind=UnitKind.JOINT_GROUP,
            ordinal=k,
            name_zh=f"第{ORDINALS_ZH[k - 1]}联查联审组",
            name_en=f"Joint group {k}",
            parent_id=root.id,
        )
    await session.flush()
    for n, (k, stationed, affiliated) in enumerate(STATIONED_GROUPS, start=1):
        group = add(
            f"sg.{n:02d}",
            kind=UnitKind.STATIONED_GROUP,
            name_zh=_cn_group_name(n),
            name_en=f"Stationed group {n}",
            parent_id=units[f"jg.{k}"].id,
        )
        await session.flush()
        add(
            f"unit.{n:02d}.0",
            kind=UnitKind.SUPERVISED_UNIT,
            relation=UnitRelation.STATIONED,
            name_zh=stationed,
            parent_id=group.id,
        )
        for i, name in enumerate(affiliated, start=1):
            add(
                f"unit.{n:02d}.{i}",
                kind=UnitKind.SUPERVISED_UNIT,
                relation=UnitRelation.AFFILIATED,
                name_zh=name,
                parent_id=group.id,
            )
    for code, zh, en, k in TOWNSHIPS:
        add(
            f"tw.{code}",
            kind=UnitKind.TOWNSHIP,
            name_zh=f"{zh}纪委",
            name_en=f"{en} commission",
            parent_id=root.id,
            trial_group_id=units[f"jg.{k}"].id,
        )
    await session.flush()

    rooms = []
    for code, zh, en, _k in TOWNSHIPS:
        township = units[f"tw.{code}"]
        rooms.append(
            Room(
                code=f"{code}.kiosk",
                kind=RoomKind.TOWNSHIP_KIOSK,
                name_zh=f"{zh}自助接访终端",
                name_en=f"{en} kiosk",
                township_id=township.id,
                active=True,
            )
        )
        rooms.append(
            Room(
                code=f"{code}.interview",
                kind=RoomKind.TOWNSHIP_INTERVIEW,
                name_zh=f"{zh}谈话室",
                name_en=f"{en} interview room",
                township_id=township.id,
                active=True,
            )
        )
    for code, kind, zh, en in COUNTY_ROOMS:
        rooms.append(Room(code=code, kind=kind, name_zh=zh, name_en=en, township_id=None, active=True))
    session.add_all(rooms)

    users = []
    for spec in demo_users():
        user = User(
            username=spec.username,
            display_name=spec.display_name,
            password_hash=password_hash,
            role=spec.role,
            org_unit_id=units[spec.unit_code].id if spec.unit_code else None,
            disabled=False,
            created_at=now,
        )
        session.add(user)
        users.append((user, spec))
    await session.flush()
    for user, spec in users:
        for code in spec.portfolio:
            session.add(PortfolioEntry(user_id=user.id, org_unit_id=units[code].id))
    await session.flush()
    counts = {"org_units": len(units), "rooms": len(rooms), "users": len(users)}
    await audit.record(
        session,
        audit.SYSTEM,
        "demo.load_organisation",
        "org",
        "demo",
        {**counts, "units": sorted(units), "users": sorted(u.username for u, _ in users)},
        at=now,
    )
    return counts
