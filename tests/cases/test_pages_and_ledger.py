"""The ledger page and API, counts, CSV export, the case file page and its forms."""

import csv
import datetime as dt
import io

import openpyxl

from hub.cases.models import ClueSource
from tests.cases.http_support import Staff


async def _spread(kit):
    """Clues due in 3, 20 and 60 days and one overdue, all about units of group 1."""
    ids = {}
    for name, days in (("red", -2), ("yellow", 3), ("blue", 20), ("green", 60)):
        clue = await kit.register_clue(
            unit_id=kit.unit("unit.01.0"), subject_name=f"{name}人", source=ClueSource.LEADER_INSTRUCTED,
            instructed_due=kit.today + dt.timedelta(days=days),
        )  # fmt: skip
        ids[name] = clue.id
    return ids


async def test_ledger_filters_by_colour_sorts_by_urgency_and_counts(new_browser, kit, clock):
    ids = await _spread(kit)
    staff = Staff(new_browser)
    page = await staff.json("leader", "GET", "/api/v1/ledger")
    assert [r["id"] for r in page["items"]] == [ids["red"], ids["yellow"], ids["blue"], ids["green"]]
    assert [r["colour"] for r in page["items"]] == ["red", "yellow", "blue", "green"]
    counts = await staff.json("leader", "GET", "/api/v1/ledger/counts")
    assert {k: counts[k] for k in ("red", "yellow", "blue", "green", "total")} == {
        "red": 1, "yellow": 1, "blue": 1, "green": 1, "total": 4,
    }  # fmt: skip
    blue = await staff.json("leader", "GET", "/api/v1/ledger?colour=blue")
    assert [r["id"] for r in blue["items"]] == [ids["blue"]]
    # ten days later the colours have moved on; nothing was rewritten
    clock.advance(dt.timedelta(days=10))
    counts = await staff.json("leader", "GET", "/api/v1/ledger/counts")
    # the "green" clue's nearest deadline is its 1-month disposal clock (2026-12-28), 21 days away now: blue
    assert (counts["red"], counts["yellow"], counts["blue"], counts["green"]) == (2, 1, 1, 0)
    found = await staff.json("leader", "GET", "/api/v1/ledger?q=green")
    assert [r["id"] for r in found["items"]] == [ids["green"]]
    bad = await (await staff("leader")).get("/api/v1/ledger?colour=purple")
    assert bad.status == 422 and "colour" in (await bad.json())["error"]["fields"]
    # group 5 sees none of group 1's clues, in the list and in the counts
    assert (await staff.json("group5.1", "GET", "/api/v1/ledger/counts"))["total"] == 0


def _as_csv(value: object) -> str:
    """A workbook cell as the CSV writes it (a date cell reads back as a datetime at midnight)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return "" if value is None else str(value)


def _unguarded(text: str) -> str:
    """The CSV guards a negative number like a formula ('-2); the workbook keeps it a number."""
    return text[1:] if text.startswith("'-") and text[2:].isdigit() else text


async def test_ledger_page_csv_and_case_file_forms(new_browser, kit):
    ids = await _spread(kit)
    staff = Staff(new_browser)
    browser = await staff("casemgmt1")
    resp = await browser.get("/ledger?colour=red")
    html = await resp.text()
    assert resp.status == 200 and "red人" in html and "green人" not in html and "已逾期" in html
    assert "领导批办" in html and "已受理" in html and 'title="已到期"' in html  # labels of the enum values, in Chinese
    unit_page = await (await browser.get(f"/ledger?unit_id={kit.unit('unit.01.0')}&due_from=2026-01-01")).text()
    assert "red人" in unit_page and "旗委办公室" in unit_page
    resp = await browser.get("/ledger.csv")
    text = (await resp.read()).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert resp.status == 200 and [r["期限颜色"] for r in rows] == ["已到期", "10日内到期", "30日内到期", "30日以外到期"]
    assert rows[0]["线索来源"] == "领导批办" and rows[0]["被反映人"] == "red人"
    # the workbook: the CSV's columns and rows, dates as dates, numbers as numbers
    resp = await browser.get("/ledger.xlsx")
    assert resp.status == 200 and "spreadsheetml" in resp.headers["Content-Type"]
    sheet = openpyxl.load_workbook(io.BytesIO(await resp.read()), read_only=True).active
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[0] == list(rows[0].keys())
    assert [[_as_csv(v) for v in r] for r in table[1:]] == [[_unguarded(r[h]) for h in table[0]] for r in rows], (
        "the workbook's cells read as the CSV's"
    )
    days_left = table[0].index("剩余天数")
    assert all(isinstance(r[days_left], int) for r in table[1:])
    # the case file page shows the next step; the form requests it and the leader approves on the page
    resp = await browser.get(f"/clues/{ids['red']}")
    assert resp.status == 200 and 'value="assign"' in await resp.text()
    resp = await browser.post_form(f"/clues/{ids['red']}/events", {"event": "assign", "comment": "按轮换分办"})
    assert resp.status == 303
    leader = await staff("leader")
    page = await (await leader.get(f"/clues/{ids['red']}")).text()
    assert "/approvals/" in page
    file = await staff.json("leader", "GET", f"/api/v1/clues/{ids['red']}")
    step = file["you"]["may_sign"]["id"]
    resp = await leader.post_form(f"/clues/{ids['red']}/approvals/{step}", {"decision": "approve", "comment": "同意"})
    assert resp.status == 303
    file = await staff.json("leader", "GET", f"/api/v1/clues/{ids['red']}")
    assert file["clue"]["state"] == "assigned"
    # the case file's forms: money and property, an organisation, a document, a recusal by account
    for kind, form in (("assets", {"kind": "现金", "amount": "52000.00", "status": "seized"}),
                       ("organisations", {"name": "某建筑公司", "role": "行贿方"}),
                       ("documents", {"title": "初核报告"}),
                       ("recusals", {"username": "group2.2", "reason": "近亲属"})):  # fmt: skip
        resp = await browser.post_form(f"/clues/{ids['red']}/{kind}", form)
        assert resp.status == 303 and "error=" not in resp.headers["Location"], kind
    page = await (await browser.get(f"/clues/{ids['red']}")).text()
    assert "52000.00" in page and "某建筑公司" in page and "初核报告" in page and "近亲属" in page and "扣押查封" in page
    resp = await browser.post_form(f"/clues/{ids['red']}/assets", {"kind": "x", "amount": "-1", "status": "seized"})
    assert resp.status == 303 and "error=" in resp.headers["Location"]
    # a refused step comes back to the page with the reason
    resp = await browser.post_form(f"/clues/{ids['red']}/events", {"event": "execute"})
    assert resp.status == 303 and "error=" in resp.headers["Location"]
    assert (await browser.get("/petitions")).status == 200


async def test_petition_office_registers_merges_and_reports_up(new_browser, kit):
    staff = Staff(new_browser)
    first = await staff.json(
        "petition1",
        "POST",
        "/api/v1/petitions",
        {"channel": "letter", "kind": "accusation", "summary": "举报", "petitioner_name": "甲"},
        status=201,
    )
    ack = await staff.json("petition1", "GET", f"/api/v1/petitions/{first['id']}")
    assert {c["key"] for c in ack["clocks"]} == {"petition_handling", "petition_ack"}
    again = await staff.json(
        "petition1", "POST", "/api/v1/petitions", {"channel": "phone", "kind": "accusation", "summary": "重复举报"}, status=201
    )
    assert {c["key"] for c in (await staff.json("petition1", "GET", f"/api/v1/petitions/{again['id']}"))["clocks"]} == {
        "petition_handling"
    }  # anonymous: no acceptance notice
    merged = await staff.json(
        "petition1",
        "POST",
        f"/api/v1/petitions/{again['id']}/events",
        {"event": "merge_duplicate", "payload": {"duplicate_of_id": first["id"]}},
    )
    assert merged["state"] == "merged_duplicate" and merged["duplicate_of_id"] == first["id"] and merged["due_date"] is None
    suggestion = await staff.json(
        "petition1", "POST", "/api/v1/petitions", {"channel": "web", "kind": "suggestion", "summary": "建议"}, status=201
    )
    resp = await (await staff("petition1")).post_json(f"/api/v1/petitions/{suggestion['id']}/events", {"event": "convert"})
    assert resp.status == 409
    up = await staff.json("petition1", "POST", f"/api/v1/petitions/{first['id']}/events", {"event": "report_up"})
    assert up["reported_up"]
    await staff.json("petition1", "GET", f"/api/v1/petitions/{first['id']}", status=404)
    page = await (await staff("leader")).get(f"/petitions/{first['id']}")
    assert page.status == 200 and "已报送上级" in await page.text()
    listing = await (await staff("petition1")).get("/petitions")
    assert listing.status == 200 and again["number"] in await listing.text() and "来电" in await listing.text()
    await staff.json("leader", "POST", f"/api/v1/petitions/{first['id']}/events", {"event": "sent_up"})
