"""Evidence store: encrypted files (recordings, attachments, documents), signed manifests, recovery and verify.

Files are AES-256-GCM in chunks (STREAM construction) under a per-file data key wrapped by
the master key; each closed file has a manifest signed with the hub's Ed25519 key, whose
SHA-256 (the fingerprint) goes into the audit chain. See DESIGN §6.
"""
