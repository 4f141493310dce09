"""Registry commands: ``inventory db upgrade``, ``inventory ingest FILE.jsonl``."""
from __future__ import annotations

import json

import click

from inventory.cli.text import CliError, _, command, current_language, group


@group()
def db() -> None:
    """The registry database ($INVENTORY_DATABASE_URL, else instance/inventory.db).

    \b
    Example:
      inventory db upgrade
    """


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Schema revision to reach.")
def db_upgrade(revision):
    """Create or migrate the registry's tables.

    \b
    Example:
      INVENTORY_DATABASE_URL=postgresql://inventory@127.0.0.1/inventory inventory db upgrade
    """
    from inventory.db import current_revision, database_url, upgrade

    url = database_url()
    upgrade(url, revision)
    click.echo(_("The registry is at revision %(revision)s.") % {"revision": current_revision(url)}, err=True)


def open_registry(url: str | None = None):
    """A session factory on the registry, creating the tables on an empty database.

    A database at an older revision is not migrated here: that is ``inventory db upgrade``.
    """
    from alembic.script import ScriptDirectory

    from inventory.db import alembic_config, current_revision, database_url, make_engine, session_factory

    url = url or database_url()
    revision = current_revision(url)
    if revision is None:
        from inventory.db import upgrade

        upgrade(url)
    elif revision != ScriptDirectory.from_config(alembic_config(url)).get_current_head():
        raise CliError(_("The registry's schema is out of date: run `inventory db upgrade`."))
    return session_factory(make_engine(url))


@command()
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--share", "share_name", default=None, metavar="NAME",
              help="The records come from this share (roots that match no share are its root).")
@click.option("--partial", is_flag=True,
              help="The file covers part of its roots: mark nothing removed.")
def ingest(file, share_name, partial):
    """Write scan records (JSON lines) into the registry, as one scan run.

    \b
    Example:
      inventory scan /mnt/share --format jsonl -o scan.jsonl
      inventory ingest scan.jsonl --share 本庁舎共有
    """
    from sqlmodel import select

    from inventory.registry.ingest import RegistryWriter
    from inventory.models import Share
    from inventory.registry.run_diff import run_line

    factory = open_registry()
    share = None
    if share_name:
        with factory() as session:
            share = session.exec(select(Share).where(Share.name == share_name)).first()
        if share is None:
            raise CliError(_("No share named %(name)s in the registry.") % {"name": repr(share_name)})
    bad_lines = 0
    writer = RegistryWriter(factory, share=share, source="ingest", absolute_roots=False)
    with writer:
        for line in file:
            if not line.strip():
                continue
            try:
                writer.add(json.loads(line))
            except json.JSONDecodeError:
                bad_lines += 1
        if partial:
            run = writer.close(complete=False)
    run = writer.run
    lang = current_language()
    if bad_lines:
        click.echo(_("%(count)s lines were not JSON.") % {"count": f"{bad_lines:,}"}, err=True)
    click.echo(run_line(run, lang), err=True)


#: what this module adds to ``inventory`` (inventory.cli.main.LazyGroup)
COMMANDS = (db, ingest)
