"""Done means (issue 3): a township clue goes from intake to an executed sanction through the HTTP API with every
approval, and its colour follows the fake clock."""

import datetime as dt

from sqlalchemy import select

from hub.audit import AuditEntry
from hub.cases.models import ApprovalStatus, CaseApproval
from tests.cases.http_support import Staff
from tests.cases.paths import township_path


async def _colour(staff, clue_id):
    file = await staff.json("casemgmt1", "GET", f"/api/v1/clues/{clue_id}")
    return file["clue"]["colour"], file["clue"]["due_date"]


async def test_township_clue_from_kiosk_petition_to_executed_sanction(new_browser, database, clock, kit):
    staff = Staff(new_browser)
    xini = kit.unit("tw.xini")
    petition = await staff.json(
        "petition1", "POST", "/api/v1/petitions",
        {"channel": "kiosk", "kind": "accusation", "petitioner_name": "王五", "summary": "反映嘎查村干部截留补贴",
         "accused_name": "李四", "township_id": xini},
        status=201,
    )  # fmt: skip
    assert petition["due_date"] is not None and petition["named"]
    await staff.json("petition1", "POST", f"/api/v1/petitions/{petition['id']}/events", {"event": "acknowledge"})
    converted = await staff.json(
        "petition1", "POST", f"/api/v1/petitions/{petition['id']}/events",
        {"event": "convert", "payload": {"subject_name": "李四", "subject_gender": "male", "subject_rank": "village",
                                         "subject_post": "嘎查党支部书记"}},
    )  # fmt: skip
    clue_id = converted["clue"]["id"]
    assert converted["clue"]["source"] == "accepted_here" and converted["state"] == "converted_to_clue"

    # the colour follows the clock: 处置意见 within 1 month of 2026-11-27 → 2026-12-28 (12-27 is a Sunday)
    assert await _colour(staff, clue_id) == ("green", "2026-12-28")
    clock.advance(dt.timedelta(days=5))
    assert (await _colour(staff, clue_id))[0] == "blue"
    clock.advance(dt.timedelta(days=18))
    assert (await _colour(staff, clue_id))[0] == "yellow"
    clock.advance(dt.timedelta(days=8))  # 12-28 itself: due today is still yellow
    assert (await _colour(staff, clue_id))[0] == "yellow"
    clock.advance(dt.timedelta(days=1))
    assert (await _colour(staff, clue_id))[0] == "red"
    ledger = await staff.json("casemgmt1", "GET", "/api/v1/ledger?colour=red")
    assert [r["id"] for r in ledger["items"]] == [clue_id]

    file = await staff.json("casemgmt1", "GET", f"/api/v1/clues/{clue_id}")
    path = township_path("xini1", "yihewusu1")
    for event, who in path:
        out = await staff.act(clue_id, event, who)
        assert out["applied"], (event, out)
        clock.advance(dt.timedelta(days=2))
    file = await staff.json("leader", "GET", f"/api/v1/clues/{clue_id}")
    clue = file["clue"]
    assert clue["state"] == "executed" and clue["colour"] is None
    assert clue["assignment"]["reviewer_unit_id"] == xini
    assert clue["assignment"]["township_trial_member_id"] == (await kit.actor("yihewusu1")).user_id
    assert [e["event"] for e in file["timeline"] if ":" not in e["event"]] == ["register"] + [e for e, _ in path]
    # every approval was signed, by an account, in order
    async with database.transaction(write=False) as s:
        steps = (await s.scalars(select(CaseApproval).where(CaseApproval.clue_id == clue_id).order_by(CaseApproval.id))).all()
        signed = (await s.scalars(select(AuditEntry.actor_label).where(AuditEntry.action == "clue.approve"))).all()
    assert steps and all(a.status is ApprovalStatus.APPROVED and a.decided_label.startswith("user:") for a in steps)
    assert {a.approver for a in steps} == {"ZY", "FG", "DW", "CWH"}
    assert set(signed) == {"user:leader", "user:deputy1", "user:casemgmt1"}
    # the named informant is now owed the result
    back = await staff.json("petition1", "GET", f"/api/v1/petitions/{petition['id']}")
    assert back["petition"]["state"] == "feedback_due" and back["petition"]["due_date"] is not None


async def test_forbidden_transition_over_http_is_409_with_reason_and_nothing_changes(new_browser, kit):
    staff = Staff(new_browser)
    clue = await staff.json(
        "casemgmt1", "POST", "/api/v1/clues",
        {"source": "transferred", "summary": "公安机关移送", "subject_name": "赵六", "unit_id": kit.unit("unit.01.0")},
        status=201,
    )  # fmt: skip
    resp = await (await staff("casemgmt1")).post_json(f"/api/v1/clues/{clue['id']}/events", {"event": "execute"})
    body = await resp.json()
    assert resp.status == 409 and body["error"]["code"] == "transition_not_allowed"
    assert body["error"]["fields"]["allowed"] == "assign" and body["error"]["message"] == "此阶段不能办理这一步。"
    after = await staff.json("casemgmt1", "GET", f"/api/v1/clues/{clue['id']}")
    assert after["clue"]["state"] == "received" and after["clue"]["version"] == clue["version"]


async def test_recused_person_is_refused_and_the_block_is_in_the_audit_log(new_browser, database, kit):
    staff = Staff(new_browser)
    clue = await staff.json(
        "casemgmt1", "POST", "/api/v1/clues",
        {"source": "self_found", "summary": "巡察发现", "subject_name": "钱七", "unit_id": kit.unit("unit.01.0")},
        status=201,
    )  # fmt: skip
    await staff.act(clue["id"], "assign", "casemgmt1")
    reviewer = await kit.actor("group2.1")
    await staff.json(
        "casemgmt1",
        "POST",
        f"/api/v1/clues/{clue['id']}/recusals",
        {"user_id": reviewer.user_id, "reason": "被反映人配偶的兄弟"},
        status=201,
    )
    resp = await (await staff("group2.1")).post_json(f"/api/v1/clues/{clue['id']}/events", {"event": "dispose_close"})
    assert resp.status == 403 and (await resp.json())["error"]["code"] == "recused"
    async with database.transaction(write=False) as s:
        blocks = (await s.scalars(select(AuditEntry).where(AuditEntry.action == "clue.recusal.block"))).all()
    assert [(b.actor_label, b.object_id) for b in blocks] == [("user:group2.1", str(clue["id"]))]
