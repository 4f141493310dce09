"""The registry's web app: ``create_app()`` (Flask app factory, flaskr style).

Configuration (``test_config`` overrides all of it):
  - ``DATABASE_URL``: ``$INVENTORY_DATABASE_URL``, else the SQLite registry in the
    instance folder (``inventory.db.database_url``);
  - ``SECRET_KEY``: ``$INVENTORY_SECRET_KEY``, else ``secret_key`` in the instance
    folder, generated on first start (mode 0600);
  - the instance folder is ``$INVENTORY_INSTANCE_PATH``, else ``./instance`` (the
    same folder the CLI's registry lives in);
  - sessions, cookies and sign-in limits: :mod:`inventory.web.settings`.

The engine and session factory live in ``app.extensions["registry"]``;
:func:`~inventory.web.extensions.get_session` gives the request's session (one per
request, on ``g``, closed when the request ends).  Areas are blueprints, one module each
(``inventory/web/<area>.py`` defining ``bp``; the area's start page is the
view ``<area>.index``); every view needs a signed-in user unless marked
:func:`~inventory.web.permissions.login_exempt`.
"""
from __future__ import annotations

import importlib
import os
import secrets
import tempfile
from pathlib import Path

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from scanners.private_files import private_folder

from inventory.db import database_url, make_engine, session_factory
from inventory.web import i18n, security_headers, settings
from inventory.web.auth.views import bp as auth_bp
from inventory.web.auth.views import load_user
from inventory.web.extensions import Registry, close_session, csrf, login_manager
from inventory.web.labels import ROLE_LABELS, label
from inventory.web.permissions import may_use

#: area blueprints, in navigation order: (area, module, start view, navigation label)
AREAS = (
    ("dashboard", "dashboard.views", "dashboard.index", _l("Dashboard")),
    ("assets", "assets.views", "assets.index", _l("Assets")),
    ("triage", "triage.views", "triage.index", _l("Triage")),
    ("departments", "departments.views", "departments.index", _l("Departments")),
    ("declarations", "declarations.views", "declarations.index", _l("Declarations")),
    ("privacy", "privacy.views", "privacy.index", _l("Privacy office")),
    ("declaration_files", "declarations.files", None, None),
    ("admin", "admin.pages", "admin.index", _l("Administration")),
    ("api", "api", None, None),
)
ERROR_CODES = (400, 403, 404, 500)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the web app; ``test_config`` replaces settings (tests pass DATABASE_URL, SECRET_KEY ...)."""
    app = Flask(__name__, instance_path=instance_path(), template_folder="templates")
    app.config.from_mapping(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                            WTF_CSRF_ENABLED=True, MAX_CONTENT_LENGTH=16 * 1024 * 1024,
                            **settings.from_environment())
    if test_config:
        app.config.update(test_config)
    settings.settle(app.config)
    settings.trust_proxies(app)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = database_url(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("INVENTORY_SECRET_KEY") or _instance_secret(app.instance_path)
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["registry"] = Registry(engine, session_factory(engine))
    app.teardown_request(close_session)
    app.teardown_appcontext(close_session)

    csrf.init_app(app)
    i18n.init_app(app)
    _init_login(app)
    _register_areas(app)
    _register_error_pages(app)
    app.context_processor(_layout_context)
    security_headers.init_app(app)
    return app


def instance_path() -> str:
    """The instance folder: ``$INVENTORY_INSTANCE_PATH``, else ``./instance`` (absolute)."""
    return os.path.abspath(os.environ.get("INVENTORY_INSTANCE_PATH") or Path.cwd() / "instance")


def ensure_secret() -> None:
    """Make the instance folder's secret key now (unless one is set by environment), so that
    processes started after this all read the same one."""
    if not os.environ.get("INVENTORY_SECRET_KEY"):
        _instance_secret(instance_path())


def _instance_secret(folder: str) -> str:
    """The secret key kept in ``folder``, written once (readable by its owner only).

    The key is written to a file of its own and linked into place, so a
    process starting at the same moment sees either no key or the whole key,
    never an empty file.
    """
    path = Path(folder) / "secret_key"
    if not path.exists():
        private_folder(path.parent)
        fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")   # mode 0600
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32))
            os.link(draft, path)
        except FileExistsError:
            pass                                   # another process wrote it first
        finally:
            os.unlink(draft)
    return path.read_text().strip()


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    app.before_request(_require_sign_in)


def _require_sign_in():
    """Before each request: a view not marked login-exempt needs a signed-in user."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if view is None or request.endpoint == "static" or getattr(view, "login_exempt", False):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def _register_areas(app: Flask) -> None:
    """Register ``bp`` of each area module that exists (areas are added one module at a time)."""
    app.register_blueprint(auth_bp)
    for _area, module, _start, _label in AREAS:
        name = f"{__name__}.{module}"
        try:
            found = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        app.register_blueprint(found.bp)


def _register_error_pages(app: Flask) -> None:
    for code in ERROR_CODES:
        app.register_error_handler(code, _error_page)
    app.register_error_handler(CSRFError, _error_page)


def _error_page(error):
    """Error pages in the UI language; a failing 500 page falls back to plain text."""
    code = getattr(error, "code", None) or 500
    if code not in ERROR_CODES:
        code = 500
    try:
        return render_template(f"errors/{code}.html", csrf_error=isinstance(error, CSRFError)), code
    except Exception:
        if code != 500:
            raise
        return "500 Internal Server Error / サーバーでエラーが発生しました。", 500


def _layout_context() -> dict:
    """What base.html needs: the navigation the user may use and their role's label."""
    items = []
    for area, _module, start, nav_label in AREAS:
        if start and start in current_app.view_functions and may_use(current_user, area):
            items.append({"area": area, "endpoint": start, "label": nav_label})
    role = label(ROLE_LABELS, current_user.role) if current_user.is_authenticated else None
    return {"navigation": items, "role_label": role,
            "current_area": (request.blueprint or "") if request else ""}
