"""The registry database: which one, its engine, sessions and migrations.

The registry is the embedded SQLite file ``instance/inventory.db`` (relative
to the current directory, or to an app's instance path) unless
``INVENTORY_DATABASE_URL`` names another database, e.g.
``postgresql+psycopg://inventory@127.0.0.1:5432/inventory``.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, create_engine

from scanners.private_files import private_file, private_folder

ENV_URL = "INVENTORY_DATABASE_URL"
MIGRATIONS = Path(__file__).with_name("migrations")


def database_url(instance_path: str | os.PathLike | None = None) -> str:
    """The registry's URL: ``$INVENTORY_DATABASE_URL``, else SQLite in ``instance_path``
    (default ``$INVENTORY_INSTANCE_PATH``, else ``./instance``: the folder the web app, the
    state cache and the spool use too), a folder made on first use."""
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        return normalise_url(url)
    folder = Path(instance_path) if instance_path is not None else Path(
        os.environ.get("INVENTORY_INSTANCE_PATH") or Path.cwd() / "instance")
    private_folder(folder, tighten=True)
    return f"sqlite:///{(folder / 'inventory.db').resolve()}"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs that name no driver."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """An engine for ``url`` (default :func:`database_url`); SQLite gets WAL, foreign keys
    and a busy timeout on every connection.  Statement parameters are hidden from errors."""
    url = normalise_url(url) if url else database_url()
    # errors and logs never show statement parameters: they hold paths and headers of files
    kwargs.setdefault("hide_parameters", True)
    if make_url(url).get_backend_name() == "sqlite":
        kwargs.setdefault("connect_args", {"timeout": 30})
        database = make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            private_file(database)             # 0600, and so its -wal/-shm/-journal
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if make_url(url).get_backend_name() == "postgresql":
        # JIT compiling costs ~0.3 s on the large batched statements ingest sends, for nothing
        kwargs.setdefault("connect_args", {"options": "-c jit=off"})
        # psycopg's own executemany (prepared once, pipelined) beats one huge multi-row
        # statement it must parse in Python; ingest takes ids from the sequence instead
        kwargs.setdefault("use_insertmanyvalues", False)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        if _is_file_database(dbapi_connection):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _is_file_database(dbapi_connection) -> bool:
    rows = dbapi_connection.execute("PRAGMA database_list").fetchall()
    return any(row[1] == "main" and row[2] for row in rows)


def session_factory(engine: Engine) -> Callable[[], Session]:
    """A factory of SQLModel sessions on ``engine``; objects stay usable after commit."""
    return sessionmaker(bind=engine, class_=Session, expire_on_commit=False)


def alembic_config(url: str | None = None):
    """Alembic's configuration for the registry's migrations (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", (normalise_url(url) if url else database_url())
                           .replace("%", "%%"))
    return config


def include_for(dialect_name: str) -> Callable:
    """Alembic's ``include_object`` hook for ``dialect_name``: leaves out of autogenerate the
    indexes the models declare for another database only (``Index.ddl_if``), such as the
    pg_trgm index PostgreSQL has and SQLite has not."""
    def include_object(obj, _name, type_, reflected, _compare_to) -> bool:
        ddl_if = getattr(obj, "_ddl_if", None)
        if type_ != "index" or reflected or ddl_if is None or ddl_if.dialect is None:
            return True
        return dialect_name in ([ddl_if.dialect] if isinstance(ddl_if.dialect, str) else ddl_if.dialect)
    return include_object


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the registry's schema up to ``revision`` (creates every table on a new database)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def current_revision(url: str | None = None) -> str | None:
    """The schema revision the database is at; None before the first upgrade."""
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
