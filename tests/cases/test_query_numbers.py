"""A number in the ledger's or the holiday table's query is ASCII digits: "²" (which str.isdigit() takes and int()
refuses) is a 422 with the field named, not a 500."""

import pytest


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/ledger?page=%C2%B2", "page"),
        ("/api/v1/ledger/counts?group_id=%C2%B2", "group_id"),
        ("/api/v1/ledger?township_id=%D9%A1", "township_id"),  # an Arabic-Indic 1
        ("/api/v1/cases/holidays?year=%C2%B2%C2%B2%C2%B2%C2%B2", "year"),
    ],
)
async def test_a_number_that_is_not_ascii_digits_is_refused(browser, path, field):
    await browser.sign_in("leader")
    answer = await browser.get(path)
    assert answer.status == 422, await answer.text()
    assert set((await answer.json())["error"]["fields"]) == {field}


async def test_the_csv_ledger_refuses_it_too(browser):
    await browser.sign_in("leader")
    assert (await browser.get("/ledger.csv?page=%C2%B2")).status == 422
