"""The demo `make run` loads: an organisation like 杭锦旗's with invented people, and its cases, rooms and schedule."""
