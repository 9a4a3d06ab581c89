"""One webhook POST: to the guard's checked address, signed, with a timeout, no redirects.

``http.client`` is used directly because it never follows redirects and lets the socket be
opened to a given address while TLS checks the certificate against the URL's host name.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from pollserver.webhooks.guard import Refused, Target, resolve_target

__all__ = ["Answer", "post"]

#: How much of the receiver's answer is read (and kept for the log).
_READ_LIMIT = 4096


@dataclass(frozen=True)
class Answer:
    """What one try got: an HTTP status (0 for none), an error for the log, the time taken."""

    status: int
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        """A 2xx answer; anything else (a redirect too) is a failure worth a retry."""
        return 200 <= self.status < 300


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to ``address`` that checks the certificate for ``host``."""

    def __init__(self, target: Target, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._address = target.address
        self._ssl = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._ssl.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTP(http.client.HTTPConnection):
    """A plain connection to ``address`` (only with ``POLLSERVER_WEBHOOKS_ALLOW_HTTP=1``)."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float = 10.0,
         allow_http: bool = False, allow_private: bool = False,
         context: ssl.SSLContext | None = None) -> Answer:
    """POST ``body`` once; never raises for network trouble (it becomes ``Answer.error``)."""
    started = time.monotonic()  # only for the log's duration column

    def answer(status: int, error: str) -> Answer:
        return Answer(status, error[:300], int((time.monotonic() - started) * 1000))

    try:
        target = resolve_target(url, allow_http=allow_http, allow_private=allow_private)
    except Refused as exc:
        return answer(0, f"refused: {exc}")
    conn: http.client.HTTPConnection
    if target.scheme == "https":
        conn = _PinnedHTTPS(target, timeout, context or ssl.create_default_context())
    else:
        conn = _PinnedHTTP(target, timeout)
    try:
        conn.request("POST", target.path, body=body, headers={
            **headers, "Content-Type": "application/json", "User-Agent": "pollserver-webhooks"})
        response = conn.getresponse()
        response.read(_READ_LIMIT)
        status = response.status
    except (OSError, http.client.HTTPException) as exc:  # timeouts are OSErrors
        return answer(0, f"{exc.__class__.__name__}: {exc}" or "no answer")
    finally:
        conn.close()
    if 300 <= status < 400:
        return answer(status, f"HTTP {status}: redirects are not followed")
    return answer(status, "" if 200 <= status < 300 else f"HTTP {status}")
