"""Garbage to every endpoint of the foundation: always a 4xx with a JSON error (or a page), never a 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.app import create_app
from hub.db import Database
from hub.demo.org import DEMO_PASSWORD
from tests.support.live import LiveServer, SyncBrowser, owning

ENDPOINTS = [
    ("POST", "/api/v1/session"),
    ("POST", "/api/v1/staff"),
    ("PATCH", "/api/v1/staff/1"),
    ("POST", "/api/v1/org/units"),
    ("PATCH", "/api/v1/org/units/1"),
]
FORMS = ["/signin", "/staff", "/staff/1", "/org/units", "/org/units/1", "/lang"]
FIELDS = [
    "username",
    "password",
    "display_name",
    "role",
    "org_unit_id",
    "portfolio",
    "version",
    "disabled",
    "kind",
    "code",
    "name_zh",
    "parent_id",
    "ordinal",
    "trial_group_id",
    "office",
    "next",
    "locale",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=12,
)
bodies = st.one_of(json_values, st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8))


@pytest.fixture
def admin(seeded, database, settings, clock):
    """An administrator's browser against the hub served from its own thread (hypothesis tests are synchronous)."""

    def make_app():
        own = Database(database.url, schema=database.schema)
        return owning(own, create_app(settings, clock=clock, database=own))

    with LiveServer(make_app) as server:
        browser = SyncBrowser(server.port)
        assert browser.sign_in("admin", DEMO_PASSWORD) == 303
        yield browser


def _assert_client_error(status, data, what):
    assert 400 <= status < 500 or status in (200, 201, 303), (what, status, data[:300])
    assert status < 500, (what, status, data[:300])


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_malformed_bodies(admin, method, path):
    for raw in [b"", b"{", b"[1,2]", b"\xff\xfe", b'"text"', b"null", b'{"version": "x"}', b"{" * 5000]:
        status, data = admin.json(method, path, raw)
        assert 400 <= status < 500, (path, raw[:20], status)
        assert "error" in json.loads(data)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(endpoint=st.sampled_from(ENDPOINTS), body=bodies)
def test_generated_json_bodies(admin, endpoint, body):
    method, path = endpoint
    status, data = admin.json(method, path, body)
    _assert_client_error(status, data, (path, body))
    if status >= 400:
        assert "error" in json.loads(data)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=st.sampled_from(FORMS), data=st.dictionaries(st.sampled_from(FIELDS), st.text(max_size=40), max_size=8))
def test_garbage_forms(admin, path, data):
    status, body = admin.form(path, data)
    _assert_client_error(status, body, (path, data))


def test_bad_ids_in_paths(admin):
    for path in (
        "/api/v1/staff/abc",
        "/api/v1/staff/-1",
        "/api/v1/staff/99999999999999999999999",
        "/staff/%00",
        "/api/v1/org/units/1e5",
    ):
        status, _ = admin.request("GET", path)
        assert status in (400, 404), path
