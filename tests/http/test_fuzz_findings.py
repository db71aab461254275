"""Answers the API fuzz (tests/fuzz) and probes beside it found to be 500s: each is a 4xx now."""

from __future__ import annotations


async def test_a_trial_group_on_a_unit_that_is_no_township_is_refused(browser):
    await browser.sign_in("admin")
    resp = await browser.post_json(
        "/api/v1/org/units", {"kind": "commission", "code": "zz", "name_zh": "测试", "trial_group_id": 999}
    )
    assert resp.status == 422, await resp.text()
    assert "trial_group_id" in (await resp.json())["error"]["fields"]


async def test_a_malformed_key_credential_is_refused(browser):
    await browser.sign_in("group1.1")
    await browser.post_json("/api/v1/webauthn/enrol/options", {})
    resp = await browser.post_json("/api/v1/webauthn/enrol", {"name": "k", "credential": {}})
    assert 400 <= resp.status < 500, await resp.text()


async def test_ids_in_queries_and_forms_that_are_no_numbers(browser):
    await browser.sign_in("casemgmt1")
    for query in ("room=%C2%B2", "room=99999999999999999999", "user=%C2%B2%C2%B2"):
        resp = await browser.get(f"/schedule/interviews?{query}")
        assert resp.status == 200, (query, resp.status)
    await browser.sign_in("group1.1")
    resp = await browser.post_form("/rooms/sessions", {"kind": "interview", "title": "测试", "room_ids": "²"})
    assert resp.status == 422, resp.status


async def test_a_room_id_beyond_any_database_integer_is_refused(browser):
    await browser.sign_in("group1.1")
    body = {"kind": "interview", "title": "测试", "room_ids": [1, 36893488147419103233]}
    resp = await browser.post_json("/api/v1/room-sessions", body)
    assert resp.status == 422, await resp.text()
    assert "room_ids" in str((await resp.json())["error"])
