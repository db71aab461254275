# ruff: noqa: E501
# (one probe per line reads as a table: long lines are the price)
"""Expectations for the reception rotation, bookings, queue, interviews and the kiosk's reception pages (hub/schedule).

A first cut written by the hardware-key part so that the matrix covers every route; the schedule part owns it and should
add seeded objects (a rotation in draft and published, a booking, a queue ticket, an interview) so that objects inside
and outside each role's scope are tried, not only guessed ids.

Staff pages: every staff member reaches the lists; a guessed id is 404 for everyone. Kiosk pages: only an enrolled
device (the matrix's Xini kiosk); everyone else gets 403. The published rotation is public (kiosks and the printed
notice show it): 200 for everyone.
"""

from __future__ import annotations

from tests.access.matrix import GUESSED_ID, Probe, World, expect

G = GUESSED_ID
TOKEN = "guessed-token-0000"


def _kiosk(path: str, answer: int) -> dict[str, int]:
    return expect(path, staff=403, outsiders=403, kiosk=answer)


def probes(world: World) -> list[Probe]:
    return [
        Probe("GET", "/schedule", "/schedule", expect("/schedule", staff=200)),
        Probe("GET", "/schedule/mine", "/schedule/mine", expect("/schedule", staff=200)),
        Probe("GET", "/schedule/interviews", "/schedule/interviews", expect("/schedule", staff=200)),
        # empty forms: refused before anything is stored
        Probe("POST", "/schedule/rotations", "/schedule/rotations", expect("/schedule", staff=422), body={}, form=True, note="empty form"),
        Probe("POST", "/schedule/leave", "/schedule/leave", expect("/schedule", staff=422), body={}, form=True, note="empty form"),
        Probe("POST", "/schedule/interviews", "/schedule/interviews", expect("/schedule", staff=422), body={}, form=True, note="empty form"),
        Probe("POST", "/schedule/interviews/{id}/cancel", f"/schedule/interviews/{G}/cancel", expect("/schedule", staff=422), body={}, form=True, note="guessed id, empty form"),
        Probe("POST", "/schedule/notifications/read", "/schedule/notifications/read", expect("/schedule", staff=303), body={}, form=True, note="one's own notifications"),
        # guessed ids: the same 404 for every staff member
        Probe("GET", "/schedule/rotations/{id}", f"/schedule/rotations/{G}", expect("/schedule", staff=404), note="guessed id"),
        Probe("POST", "/schedule/rotations/{id}/roster", f"/schedule/rotations/{G}/roster", expect("/schedule", staff=404), body={}, form=True, note="guessed id"),
        Probe("POST", "/schedule/rotations/{id}/generate", f"/schedule/rotations/{G}/generate", expect("/schedule", staff=404), body={}, form=True, note="guessed id"),
        # these three read the form before asking who is there: someone not signed in must get the sign-in page, not 422
        Probe("POST", "/schedule/rotations/{id}/publish", f"/schedule/rotations/{G}/publish", expect("/schedule", staff=422), body={}, form=True, note="guessed id, empty form"),
        Probe("POST", "/schedule/rotations/{id}/duties", f"/schedule/rotations/{G}/duties", expect("/schedule", staff=422), body={}, form=True, note="guessed id, empty form"),
        Probe("POST", "/schedule/duties/{id}/reassign", f"/schedule/duties/{G}/reassign", expect("/schedule", staff=422), body={}, form=True, note="guessed id, empty form"),
        Probe("POST", "/schedule/duties/{id}/remove", f"/schedule/duties/{G}/remove", expect("/schedule", staff=404), body={}, form=True, note="guessed id"),
        Probe("GET", "/schedule/bookings/{id}", f"/schedule/bookings/{G}", expect("/schedule", staff=404), note="guessed id"),
        Probe("POST", "/schedule/bookings/{id}/call", f"/schedule/bookings/{G}/call", expect("/schedule", staff=404), body={}, form=True, note="guessed id"),
        Probe("POST", "/schedule/bookings/{id}/intake", f"/schedule/bookings/{G}/intake", expect("/schedule", staff=404), body={}, form=True, note="guessed id"),
        Probe("GET", "/schedule/queue/{id}", f"/schedule/queue/{G}", expect("/schedule", staff=404), note="guessed id"),
        Probe("POST", "/schedule/queue/{id}/call", f"/schedule/queue/{G}/call", expect("/schedule", staff=404), body={}, form=True, note="guessed id"),
        Probe("POST", "/schedule/queue/{id}/intake", f"/schedule/queue/{G}/intake", expect("/schedule", staff=404), body={}, form=True, note="guessed id"),
        Probe("POST", "/schedule/queue/{id}/done", f"/schedule/queue/{G}/done", expect("/schedule", staff=404), body={}, form=True, note="guessed id"),
        Probe("POST", "/schedule/interviews/{id}/link", f"/schedule/interviews/{G}/link", expect("/schedule", staff=404), body={}, form=True, note="guessed id"),
        # the kiosk's reception pages: only an enrolled device
        Probe("GET", "/kiosk/reception", "/kiosk/reception", _kiosk("/kiosk", 200)),
        Probe("GET", "/kiosk/reception/manage", "/kiosk/reception/manage", _kiosk("/kiosk", 200)),
        Probe("GET", "/kiosk/reception/status", "/kiosk/reception/status", _kiosk("/kiosk", 200)),
        Probe("GET", "/kiosk/reception/now", "/kiosk/reception/now", _kiosk("/kiosk", 200)),
        Probe("GET", "/kiosk/reception/file", "/kiosk/reception/file", _kiosk("/kiosk", 200)),
        Probe("GET", "/kiosk/reception/slots/{id}", f"/kiosk/reception/slots/{G}", _kiosk("/kiosk", 404), note="guessed id"),
        Probe("POST", "/kiosk/reception/slots/{id}", f"/kiosk/reception/slots/{G}", _kiosk("/kiosk", 404), body={}, form=True, note="guessed id"),
        Probe("POST", "/api/v1/kiosk/bookings", "/api/v1/kiosk/bookings", _kiosk("/api/", 422), body={}, note="empty body"),
        Probe("POST", "/kiosk/reception/manage", "/kiosk/reception/manage", _kiosk("/kiosk", 404), body={}, form=True, note="no booking code"),
        Probe("POST", "/kiosk/reception/manage/cancel", "/kiosk/reception/manage/cancel", _kiosk("/kiosk", 404), body={}, form=True, note="no booking code"),
        Probe("POST", "/kiosk/reception/manage/rebook", "/kiosk/reception/manage/rebook", _kiosk("/kiosk", 400), body={}, form=True, note="empty form"),
        Probe("POST", "/kiosk/reception/status", "/kiosk/reception/status", _kiosk("/kiosk", 404), body={}, form=True, note="no receipt code"),
        Probe("POST", "/kiosk/reception/now", "/kiosk/reception/now", _kiosk("/kiosk", 400), body={}, form=True, note="empty form"),
        Probe("GET", "/kiosk/reception/queue/{token}", f"/kiosk/reception/queue/{TOKEN}", _kiosk("/kiosk", 404), note="guessed token"),
        Probe("GET", "/api/v1/kiosk/queue/{token}", f"/api/v1/kiosk/queue/{TOKEN}", _kiosk("/api/", 404), note="guessed token"),
        Probe("POST", "/kiosk/reception/queue/{token}/leave", f"/kiosk/reception/queue/{TOKEN}/leave", _kiosk("/kiosk", 404), body={}, form=True, note="guessed token"),
        Probe("GET", "/api/v1/kiosk/bookings/{code}", "/api/v1/kiosk/bookings/GUESSED0", _kiosk("/api/", 404), note="guessed code"),
        Probe("POST", "/kiosk/reception/file", "/kiosk/reception/file", _kiosk("/kiosk", 422), body={}, form=True, note="empty form"),
        # the published rotation is public
        Probe("GET", "/reception", "/reception", expect("/reception", staff=200, outsiders=200)),
        Probe("GET", "/reception/print", "/reception/print", expect("/reception", staff=200, outsiders=200)),
        Probe("GET", "/reception/calendar.ics", "/reception/calendar.ics", expect("/reception", staff=200, outsiders=200)),
        Probe("GET", "/api/v1/reception", "/api/v1/reception", expect("/api/v1/reception", staff=200, outsiders=200)),
        Probe("GET", "/reception/officials/{id}.ics", f"/reception/officials/{G}.ics", expect("/reception", staff=404, outsiders=404), note="guessed id"),
    ]  # fmt: skip
