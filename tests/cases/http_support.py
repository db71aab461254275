"""Signed-in browsers per demo user, and the approval loop over HTTP."""

from __future__ import annotations

from typing import Any

from tests.cases.conftest import SIGNERS
from tests.support.clients import Browser


class Staff:
    def __init__(self, new_browser: Any) -> None:
        self._new = new_browser
        self._browsers: dict[str, Browser] = {}

    async def __call__(self, username: str) -> Browser:
        if username not in self._browsers:
            browser = await self._new()
            resp = await browser.sign_in(username)
            assert resp.status == 303, await resp.text()
            self._browsers[username] = browser
        return self._browsers[username]

    async def json(self, username: str, method: str, path: str, body: Any = None, status: int | tuple[int, ...] = 200) -> Any:
        browser = await self(username)
        for _ in range(2):
            if method == "GET":
                resp = await browser.get(path, headers={"Accept": "application/json"})
            else:
                resp = await browser.send_json(method, path, body)
            if resp.status != 401:
                break
            await resp.read()
            # the fake clock moved past the session's idle timeout: sign in again, as a person would
            assert (await browser.sign_in(username)).status == 303
        expected = (status,) if isinstance(status, int) else status
        text = await resp.text()
        assert resp.status in expected, f"{username} {method} {path}: {resp.status} {text}"
        return await resp.json() if text else None

    async def act(self, clue_id: int, event: str, who: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        """Request an event, then have each approver sign it through the API, in order. "outcome_trial" records the
        trial's decision (tests/cases/paths.py OUTCOMES) instead."""
        if event == "outcome_trial":
            from tests.cases.paths import OUTCOMES

            file = await self.json(who, "GET", f"/api/v1/clues/{clue_id}")
            data = OUTCOMES["demerit" if file["clue"]["township_id"] is not None else "party_warning"]
            await self.json(who, "PUT", f"/api/v1/clues/{clue_id}/outcome", data)
            return {"applied": True}
        body = {"event": event, "comment": f"{event} 呈批", "payload": payload or {}}
        out = await self.json(who, "POST", f"/api/v1/clues/{clue_id}/events", body, status=(200, 202))
        while not out["applied"] and out["pending"]:
            signer = SIGNERS[out["pending"][0]]
            file = await self.json(signer, "GET", f"/api/v1/clues/{clue_id}")
            step = file["you"]["may_sign"]
            assert step is not None, f"{signer} cannot sign {out['pending'][0]} for {event}"
            out = await self.json(
                signer, "POST", f"/api/v1/clues/{clue_id}/approvals/{step['id']}",
                {"decision": "approve", "comment": "同意", "external_ref": "常委会纪要〔2026〕12号"},
            )  # fmt: skip
        return out
