"""Settings of sessions, cookies and sign-in limits, read from the environment in ``create_app``
(``test_config`` overrides each one by its config key).

=====================================  ============================  =======
environment variable                   config key                    default
=====================================  ============================  =======
INVENTORY_SESSION_IDLE_MINUTES         SESSION_IDLE_MINUTES          30
INVENTORY_SESSION_MAX_HOURS            SESSION_MAX_HOURS             10
INVENTORY_SESSION_COOKIE_SECURE        SESSION_COOKIE_SECURE         on behind HTTPS
INVENTORY_BEHIND_HTTPS                 BEHIND_HTTPS                  0
INVENTORY_TRUSTED_PROXIES              TRUSTED_PROXIES               0
INVENTORY_LOGIN_DELAY_AFTER            LOGIN_DELAY_AFTER             5
INVENTORY_LOGIN_LOCK_AFTER             LOGIN_LOCK_AFTER              10
INVENTORY_LOGIN_ADDRESS_DELAY_AFTER    LOGIN_ADDRESS_DELAY_AFTER     20
INVENTORY_LOGIN_ADDRESS_LOCK_AFTER     LOGIN_ADDRESS_LOCK_AFTER      100
INVENTORY_LOGIN_WINDOW_MINUTES         LOGIN_WINDOW_MINUTES          60
INVENTORY_LOGIN_MAX_DELAY_SECONDS      LOGIN_MAX_DELAY_SECONDS       60
=====================================  ============================  =======

"Behind HTTPS" (``INVENTORY_BEHIND_HTTPS=1``, or ``PREFERRED_URL_SCHEME``
"https") turns the ``Secure`` flag of the session and remember-me cookies on
unless ``INVENTORY_SESSION_COOKIE_SECURE=0`` says otherwise.
``INVENTORY_TRUSTED_PROXIES=N`` says N reverse proxies stand in front: the
client address and scheme are then taken from their ``X-Forwarded-*``
headers (werkzeug's ProxyFix), which otherwise are ignored, as anyone can
send them.
"""
from __future__ import annotations

import datetime as dt
import os

from werkzeug.middleware.proxy_fix import ProxyFix

from inventory.accounts.login_throttle import Limit, ThrottleRules
from inventory.accounts.sessions import SessionLimits

#: config key -> (environment variable, default) of the whole numbers above
NUMBERS = {
    "SESSION_IDLE_MINUTES": ("INVENTORY_SESSION_IDLE_MINUTES", 30),
    "SESSION_MAX_HOURS": ("INVENTORY_SESSION_MAX_HOURS", 10),
    "TRUSTED_PROXIES": ("INVENTORY_TRUSTED_PROXIES", 0),
    "LOGIN_DELAY_AFTER": ("INVENTORY_LOGIN_DELAY_AFTER", 5),
    "LOGIN_LOCK_AFTER": ("INVENTORY_LOGIN_LOCK_AFTER", 10),
    "LOGIN_ADDRESS_DELAY_AFTER": ("INVENTORY_LOGIN_ADDRESS_DELAY_AFTER", 20),
    "LOGIN_ADDRESS_LOCK_AFTER": ("INVENTORY_LOGIN_ADDRESS_LOCK_AFTER", 100),
    "LOGIN_WINDOW_MINUTES": ("INVENTORY_LOGIN_WINDOW_MINUTES", 60),
    "LOGIN_MAX_DELAY_SECONDS": ("INVENTORY_LOGIN_MAX_DELAY_SECONDS", 60),
}


def from_environment(environ=os.environ) -> dict:
    """The settings above as config entries (before ``test_config`` is applied)."""
    config = {key: _number(environ.get(name), default) for key, (name, default) in NUMBERS.items()}
    config["BEHIND_HTTPS"] = _flag(environ.get("INVENTORY_BEHIND_HTTPS")) or False
    config["SESSION_COOKIE_SECURE"] = _flag(environ.get("INVENTORY_SESSION_COOKIE_SECURE"))
    return config


def settle(config) -> None:
    """After ``test_config``: derive what depends on other settings (the cookies' flags)."""
    if config.get("BEHIND_HTTPS"):
        config["PREFERRED_URL_SCHEME"] = "https"
    if config.get("SESSION_COOKIE_SECURE") is None:
        config["SESSION_COOKIE_SECURE"] = config.get("PREFERRED_URL_SCHEME") == "https"
    config.update(SESSION_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_HTTPONLY=True,
                  REMEMBER_COOKIE_SECURE=config["SESSION_COOKIE_SECURE"],
                  REMEMBER_COOKIE_SAMESITE=config.get("SESSION_COOKIE_SAMESITE") or "Lax")


def trust_proxies(app) -> None:
    """Read the client's address and scheme from the trusted proxies' headers, if any."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def session_limits(config) -> SessionLimits:
    return SessionLimits(idle=dt.timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
                         longest=dt.timedelta(hours=config["SESSION_MAX_HOURS"]))


def throttle_rules(config) -> ThrottleRules:
    window = dt.timedelta(minutes=config["LOGIN_WINDOW_MINUTES"])
    cap = dt.timedelta(seconds=config["LOGIN_MAX_DELAY_SECONDS"])
    return ThrottleRules(
        account=Limit(config["LOGIN_DELAY_AFTER"], config["LOGIN_LOCK_AFTER"], window, cap),
        address=Limit(config["LOGIN_ADDRESS_DELAY_AFTER"], config["LOGIN_ADDRESS_LOCK_AFTER"],
                      window, cap))


def _number(value: str | None, default: int) -> int:
    return int(value) if value and value.strip().isdigit() else default


def _flag(value: str | None) -> bool | None:
    """"1"/"true"/"yes"/"on" -> True, "0"/"false"/"no"/"off" -> False, unset -> None."""
    if value is None or not value.strip():
        return None
    return value.strip().lower() in ("1", "true", "yes", "on")
