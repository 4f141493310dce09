"""Alembic environment: the registry's tables are ``SQLModel.metadata`` (inventory.models)."""
from __future__ import annotations

import warnings

from alembic import context
from sqlalchemy.exc import SAWarning
from sqlmodel import SQLModel

import inventory.models  # noqa: F401  (registers the tables)
from inventory.db import database_url, include_for, make_engine

config = context.config
target_metadata = SQLModel.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or database_url()


def run_migrations_offline() -> None:
    """Emit SQL to standard output instead of running it (``alembic upgrade --sql``)."""
    url = _url()
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=url.startswith("sqlite"),
                      include_object=include_for("sqlite" if url.startswith("sqlite") else "postgresql"))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # batch mode rebuilds a table by dropping it: with foreign keys enforced
                # SQLite would first delete its rows and cascade to every child table.
                # The pragma is a no-op inside a transaction, so it comes before one.
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.commit()      # else Alembic takes the open transaction for the caller's
            context.configure(connection=connection, target_metadata=target_metadata,
                              render_as_batch=sqlite,
                              include_object=include_for(connection.dialect.name),
                              compare_type=True)
            with context.begin_transaction(), warnings.catch_warnings():
                # batch mode reflects a SQLite table before rebuilding it, and SQLAlchemy cannot
                # reflect expression and partial indexes; the revisions that rebuild a table
                # (0004, 0005) drop and make those indexes themselves, so the warning tells
                # nothing and would reach the clerk's terminal at every new registry
                warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index",
                                        SAWarning)
                context.run_migrations()
                if sqlite:
                    _check_foreign_keys(connection)
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
    finally:
        engine.dispose()


def _check_foreign_keys(connection) -> None:
    """Refuse to commit a migration that left a row pointing at nothing (SQLite)."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise RuntimeError(f"migration left {len(broken)} broken foreign keys in: {', '.join(tables)}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
