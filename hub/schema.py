"""Every part's models, imported in one place so that ``Base.metadata`` is complete (migrations, tests).

Like app.py, this is wiring: it may import the parts; the parts never import it.
"""

from __future__ import annotations

import importlib

from hub.db import Base

MODEL_MODULES = [
    "hub.audit",
    "hub.numbering",
    "hub.org.models",
    "hub.rooms.models",
    "hub.auth.models",
    "hub.store.models",
    "hub.cases.models",
    "hub.cases.outcome_models",
    "hub.schedule.models",
    "hub.documents.models",
    "hub.reports.models",
    "hub.rooms.recording.models",
    "hub.conferences.models",
]

# what the migrations make that no model describes: the documents' full-text index (an FTS5 table and its shadow
# tables on SQLite, a pg_trgm index on PostgreSQL); the drift check and autogenerate leave these names alone
UNMODELLED_PREFIX = "document_fts"


def unmodelled(name: str | None) -> bool:
    return bool(name) and str(name).startswith(UNMODELLED_PREFIX)


def load_all() -> type[Base]:
    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if not exc.name or not name.startswith(exc.name):  # a part not there yet is fine; a broken import is not
                raise
    return Base
