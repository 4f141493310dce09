"""The alerts' configuration (:mod:`inventory.registry.alerts`): a TOML file
(``$INVENTORY_ALERTS_CONFIG``, else ``alerts.toml`` in the instance folder), overridden by
the environment (``INVENTORY_ALERT_MODE``, ``INVENTORY_ALERT_EMAIL_TO``,
``INVENTORY_ALERT_WEBHOOK_URL``, ``INVENTORY_ALERT_RULES``,
``INVENTORY_ALERT_MIN_RECORDS``, ``INVENTORY_ALERT_BASELINE``, ``INVENTORY_BASE_URL``); see
docs/scheduling.md.  ``baseline`` (on by default): the first scan of a share sends one
summary instead of an alert per file (:func:`inventory.registry.alerts.baseline_runs`).
A setting that cannot be used raises :class:`AlertConfigError` naming it.
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from inventory import catalogue


def _(text: str) -> str:
    """``text`` (an English msgid) in the language of what is printed ($INVENTORY_LANG, else Japanese)."""
    return catalogue.gettext(text)

#: the rules, in the order messages list them (alerts.py finds each)
RULES = ("cloud-sync-personal", "remote-access-tool", "sensitive-file", "my-number-app")
MODES = ("immediate", "digest", "off")
ENV = "INVENTORY_ALERT_"
_FLAGS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False,
          "off": False}


class AlertConfigError(ValueError):
    """The alerts configuration cannot be used; ``str(exc)`` says which setting."""


@dataclass
class Rule:
    enabled: bool = True
    min_records: int = 1


@dataclass
class AlertConfig:
    mode: str = "immediate"
    email_to: list[str] = field(default_factory=list)
    webhook_url: str | None = None
    webhook_retries: int = 3
    webhook_backoff: float = 2.0        # seconds before the first retry, doubled each time
    webhook_timeout: float = 10.0
    max_items: int = 50                 # assets listed per message (counts are always complete)
    lang: str = "ja"
    base_url: str | None = None         # the registry's web address, for links to assets
    baseline: bool = True               # a share's first scan: one summary, not an alert per file
    rules: dict[str, Rule] = field(default_factory=lambda: {name: Rule() for name in RULES})

    @classmethod
    def load(cls, path: str | os.PathLike | None = None,
             env: Mapping[str, str] | None = None) -> AlertConfig:
        """The TOML file (if any) with the environment's overrides."""
        env = os.environ if env is None else env
        path = Path(path or env.get("INVENTORY_ALERTS_CONFIG") or instance_folder(env) / "alerts.toml")
        data = {}
        if path.is_file():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise AlertConfigError(_("%(file)s is not valid TOML: %(problem)s") % {"file": path, "problem": exc}) from None
        config = cls._from_mapping(data)
        config._apply_env(env)
        config._check()
        return config

    @classmethod
    def _from_mapping(cls, data: dict) -> AlertConfig:
        config = cls()
        for name in ("mode", "webhook_url", "webhook_retries", "webhook_backoff", "webhook_timeout",
                     "max_items", "lang", "base_url", "baseline"):
            if name in data:
                setattr(config, name, data[name])
        if "email_to" in data:
            config.email_to = _addresses(data["email_to"])
        for name, settings in (data.get("rules") or {}).items():
            if name not in RULES:
                raise AlertConfigError(_("Unknown alert rule %(rule)r (known rules: %(known)s).") % {
                    "rule": name, "known": ", ".join(RULES)})
            config.rules[name] = Rule(enabled=bool(settings.get("enabled", True)),
                                      min_records=int(settings.get("min_records", 1)))
        return config

    def _apply_env(self, env: Mapping[str, str]) -> None:
        if env.get(ENV + "MODE"):
            self.mode = env[ENV + "MODE"].strip()
        if env.get(ENV + "EMAIL_TO"):
            self.email_to = _addresses(env[ENV + "EMAIL_TO"])
        if env.get(ENV + "WEBHOOK_URL"):
            self.webhook_url = env[ENV + "WEBHOOK_URL"].strip()
        if env.get(ENV + "BASELINE"):
            value = env[ENV + "BASELINE"].strip().lower()
            if value not in _FLAGS:
                raise AlertConfigError(f"{ENV}BASELINE must be 1 or 0 (true or false)")
            self.baseline = _FLAGS[value]
        if env.get("INVENTORY_BASE_URL"):
            self.base_url = env["INVENTORY_BASE_URL"].strip()
        if env.get(ENV + "RULES"):
            enabled = {r.strip() for r in env[ENV + "RULES"].split(",") if r.strip()}
            unknown = enabled - set(RULES)
            if unknown:
                raise AlertConfigError(_("%(variable)s: unknown alert rule %(rule)r.") % {
                    "variable": ENV + "RULES", "rule": sorted(unknown)[0]})
            for name, rule in self.rules.items():
                rule.enabled = name in enabled
        if env.get(ENV + "MIN_RECORDS"):
            try:
                minimum = int(env[ENV + "MIN_RECORDS"])
            except ValueError:
                raise AlertConfigError(_("%(variable)s is not a number.") % {"variable": ENV + "MIN_RECORDS"}) from None
            for rule in self.rules.values():
                rule.min_records = minimum

    def _check(self) -> None:
        if not isinstance(self.baseline, bool):
            raise AlertConfigError("baseline must be true or false")
        if self.mode not in MODES:
            raise AlertConfigError(_("The alert mode must be one of %(modes)s.") % {"modes": ", ".join(MODES)})
        if self.webhook_url and not self.webhook_url.startswith(("http://", "https://")):
            raise AlertConfigError(_("The webhook URL must start with http:// or https://."))


def instance_folder(env: Mapping[str, str] | None = None) -> Path:
    """The instance folder: ``$INVENTORY_INSTANCE_PATH``, else ./instance (as the web app)."""
    env = os.environ if env is None else env
    return Path(env.get("INVENTORY_INSTANCE_PATH") or Path.cwd() / "instance")


def _addresses(value) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return [a.strip() for a in items if a and a.strip()]
