"""One table holds every organisational unit; its kind says what it is.

The tree, as in the source article:
commission → offices; commission → joint group (7) → stationed group (19) → supervised unit;
commission → township (苏木镇纪委), each mapped to one joint group for trials.
"""

from __future__ import annotations

from enum import Enum, StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base
from hub.enums import enum_column
from hub.i18n import N_


class UnitKind(StrEnum):
    COMMISSION = "commission"  # 纪委监委
    OFFICE = "office"  # 信访室, 案件监督管理室, 审理室, 跟踪督办办公室
    JOINT_GROUP = "joint_group"  # 联查联审组
    STATIONED_GROUP = "stationed_group"  # 派驻纪检组
    SUPERVISED_UNIT = "supervised_unit"  # 驻在单位 / 归口单位
    TOWNSHIP = "township"  # 苏木镇纪委


class OfficeCode(StrEnum):
    PETITION = "petition"  # 信访室
    CASE_MANAGEMENT = "case_management"  # 案件监督管理室
    TRIAL = "trial"  # 审理室
    TRACKING = "tracking"  # 跟踪督办办公室


class UnitRelation(StrEnum):
    STATIONED = "stationed"  # 驻在单位
    AFFILIATED = "affiliated"  # 归口单位


class OrgUnit(Base):
    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind), index=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160), default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    # joint groups: 1..7, the position in the rotation
    ordinal: Mapped[int | None] = mapped_column(Integer)
    # offices: which office this is
    office: Mapped[OfficeCode | None] = mapped_column(enum_column(OfficeCode))
    # supervised units: 驻在 or 归口
    relation: Mapped[UnitRelation | None] = mapped_column(enum_column(UnitRelation))
    # townships: the joint group that tries their cases
    trial_group_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") and self.name_en else self.name_zh


ORG_LABELS: dict[Enum, str] = {
    UnitKind.COMMISSION: N_("Commission"),
    UnitKind.OFFICE: N_("Office"),
    UnitKind.JOINT_GROUP: N_("Joint review-and-trial group"),
    UnitKind.STATIONED_GROUP: N_("Stationed group"),
    UnitKind.SUPERVISED_UNIT: N_("Supervised unit"),
    UnitKind.TOWNSHIP: N_("Township commission"),
    OfficeCode.PETITION: N_("Petition office"),
    OfficeCode.CASE_MANAGEMENT: N_("Case management office"),
    OfficeCode.TRIAL: N_("Trial office"),
    OfficeCode.TRACKING: N_("Tracking office"),
    UnitRelation.STATIONED: N_("Stationed unit"),
    UnitRelation.AFFILIATED: N_("Affiliated unit"),
}
