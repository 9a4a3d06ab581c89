"""Mail over TLS against real local SMTP servers: STARTTLS on ``smtp://``, implicit TLS on
``smtps://``, with a certificate from a CA made in the test and trusted through
``POLLSERVER_SMTP_CA_FILE``.

The servers would accept a password in clear text (``auth_require_tls=False``) and do not
insist on STARTTLS, so only the sender's own rules keep the password inside TLS; every AUTH
the server sees is recorded with whether the connection was encrypted at that moment.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from pollserver.config import Settings
from pollserver.mail.sender import Sender
from pollserver.mail.transport import SmtpTransport, transport_for
from pollserver.store.memory import MemoryStore
from pollserver.web.context import services_of
from tests.ci import require_module
from tests.mail.conftest import Inbox, html_of, start_controller, text_of
from tests.mail.helpers import CTX, Clock, arrange, follow_confirmed, mark_planned

trustme = require_module("trustme")
smtp_mod = require_module("aiosmtpd.smtp")

USER, PASSWORD = "hub", "pa ss:w@rd"
SECRET_URL_PART = "hub:pa%20ss%3Aw%40rd"


@dataclass
class Server:
    """A running SMTP server: its port, what it received, every AUTH it saw."""

    port: int
    inbox: Inbox
    auths: list[tuple[bool, str, str]] = field(default_factory=list)  # (encrypted, user, pw)


@pytest.fixture(scope="module")
def ca() -> Any:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: Any, tmp_path: Path) -> str:
    path = tmp_path / "smtp-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def start(ca: Any) -> Iterator[Callable[[str], Server]]:
    """Start a server: ``"starttls"`` (offers STARTTLS), ``"implicit"`` (TLS from the first
    byte) or ``"plain"`` (no TLS at all)."""
    running: list[Any] = []

    def make(mode: str) -> Server:
        server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost", "127.0.0.1").configure_cert(server_ctx)
        seen = Server(port=0, inbox=Inbox())

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                          auth_data: Any) -> Any:
            encrypted = server.transport.get_extra_info("ssl_object") is not None
            login = auth_data.login.decode() if auth_data else ""
            password = auth_data.password.decode() if auth_data else ""
            seen.auths.append((encrypted, login, password))
            return smtp_mod.AuthResult(success=(login, password) == (USER, PASSWORD))

        options: dict[str, Any] = {"authenticator": authenticator, "auth_require_tls": False}
        if mode == "starttls":
            options["tls_context"] = server_ctx
        elif mode == "implicit":
            options["ssl_context"] = server_ctx
        controller, seen.port = start_controller(seen.inbox, **options)
        running.append(controller)
        return seen

    yield make
    for controller in running:
        controller.stop()


def _sender(store: MemoryStore, url: str, ca_file: str | None, clock: Clock) -> Sender:
    settings = Settings.from_env({"POLLSERVER_SMTP_URL": url,
                                  "POLLSERVER_SMTP_CA_FILE": ca_file or ""})
    transport = transport_for(settings.smtp_url, settings.data_dir,
                              ca_file=settings.smtp_ca_file)
    return Sender(store=store, transport=transport, ctx=CTX, clock=clock)


def _store_with_a_mail_due() -> MemoryStore:
    store = MemoryStore()
    idea = arrange(store)
    follow_confirmed(store, "ann@example.org", "idea", idea)
    mark_planned(store, idea)
    return store


def _mails(store: MemoryStore) -> list[Any]:
    return [d for d in store.list_deliveries("mail")]


@pytest.mark.parametrize("mode, scheme", [("starttls", "smtp"), ("implicit", "smtps")])
def test_mail_goes_over_tls_and_the_password_only_inside_it(mode, scheme, start, ca_file):
    server = start(mode)
    store = _store_with_a_mail_due()
    url = f"{scheme}://{SECRET_URL_PART}@127.0.0.1:{server.port}"
    sent = _sender(store, url, ca_file, Clock()).run_once()
    assert sent == 2  # the confirmation and the status change, one connection each
    assert server.auths == [(True, USER, PASSWORD)] * sent  # every time over TLS
    [mail] = [m for m in server.inbox.to("ann@example.org")
              if "is now Planned" in str(m["Subject"])]
    assert "Coming in May" in text_of(mail) and "Coming in May" in html_of(mail)
    assert mail.get_content_type() == "multipart/alternative"
    assert [d.status for d in _mails(store)] == ["sent"]
    assert len(server.inbox.messages) == sent


def test_no_starttls_means_no_password_and_no_mail_but_a_retry(start, ca_file):
    server = start("plain")  # offers AUTH in clear text, never STARTTLS
    store = _store_with_a_mail_due()
    clock = Clock()
    url = f"smtp://{SECRET_URL_PART}@127.0.0.1:{server.port}"
    run = _sender(store, url, ca_file, clock)
    assert run.run_once() == 0
    assert server.auths == [] and server.inbox.messages == []
    [due] = _mails(store)
    assert due.status == "pending" and due.attempts == 1 and due.next_attempt > clock.now
    assert "STARTTLS" in due.last_error and PASSWORD not in due.last_error
    clock.now = due.next_attempt + timedelta(seconds=1)
    assert run.run_once() == 0  # tried again later, refused again
    [due] = _mails(store)
    assert due.attempts == 2 and due.status == "pending"
    assert server.auths == [] and server.inbox.messages == []


@pytest.mark.parametrize("mode, scheme", [("starttls", "smtp"), ("implicit", "smtps")])
def test_a_certificate_nobody_vouches_for_is_refused(mode, scheme, start):
    server = start(mode)
    store = _store_with_a_mail_due()
    url = f"{scheme}://{SECRET_URL_PART}@127.0.0.1:{server.port}"
    assert _sender(store, url, None, Clock()).run_once() == 0  # no CA file: not trusted
    assert server.auths == [] and server.inbox.messages == []
    [due] = _mails(store)
    assert due.status == "pending" and "CERTIFICATE_VERIFY_FAILED" in due.last_error


def test_a_relay_without_a_password_still_takes_plain_mail(start):
    server = start("plain")
    store = _store_with_a_mail_due()
    assert _sender(store, f"smtp://127.0.0.1:{server.port}", None, Clock()).run_once() >= 1
    assert len(server.inbox.to("ann@example.org")) == 2 and server.auths == []


def test_the_transport_never_shows_its_password():
    transport = SmtpTransport(f"smtp://{SECRET_URL_PART}@mail.example:587")
    assert transport.password == PASSWORD
    assert PASSWORD not in repr(transport) and "pa%20ss" not in repr(transport)


def test_settings_pass_the_ca_file_to_the_sender(tmp_path, ca_file):
    from pollserver import create_app
    from pollserver.mail.service import build_sender

    settings = Settings(data_dir=tmp_path / "var", site_dir=None, secret_key="k",
                        smtp_url="smtps://127.0.0.1:1", smtp_ca_file=ca_file,
                        extra={"store": "memory"})
    app = create_app(settings)
    try:
        transport = build_sender(app).transport
        assert isinstance(transport, SmtpTransport)
        der = ssl.PEM_cert_to_DER_cert(Path(ca_file).read_text())
        assert der in transport.context.get_ca_certs(binary_form=True)
    finally:
        services_of(app).store.close()
