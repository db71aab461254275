"""An id in a path is ASCII digits: anything else is a 400, never a 500 (int() refuses some Unicode digits, such as
the superscript ², that str.isdigit() accepts)."""

import pytest
from aiohttp.test_utils import make_mocked_request

from hub.errors import BadRequest
from hub.http.validation import int_param


def _read(raw: str) -> int:
    request = make_mocked_request("GET", "/x")
    request.match_info.update({"id": raw})  # type: ignore[attr-defined]
    return int_param(request, "id")


@pytest.mark.parametrize("raw", ["²", "1²", "١", "٣٤", "１", "-1", "+1", "1.0", " 1", "", "1" * 19])
def test_anything_but_ascii_digits_is_a_bad_id(raw):
    with pytest.raises(BadRequest) as refused:
        _read(raw)
    assert refused.value.code == "bad_id"


@pytest.mark.parametrize(("raw", "value"), [("0", 0), ("7", 7), ("007", 7), ("9" * 18, 10**18 - 1)])
def test_ascii_digits_are_the_id(raw, value):
    assert _read(raw) == value
