"""Migrations build the same schema on SQLite and PostgreSQL, and the models have not drifted from them."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from hub.schema import load_all, unmodelled


def _drift_and_shape(sync_conn):
    # the documents' full-text index is made by its migration and described by no model
    opts = {"compare_type": True, "include_name": lambda name, type_, parent: not unmodelled(name)}
    context = MigrationContext.configure(sync_conn, opts=opts)
    drift = compare_metadata(context, load_all().metadata)
    inspector = inspect(sync_conn)
    shape = {
        table: sorted(col["name"] for col in inspector.get_columns(table))
        for table in inspector.get_table_names()
        if table != "alembic_version" and not unmodelled(table)
    }
    return drift, shape


async def test_no_drift_between_models_and_migrations(database):
    async with database.engine.connect() as conn:
        drift, shape = await conn.run_sync(_drift_and_shape)
    assert drift == [], f"models and migrations differ: {drift}"
    assert set(shape) == {t.name for t in load_all().metadata.sorted_tables}
