"""Alembic migrations. Each part has its own branch rooted at the foundation revision; `upgrade heads` runs them all."""
