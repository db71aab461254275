"""Rooms, devices, room sessions, media forwarding and recording."""
