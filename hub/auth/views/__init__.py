"""The web face of accounts: signing in and out (signin), security keys (keys) and staff accounts (staff)."""
