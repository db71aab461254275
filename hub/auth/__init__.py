"""Staff accounts, passwords, hardware security keys (WebAuthn), server-side sessions, and the staff actor."""
