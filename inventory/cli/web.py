"""Web commands: ``inventory serve``, ``inventory users create``; the demo's registry and accounts.

:func:`seed_demo` gives the demo share's folders their departments (総務部/職員課,
健康福祉部/介護保険課, ...), maps the share onto them and makes one demo user
per role; :func:`run_demo` is ``inventory demo``: registry, share, scan into
the registry, accounts, web UI.
"""
from __future__ import annotations

import datetime as dt
import os
import secrets
import sys
from pathlib import Path

import click
from sqlalchemy import select

from inventory import catalogue
from inventory.cli.text import CliError, CliUsageError, _, command, current_language, group
from inventory.labels import ROLE_LABELS
from inventory.models import Department, Role, Share, ShareMapping, User

DEMO_SHARE_NAME = "デモ共有フォルダ"
#: (code, name, parent code, folder of the demo share or None): the demo city's departments
DEMO_DEPARTMENTS = (
    ("100", "総務部", None, "総務部"),
    ("101", "職員課", "100", "総務部/職員課"),
    ("102", "総務課", "100", "総務部/総務課"),
    ("103", "情報政策課", "100", None),
    ("200", "財務部", None, "財務部"),
    ("201", "財政課", "200", "財務部/財政課"),
    ("202", "税務課", "200", "財務部/税務課"),
    ("300", "健康福祉部", None, "健康福祉部"),
    ("301", "介護保険課", "300", "健康福祉部/介護保険課"),
    ("302", "健康推進課", "300", "健康福祉部/健康推進課"),
    ("303", "生活福祉課", "300", "健康福祉部/生活福祉課"),
    ("304", "障害福祉課", "300", "健康福祉部/障害福祉課"),
    ("400", "子ども未来部", None, "子ども未来部"),
    ("401", "こども家庭課", "400", "子ども未来部/こども家庭課"),
    ("402", "子育て支援課", "400", "子ども未来部/子育て支援課"),
    ("500", "市民部", None, "市民部"),
    ("501", "保険年金課", "500", "市民部/保険年金課"),
    ("502", "市民課", "500", "市民部/市民課"),
    ("600", "建設部", None, "建設部"),
    ("601", "道路課", "600", "建設部/道路課"),
    ("700", "教育委員会", None, "教育委員会"),
    ("701", "学校教育課", "700", "教育委員会/学校教育課"),
    ("702", "生涯学習課", "700", "教育委員会/生涯学習課"),
    ("800", "選挙管理委員会事務局", None, "選挙管理委員会事務局"),
)
#: (username, display name, role, department code): one demo account per role
DEMO_USERS = (
    ("demo_clerk", "介護 担当", Role.clerk, "301"),
    ("demo_head", "福祉 部長", Role.dept_head, "300"),
    ("demo_it", "情報 政策", Role.it_division, "103"),
    ("demo_privacy", "保護 担当", Role.privacy_office, "102"),
    ("demo_admin", "管理者", Role.admin, None),
)


def current_department(session, code: str) -> Department | None:
    """The department with organisation code ``code`` that exists today (no ``valid_to``)."""
    stmt = select(Department).where(Department.code == code, Department.valid_to.is_(None))
    return session.execute(stmt).scalars().first()


def seed_demo(session, share_root: str | None = None) -> list[tuple[str, str, str]]:
    """Create (or refresh) the demo departments, the demo share's mappings when ``share_root``
    is given, and one user per role with a new random password; the caller commits.

    Returns (username, role, password) of each demo account.
    """
    from werkzeug.security import generate_password_hash

    from inventory.accounts.sessions import revoke_user_sessions

    by_code: dict[str, Department] = {}
    for code, name, parent, _folder in DEMO_DEPARTMENTS:
        dept = current_department(session, code) or Department(code=code, name=name)
        dept.name, dept.parent_id = name, by_code[parent].id if parent else None
        session.add(dept)
        session.flush()
        by_code[code] = dept
    if share_root is not None:
        _seed_share(session, share_root, by_code)
    accounts = []
    for username, display_name, role, code in DEMO_USERS:
        password = secrets.token_urlsafe(9)
        user = session.execute(select(User).where(User.username == username)).scalars().first()
        user = user or User(username=username)
        user.display_name, user.role, user.active = display_name, str(role), True
        user.department_id = by_code[code].id if code else None
        user.password_hash = generate_password_hash(password)
        session.add(user)
        session.flush()
        revoke_user_sessions(session, user.id)           # a new password ends the old sessions
        if role == Role.dept_head:
            by_code[code].head_id = user.id
        accounts.append((username, str(role), password))
    session.flush()
    return accounts


def _seed_share(session, share_root: str, by_code: dict[str, Department]) -> Share:
    from inventory.registry.rows import normalise_root

    root = normalise_root(os.path.abspath(share_root))
    share = session.execute(select(Share).where(Share.name == DEMO_SHARE_NAME)).scalars().first()
    share = share or Share(name=DEMO_SHARE_NAME, description="inventory demo")
    share.root = root
    session.add(share)
    session.flush()
    existing = {m.prefix: m for m in session.execute(
        select(ShareMapping).where(ShareMapping.share_id == share.id)).scalars()}
    for code, _name, _parent, folder in DEMO_DEPARTMENTS:
        if folder is None:
            continue
        mapping = existing.get(folder) or ShareMapping(share_id=share.id, prefix=folder,
                                                       department_id=by_code[code].id)
        mapping.department_id = by_code[code].id
        session.add(mapping)
    session.flush()
    return share


def run_demo(dest: str, lang: str = "ja", serve: bool = True, host: str = "127.0.0.1",
             port: int = 5000, workers: int | None = None) -> list[tuple[str, str, str]]:
    """``inventory demo``: upgrade the registry, write the demo share, scan it into the registry,
    seed and print the demo accounts, then serve the web UI (unless ``serve`` is False)."""
    import shutil

    from inventory.db import database_url, make_engine, session_factory, upgrade
    from inventory.demo.share import generate_share
    from inventory.registry.run_diff import run_counts
    from inventory.scanning.sinks import RegistrySink, TableSink
    from inventory.scanning.loop import ScanOptions, scan_into

    _ = catalogue.translator(lang)
    url = database_url()
    upgrade(url)
    dest_path = Path(dest)
    if dest_path.exists():
        shutil.rmtree(dest_path)
    dest_path.mkdir(parents=True)
    truth = generate_share(dest_path)
    click.echo(_("Wrote the demo share: %(path)s (%(count)s files)") % {"path": dest_path, "count": len(truth)},
               err=True)
    engine = make_engine(url)
    factory = session_factory(engine)
    try:
        with factory() as session:
            accounts = seed_demo(session, share_root=str(dest_path))
            session.commit()
            share = session.execute(select(Share).where(Share.name == DEMO_SHARE_NAME)).scalars().one()
        registry = RegistrySink(factory, share=share, announce=False)
        scan_into(ScanOptions(roots=(str(dest_path),), workers=workers, progress=False, lang=lang),
                  [registry, TableSink()])
        sys.stdout.flush()                      # the table before the lines on standard error
        click.echo(_("Into the registry (%(database)s): %(counts)s") % {
            "database": url.split("://")[0], "counts": run_counts(registry.run, lang)}, err=True)
        with factory() as session:
            campaign = open_demo_campaign(session)
            session.commit()
            if campaign is not None:
                click.echo(_("Opened the declaration campaign of fiscal year %(year)s (due %(due)s).") % {
                    "year": campaign.fiscal_year, "due": campaign.due_on.isoformat()}, err=True)
    finally:
        engine.dispose()

    click.echo(_("Demo accounts (user name / role / department / password):"))
    departments = {username: code for username, _name, _role, code in DEMO_USERS}
    for username, role, password in accounts:
        role_label = catalogue.label(ROLE_LABELS, role, lang)
        department = demo_department_label(departments.get(username)) or _("(no department)")
        click.echo(f"  {_padded(username, 14)}{_padded(role_label, 20)}{_padded(department, 24)}{password}")
    if serve:
        serve_app(host, port)
    return accounts


def demo_department_label(code: str | None) -> str | None:
    """A demo department as people name it, with the department above it: 健康福祉部 介護保険課."""
    rows = {c: (name, parent) for c, name, parent, _folder in DEMO_DEPARTMENTS}
    names = []
    while code in rows:
        name, code = rows[code]
        names.append(name)
    return " ".join(reversed(names)) or None


def _padded(text: str, width: int) -> str:
    """``text`` and spaces up to ``width`` columns (a full-width character takes two), at least one."""
    from inventory.scanning.progress import display_width

    return text + " " * max(1, width - display_width(text))


def open_demo_campaign(session, today: dt.date | None = None):
    """Open this fiscal year's declaration campaign (April to March) unless one exists, so the
    demo shows each department's declaration prefilled from what the scan just found."""
    from inventory.declarations.workflow import open_campaign
    from inventory.models import DeclarationCampaign

    from inventory.clock import city_today

    today = today or city_today()
    year = today.year if today.month >= 4 else today.year - 1
    if session.execute(select(DeclarationCampaign.id).where(DeclarationCampaign.fiscal_year == year)).first():
        return None
    privacy = session.execute(select(User).where(User.role == Role.privacy_office)).scalars().first()
    return open_campaign(session, privacy, year, today, today + dt.timedelta(days=30),
                         title=f"{year}年度 個人情報ファイル簿 照会")


def serve_app(host: str, port: int, threads: int = 8, workers: int = 1) -> None:
    """Serve the web app until interrupted: waitress in this process (``workers`` 1), else
    gunicorn's pre-forked worker processes with ``threads`` threads each.

    One process serves its pages on one core at a time (the GIL): each page
    costs 15-30 ms of Python (Jinja, WTForms, Babel), so a busy registry needs
    a process per core.  Every worker builds its own app, engine and caches
    after the fork; the session secret is made before it, so all agree.
    """
    from inventory.web import create_app, ensure_secret


    if workers > 1:
        ensure_secret()
        click.echo(_("Serving on http://%(host)s:%(port)s/ (%(workers)s processes; Ctrl+C to stop)") % {
            "host": host, "port": port, "workers": workers}, err=True)
        _prefork_server_class()(create_app, host, port, threads, workers).run()
        return
    from waitress import serve as waitress_serve

    app = create_app()
    click.echo(_("Serving on http://%(host)s:%(port)s/ (Ctrl+C to stop)") % {"host": host, "port": port},
               err=True)
    waitress_serve(app, host=host, port=port, threads=threads, ident="inventory")


def _prefork_server_class():
    from gunicorn.app.base import BaseApplication

    class PreforkServer(BaseApplication):
        """gunicorn run from code: ``gthread`` workers, each loading the app after the fork."""

        def __init__(self, factory, host: str, port: int, threads: int, workers: int):
            self._factory = factory
            self._settings = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers, "worker_class": "gthread", "threads": threads,
                # browsers keep their connection between pages; waitress kept idle ones 120 s
                "keepalive": 75, "timeout": 120, "graceful_timeout": 30,
                "proc_name": "inventory", "accesslog": None, "errorlog": "-", "loglevel": "warning",
            }
            super().__init__()

        def load_config(self):
            for name, value in self._settings.items():
                self.cfg.set(name, value)

        def load(self):
            return self._factory()

    return PreforkServer


@command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Requests served at once (per process).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes (more than 1: gunicorn, Linux/Unix only); about one per core.")
def serve(host, port, threads, workers):
    """Serve the registry's web UI, creating the tables on an empty registry.

    One process (waitress) by default; --workers N pre-forks N processes
    (gunicorn), which a registry under load needs: one process uses one core.

    \b
    Example:
      INVENTORY_DATABASE_URL=postgresql://inventory@127.0.0.1/inventory inventory serve --port 8080
      inventory serve --workers 4 --threads 8
    """
    from inventory.cli.registry import open_registry

    if workers > 1 and os.name != "posix":
        raise CliUsageError(_("--workers works on Linux/Unix only (on Windows, one process serves)."))
    factory = open_registry()
    factory.kw["bind"].dispose()
    serve_app(host, port, threads, workers)


@group()
def users() -> None:
    """Accounts of the web UI (local accounts with hashed passwords).

    \b
    Example:
      inventory users create suzuki --role it_division --department 103
    """


@users.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--department", "code", metavar="CODE", default=None,
              help="Organisation code of the user's department (required for clerk and dept_head).")
@click.option("--password", default=None, help="Initial password (default: a random one, printed).")
@click.option("--display-name", default="", help="Name shown in the UI.")
def users_create(username, role, code, password, display_name):
    """Create a local account.

    \b
    Example:
      inventory users create sato --role clerk --department 301 --display-name "佐藤 花子"
    """
    from werkzeug.security import generate_password_hash

    from inventory.cli.registry import open_registry

    if code is None and role in (Role.clerk, Role.dept_head):
        raise CliUsageError(_("--department is required for the role %(role)s.") % {
            "role": catalogue.label(ROLE_LABELS, role, current_language())})
    if password is not None:
        refuse_weak_password(password, username)
    factory = open_registry()
    with factory() as session:
        if session.execute(select(User.id).where(User.username == username)).first():
            raise CliError(_("The user %(name)s already exists.") % {"name": repr(username)})
        department = current_department(session, code) if code else None
        if code and department is None:
            raise CliError(_("No current department has the code %(code)s.") % {"code": repr(code)})
        generated = password is None
        password = password or secrets.token_urlsafe(12)
        session.add(User(username=username, display_name=display_name, role=role,
                         department_id=department.id if department else None,
                         password_hash=generate_password_hash(password)))
        session.commit()
    factory.kw["bind"].dispose()
    role_label = catalogue.label(ROLE_LABELS, role, current_language())
    if generated:
        click.echo(_("Created %(name)s (%(role)s); password: %(password)s") % {
            "name": username, "role": role_label, "password": password})
    else:
        click.echo(_("Created %(name)s (%(role)s).") % {"name": username, "role": role_label})


def refuse_weak_password(password: str, username: str) -> None:
    """Stop with the policy's messages (inventory.accounts.passwords) unless ``password`` passes it."""
    from inventory.accounts.passwords import password_problems, problem_messages

    problems = password_problems(password, username)
    if problems:
        raise CliUsageError("--password: " + " ".join(problem_messages(problems, current_language())))


@users.command("unlock")
@click.argument("username", required=False)
@click.option("--address", default=None, help="Unlock a client address instead of an account.")
def users_unlock(username, address):
    """Lift the sign-in lock that failed attempts put on an account or a client address.

    \b
    Example:
      inventory users unlock sato
      inventory users unlock --address 192.0.2.10
    """
    from inventory.cli.registry import open_registry
    from inventory.accounts.login_throttle import unlock

    if bool(username) == bool(address):
        raise CliUsageError(_("Give a user name or --address, not both."))
    factory = open_registry()
    with factory() as session:
        lifted = unlock(session, None, username=username, address=address)
        session.commit()
    factory.kw["bind"].dispose()
    click.echo((_("Unlocked: %(who)s") if lifted else _("Not locked: %(who)s")) % {"who": username or address})


#: what this module adds to ``inventory`` (inventory.cli.main.LazyGroup)
COMMANDS = (serve, users)
