"""Codes of the demo organisation the tests lean on: a unit supervised by each joint group."""

from hub.demo.org import STATIONED_GROUPS

# the stationed unit of the first stationed group of joint group k ("unit.NN.0")
UNIT_OF_GROUP = {k: f"unit.{next(n for n, (g, _s, _a) in enumerate(STATIONED_GROUPS, 1) if g == k):02d}.0" for k in range(1, 8)}
