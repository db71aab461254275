"""The workflow of §3, declared once as data.

Each ``Transition`` says: from which states, on which event, to which state, who may act, who must approve (in
order), and which clocks start, pause, resume, stop or are extended. The service applies them; the docs and the UI
read them; nothing else decides whether a state change is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from hub.i18n import N_


class PetitionState(StrEnum):
    REGISTERED = "registered"
    NOT_ACCEPTED_FORWARDED = "not_accepted_forwarded"
    NOT_ACCEPTED_INFORMED = "not_accepted_informed"
    REPORTED_UP = "reported_up"
    FORWARDED_DOWN = "forwarded_down"
    MERGED_DUPLICATE = "merged_duplicate"
    ROUTED_TO_APPEAL = "routed_to_appeal"
    CONVERTED_TO_CLUE = "converted_to_clue"
    FEEDBACK_DUE = "feedback_due"
    CLOSED = "closed"


class ClueState(StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    TALK_LETTER = "talk_letter"  # 处置: 谈话函询
    TALK_LETTER_PENDING = "talk_letter_pending"
    TALK_LETTER_REPORTING = "talk_letter_reporting"
    PRELIM_CHECK = "prelim_check"  # 处置: 初步核实
    PRELIM_CHECKING = "prelim_checking"
    PRELIM_REPORTED = "prelim_reported"
    SHELVED = "shelved"  # 处置: 暂存待查
    TO_CASE = "to_case"
    FILING_PENDING = "filing_pending"
    FILED = "filed"
    INVESTIGATING = "investigating"
    FACTS_CONFIRMED = "facts_confirmed"
    TRANSFERRED_TO_TRIAL = "transferred_to_trial"
    TRIAL_DEFERRED = "trial_deferred"
    TRIAL_ACCEPTED = "trial_accepted"
    RETURNED_SUPPLEMENT = "returned_supplement"
    TRIAL_REPORTED = "trial_reported"
    COUNTY_CHECKED = "county_checked"
    DECIDED_BY_CWH = "decided_by_cwh"
    PARTY_APPROVAL_PENDING = "party_approval_pending"
    DECIDED = "decided"
    ANNOUNCED = "announced"
    SERVED = "served"
    EXECUTED = "executed"
    TRANSFERRED_PROSECUTION = "transferred_prosecution"
    APPEAL_RECEIVED = "appeal_received"
    APPEAL_REVIEWING = "appeal_reviewing"
    APPEAL_DECIDED = "appeal_decided"
    EFFECT_EXPIRED = "effect_expired"
    # endings before a sanction
    CLOSED = "closed"  # 予以了结 / 采信了结
    FIRST_FORM_HANDLED = "first_form_handled"  # 谈话提醒、批评教育、责令检查、诫勉
    FALSE_ACCUSATION_REFERRED = "false_accusation_referred"
    REFERRED_TO_PARTY_ORG = "referred_to_party_org"
    CASE_WITHDRAWN = "case_withdrawn"


# A matter is finished ("办结") in these states: no clock runs, the named petitioner is owed feedback.
CLUE_ENDINGS = frozenset(
    {
        ClueState.CLOSED,
        ClueState.FIRST_FORM_HANDLED,
        ClueState.FALSE_ACCUSATION_REFERRED,
        ClueState.REFERRED_TO_PARTY_ORG,
        ClueState.CASE_WITHDRAWN,
        ClueState.EXECUTED,
        ClueState.TRANSFERRED_PROSECUTION,
        ClueState.APPEAL_DECIDED,
        ClueState.EFFECT_EXPIRED,
    }
)
LIVE_CLUE_STATES = frozenset(ClueState) - CLUE_ENDINGS

# The stages of the ledger filter ("stage"), each a set of states.
STAGES: dict[str, frozenset[ClueState]] = {
    "clue": frozenset({ClueState.RECEIVED, ClueState.ASSIGNED, ClueState.SHELVED}),
    "disposal": frozenset(
        {
            ClueState.TALK_LETTER,
            ClueState.TALK_LETTER_PENDING,
            ClueState.TALK_LETTER_REPORTING,
            ClueState.PRELIM_CHECK,
            ClueState.PRELIM_CHECKING,
            ClueState.PRELIM_REPORTED,
        }
    ),
    "review": frozenset(
        {ClueState.TO_CASE, ClueState.FILING_PENDING, ClueState.FILED, ClueState.INVESTIGATING, ClueState.FACTS_CONFIRMED}
    ),
    "trial": frozenset(
        {
            ClueState.TRANSFERRED_TO_TRIAL,
            ClueState.TRIAL_DEFERRED,
            ClueState.TRIAL_ACCEPTED,
            ClueState.RETURNED_SUPPLEMENT,
            ClueState.TRIAL_REPORTED,
            ClueState.COUNTY_CHECKED,
        }
    ),
    "decision": frozenset(
        {ClueState.DECIDED_BY_CWH, ClueState.PARTY_APPROVAL_PENDING, ClueState.DECIDED, ClueState.ANNOUNCED, ClueState.SERVED}
    ),
    "appeal": frozenset({ClueState.APPEAL_RECEIVED, ClueState.APPEAL_REVIEWING}),
    "done": CLUE_ENDINGS,
}


class Who(StrEnum):
    """Who may act on a transition (workflow.md §2)."""

    PETITION_OFFICE = "XF"
    CASE_MANAGEMENT = "AG"
    SUPERVISOR = "JD"
    REVIEWER = "SC"  # the reviewer group, or the township commission
    TRIAL = "SL"  # the trial group, and the township trial member
    COUNTY_TRIAL = "SLS"
    APPEAL = "FC"  # the appeal (复查) group
    DEPUTY = "FG"
    MAIN_LEADER = "ZY"


class Approver(StrEnum):
    """Who must approve. The last three sit outside the hub: their decisions are recorded by ZY or AG."""

    MAIN_LEADER = "ZY"
    DEPUTY = "FG"
    PARTY_COMMITTEE = "DW"  # 县委书记 / 县委常委会
    STANDING_COMMITTEE = "CWH"  # 纪委常委会
    UPPER_COMMISSION = "SJ"  # 上级纪委监委


EXTERNAL_APPROVERS = frozenset({Approver.PARTY_COMMITTEE, Approver.STANDING_COMMITTEE, Approver.UPPER_COMMISSION})


class ClockOp(StrEnum):
    START = "start"  # (re)start from today
    STOP = "stop"
    PAUSE = "pause"  # the paused days do not count (补充调查期间不计入审理期限)
    RESUME = "resume"
    EXTEND = "extend"  # needs the transition's approvals
    STOP_ALL = "stop_all"


@dataclass(frozen=True)
class Clock:
    op: ClockOp
    key: str = ""


def start(key: str) -> Clock:
    return Clock(ClockOp.START, key)


def stop(key: str) -> Clock:
    return Clock(ClockOp.STOP, key)


STOP_ALL = Clock(ClockOp.STOP_ALL)


@dataclass(frozen=True)
class Transition:
    event: str
    sources: frozenset[str]
    target: str | None  # None: the state stays (an extension, a notice)
    by: frozenset[Who]
    approvals: tuple[Approver, ...] = ()
    clocks: tuple[Clock, ...] = ()
    township: bool | None = None  # True: township cases only; False: joint-group cases only
    # 规则 27, 33: when the subject is the 主要负责人 of a lower 党委, these approvals replace ``approvals``
    lower_leader_approvals: tuple[Approver, ...] | None = None
    only_source: str | None = None  # offered only for clues of this source (交办件)
    rule: str = ""  # where it comes from
    label: str = ""  # English message id
    effects: tuple[str, ...] = field(default=())  # named side effects the service performs


def _t(
    event: str,
    sources: Iterable[str],
    target: str | None,
    by: set[Who],
    approvals: tuple[Approver, ...] = (),
    clocks: tuple[Clock, ...] = (),
    **kw: object,
) -> Transition:
    return Transition(event, frozenset(sources), target, frozenset(by), approvals, clocks, **kw)  # type: ignore[arg-type]


S = ClueState
ZY, FG, DW, CWH, SJ = (
    Approver.MAIN_LEADER,
    Approver.DEPUTY,
    Approver.PARTY_COMMITTEE,
    Approver.STANDING_COMMITTEE,
    Approver.UPPER_COMMISSION,
)
AG, SC, SL, SLS, FC, XF = Who.CASE_MANAGEMENT, Who.REVIEWER, Who.TRIAL, Who.COUNTY_TRIAL, Who.APPEAL, Who.PETITION_OFFICE
SANCTIONED = {S.DECIDED, S.ANNOUNCED, S.SERVED, S.EXECUTED}

CLUE_TRANSITIONS: tuple[Transition, ...] = (
    # §3.2 clue
    _t("assign", {S.RECEIVED}, S.ASSIGNED, {AG}, (ZY,), effects=("assign",), rule="规则 23", label=N_("Assign (group cycle)")),
    _t(
        "dispose_talk_letter",
        {S.ASSIGNED},
        S.TALK_LETTER,
        {SC},
        (FG,),
        (stop("clue_disposal"),),
        lower_leader_approvals=(ZY,),
        rule="规则 21, 27",
        label=N_("Disposal: talk or letter inquiry"),
    ),
    _t(
        "dispose_prelim_check",
        {S.ASSIGNED},
        S.PRELIM_CHECK,
        {SC},
        (ZY,),
        (stop("clue_disposal"),),
        rule="规则 21",
        label=N_("Disposal: preliminary check"),
    ),
    _t(
        "dispose_shelve",
        {S.ASSIGNED},
        S.SHELVED,
        {SC},
        (FG,),
        (stop("clue_disposal"), start("shelved_review")),
        rule="规则 21",
        label=N_("Disposal: shelve pending information"),
    ),
    _t("dispose_close", {S.ASSIGNED}, S.CLOSED, {SC}, (FG,), (STOP_ALL,), rule="规则 21", label=N_("Disposal: close")),
    _t(
        "reopen",
        {S.SHELVED},
        S.ASSIGNED,
        {SC, AG},
        (FG,),
        (stop("shelved_review"), start("clue_disposal")),
        rule="规则 20",
        label=N_("Reopen (review or new evidence)"),
    ),
    _t(
        "talk_letter_held",
        {S.TALK_LETTER},
        S.TALK_LETTER_PENDING,
        {SC},
        (),
        (start("talk_letter_reply"),),
        rule="规则 29",
        label=N_("Talk held or letter sent"),
    ),
    _t(
        "talk_letter_answered",
        {S.TALK_LETTER_PENDING},
        S.TALK_LETTER_REPORTING,
        {SC},
        (),
        (stop("talk_letter_reply"), start("talk_letter_report")),
        rule="规则 30",
        label=N_("Talk ended or reply received"),
    ),
    _t(
        "talk_letter_accept",
        {S.TALK_LETTER_REPORTING},
        S.CLOSED,
        {SC},
        (FG,),
        (STOP_ALL,),
        rule="规则 30",
        label=N_("Explanation accepted, close"),
    ),
    _t(
        "talk_letter_first_form",
        {S.TALK_LETTER_REPORTING},
        S.FIRST_FORM_HANDLED,
        {SC},
        (FG,),
        (STOP_ALL,),
        rule="规则 30",
        label=N_("Reminder, criticism, self-criticism or admonition"),
    ),
    _t(
        "talk_letter_repeat",
        {S.TALK_LETTER_REPORTING},
        S.TALK_LETTER,
        {SC},
        (FG,),
        (stop("talk_letter_report"),),
        rule="规则 30",
        label=N_("Talk or write again"),
    ),
    _t(
        "talk_letter_to_prelim",
        {S.TALK_LETTER_REPORTING},
        S.PRELIM_CHECK,
        {SC},
        (ZY,),
        (stop("talk_letter_report"),),
        rule="规则 30",
        label=N_("Propose a preliminary check"),
    ),
    _t(
        "talk_letter_false_accusation",
        {S.TALK_LETTER_REPORTING},
        S.FALSE_ACCUSATION_REFERRED,
        {SC},
        (ZY,),
        (STOP_ALL,),
        rule="规则 30",
        label=N_("Pursue a false accusation"),
    ),
    _t(
        "prelim_start",
        {S.PRELIM_CHECK},
        S.PRELIM_CHECKING,
        {SC},
        (ZY,),
        (start("prelim_check"),),
        lower_leader_approvals=(ZY, DW),
        rule="规则 33",
        label=N_("Start the preliminary check"),
    ),
    _t(
        "prelim_report",
        {S.PRELIM_CHECKING},
        S.PRELIM_REPORTED,
        {SC},
        (),
        (),
        rule="规则 35",
        label=N_("Preliminary check report signed"),
    ),
    _t("prelim_to_case", {S.PRELIM_REPORTED}, S.TO_CASE, {SC}, (ZY,), (), rule="规则 35", label=N_("Propose filing a case")),
    _t("prelim_close", {S.PRELIM_REPORTED}, S.CLOSED, {SC}, (ZY,), (STOP_ALL,), rule="规则 35", label=N_("Close")),
    _t(
        "prelim_first_form",
        {S.PRELIM_REPORTED},
        S.FIRST_FORM_HANDLED,
        {SC},
        (ZY,),
        (STOP_ALL,),
        rule="规则 35",
        label=N_("Reminder talk"),
    ),
    _t(
        "prelim_shelve",
        {S.PRELIM_REPORTED},
        S.SHELVED,
        {SC},
        (ZY,),
        (stop("prelim_check"), start("shelved_review")),
        rule="规则 35",
        label=N_("Shelve pending information"),
    ),
    _t(
        "prelim_refer",
        {S.PRELIM_REPORTED},
        S.REFERRED_TO_PARTY_ORG,
        {SC},
        (ZY,),
        (STOP_ALL,),
        rule="规则 35",
        label=N_("Refer to the Party organisation"),
    ),
    # §3.3 case
    _t("request_filing", {S.TO_CASE}, S.FILING_PENDING, {SC}, (), (), rule="规则 37", label=N_("Submit the filing request")),
    _t(
        "file",
        {S.FILING_PENDING},
        S.FILED,
        {SC},
        (ZY, DW),
        (stop("prelim_check"), start("review")),
        effects=("filed",),
        rule="规则 38",
        label=N_("File the case"),
    ),
    _t(
        "start_investigation",
        {S.FILED},
        S.INVESTIGATING,
        {SC},
        (FG,),
        (),
        rule="规则 39",
        label=N_("Investigation plan approved"),
    ),
    _t(
        "extend_review",
        {S.INVESTIGATING},
        None,
        {SC},
        (SJ,),
        (Clock(ClockOp.EXTEND, "review"),),
        rule="2017 规则 28",
        label=N_("Extend the review"),
    ),
    _t(
        "confirm_facts",
        {S.INVESTIGATING},
        S.FACTS_CONFIRMED,
        {SC},
        (),
        (),
        rule="规则 51",
        label=N_("Facts shown to the person and signed"),
    ),
    _t(
        "withdraw_case",
        {S.INVESTIGATING},
        S.CASE_WITHDRAWN,
        {SC},
        (ZY,),
        (STOP_ALL,),
        rule="实施条例 206",
        label=N_("Withdraw the case (no evidence)"),
    ),
    _t(
        "transfer_to_trial",
        {S.FACTS_CONFIRMED},
        S.TRANSFERRED_TO_TRIAL,
        {SC},
        (ZY,),
        (),  # the review clock runs on until the trial group accepts the file
        effects=("trial",),
        rule="规则 52",
        label=N_("Transfer to trial"),
    ),
    # §3.4 trial
    _t(
        "accept_trial",
        {S.TRANSFERRED_TO_TRIAL},
        S.TRIAL_ACCEPTED,
        {SL},
        (),
        (stop("review"), start("trial")),
        rule="规则 55",
        label=N_("Accept for trial"),
    ),
    _t(
        "defer_trial",
        {S.TRANSFERRED_TO_TRIAL},
        S.TRIAL_DEFERRED,
        {SL},
        (FG,),
        (),
        rule="规则 55",
        label=N_("Defer: the file is incomplete"),
    ),
    _t("complete_transfer", {S.TRIAL_DEFERRED}, S.TRANSFERRED_TO_TRIAL, {SC}, (), (), rule="规则 55", label=N_("File completed")),
    _t(
        "return_reinvestigate",
        {S.TRIAL_ACCEPTED},
        S.INVESTIGATING,
        {SL},
        (ZY,),
        (stop("trial"), start("review")),
        rule="规则 55; 实施条例 196",
        label=N_("Return for reinvestigation"),
    ),
    _t(
        "return_supplement",
        {S.TRIAL_ACCEPTED},
        S.RETURNED_SUPPLEMENT,
        {SL},
        (FG,),
        (Clock(ClockOp.PAUSE, "trial"), start("supplement")),
        rule="规则 55; 实施条例 196",
        label=N_("Return for supplementary evidence"),
    ),
    _t(
        "supplement_done",
        {S.RETURNED_SUPPLEMENT},
        S.TRIAL_ACCEPTED,
        {SC},
        (),
        (stop("supplement"), Clock(ClockOp.RESUME, "trial")),
        rule="实施条例 196",
        label=N_("Supplementary evidence given"),
    ),
    _t(
        "extend_trial",
        {S.TRIAL_ACCEPTED},
        None,
        {SL},
        (ZY,),
        (Clock(ClockOp.EXTEND, "trial"),),
        rule="规则 55",
        label=N_("Extend the trial"),
    ),
    _t("trial_report", {S.TRIAL_ACCEPTED}, S.TRIAL_REPORTED, {SL}, (), (), rule="规则 55", label=N_("Trial report written")),
    _t(
        "county_check",
        {S.TRIAL_REPORTED},
        S.COUNTY_CHECKED,
        {SLS},
        (),
        (),
        township=True,
        rule="杭锦旗",
        label=N_("County trial office check"),
    ),
    _t(
        "decide",
        {S.TRIAL_REPORTED},
        S.DECIDED_BY_CWH,
        {SL},
        (ZY, CWH),
        (),  # the trial clock runs until the decision is final or sent to the Party committee
        township=False,
        rule="规则 56",
        label=N_("Standing committee decision"),
    ),
    _t(
        "decide",
        {S.COUNTY_CHECKED},
        S.DECIDED_BY_CWH,
        {SL, SLS},
        (ZY, CWH),
        (),  # the trial clock runs until the decision is final or sent to the Party committee
        township=True,
        rule="规则 56",
        label=N_("Standing committee decision"),
    ),
    _t(
        "request_party_approval",
        {S.DECIDED_BY_CWH},
        S.PARTY_APPROVAL_PENDING,
        {AG},
        (),
        (stop("trial"), start("party_approval")),
        rule="批准权限规定 17",
        label=N_("Send to the Party committee"),
    ),
    _t(
        "party_approve",
        {S.PARTY_APPROVAL_PENDING},
        S.DECIDED,
        {AG},
        (DW,),
        (stop("party_approval"), start("announce")),
        rule="批准权限规定 6",
        label=N_("Party committee approval"),
    ),
    _t(
        "finalise",
        {S.DECIDED_BY_CWH},
        S.DECIDED,
        {AG},
        (),
        (stop("trial"), start("announce")),
        rule="规则 56",
        label=N_("Decision final"),
    ),
    # §3.5 sanction and execution
    _t(
        "announce",
        {S.DECIDED},
        S.ANNOUNCED,
        {AG, SC},
        (),
        (stop("announce"), start("execute")),
        rule="规则 56",
        label=N_("Party sanction announced"),
    ),
    _t(
        "serve",
        {S.DECIDED},
        S.SERVED,
        {AG, SC},
        (),
        (stop("announce"), start("execute")),
        rule="实施条例 203",
        label=N_("Government sanction served"),
    ),
    _t(
        "extend_execution",
        {S.ANNOUNCED, S.SERVED},
        None,
        {AG},
        (ZY,),
        (Clock(ClockOp.EXTEND, "execute"),),
        rule="实施条例 203",
        label=N_("Extend the execution"),
    ),
    _t(
        "execute",
        {S.ANNOUNCED, S.SERVED},
        S.EXECUTED,
        {AG},
        (),
        (STOP_ALL,),
        rule="实施条例 203",
        label=N_("Executed and reported back"),
    ),
    _t(
        "transfer_prosecution",
        {S.DECIDED},
        S.TRANSFERRED_PROSECUTION,
        {AG},
        (ZY,),
        (STOP_ALL,),
        rule="规则 57",
        label=N_("Transfer to the procuratorate"),
    ),
    _t("expire_effect", {S.EXECUTED}, S.EFFECT_EXPIRED, {AG}, (), (), rule="§4.5", label=N_("Effect period over")),
    # §3.6 appeal
    _t(
        "appeal",
        SANCTIONED,
        S.APPEAL_RECEIVED,
        {AG},
        (),
        (start("appeal"),),
        effects=("appeal",),
        rule="规则 59",
        label=N_("Appeal received"),
    ),
    _t(
        "appeal_accept",
        {S.APPEAL_RECEIVED},
        S.APPEAL_REVIEWING,
        {FC},
        (FG,),
        (),
        rule="规则 59",
        label=N_("Appeal accepted for review"),
    ),
    _t(
        "appeal_decide",
        {S.APPEAL_REVIEWING},
        S.APPEAL_DECIDED,
        {FC},
        (FG,),
        (STOP_ALL,),
        rule="规则 59",
        label=N_("Appeal decided"),
    ),
    # 交办件: extension with the main leader's approval (检举控告规则 21)
    _t(
        "extend_upper",
        LIVE_CLUE_STATES,
        None,
        {AG},
        (ZY,),
        (Clock(ClockOp.EXTEND, "upper_assigned"),),
        only_source="upper_assigned",
        rule="检举控告规则 21",
        label=N_("Extend the handed-down matter"),
    ),
)

P = PetitionState
PETITION_TRANSITIONS: tuple[Transition, ...] = (
    _t(
        "acknowledge",
        {P.REGISTERED, P.CONVERTED_TO_CLUE, P.FORWARDED_DOWN},
        None,
        {XF},
        (),
        (stop("petition_ack"),),
        effects=("acknowledged",),
        rule="检举控告规则 26",
        label=N_("Acceptance notice sent"),
    ),
    _t(
        "not_accepted_forward",
        {P.REGISTERED},
        P.NOT_ACCEPTED_FORWARDED,
        {XF},
        (),
        (STOP_ALL,),
        rule="检举控告规则 13",
        label=N_("Not accepted: forwarded"),
    ),
    _t(
        "not_accepted_inform",
        {P.REGISTERED},
        P.NOT_ACCEPTED_INFORMED,
        {XF},
        (),
        (STOP_ALL,),
        rule="检举控告规则 13",
        label=N_("Not accepted: told where to go"),
    ),
    _t(
        "report_up",
        {P.REGISTERED},
        P.REPORTED_UP,
        {XF},
        (),
        (STOP_ALL, start("petition_report_up")),
        effects=("reported_up",),
        rule="检举控告规则 15",
        label=N_("Report to the upper level"),
    ),
    _t(
        "sent_up",
        {P.REPORTED_UP},
        P.CLOSED,
        {Who.MAIN_LEADER},
        (),
        (STOP_ALL,),
        rule="检举控告规则 15",
        label=N_("Sent to the upper level"),
    ),
    _t(
        "forward_down",
        {P.REGISTERED},
        P.FORWARDED_DOWN,
        {XF},
        (),
        (stop("petition_handling"), start("petition_forward_down")),
        rule="检举控告规则 16",
        label=N_("Forward to a lower level"),
    ),
    _t(
        "merge_duplicate",
        {P.REGISTERED},
        P.MERGED_DUPLICATE,
        {XF},
        (),
        (STOP_ALL,),
        effects=("merge",),
        rule="检举控告规则 14",
        label=N_("Repeat report: merge"),
    ),
    _t(
        "route_appeal",
        {P.REGISTERED},
        P.ROUTED_TO_APPEAL,
        {XF},
        (),
        (stop("petition_handling"),),
        rule="§3.6",
        label=N_("Route to the appeal track"),
    ),
    _t(
        "convert",
        {P.REGISTERED},
        P.CONVERTED_TO_CLUE,
        {XF},
        (),
        (stop("petition_handling"),),
        effects=("convert",),
        rule="检举控告规则 14",
        label=N_("Convert into a clue"),
    ),
    # done by the hub itself when the clue is finished (办结); nobody may request them
    _t(
        "clue_finished",
        {P.CONVERTED_TO_CLUE},
        P.FEEDBACK_DUE,
        set(),
        (),
        (start("petition_feedback"),),
        rule="检举控告规则 26",
        label=N_("Clue finished: the named informant is owed the result"),
    ),
    _t(
        "clue_finished_anonymous",
        {P.CONVERTED_TO_CLUE},
        P.CLOSED,
        set(),
        (),
        (STOP_ALL,),
        rule="检举控告规则 29",
        label=N_("Clue finished (anonymous report)"),
    ),
    _t(
        "give_feedback",
        {P.FEEDBACK_DUE},
        P.CLOSED,
        {XF},
        (),
        (STOP_ALL,),
        rule="检举控告规则 26",
        label=N_("Result told to the informant"),
    ),
    _t("close", {P.FORWARDED_DOWN, P.ROUTED_TO_APPEAL}, P.CLOSED, {XF}, (), (STOP_ALL,), label=N_("Close")),
)


def _fits(t: Transition, state: str, township: bool, source: str | None) -> bool:
    return (
        state in t.sources
        and (t.township is None or t.township == township)
        and (t.only_source is None or t.only_source == source)
    )


def find(
    transitions: tuple[Transition, ...], event: str, state: str, *, township: bool, source: str | None = None
) -> Transition | None:
    """The one transition for this event from this state, or None when the workflow forbids it."""
    return next((t for t in transitions if t.event == event and _fits(t, state, township, source)), None)


def events_from(
    transitions: tuple[Transition, ...], state: str, *, township: bool, source: str | None = None
) -> list[Transition]:
    return [t for t in transitions if _fits(t, state, township, source)]


def approvals_for(t: Transition, *, lower_leader: bool) -> tuple[Approver, ...]:
    if lower_leader and t.lower_leader_approvals is not None:
        return t.lower_leader_approvals
    return t.approvals
