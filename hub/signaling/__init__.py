"""Signaling: typed JSON messages over one WebSocket at /ws, room tokens, roles, and the message bus.

Wire it with `hub.signaling.setup.setup(app, ...)`; issue tokens with `hub.rooms.tokens.issue_token`.
"""
