"""Migrations build the same schema on SQLite and PostgreSQL, and the models have not drifted from them."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from hub.schema import load_all


def _drift_and_shape(sync_conn):
    context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
    drift = compare_metadata(context, load_all().metadata)
    inspector = inspect(sync_conn)
    shape = {
        table: sorted(col["name"] for col in inspector.get_columns(table))
        for table in inspector.get_table_names()
        if table != "alembic_version"
    }
    return drift, shape


async def test_no_drift_between_models_and_migrations(database):
    async with database.engine.connect() as conn:
        drift, shape = await conn.run_sync(_drift_and_shape)
    assert drift == [], f"models and migrations differ: {drift}"
    assert set(shape) == {t.name for t in load_all().metadata.sorted_tables}
