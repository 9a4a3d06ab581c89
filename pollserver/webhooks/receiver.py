"""A small local receiver for trying webhooks from ``make run``: it checks each signature.

``pollserver webhooks receive --port 9009 --secret whsec_...`` prints every delivery it gets
(verified with the Standard Webhooks verifier when a secret is given) and answers 204; with a
wrong signature it answers 401, which the admin's delivery log then shows.
"""

from __future__ import annotations

from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

__all__ = ["serve_receiver"]


def serve_receiver(port: int, secret: str | None, echo: Callable[[str], None],
                   host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Return a server (not yet serving) on ``host:port`` that prints what it receives."""
    verifier = Webhook(secret) if secret else None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            body = self.rfile.read(min(int(self.headers.get("Content-Length", "0")), 1 << 20))
            status, verdict = 204, "not checked (no --secret)"
            if verifier is not None:
                try:
                    verifier.verify(body, dict(self.headers.items()))
                    verdict = "signature OK"
                except WebhookVerificationError as exc:
                    status, verdict = 401, f"signature REFUSED ({exc})"
            text = body.decode(errors="replace")
            echo(f"{self.headers.get('webhook-id', '?')} {verdict}: {text}")
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    return ThreadingHTTPServer((host, port), Handler)
