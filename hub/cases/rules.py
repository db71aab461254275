"""Graded visibility of petitions and clues (the source article's 分级授权).

The main leader sees everything; a deputy sees the cases handled by the groups and townships of their portfolio; the
case management and tracking offices keep the whole ledger; the trial office sees cases from transfer to trial on; a
joint group sees the cases it supervises, reviews, tries or re-examines on appeal; a township commission sees its
township's; administrators see no case content. Petitions reported up (检举控告规则 15) are the main leader's alone.
``allows`` and ``where`` state the same policy; a person on a case's recusal list is hidden from it by the service
(``hub/cases/access.py``) and in ``where``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, and_, false, not_, or_, select, true

from hub.access.actor import Actor
from hub.access.roles import Role
from hub.cases.models import CaseRecusal, Clue, Petition
from hub.org.interface import OfficeCode

# offices that keep the whole clue ledger (案管: 台账 and 分办; 督办办: progress chasing)
LEDGER_OFFICES = frozenset({OfficeCode.CASE_MANAGEMENT, OfficeCode.TRACKING})


@dataclass
class OfficeDirectory:
    """Which org units are which office; loaded when the app starts (offices are fixed by the organisation)."""

    by_unit: dict[int, OfficeCode] = field(default_factory=dict)

    def office_of(self, actor: Actor) -> OfficeCode | None:
        if actor.role is not Role.OFFICE_STAFF or actor.org_unit_id is None:
            return None
        return self.by_unit.get(actor.org_unit_id)

    def unit_of(self, office: OfficeCode) -> int | None:
        return next((u for u, o in self.by_unit.items() if o is office), None)


def _handling_units(clue: Clue) -> set[int | None]:
    return {clue.supervisor_group_id, clue.reviewer_unit_id, clue.trial_group_id, clue.appeal_group_id, clue.township_id}


def recused_from(actor: Actor) -> Select[int]:
    """The clues the actor must stay out of: recused in person, or with their whole group (issue 14, finding 6)."""
    mine = CaseRecusal.user_id == actor.user_id
    if actor.org_unit_id is not None:
        mine = or_(mine, CaseRecusal.org_unit_id == actor.org_unit_id)
    return select(CaseRecusal.clue_id).where(mine)


def _not_recused(actor: Actor) -> ColumnElement[bool]:
    # NOT IN over an uncorrelated subquery: evaluated once and hashed, where NOT EXISTS would probe per row
    return not_(Clue.id.in_(recused_from(actor)))


@dataclass
class ClueRule:
    offices: OfficeDirectory
    object_type: str = "clue"

    def allows(self, actor: Actor, action: str, obj: Clue) -> bool:
        if not actor.is_staff or actor.is_admin:
            return False
        if action not in ("view", "edit"):
            return False
        office = self.offices.office_of(actor)
        if action == "edit":
            # the case file is kept by the case management office, the handling reviewer and the main leader
            return (
                actor.is_main_leader
                or office is OfficeCode.CASE_MANAGEMENT
                or (actor.org_unit_id is not None and actor.org_unit_id == obj.reviewer_unit_id)
            )
        if actor.is_main_leader:
            return True
        if actor.is_deputy:
            return bool(_handling_units(obj) & set(actor.portfolio))
        if office in LEDGER_OFFICES:
            return True
        if office is OfficeCode.TRIAL:
            return obj.trial_on is not None
        if actor.role is Role.TOWNSHIP_STAFF and actor.org_unit_id is not None and obj.township_id == actor.org_unit_id:
            return True
        if obj.township_trial_member_id is not None and obj.township_trial_member_id == actor.user_id:
            return True
        unit = actor.org_unit_id
        return unit is not None and unit in (
            obj.supervisor_group_id,
            obj.reviewer_unit_id,
            obj.trial_group_id,
            obj.appeal_group_id,
        )

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        if not actor.is_staff or actor.is_admin or action not in ("view", "edit"):
            return false()
        return and_(self.base_where(actor, action), _not_recused(actor))

    def tally_scopes(self, actor: Actor) -> list[tuple[str, int]] | None:
        """The ledger_tallies scopes whose sum is exactly what ``base_where(actor, "view")`` selects. Kept beside
        ``where`` on purpose: the two must change together."""
        if not actor.is_staff or actor.is_admin:
            return []
        office = self.offices.office_of(actor)
        if actor.is_main_leader or office in LEDGER_OFFICES:
            return [("all", 0)]
        if actor.is_deputy:
            # valid while the tallies' portfolio snapshot is the deputy's portfolio (the ledger checks)
            return [("deputy", actor.user_id or 0)]
        if office is OfficeCode.TRIAL:
            return [("trial", 0)]
        scopes = [("member", actor.user_id or 0)]
        if actor.org_unit_id is not None:
            # a township's "unit" rows count its own clues once; a trial member always comes from another township
            scopes.append(("unit", actor.org_unit_id))
        return scopes

    def base_where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        """The policy before the recusal list is applied."""
        if not actor.is_staff or actor.is_admin or action not in ("view", "edit"):
            return false()
        office = self.offices.office_of(actor)
        base: ColumnElement[bool]
        if action == "edit":
            if actor.is_main_leader or office is OfficeCode.CASE_MANAGEMENT:
                base = true()
            elif actor.org_unit_id is not None:
                base = Clue.reviewer_unit_id == actor.org_unit_id
            else:
                base = false()
        elif actor.is_main_leader or office in LEDGER_OFFICES:
            base = true()
        elif actor.is_deputy:
            units = sorted(actor.portfolio)
            if not units:
                return false()
            base = or_(
                Clue.supervisor_group_id.in_(units),
                Clue.reviewer_unit_id.in_(units),
                Clue.trial_group_id.in_(units),
                Clue.appeal_group_id.in_(units),
                Clue.township_id.in_(units),
            )
        elif office is OfficeCode.TRIAL:
            base = Clue.trial_on.is_not(None)
        else:
            unit = actor.org_unit_id
            parts: list[ColumnElement[bool]] = [Clue.township_trial_member_id == actor.user_id]
            if unit is not None:
                parts += [
                    Clue.supervisor_group_id == unit,
                    Clue.reviewer_unit_id == unit,
                    Clue.trial_group_id == unit,
                    Clue.appeal_group_id == unit,
                ]
                if actor.role is Role.TOWNSHIP_STAFF:
                    parts.append(Clue.township_id == unit)
            base = or_(*parts)
        return base


@dataclass
class PetitionRule:
    offices: OfficeDirectory
    object_type: str = "petition"

    def allows(self, actor: Actor, action: str, obj: Petition) -> bool:
        if not actor.is_staff or actor.is_admin or action not in ("view", "act"):
            return False
        if actor.is_main_leader:
            return True
        if obj.reported_up:
            return False
        office = self.offices.office_of(actor)
        if action == "act":
            return office is OfficeCode.PETITION
        if office is OfficeCode.PETITION:
            return True
        if actor.is_deputy:
            petition_unit = self.offices.unit_of(OfficeCode.PETITION)
            return petition_unit in actor.portfolio or (obj.township_id is not None and obj.township_id in actor.portfolio)
        if office is OfficeCode.CASE_MANAGEMENT:
            return obj.clue_id is not None  # 案管 is told of every petition that became a clue
        return actor.role is Role.TOWNSHIP_STAFF and obj.township_id is not None and obj.township_id == actor.org_unit_id

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        if not actor.is_staff or actor.is_admin or action not in ("view", "act"):
            return false()
        if actor.is_main_leader:
            return true()
        office = self.offices.office_of(actor)
        visible: ColumnElement[bool]
        if action == "act":
            visible = true() if office is OfficeCode.PETITION else false()
        elif office is OfficeCode.PETITION:
            visible = true()
        elif actor.is_deputy:
            if self.offices.unit_of(OfficeCode.PETITION) in actor.portfolio:
                visible = true()
            else:
                visible = Petition.township_id.in_(sorted(actor.portfolio))
        elif office is OfficeCode.CASE_MANAGEMENT:
            visible = Petition.clue_id.is_not(None)
        elif actor.role is Role.TOWNSHIP_STAFF and actor.org_unit_id is not None:
            visible = Petition.township_id == actor.org_unit_id
        else:
            visible = false()
        return and_(visible, Petition.reported_up.is_(False))


class CaseSettings:
    """The time limits and the holiday table: one object of its kind, so that a rule can speak of it."""

    id = 0


CASE_SETTINGS = CaseSettings()


class CaseSettingsRule:
    """Every staff member reads the time limits and holidays (deadlines are computed from them); the administrator
    changes them, and sees no case content while doing so."""

    object_type = "case_settings"

    def allows(self, actor: Actor, action: str, obj: CaseSettings) -> bool:
        if action == "view":
            return actor.is_staff
        return action == "change" and actor.is_staff and actor.is_system_admin

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        return false()  # not a table: there is no list of settings objects to filter
