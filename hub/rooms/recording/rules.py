"""Who may see a recording: whoever may see its case (recusals included), or, for a recording without a case, whoever
may see its room session. Administrators never see recordings (they see no case content).

The case belongs to the cases part, which sits above rooms: the rule names it by its object type ("clue") and asks the
policy, so rooms never imports cases. ``where`` states the same for lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select

from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.rooms.models import RoomSession
from hub.rooms.recording.models import Recording

ACTIONS = frozenset({"view", "export", "approve_export"})


@dataclass
class RecordingRule:
    policy: Policy
    object_type: str = "recording"

    def allows(self, actor: Actor, action: str, obj: Recording) -> bool:
        # the case (or room session) behind it is checked when the recording is loaded (hub.rooms.recording.access)
        return actor.is_staff and not actor.is_admin and action in ACTIONS

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        if not actor.is_staff or actor.is_admin or action not in ACTIONS:
            return false()
        case: Any = self.policy.model_named("clue")
        cases = select(case.id).where(self.policy.where(actor, "view", case))
        sessions = select(RoomSession.id).where(self.policy.where(actor, "view", RoomSession))
        return or_(
            and_(Recording.case_id.is_not(None), Recording.case_id.in_(cases)),
            and_(Recording.case_id.is_(None), Recording.room_session_id.in_(sessions)),
        )
