"""Email through the city's SMTP relay, shared by alerts and reminders.

Settings come from the environment (one place for every sender):

=============================  ==================================================
``INVENTORY_SMTP_HOST``        the relay; unset: no email is sent
``INVENTORY_SMTP_PORT``        default 25 (587 when STARTTLS is on)
``INVENTORY_SMTP_USER``        login, when the relay wants one
``INVENTORY_SMTP_PASSWORD``    its password (never logged nor shown)
``INVENTORY_SMTP_FROM``        the sender, default ``inventory@localhost``
``INVENTORY_SMTP_STARTTLS``    ``1``/``true``/``yes``: upgrade the connection first
=============================  ==================================================

Messages are plain text, UTF-8 (Japanese subjects are encoded by
:mod:`email`).  Failures raise :class:`MailError` with a short reason that
holds neither the password nor the message.
"""
from __future__ import annotations

import os
import smtplib
import socket
import ssl
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from inventory import catalogue


def _(text: str) -> str:
    """``text`` (an English msgid) in the language of what is printed ($INVENTORY_LANG, else Japanese)."""
    return catalogue.gettext(text)

ENV_PREFIX = "INVENTORY_SMTP_"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


class MailError(RuntimeError):
    """Email could not be sent; ``str(exc)`` is a short reason fit for a log."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "inventory@localhost"
    starttls: bool = False
    timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings | None:
        """The settings in the environment; None when no relay is named (email is off)."""
        env = os.environ if env is None else env
        host = env.get(ENV_PREFIX + "HOST", "").strip()
        if not host:
            return None
        starttls = env.get(ENV_PREFIX + "STARTTLS", "").strip().lower() in TRUE_WORDS
        port = env.get(ENV_PREFIX + "PORT", "").strip()
        try:
            port_no = int(port) if port else (587 if starttls else 25)
        except ValueError:
            raise MailError(_("%(variable)s is not a number.") % {"variable": ENV_PREFIX + "PORT"}) from None
        return cls(host=host, port=port_no, user=env.get(ENV_PREFIX + "USER") or None,
                   password=env.get(ENV_PREFIX + "PASSWORD") or None,
                   sender=env.get(ENV_PREFIX + "FROM", "").strip() or cls.sender, starttls=starttls)

    def __repr__(self) -> str:          # the password stays out of logs and tracebacks
        return (f"SmtpSettings(host={self.host!r}, port={self.port}, user={self.user!r}, "
                f"sender={self.sender!r}, starttls={self.starttls})")


def build_message(sender: str, to: Sequence[str], subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 message."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    message.set_content(body, charset="utf-8")
    return message


def send_mail(to: Sequence[str], subject: str, body: str,
              settings: SmtpSettings | None = None) -> None:
    """Send one message to ``to`` (settings default to the environment's)."""
    send_messages([(list(to), subject, body)], settings)


def send_messages(messages: Iterable[tuple[Sequence[str], str, str]],
                  settings: SmtpSettings | None = None) -> int:
    """Send (to, subject, body) messages over one connection; return how many were sent."""
    settings = settings or SmtpSettings.from_env()
    if settings is None:
        raise MailError(_("No SMTP relay is set: set %(variable)s.") % {"variable": ENV_PREFIX + "HOST"})
    sent = 0
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            for to, subject, body in messages:
                if not to:
                    continue
                smtp.send_message(build_message(settings.sender, to, subject, body))
                sent += 1
    except smtplib.SMTPException as exc:
        raise MailError(_("The SMTP relay %(relay)s refused the message (%(problem)s).") % {
            "relay": f"{settings.host}:{settings.port}", "problem": type(exc).__name__}) from None
    except (OSError, socket.timeout) as exc:
        raise MailError(_("Cannot reach the SMTP relay %(relay)s (%(problem)s).") % {
            "relay": f"{settings.host}:{settings.port}", "problem": exc.strerror or type(exc).__name__}) from None
    return sent
