"""The service started exactly as ``deploy/`` ships it, against real mail and webhook servers.

``gunicorn -c deploy/gunicorn.conf.py`` with the systemd unit's ``Environment=`` lines and an
env file (the unit's ``EnvironmentFile=``), every ``/srv/valuehub`` path moved into a temporary
folder, no ``pollserver serve`` anywhere. An aiosmtpd server and a webhook receiver listen on
loopback. A follower must get the confirmation and the status-change mail signed with the
brand's name, the webhook must arrive signed, a poll must be announced closed at its date (the
clock is an input: ``POLLSERVER_NOW``) and the publish command must run.

Mutation check (drop one job from ``pollserver/jobs.py``'s ``JOBS``/``INTERVALS``): without
``mail`` the confirmation wait fails; without ``webhooks`` the signed-delivery wait fails;
without ``closings`` the ``poll.closed`` wait fails; without ``publish`` the marker-file wait
fails. Removing the ``post_worker_init`` hook from the gunicorn config fails the first wait.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.ci import require_module
from tests.live_server import BIN, ROOT, bound_socket

pytestmark = pytest.mark.timeout(180)

BRAND = "Brandy Beans"
START = "2026-03-02T09:00:00Z"  # POLLSERVER_NOW: the poll closes a few seconds later
POLL_CLOSES = "2026-03-02T09:00:06Z"
PASSWORD = "a long enough editor password"
UNIT = ROOT / "deploy" / "pollserver.service"


class Receiver:
    """A webhook endpoint on loopback that keeps what it is sent (body and headers)."""

    def __init__(self) -> None:
        self.got: list[tuple[bytes, dict[str, str]]] = []
        received = self.got

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                received.append((body, dict(self.headers.items())))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def types(self) -> list[str]:
        return [json.loads(body)["type"] for body, _ in self.got]


def unit_environment(root: Path) -> dict[str, str]:
    """The unit's ``Environment=`` lines, ``/srv/valuehub`` moved to ``root``."""
    found = {}
    for line in UNIT.read_text().splitlines():
        if line.startswith("Environment="):
            key, _, value = line.removeprefix("Environment=").partition("=")
            found[key] = value.replace("/srv/valuehub", str(root))
    assert "POLLSERVER_DATA_DIR" in found and "POLLSERVER_SITE_DIR" in found
    return found


def exec_start(root: Path) -> list[str]:
    """The unit's ``ExecStart``, run from this checkout's venv and deploy folder."""
    [line] = [x for x in UNIT.read_text().splitlines() if x.startswith("ExecStart=")]
    argv = shlex.split(line.removeprefix("ExecStart="))
    assert argv[0].endswith("/gunicorn") and argv[1:] == [
        "-c", "/srv/valuehub/deploy/gunicorn.conf.py"]
    return [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]


def wait_for(what: str, check: Callable[[], Any], log: Path, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.1)
    raise AssertionError(f"never saw {what}; server log:\n{log.read_text()[-4000:]}")


@pytest.fixture
def smtp() -> Iterator[tuple[str, Any]]:
    require_module("aiosmtpd")
    from tests.mail.conftest import Inbox, start_controller

    inbox = Inbox()
    controller, port = start_controller(inbox)
    try:
        yield f"smtp://127.0.0.1:{port}", inbox
    finally:
        controller.stop()


def manifest(site: Path) -> Path:
    """The build's manifest: the brand's name, a jam and a poll closing soon after START."""
    path = site / "engage" / "manifest.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({
        "version": 1, "site": {"name": BRAND}, "surveys": [],
        "jams": [{"id": "next", "title": "What next?", "source": "content/a.md:1",
                  "url": "/news/next.html"}],
        "polls": [{"id": "day", "question": "Which day?", "options": ["Mon", "Sat"],
                   "closes": POLL_CLOSES, "source": "content/a.md:9",
                   "url": "/news/next.html"}]}))
    return path


def test_deployed_as_shipped_mails_posts_announces_and_publishes(tmp_path, smtp):
    smtp_url, inbox = smtp
    root = tmp_path / "srv"
    (root / "var").mkdir(parents=True)
    site = root / "output"
    receiver = Receiver()
    marker = tmp_path / "published"
    script = f"open({str(marker)!r}, 'a').write('ran')"
    publish = f"{shlex.quote(sys.executable)} -c {shlex.quote(script)}"
    sock = bound_socket()
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    env = {
        "PATH": str(BIN) + ":/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path),
        **unit_environment(root),
        # The operator's /etc/valuehub/pollserver.env:
        "POLLSERVER_SECRET_KEY": "deploy-test-key", "POLLSERVER_PUBLIC_ORIGIN": base,
        "POLLSERVER_SMTP_URL": smtp_url, "POLLSERVER_MAIL_FROM": "hub@brandy.example",
        "POLLSERVER_WEBHOOKS_ALLOW_HTTP": "1", "POLLSERVER_WEBHOOKS_ALLOW_PRIVATE": "1",
        "POLLSERVER_PUBLISH_COMMAND": publish, "POLLSERVER_PUBLISH_QUIET": "0",
        "POLLSERVER_NOW": START, "POLLSERVER_RATE_LIMITS": "off",
        "GUNICORN_BIND": f"fd://{sock.fileno()}",
    }

    def cli(*args: str, stdin: str = "") -> str:
        return subprocess.run([str(BIN / "pollserver"), *args], cwd=root, env=env, text=True,
                              input=stdin, check=True, capture_output=True).stdout

    cli("sync", "--manifest", str(manifest(site)))
    cli("create-admin", "editor", "--password-stdin", stdin=PASSWORD + "\n")
    secret = re.search(r"secret \(shown once\): (\S+)", cli(
        "webhooks", "add", receiver.url,
        "--events", "idea.status_changed,poll.closed")).group(1)

    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(exec_start(root), cwd=root, env=env, stdout=out, stderr=out,
                                start_new_session=True, pass_fds=(sock.fileno(),))
    sock.close()
    try:
        wait_for("the server up", lambda: _get(base + "/api/health"), log)
        voter = requests.Session()
        idea = voter.post(f"{base}/api/jams/next/ideas", headers={"Origin": base}, timeout=10,
                          json={"title": "Oat milk", "body": "Please", "author": "Ann"})
        assert idea.status_code in (200, 201), idea.text
        assert idea.json()["status"] == "published", idea.text
        idea_id = str(idea.json()["id"])
        follow = voter.post(f"{base}/api/follows", headers={"Origin": base}, timeout=10,
                            json={"kind": "idea", "id": idea_id, "jam": "next",
                                  "email": "ann@example.org"})
        assert follow.status_code == 202, follow.text

        # mail job: the confirmation, in the brand's name
        [confirmation] = wait_for("the confirmation mail", lambda: inbox.to("ann@example.org"),
                                  log)
        assert confirmation["From"] == f"{BRAND} <hub@brandy.example>"
        assert str(confirmation["Subject"]).startswith(BRAND)
        confirm = re.search(r"https?://\S+/follows/confirm/\S+", _text(confirmation)).group(0)
        assert requests.post(confirm, headers={"Origin": base}, timeout=10).status_code == 200

        editor = _editor(base)
        status = editor.post(f"{base}/api/admin/jams/next/ideas/{idea_id}/status", timeout=10,
                             json={"status": "planned", "note": "In May", "notify": True},
                             headers={"X-CSRF-Token": _token(editor, base + "/admin/"),
                                      "Origin": base})
        assert status.status_code == 200, status.text

        # mail job: the status change to the follower, signed with the brand's name
        update = wait_for("the status-change mail", lambda: [
            m for m in inbox.to("ann@example.org") if "is now Planned" in str(m["Subject"])],
            log)[0]
        assert _text(update).rstrip().endswith(BRAND)
        assert "valuehub" not in update.as_string().lower()

        # webhooks job: a signed delivery of the status change
        wait_for("the status-change webhook", lambda: "idea.status_changed" in receiver.types(),
                 log)
        webhook = require_module("standardwebhooks").Webhook(secret)
        for body, headers in receiver.got:  # signed with the secret, at the app's clock
            sent = {k.lower(): v for k, v in headers.items()}
            at = datetime.fromtimestamp(int(sent["webhook-timestamp"]), UTC)
            expected = webhook.sign(sent["webhook-id"], at, body.decode())
            assert expected in sent["webhook-signature"].split(" ")

        # closings job: the poll is announced closed once the clock passes its date
        wait_for("poll.closed announced", lambda: "poll.closed" in receiver.types(), log)

        # publish job: the command ran for the changes the site shows
        wait_for("the publish command run", marker.exists, log)

        health = requests.get(base + "/api/health", timeout=10).json()
        assert {name: job["status"] for name, job in health["jobs"].items()} == {
            "closings": "ok", "mail": "ok", "webhooks": "ok", "publish": "ok"}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        receiver.server.shutdown()
        receiver.server.server_close()


def _get(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _text(msg: Any) -> str:
    return str(msg.get_body(preferencelist=("plain",)).get_content())


def _token(session: requests.Session, url: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', session.get(url, timeout=10).text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def _editor(base: str) -> requests.Session:
    session = requests.Session()
    login = session.post(f"{base}/admin/login", timeout=10, allow_redirects=False,
                         headers={"Origin": base},
                         data={"username": "editor", "password": PASSWORD,
                               "csrf_token": _token(session, base + "/admin/login")})
    assert login.status_code == 302, login.text
    return session
