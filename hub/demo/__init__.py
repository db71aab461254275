"""Demo data: an organisation like 杭锦旗's with invented people (and, from the parts, invented cases)."""
