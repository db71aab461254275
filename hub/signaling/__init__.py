"""Signaling: typed JSON messages over one WebSocket at /ws, the service that runs the rooms' calls, and the message bus.

Wire it with `hub.signaling.setup.setup(app, ...)`; room tokens and participant roles belong to the rooms part
(`hub.rooms.tokens`, `hub.rooms.participants`).
"""
