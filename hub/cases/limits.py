"""Time limits, declared once with their defaults (workflow.md §0, §1); an administrator may change each."""

from __future__ import annotations

from dataclasses import dataclass

from hub.cases.workdays import PeriodUnit
from hub.i18n import N_

D, WD, M = PeriodUnit.DAYS, PeriodUnit.WORKING_DAYS, PeriodUnit.MONTHS


@dataclass(frozen=True)
class Limit:
    key: str
    amount: int
    unit: PeriodUnit
    label: str  # English message id
    rule: str
    extension_amount: int = 0
    max_extensions: int = 0


DEFAULTS: tuple[Limit, ...] = (
    Limit("petition_handling", 15, D, N_("Handle a registered petition"), "信访工作条例 22"),
    Limit("petition_ack", 15, WD, N_("Acceptance notice to a named informant"), "检举控告规则 26"),
    Limit("petition_report_up", 5, WD, N_("Send to the upper level"), "检举控告规则 15"),
    Limit("petition_forward_down", 5, WD, N_("Lower level registers the forwarded matter"), "检举控告规则 16"),
    Limit("petition_feedback", 15, WD, N_("Tell the informant the result"), "检举控告规则 26"),
    Limit("clue_disposal", 1, M, N_("Disposal proposal"), "规则 21"),
    Limit("upper_assigned", 3, M, N_("Finish a handed-down matter"), "检举控告规则 21", 3, 1),
    Limit("talk_letter_reply", 15, WD, N_("Reply to an inquiry letter"), "规则 29"),
    Limit("talk_letter_report", 1, M, N_("Report after a talk or reply"), "规则 30"),
    Limit("prelim_check", 60, D, N_("Preliminary check"), "§0 (local policy)"),
    Limit("shelved_review", 3, M, N_("Review a shelved clue"), "§0 (quarterly)"),
    Limit("review", 90, D, N_("Review and investigation"), "2017 试行 规则 28 / local rule", 90, 1),
    Limit("supplement", 1, M, N_("Supplementary investigation"), "local rule"),
    Limit("trial", 1, M, N_("Trial"), "规则 55; 实施条例 194", 1, 3),
    Limit("party_approval", 15, D, N_("Send to the Party committee"), "批准权限规定 17"),
    Limit("announce", 1, M, N_("Announce or serve the decision"), "规则 56; 实施条例 203"),
    Limit("execute", 1, M, N_("Carry out the sanction"), "实施条例 203 (max 6 months)", 1, 5),
    Limit("appeal", 3, M, N_("Finish the appeal review"), "规则 59"),
    Limit("instructed", 1, M, N_("Deadline set by the instructing leader"), "§0"),
)
BY_KEY = {limit.key: limit for limit in DEFAULTS}
