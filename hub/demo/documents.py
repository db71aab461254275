"""Demo documents: a Xini town case with its interview record, an approved preliminary check report sent to the petition
office (its receipt not yet signed), a filing form waiting for the main leader, and an uploaded audit transfer; a case at
trial with an approved trial report and a draft sanction decision. Made with the documents part's own services, so every
file is encrypted in the evidence store, numbered, rendered to PDF and DOCX, and searchable."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import select

from hub.auth.interface import staff_actor_named
from hub.cases.interface import CASES
from hub.cases.models import Clue
from hub.documents.interface import DocumentKind, service
from hub.documents.kinds import KINDS, Filled
from hub.http.keys import CLOCK, DB, SETTINGS
from hub.org.interface import OrgUnit
from hub.store.interface import EvidenceStore


async def _actor(s: Any, username: str) -> Any:
    actor = await staff_actor_named(s, username)
    assert actor is not None, username
    return actor


async def _print_approved(s: Any, store: EvidenceStore, actor: Any, doc: Any, now: Any) -> None:
    found = await service.approved_copy(s, doc)
    if found is not None:
        kind, filled = found
        await service.save_approved_copy(s, store, actor, doc, kind, filled, await service.render_off_loop(kind, filled), now)


async def load_demo(app: web.Application) -> dict[str, int]:
    db, now, settings = app[DB], app[CLOCK].now(), app[SETTINGS]
    store = await EvidenceStore.open(settings.var_dir, master_key_b64=settings.master_key)
    ctx = app[CASES]
    made = 0
    async with db.transaction() as s:
        xini = await s.scalar(select(OrgUnit.id).where(OrgUnit.code == "tw.xini"))
        filed = await s.scalar(
            select(Clue)
            .where(Clue.township_id == xini, Clue.filed_on.is_not(None), Clue.closed_on.is_(None))
            .order_by(Clue.id)
            .limit(1)
        )
        at_trial = await s.scalar(
            select(Clue).where(Clue.trial_on.is_not(None), Clue.closed_on.is_(None)).order_by(Clue.id).limit(1)
        )
        casemgmt, deputy, leader = await _actor(s, "casemgmt1"), await _actor(s, "deputy1"), await _actor(s, "leader")
        if filed is not None:
            await service.generate(s, store, casemgmt, filed, DocumentKind.INTERVIEW_RECORD, {
                "started": f"{now:%Y-%m-%d} 09:00", "ended": f"{now:%Y-%m-%d} 10:20", "place": "锡尼镇谈话室（远程谈话）",
                "interviewers": "第一联查联审组 李明、赵刚", "recorder": "孙丽",
                "content": "问：你是否收到过承包商送的礼金？\n答：2025年春节前收到过一个红包，两万元，至今未退。\n"
                           "问：还有其他情况需要说明吗？\n答：没有了。",
            }, now)  # fmt: skip
            report = await service.generate(s, store, casemgmt, filed, DocumentKind.PRELIMINARY_REPORT, {
                "basis": "根据旗纪委监委主要负责人批示，对反映的问题进行初步核实。",
                "findings": "经调取银行流水、询问相关人员，反映其收受承包商礼金两万元的问题基本属实。",
                "opinion": "建议对其立案审查调查。",
            }, now)  # fmt: skip
            await service.submit(s, casemgmt, report, now)
            await service.decide(s, ctx, deputy, report, filed, True, "同意，呈主要负责人审批。", now)
            await service.decide(s, ctx, leader, report, filed, True, "同意。", now)
            await _print_approved(s, store, leader, report, now)
            petition_office = await s.scalar(select(OrgUnit.id).where(OrgUnit.code == "office.petition"))
            assert petition_office is not None
            await service.transmit(s, casemgmt, report, petition_office, "请信访室答复实名举报人。", now)
            form = await service.generate(s, store, casemgmt, filed, DocumentKind.FILING_FORM, {
                "facts": "涉嫌违反廉洁纪律，收受可能影响公正执行公务的礼金。",
                "basis": "《中国共产党纪律检查机关监督执纪工作规则》第三十八条。",
                "opinion": "拟对其立案审查调查，报主要负责人审批。",
            }, now)  # fmt: skip
            await service.submit(s, casemgmt, form, now)
            spec = KINDS[DocumentKind.PRELIMINARY_REPORT]
            filled = Filled(await service.case_facts(s, filed), {
                "findings": "审计发现：工程款去向不明，涉及资金八十万元，已移交旗纪委监委。", "opinion": "移交处理。",
            }, "旗审计移〔2026〕3号", service.chinese_date(now.date()))  # fmt: skip
            pdf = service.render(spec, filled).pdf
            await service.upload(s, store, casemgmt, filed, "旗审计局移交材料", pdf, "审计移交材料.pdf", now)
            made += 4
        if at_trial is not None:
            trial = await service.generate(s, store, casemgmt, at_trial, DocumentKind.TRIAL_REPORT, {
                "facts": "经审理查明：被审查人违规接受管理和服务对象宴请三次，收受礼品礼金共计一万二千元。",
                "qualification": "违反中央八项规定精神，构成违反廉洁纪律行为。",
                "opinion": "建议给予其党内严重警告处分，收缴违纪所得。",
            }, now)  # fmt: skip
            await service.submit(s, casemgmt, trial, now)
            await service.decide(s, ctx, leader, trial, at_trial, True, "同意审理意见。", now)
            await _print_approved(s, store, leader, trial, now)
            await service.generate(s, store, casemgmt, at_trial, DocumentKind.SANCTION_DECISION, {
                "facts": "违规接受管理和服务对象宴请，收受礼品礼金共计一万二千元。",
                "basis": "《中国共产党纪律处分条例》第一百零二条、第一百零四条。",
                "decision": "给予党内严重警告处分。",
            }, now)  # fmt: skip
            made += 2
    return {"documents": made}
