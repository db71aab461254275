"""Correcting the subject's data: null clears what may be empty and is refused (422, not a 500) for the rest.

Found by the API fuzzing (tests/fuzz): ``{"version": 1, "subject_party_member": null}`` reached the database as a NULL
in a NOT NULL column."""

import pytest

from tests.cases.http_support import Staff


@pytest.mark.parametrize("field", ["subject_name", "subject_party_member", "subject_post", "subject_lower_leader", "summary"])
async def test_null_is_refused_for_a_field_that_cannot_be_empty(new_browser, kit, field):
    clue = await kit.register_clue(township_id=kit.unit("tw.xini"))
    staff = Staff(new_browser)
    answer = await staff.json(
        "casemgmt1", "PATCH", f"/api/v1/clues/{clue.id}", {"version": clue.version, field: None}, status=422
    )
    assert set(answer["error"]["fields"]) == {field}
    assert (await kit.clue(clue.id)).version == clue.version  # nothing changed


async def test_null_clears_what_may_be_empty(new_browser, kit):
    clue = await kit.register_clue(township_id=kit.unit("tw.xini"), subject_gender="male", subject_rank="village")
    staff = Staff(new_browser)
    patched = await staff.json(
        "casemgmt1", "PATCH", f"/api/v1/clues/{clue.id}",
        {"version": clue.version, "subject_gender": None, "subject_rank": None, "subject_post": "嘎查党支部书记"},
    )  # fmt: skip
    assert patched["id"] == clue.id
    stored = await kit.clue(clue.id)
    assert (stored.subject_gender, stored.subject_rank, stored.subject_post) == (None, None, "嘎查党支部书记")
