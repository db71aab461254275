"""Physical rooms of the county and the townships."""

from __future__ import annotations

from enum import Enum, StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base
from hub.enums import enum_column
from hub.i18n import N_


class RoomKind(StrEnum):
    TOWNSHIP_KIOSK = "township_kiosk"  # 苏木镇自助接访终端
    TOWNSHIP_INTERVIEW = "township_interview"  # 苏木镇谈话室
    COUNTY_RECEPTION = "county_reception"  # 旗纪委接访室
    COUNTY_INTERVIEW = "county_interview"  # 旗纪委谈话室
    COUNTY_HALL = "county_hall"  # 旗纪委会议室


TOWNSHIP_KINDS = frozenset({RoomKind.TOWNSHIP_KIOSK, RoomKind.TOWNSHIP_INTERVIEW})


class Room(Base):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[RoomKind] = mapped_column(enum_column(RoomKind), index=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160), default="")
    # the township the room stands in; None for county rooms
    township_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") and self.name_en else self.name_zh


ROOM_LABELS: dict[Enum, str] = {
    RoomKind.TOWNSHIP_KIOSK: N_("Township kiosk"),
    RoomKind.TOWNSHIP_INTERVIEW: N_("Township interview room"),
    RoomKind.COUNTY_RECEPTION: N_("County reception room"),
    RoomKind.COUNTY_INTERVIEW: N_("County interview room"),
    RoomKind.COUNTY_HALL: N_("County hall"),
}
