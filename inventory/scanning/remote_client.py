"""Remote mode's HTTP client: batches of scan records posted to the registry's
``POST /api/scan-records`` (:mod:`inventory.web.api`) with a bearer token.

Every transport failure (connection refused or reset, a time-out, an answer
cut off mid-body: :func:`transport_failure`), 408, 425, 429 and 5xx are retried
with exponential back-off and jitter (0.5 s doubling to
``$INVENTORY_SEND_MAX_DELAY``, default 60 s; a ``Retry-After`` is honoured up
to that cap) until the registry answers or the caller stops waiting (the
client's ``stop`` event).  Any other 4xx raises :class:`Refused` (a bad token, a run
of another token); a 409 (the run was finished by someone else) raises
:class:`RunClosed`.
"""
from __future__ import annotations

import os
import random
import sys
import threading
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from inventory import catalogue


def _(text: str) -> str:
    """``text`` (an English msgid) in the language of what is printed ($INVENTORY_LANG, else Japanese)."""
    return catalogue.gettext(text)

TOKEN_ENV = "INVENTORY_API_TOKEN"
MAX_DELAY_ENV = "INVENTORY_SEND_MAX_DELAY"
ENDPOINT = "/api/scan-records"
RETRY_BASE, RETRY_CAP = 0.5, 60.0
#: seconds to connect, seconds to wait for the registry's answer to one batch
HTTP_TIMEOUT = (10.0, 120.0)
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class DeliveryError(Exception):
    """Records could not be delivered; they stay in the spool."""


class Refused(DeliveryError):
    """The registry refused a request for good (bad token, unknown run ...): retrying is useless."""

    def __init__(self, status: int, reason: str):
        super().__init__(f"the registry refused the records (HTTP {status}: {reason})")
        self.status, self.reason = status, reason


class Unreachable(DeliveryError):
    """The registry did not take the records before we stopped waiting for it."""


class RunClosed(Exception):
    """HTTP 409: the run was finished before these records arrived."""


def endpoint(url: str) -> str:
    """The scan-records endpoint of a registry named by its base URL or by the endpoint itself."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("the registry URL must start with http:// or https://")
    path = parts.path.rstrip("/")
    if not path.endswith(ENDPOINT):
        path += ENDPOINT
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


# ----- talking to the registry -----
def retry_delay(attempt: int, cap: float, retry_after: float | None = None) -> float:
    """Exponential back-off with jitter: half the doubled delay fixed, half random; at most ``cap``."""
    ceiling = min(cap, RETRY_BASE * 2 ** attempt)
    delay = ceiling / 2 + random.uniform(0, ceiling / 2)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return delay


def _retry_after(response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def transport_failure(exc: Exception) -> bool:
    """Whether ``exc`` (raised by requests) may pass if the request is sent again: refused or
    reset connections, time-outs, a body cut off mid-way (``ChunkedEncodingError``) and the like.
    Not a malformed URL or header (requests raises those as ``ValueError``s): they never pass."""
    import requests

    return isinstance(exc, requests.RequestException) and not isinstance(exc, ValueError)


class _CutOff(Exception):
    """A 2xx answer that claims to be JSON but does not parse: cut off on its way."""


def _answer(response) -> dict:
    """The JSON of a 2xx answer.  JSON that does not parse was cut off (retried); anything that
    is not JSON at all (a proxy's login page) is a refusal."""
    try:
        answer = response.json()
    except ValueError:
        if "json" in response.headers.get("Content-Type", ""):
            raise _CutOff() from None
        answer = None
    if not isinstance(answer, dict):
        raise Refused(response.status_code, "the answer is not the registry's JSON")
    return answer


def _reason(response) -> str:
    """The registry's own reason for an error (``{"error": ...}``), never a record's content."""
    try:
        return str(response.json().get("error"))[:200]
    except ValueError:
        return response.reason or "error"


class RegistryClient:
    """Posts batches to ``/api/scan-records`` with a bearer token, retrying what may succeed later.

    ``stop`` (an Event) ends waiting: a retry that would come after it is set
    raises :class:`Unreachable`.
    """

    def __init__(self, url: str, token: str, max_delay: float | None = None,
                 stop: threading.Event | None = None, log: Callable[[str], None] | None = None,
                 timeout: tuple[float, float] = HTTP_TIMEOUT):
        import requests

        self.url = endpoint(url)
        self.http = requests.Session()
        self.http.headers.update({"Authorization": f"Bearer {token}",
                                  "Content-Type": "application/x-ndjson; charset=utf-8"})
        self.max_delay = env_float(MAX_DELAY_ENV, RETRY_CAP) if max_delay is None else max_delay
        self.stop = stop or threading.Event()
        self.log = log or (lambda message: print(message, file=sys.stderr))
        self.retries = 0
        self.timeout = timeout

    def post(self, body: bytes, **params) -> dict:
        """POST one batch (JSON lines, or ``[]``); the answer's JSON.  Retries; raises
        :class:`Refused`, :class:`RunClosed` or :class:`Unreachable`."""
        import requests

        attempt = 0
        while True:
            if self.stop.is_set():
                raise Unreachable("stopped waiting for the registry")
            retry_after = None
            try:
                response = self.http.post(self.url, params=params, data=body, timeout=self.timeout)
                if response.ok:
                    return _answer(response)
            except _CutOff:
                problem = "the registry's answer was cut off"
            except requests.RequestException as exc:
                if not transport_failure(exc):
                    raise
                problem = _("cannot reach the registry (%(problem)s)") % {"problem": type(exc).__name__}
            else:
                if response.status_code == 409:
                    raise RunClosed(_reason(response))
                if response.status_code not in RETRY_STATUSES:
                    raise Refused(response.status_code, _reason(response))
                problem = _("the registry answered HTTP %(status)s") % {"status": response.status_code}
                retry_after = _retry_after(response)
            delay = retry_delay(attempt, self.max_delay, retry_after)
            if attempt == 0 or attempt % 5 == 0:
                self.log(_("remote: %(problem)s; retrying (next in %(delay).1f s)") % {"problem": problem, "delay": delay})
            self.retries += 1
            attempt += 1
            if self.stop.wait(delay):
                raise Unreachable(f"stopped waiting for the registry: {problem}")

    def close(self) -> None:
        self.http.close()
