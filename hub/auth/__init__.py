"""Accounts, passwords, sessions, the access policy (and, later, hardware keys)."""
