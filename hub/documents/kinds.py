"""The standard documents, declared once: name, 文号 rule, the fields a person fills, the approval chain (呈批), and
how the case's data and those fields become the document's content (``content.Block``s, rendered to PDF and DOCX).

Each kind numbers its documents in a sequence of its own per year (``hub.numbering``): 旗纪谈〔2026〕12号.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from types import MappingProxyType
from typing import Any

from hub.documents.content import Block, Facts, Heading, Line, Paragraphs, Signatures, Title
from hub.documents.models import DocumentKind
from hub.i18n import N_

COMMISSION = "中共杭锦旗纪律检查委员会 杭锦旗监察委员会"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str  # English message id (the form is a page)
    printed: str  # the heading printed in the document
    multiline: bool = True
    required: bool = False


@dataclass(frozen=True)
class CaseFacts:
    """What the documents print of the case (read from the clue by the service)."""

    case_number: str
    subject_name: str
    subject_gender: str
    subject_birth_date: str
    subject_post: str
    subject_unit: str
    party_member: bool
    summary: str


@dataclass(frozen=True)
class RecordingRef:
    """A recording of the case, as the interview record cites it."""

    title: str
    started: str
    ended: str
    fingerprints: tuple[str, ...]  # one per segment, grouped for reading aloud


@dataclass(frozen=True)
class Filled:
    """Everything a document is generated from."""

    facts: CaseFacts
    fields: Mapping[str, str]
    number: str
    date: str  # 2026年11月27日
    recording: RecordingRef | None = None
    # the signed approval steps (approver, name, decision and comment, date), printed on the approved version
    approvals: tuple[tuple[str, str, str, str], ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"facts": asdict(self.facts), "fields": dict(self.fields), "number": self.number, "date": self.date,
                "recording": asdict(self.recording) if self.recording else None}  # fmt: skip

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Filled:
        rec = raw.get("recording")
        recording = RecordingRef(rec["title"], rec["started"], rec["ended"], tuple(rec["fingerprints"])) if rec else None
        return cls(CaseFacts(**raw["facts"]), raw["fields"], raw["number"], raw["date"], recording)


APPROVER_TITLES = {"ZY": "主要负责人", "FG": "分管领导", "DW": "党委", "CWH": "常委会", "SJ": "上级纪委监委"}


def _approvals(filled: Filled) -> list[Block]:
    if not filled.approvals:
        return []
    rows = tuple((f"{APPROVER_TITLES.get(a, a)}意见", f"{text}　{name}　{day}") for a, name, text, day in filled.approvals)
    return [Heading("审批意见"), Facts(rows)]


@dataclass(frozen=True)
class Kind:
    kind: DocumentKind
    label: str  # English message id
    printed_title: str  # the title printed on the document
    prefix: str  # 文号 prefix: {prefix}〔{year}〕{n}号
    approvers: tuple[str, ...]  # the workflow's approver codes, in order (ZY main leader, FG deputy)
    fields: tuple[FieldSpec, ...]
    generated: bool = True

    def number(self, year: int, n: int) -> str:
        return f"{self.prefix}〔{year}〕{n}号"


def _subject(f: CaseFacts) -> Facts:
    return Facts(
        (
            ("案件编号", f.case_number),
            ("姓名", f.subject_name),
            ("性别", f.subject_gender or "—"),
            ("出生日期", f.subject_birth_date or "—"),
            ("工作单位及职务", " ".join(x for x in (f.subject_unit, f.subject_post) if x) or "—"),
            ("政治面貌", "中共党员" if f.party_member else "非中共党员"),
        )
    )


def _sections(kind: Kind, filled: Filled) -> list[Block]:
    out: list[Block] = []
    for spec in kind.fields:
        value = filled.fields.get(spec.name, "").strip()
        if spec.multiline:
            out += [Heading(spec.printed), Paragraphs(value or "（无）")]
    return out


def _standard(kind: Kind, filled: Filled) -> list[Block]:
    return [
        Line(COMMISSION, align="center"),
        Title(kind.printed_title),
        Line(filled.number, align="right"),
        _subject(filled.facts),
        Heading("问题线索摘要"),
        Paragraphs(filled.facts.summary),
        *_sections(kind, filled),
        *_approvals(filled),
        Signatures(("承办人", "审核人", "批准人")),
        Line(filled.date, align="right"),
    ]


def _interview(kind: Kind, filled: Filled) -> list[Block]:
    f, get = filled.facts, filled.fields.get
    rows = [
        ("案件编号", f.case_number),
        ("时间", f"{get('started', '')} 至 {get('ended', '')}"),
        ("地点", get("place", "") or "—"),
        ("谈话人", get("interviewers", "") or "—"),
        ("记录人", get("recorder", "") or "—"),
        ("被谈话人", get("interviewee", "") or f.subject_name),
        ("工作单位及职务", " ".join(x for x in (f.subject_unit, f.subject_post) if x) or "—"),
    ]
    if filled.recording is not None:
        r = filled.recording
        rows.append(("同步录音录像", f"{r.title}（{r.started} 至 {r.ended}）"))
        rows += [(f"录音录像指纹（第{i}段）", fp) for i, fp in enumerate(r.fingerprints, start=1)]
    else:
        rows.append(("同步录音录像", "无"))
    return [
        Line(COMMISSION, align="center"),
        Title(kind.printed_title),
        Line(filled.number, align="right"),
        Facts(tuple(rows)),
        Heading("谈话内容"),
        Paragraphs(get("content", "") or "（无）"),
        Paragraphs("以上笔录我已看过，与我说的一致。"),
        Signatures(("被谈话人", "谈话人", "记录人")),
        Line(filled.date, align="right"),
    ]


_TIMES = (
    FieldSpec("started", N_("Start (e.g. 2026-11-27 09:00)"), "开始时间", multiline=False, required=True),
    FieldSpec("ended", N_("End (e.g. 2026-11-27 10:30)"), "结束时间", multiline=False, required=True),
    FieldSpec("place", N_("Place"), "地点", multiline=False),
    FieldSpec("interviewers", N_("Interviewers"), "谈话人", multiline=False),
    FieldSpec("recorder", N_("Clerk"), "记录人", multiline=False),
    FieldSpec("interviewee", N_("Person interviewed (empty: the subject)"), "被谈话人", multiline=False),
    FieldSpec("content", N_("Questions and answers"), "谈话内容", required=True),
)

KINDS: Mapping[DocumentKind, Kind] = MappingProxyType(
    {
        k.kind: k
        for k in (
            Kind(DocumentKind.UPLOAD, N_("Uploaded file"), "", "旗纪材", (), (), generated=False),
            Kind(DocumentKind.INTERVIEW_RECORD, N_("Interview record"), "谈话笔录", "旗纪谈", (), _TIMES),
            Kind(
                DocumentKind.PRELIMINARY_REPORT,
                N_("Preliminary check report"),
                "初步核实情况报告",
                "旗纪核",
                ("FG", "ZY"),
                (
                    FieldSpec("basis", N_("Basis of the check"), "核实依据"),
                    FieldSpec("findings", N_("What the check found"), "核实情况", required=True),
                    FieldSpec("opinion", N_("Proposed disposal"), "处置意见", required=True),
                ),
            ),
            Kind(
                DocumentKind.FILING_FORM,
                N_("Case filing approval form"),
                "立案审查调查呈批表",
                "旗纪立",
                ("ZY",),
                (
                    FieldSpec("facts", N_("Main problems"), "主要问题", required=True),
                    FieldSpec("basis", N_("Grounds for filing"), "立案依据"),
                    FieldSpec("opinion", N_("Proposed handling"), "拟办意见", required=True),
                ),
            ),
            Kind(
                DocumentKind.REVIEW_REPORT,
                N_("Review report"),
                "审查调查报告",
                "旗纪审查",
                ("ZY",),
                (
                    FieldSpec("facts", N_("Facts of the violations"), "违纪违法事实", required=True),
                    FieldSpec("attitude", N_("Attitude of the person"), "被审查调查人态度"),
                    FieldSpec("opinion", N_("Proposed handling"), "处理意见", required=True),
                ),
            ),
            Kind(
                DocumentKind.TRIAL_REPORT,
                N_("Trial report"),
                "审理报告",
                "旗纪审理",
                ("ZY",),
                (
                    FieldSpec("facts", N_("Facts found at trial"), "审理认定的事实", required=True),
                    FieldSpec("qualification", N_("Nature of the violations"), "性质认定"),
                    FieldSpec("opinion", N_("Trial opinion"), "审理意见", required=True),
                ),
            ),
            Kind(
                DocumentKind.SANCTION_DECISION,
                N_("Sanction decision"),
                "处分决定",
                "旗纪处",
                ("ZY",),
                (
                    FieldSpec("facts", N_("Facts of the violations"), "违纪违法事实", required=True),
                    FieldSpec("basis", N_("Rules applied"), "处分依据"),
                    FieldSpec("decision", N_("The decision"), "处分决定", required=True),
                ),
            ),
        )
    }
)

GENERATED = tuple(k for k in KINDS.values() if k.generated)

BUILDERS: Mapping[DocumentKind, Callable[[Kind, Filled], list[Block]]] = MappingProxyType(
    {k.kind: (_interview if k.kind is DocumentKind.INTERVIEW_RECORD else _standard) for k in GENERATED}
)


def build(kind: Kind, filled: Filled) -> list[Block]:
    return BUILDERS[kind.kind](kind, filled)
