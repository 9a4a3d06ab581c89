"""Where a finished message goes: an SMTP server, or ``.eml`` files in ``var/mail/``.

``POLLSERVER_SMTP_URL`` picks SMTP: ``smtp://user:pass@host:587`` upgrades the connection
with STARTTLS before anything else is said, ``smtps://`` speaks TLS from the start. With a
user in the URL, a server that does not offer STARTTLS gets neither the password nor the
message: the attempt fails and is retried later (a downgrade by someone in the path may pass).
Without a user (a local relay on port 25) STARTTLS is used when offered. The server's
certificate is always checked, against the system's CAs plus ``POLLSERVER_SMTP_CA_FILE``.
Without a URL (``make run``), messages are written as ``.eml`` files, named after their
Message-ID so a resend replaces the file, and ``/admin/mail`` lists them.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

__all__ = ["Deferred", "FileTransport", "NoTls", "PermanentFailure", "SmtpTransport", "Transport",
           "transport_for"]

#: Seconds an SMTP conversation may stall before the attempt counts as failed.
TIMEOUT = 30.0


class PermanentFailure(Exception):
    """The server refused the message for good (5xx): retrying cannot help."""


class Deferred(Exception):
    """The server said "not now" (4xx): retry later. The message names only the code, as
    the server's own text often repeats the recipient's address (which never reaches a log
    or a delivery's ``last_error``)."""


class NoTls(smtplib.SMTPException):
    """The server did not offer STARTTLS, so the password was not sent (retried later)."""


class Transport(Protocol):
    """Something that delivers one message or raises."""

    def send(self, msg: EmailMessage) -> None:
        """Deliver ``msg``; raise ``PermanentFailure`` or any other error to retry."""


class FileTransport:
    """Write each message to ``folder/<hash of Message-ID>.eml`` (atomically)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, msg: EmailMessage) -> Path:
        """The file a message goes to (the same for a resend of the same message)."""
        digest = hashlib.sha256(str(msg["Message-ID"]).encode()).hexdigest()[:24]
        return self.folder / f"{digest}.eml"

    def send(self, msg: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path_for(msg)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(msg.as_bytes())
        os.replace(tmp, path)


class SmtpTransport:
    """Send over SMTP with the standard library, one connection per message."""

    def __init__(self, url: str, *, context: ssl.SSLContext | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("POLLSERVER_SMTP_URL must look like smtp://host:587 or "
                             "smtps://host:465")
        self.implicit_tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.implicit_tls else 587)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.context = context or ssl.create_default_context()

    def __repr__(self) -> str:  # never show the password in a log line
        return f"SmtpTransport({'smtps' if self.implicit_tls else 'smtp'}://{self.host}:{self.port})"

    def send(self, msg: EmailMessage) -> None:
        smtp: smtplib.SMTP
        if self.implicit_tls:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT, context=self.context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT)
        try:
            smtp.ehlo()
            if not self.implicit_tls:
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=self.context)
                    smtp.ehlo()  # what the server offers over TLS (AUTH often only here)
                elif self.user:
                    raise NoTls("the SMTP server offers no STARTTLS; the password is only "
                                "ever sent over TLS")
            if self.user:
                smtp.login(self.user, self.password or "")
            try:
                smtp.send_message(msg)
            except smtplib.SMTPRecipientsRefused as exc:
                codes = [code for code, _ in exc.recipients.values()]
                if all(code >= 500 for code in codes):
                    raise PermanentFailure(f"recipient refused ({codes[0]})") from None
                deferred = min(code for code in codes if code < 500)
                raise Deferred(f"recipient deferred ({deferred})") from None
            except smtplib.SMTPResponseException as exc:
                # The exception's text is the server's reply (it may name an address).
                if exc.smtp_code >= 500:
                    raise PermanentFailure(f"refused ({exc.smtp_code})") from None
                raise Deferred(f"deferred ({exc.smtp_code})") from None
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def transport_for(smtp_url: str | None, data_dir: Path, *,
                  ca_file: str | None = None) -> Transport:
    """SMTP when a URL is set (trusting ``ca_file`` too), else ``.eml`` files in
    ``data_dir/mail``."""
    if smtp_url:
        context = ssl.create_default_context()
        if ca_file:
            context.load_verify_locations(ca_file)
        return SmtpTransport(smtp_url, context=context)
    return FileTransport(data_dir / "mail")
