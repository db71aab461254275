"""English message ids for every value of case tracking shown to people (translated by the ``label`` filter)."""

from __future__ import annotations

from enum import Enum

from hub.cases.colours import Colour
from hub.cases.limits import DEFAULTS
from hub.cases.models import (
    ApprovalStatus,
    AssetStatus,
    ClockStatus,
    ClueSource,
    Duty,
    Gender,
    PetitionChannel,
    PetitionKind,
    RankLevel,
)
from hub.cases.workflow import CLUE_TRANSITIONS, PETITION_TRANSITIONS, Approver, ClueState, PetitionState, Who
from hub.i18n import N_

_CLUESTATE: dict[Enum, str] = {
    ClueState.RECEIVED: N_("Received"),
    ClueState.ASSIGNED: N_("Assigned"),
    ClueState.TALK_LETTER: N_("Talk or letter inquiry decided"),
    ClueState.TALK_LETTER_PENDING: N_("Awaiting the talk or the reply"),
    ClueState.TALK_LETTER_REPORTING: N_("Reporting on the talk or reply"),
    ClueState.PRELIM_CHECK: N_("Preliminary check decided"),
    ClueState.PRELIM_CHECKING: N_("Preliminary check under way"),
    ClueState.PRELIM_REPORTED: N_("Preliminary check reported"),
    ClueState.SHELVED: N_("Shelved pending information"),
    ClueState.TO_CASE: N_("Proposed for filing"),
    ClueState.FILING_PENDING: N_("Filing requested"),
    ClueState.FILED: N_("Case filed"),
    ClueState.INVESTIGATING: N_("Under review and investigation"),
    ClueState.FACTS_CONFIRMED: N_("Facts confirmed"),
    ClueState.TRANSFERRED_TO_TRIAL: N_("Transferred to trial"),
    ClueState.TRIAL_DEFERRED: N_("Trial deferred"),
    ClueState.TRIAL_ACCEPTED: N_("On trial"),
    ClueState.RETURNED_SUPPLEMENT: N_("Returned for supplementary evidence"),
    ClueState.TRIAL_REPORTED: N_("Trial report written"),
    ClueState.COUNTY_CHECKED: N_("Checked by the county trial office"),
    ClueState.DECIDED_BY_CWH: N_("Decided by the standing committee"),
    ClueState.PARTY_APPROVAL_PENDING: N_("Awaiting Party committee approval"),
    ClueState.DECIDED: N_("Decision final"),
    ClueState.ANNOUNCED: N_("Party sanction announced"),
    ClueState.SERVED: N_("Government sanction served"),
    ClueState.EXECUTED: N_("Executed"),
    ClueState.TRANSFERRED_PROSECUTION: N_("Transferred to the procuratorate"),
    ClueState.APPEAL_RECEIVED: N_("Appeal received"),
    ClueState.APPEAL_REVIEWING: N_("Appeal under review"),
    ClueState.APPEAL_DECIDED: N_("Appeal decided"),
    ClueState.EFFECT_EXPIRED: N_("Effect period over"),
    ClueState.CLOSED: N_("Closed"),
    ClueState.FIRST_FORM_HANDLED: N_("Handled by the first form"),
    ClueState.FALSE_ACCUSATION_REFERRED: N_("False accusation pursued"),
    ClueState.REFERRED_TO_PARTY_ORG: N_("Referred to the Party organisation"),
    ClueState.CASE_WITHDRAWN: N_("Case withdrawn"),
}

_PETITIONSTATE: dict[Enum, str] = {
    PetitionState.REGISTERED: N_("Registered"),
    PetitionState.NOT_ACCEPTED_FORWARDED: N_("Not accepted: forwarded"),
    PetitionState.NOT_ACCEPTED_INFORMED: N_("Not accepted: informed"),
    PetitionState.REPORTED_UP: N_("Reported to the upper level"),
    PetitionState.FORWARDED_DOWN: N_("Forwarded to a lower level"),
    PetitionState.MERGED_DUPLICATE: N_("Merged as a repeat report"),
    PetitionState.ROUTED_TO_APPEAL: N_("Routed to the appeal track"),
    PetitionState.CONVERTED_TO_CLUE: N_("Converted into a clue"),
    PetitionState.FEEDBACK_DUE: N_("Result owed to the informant"),
    PetitionState.CLOSED: N_("Closed"),
}

_CLUESOURCE: dict[Enum, str] = {
    ClueSource.ACCEPTED_HERE: N_("Accepted at this level"),
    ClueSource.LEADER_INSTRUCTED: N_("Leader's instruction"),
    ClueSource.UPPER_ASSIGNED: N_("Handed down by the upper level"),
    ClueSource.TRANSFERRED: N_("Transferred by police, courts or personnel departments"),
    ClueSource.SELF_FOUND: N_("Found by our own work"),
    ClueSource.INSPECTION_TOUR: N_("Handed over by inspection tours"),
    ClueSource.AUDIT: N_("Handed over by audit"),
    ClueSource.LOWER_REPORTED: N_("Reported by a lower level"),
    ClueSource.SURRENDER: N_("Voluntary surrender"),
}

_PETITIONCHANNEL: dict[Enum, str] = {
    PetitionChannel.VISIT: N_("Visit"),
    PetitionChannel.LETTER: N_("Letter"),
    PetitionChannel.PHONE: N_("Phone"),
    PetitionChannel.WEB: N_("Web"),
    PetitionChannel.KIOSK: N_("Kiosk"),
}

_PETITIONKIND: dict[Enum, str] = {
    PetitionKind.ACCUSATION: N_("Accusation"),
    PetitionKind.APPEAL: N_("Appeal"),
    PetitionKind.SUGGESTION: N_("Criticism or suggestion"),
    PetitionKind.OTHER: N_("Other"),
}

_COLOUR: dict[Enum, str] = {
    Colour.RED: N_("Overdue"),
    Colour.YELLOW: N_("Due within 10 days"),
    Colour.BLUE: N_("Due within 30 days"),
    Colour.GREEN: N_("Due in more than 30 days"),
}

_RANKLEVEL: dict[Enum, str] = {
    RankLevel.PROVINCIAL: N_("Provincial or ministerial"),
    RankLevel.PREFECTURE: N_("Prefectural or bureau"),
    RankLevel.COUNTY: N_("County or division"),
    RankLevel.SECTION: N_("Township or section"),
    RankLevel.GENERAL: N_("General cadre"),
    RankLevel.VILLAGE: N_("Village head"),
    RankLevel.OTHER: N_("Rural, enterprise and other"),
}

_ASSETSTATUS: dict[Enum, str] = {
    AssetStatus.SEIZED: N_("Seized"),
    AssetStatus.FROZEN: N_("Frozen"),
    AssetStatus.RETURNED: N_("Returned"),
    AssetStatus.HANDED_OVER: N_("Handed over"),
}

_GENDER: dict[Enum, str] = {
    Gender.MALE: N_("Male"),
    Gender.FEMALE: N_("Female"),
}

_APPROVER: dict[Enum, str] = {
    Approver.MAIN_LEADER: N_("Main leader"),
    Approver.DEPUTY: N_("Deputy leader"),
    Approver.PARTY_COMMITTEE: N_("County Party committee"),
    Approver.STANDING_COMMITTEE: N_("Commission standing committee"),
    Approver.UPPER_COMMISSION: N_("Upper-level commission"),
}

_WHO: dict[Enum, str] = {
    Who.PETITION_OFFICE: N_("Petition office"),
    Who.CASE_MANAGEMENT: N_("Case management office"),
    Who.SUPERVISOR: N_("Supervising group"),
    Who.REVIEWER: N_("Reviewing group"),
    Who.TRIAL: N_("Trial group"),
    Who.COUNTY_TRIAL: N_("County trial office"),
    Who.APPEAL: N_("Appeal group"),
}

_APPROVALSTATUS: dict[Enum, str] = {
    ApprovalStatus.PENDING: N_("Pending"),
    ApprovalStatus.APPROVED: N_("Approved"),
    ApprovalStatus.REJECTED: N_("Refused"),
}

_CLOCKSTATUS: dict[Enum, str] = {
    ClockStatus.OPEN: N_("Running"),
    ClockStatus.PAUSED: N_("Paused"),
    ClockStatus.STOPPED: N_("Stopped"),
}

_DUTY: dict[Enum, str] = {
    Duty.SUPERVISE: N_("Supervise"),
    Duty.REVIEW: N_("Review"),
    Duty.TRIAL: N_("Trial"),
    Duty.APPEAL: N_("Appeal review"),
}

# one table per enum class: StrEnum members of different classes may share a value ("closed")
CASE_LABELS: tuple[dict[Enum, str], ...] = (
    _CLUESTATE,
    _PETITIONSTATE,
    _CLUESOURCE,
    _PETITIONCHANNEL,
    _PETITIONKIND,
    _COLOUR,
    _RANKLEVEL,
    _ASSETSTATUS,
    _GENDER,
    _APPROVER,
    _WHO,
    _APPROVALSTATUS,
    _CLOCKSTATUS,
    _DUTY,
)

STAGE_LABELS = {
    "live": N_("Open matters"),
    "clue": N_("Clues"),
    "disposal": N_("Disposal"),
    "review": N_("Review and investigation"),
    "trial": N_("Trial"),
    "decision": N_("Decision and sanction"),
    "appeal": N_("Appeal"),
    "done": N_("Finished"),
    "all": N_("Everything"),
}
SORT_LABELS = {"urgency": N_("Most urgent first"), "received": N_("Newest first"), "number": N_("By number")}
CLOCK_LABELS = {limit.key: limit.label for limit in DEFAULTS}
EVENT_LABELS = {
    "register": N_("Registered"),
    "history": N_("Earlier steps (demo data)"),
    "outcome_review": N_("Outcome proposed by the review"),
    "outcome_trial": N_("Decision recorded by the trial"),
    **{t.event: t.label for t in (*CLUE_TRANSITIONS, *PETITION_TRANSITIONS)},
}
TIMELINE_KINDS = {"request": N_("Requested"), "approve": N_("Approved"), "reject": N_("Refused")}
