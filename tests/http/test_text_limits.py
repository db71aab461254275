"""Input that the database or the parser cannot take is refused at the edge with a 400, on SQLite and PostgreSQL alike:
a NUL character in text (PostgreSQL's text refuses it: the request used to end in a 500 there) and JSON nested deeper
than the parser goes (a RecursionError, a 500 on either backend)."""

from hub.http.validation import holds_nul


def test_a_nul_is_found_wherever_it_is():
    assert holds_nul({"a": [1, {"b": "x\x00"}]})
    assert holds_nul({"k\x00": 1})
    assert holds_nul(["", ["\x00"]])
    assert not holds_nul({"a": [1, None, True, 2.5, {"b": "x\\u0000"}]})
    deep: list[object] = []
    for _ in range(100_000):  # deeper than recursion would go
        deep = [deep]
    assert not holds_nul(deep)


async def test_nul_in_a_json_body_is_a_400_and_nothing_is_written(browser):
    await browser.sign_in("casemgmt1")
    for body in (
        {"source": "accepted_here", "summary": "a\x00b", "subject_name": "x"},
        {"source": "accepted_here", "summary": "ok", "subject_name": "x", "extra\x00": 1},
    ):
        answer = await browser.post_json("/api/v1/clues", body)
        assert answer.status == 400, await answer.text()
        assert (await answer.json())["error"]["code"] == "nul_character"
    listed = await browser.get("/api/v1/ledger")
    assert (await listed.json())["items"] == []


async def test_nul_in_a_form_the_query_or_the_path_is_a_400(browser):
    assert (await browser.post_form("/signin", {"username": "leader\x00", "password": "x"})).status == 400
    await browser.sign_in("admin")
    assert (await browser.get("/api/v1/ledger?q=%00")).status == 400
    answer = await browser.send_json("PUT", "/api/v1/cases/limits/a%00b", {"amount": 1, "unit": "days"})
    assert answer.status == 400
    assert (await answer.json())["error"]["code"] == "nul_character"


async def test_json_nested_too_deeply_is_a_400(browser):
    await browser.sign_in("casemgmt1")
    body = b"[" * 100_000 + b"]" * 100_000  # within the 256 KiB a JSON body may have
    answer = await browser.send_json("POST", "/api/v1/clues", data=body, headers={"Content-Type": "application/json"})
    assert answer.status == 400, await answer.text()
    assert (await answer.json())["error"]["code"] == "malformed_json"
