"""Alembic environment: the registry's tables are ``SQLModel.metadata`` (inventory.models)."""
from __future__ import annotations

from alembic import context
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
            context.configure(connection=connection, target_metadata=target_metadata,
                              render_as_batch=connection.dialect.name == "sqlite",
                              include_object=include_for(connection.dialect.name),
                              compare_type=True)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
