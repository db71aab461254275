"""督办: a matter that turns red gets one notice per red spell, addressed to the deputy leader over it with the main
leader in copy; the deputy answers once; the notice and its answer show on the matter's page."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from hub.auth.interface import PortfolioEntry, User
from hub.cases.models import Clue
from hub.clock import LOCAL_TZ
from hub.reports import supervision
from hub.reports.models import SuperviseNotice
from tests.cases.http_support import Staff


async def _raise(database, clock) -> int:
    async with database.transaction() as s:
        return await supervision.raise_notices(s, clock.now().astimezone(LOCAL_TZ).date(), clock.now())


async def test_a_red_matter_gets_one_notice_per_spell_and_the_deputy_answers_it(database, kit, clock, new_browser):
    clue = await kit.register_clue(township_id=kit.unit("tw.xini"), subject_name="王某某")
    assert clue.due_date is not None
    async with database.transaction(write=False) as s:
        over = sorted(
            (
                await s.execute(
                    select(User.username, User.id)
                    .join(PortfolioEntry, PortfolioEntry.user_id == User.id)
                    .where(PortfolioEntry.org_unit_id == kit.unit("tw.xini"))
                )
            ).all()
        )
    deputy_name, deputy_id = over[0]
    other = "deputy2" if deputy_name != "deputy2" else "deputy1"
    assert await _raise(database, clock) == 0  # not red yet
    clock.advance(dt.timedelta(days=(clue.due_date - kit.today).days + 1))
    assert await _raise(database, clock) == 1
    assert await _raise(database, clock) == 0  # idempotent: one notice per spell
    async with database.transaction(write=False) as s:
        notice = await s.scalar(select(SuperviseNotice).where(SuperviseNotice.clue_id == clue.id))
    assert notice.deputy_id == deputy_id and notice.due_date == clue.due_date and notice.answered_at is None

    staff = Staff(new_browser)
    deputy, leader = await staff(deputy_name), await staff("leader")
    assert "待答复的督办通知" in await (await deputy.get("/home")).text()
    assert "抄送：尚未答复的督办通知" in await (await leader.get("/home")).text()
    assert "王某某" in await (await leader.get("/supervision")).text()
    assert "王某某" not in await (await (await staff(other)).get("/supervision")).text()
    # only the deputy addressed answers: the main leader is in copy (403), others do not see it (404)
    body = {"answer": "已督促承办单位本周内办结。", "version": str(notice.version)}
    assert (await leader.post_form(f"/supervision/{notice.id}/answer", body)).status == 403
    assert (await (await staff("group3.1")).post_form(f"/supervision/{notice.id}/answer", body)).status == 404
    empty = await deputy.post_form(f"/supervision/{notice.id}/answer", {"answer": "", "version": str(notice.version)})
    assert empty.status == 303 and "/supervision" in empty.headers["Location"]
    resp = await deputy.post_form(f"/supervision/{notice.id}/answer", body)
    assert resp.status == 303 and resp.headers["Location"] == f"/clues/{clue.id}"
    again = await deputy.post_form(f"/supervision/{notice.id}/answer", {**body, "version": str(notice.version + 1)})
    assert again.status == 303 and "error" in again.headers["Location"]
    page = await (await leader.get(f"/clues/{clue.id}")).text()
    assert "督办通知" in page and "已督促承办单位本周内办结。" in page
    assert "待答复的督办通知" not in await (await deputy.get("/home")).text()

    # a new deadline missed again is a new red spell: a second notice, the first one kept with its answer
    async with database.transaction() as s:
        later = kit.today + dt.timedelta(days=5)
        await s.execute(update(Clue).where(Clue.id == clue.id).values(due_date=later, due_key="prelim_check"))
    assert await _raise(database, clock) == 0
    clock.advance(dt.timedelta(days=6))
    assert await _raise(database, clock) == 1
    async with database.transaction(write=False) as s:
        kept = (await s.scalars(select(SuperviseNotice).where(SuperviseNotice.clue_id == clue.id))).all()
        count = await s.scalar(select(func.count()).select_from(SuperviseNotice))
    assert count == 2 and [n.answer for n in sorted(kept, key=lambda n: n.id)] == ["已督促承办单位本周内办结。", ""]
