"""Rooms, kiosk and room devices, room sessions and their tokens, participant roles, and the recorder (recording/).

Media forwarding is its own part, hub/media."""
