"""No raw client IP address in the store, in exports or in the logs of a real server.

The server runs exactly as ``pollserver serve`` runs it (gunicorn, its access-log format).
It listens on 127.0.0.2 while the client connects *from* 127.0.0.1, so the server's own
"Listening at" line cannot be mistaken for a leak and any "127.0.0.1" found is the client's.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.security.conftest import ROOT, server_env, write_manifest

pytestmark = pytest.mark.slow

SERVER_HOST = "127.0.0.2"
CLIENT_IP = "127.0.0.1"
FORWARDED_IP = "203.0.113.77"


class FromAddress(HTTPAdapter):
    """Connect from a chosen local address."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs) -> None:
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def _browser(server_url: str, **headers: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(CLIENT_IP))
    session.headers.update({"Origin": server_url, **headers})
    return session


def _take_part(url: str, **headers: str) -> list[requests.Response]:
    """Do what readers do: vote (JSON and form), ideas, idea votes, answers, errors, export."""
    done = []
    for n in range(3):
        reader = _browser(url, **headers)
        done.append(reader.post(f"{url}/api/polls/p/vote", json={"choices": ["monday"]}))
        done.append(reader.post(f"{url}/api/polls/p/vote", data={"choices": "wednesday"},
                                allow_redirects=False))
        idea = reader.post(f"{url}/api/jams/j/ideas",
                           json={"title": f"Idea {n} from {'proxy' if headers else 'direct'}",
                                 "body": "b"})
        done.append(idea)
        done.append(reader.post(f"{url}/api/jams/j/ideas/{idea.json()['id']}/vote", json={}))
        done.append(reader.post(f"{url}/api/surveys/s/responses",
                                json={"score": 9, "comment": "good", "consent_to_quote": True}))
        done.append(reader.get(f"{url}/api/me"))
        done.append(reader.post(f"{url}/api/polls/p/vote", json={"choices": ["nope"]}))
        done.append(reader.post(f"{url}/api/polls/p/vote", data="x",
                                headers={"Content-Type": "text/plain"}))
        done.append(reader.get(f"{url}/api/polls/missing"))
        done.append(reader.post(f"{url}/api/polls/p/vote", json={"choices": ["monday"]},
                                headers={"Origin": "https://evil.example"}))
        done.append(reader.post(f"{url}/admin/login", data={"username": "a", "password": "b"}))
    return done


def _leaks(paths: list[Path]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in paths:
        data = path.read_bytes()
        hits = [ip for ip in (CLIENT_IP, FORWARDED_IP) if ip.encode() in data]
        if hits:
            found[str(path)] = hits
    return found


def test_no_raw_ip_in_store_exports_or_logs(tmp_path, start_server) -> None:
    data_dir = tmp_path / "var"
    # Several fresh readers from one address within seconds: the first-write burst limit
    # (tested in test_first_write.py) would refuse them, so it is widened here.
    env = server_env(data_dir, POLLSERVER_LOG_LEVEL="DEBUG", POLLSERVER_FIRST_WRITE_BURST="100",
                     POLLSERVER_NEW_VOTERS="100/minute",
                     POLLSERVER_SECRET_KEY="no-raw-ip", POLLSERVER_RATE_LIMITS="on",
                     POLLSERVER_PROOF="off")
    sync = subprocess.run([sys.executable, "-m", "pollserver.cli", "sync", "--manifest",
                           str(write_manifest(tmp_path / "manifest.json"))],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert "created" in sync.stdout

    direct = start_server(env, host=SERVER_HOST)
    responses = _take_part(direct.url)
    proxied = start_server({**env, "POLLSERVER_TRUSTED_PROXIES": "1"}, host=SERVER_HOST)
    responses += _take_part(proxied.url, **{"X-Forwarded-For": FORWARDED_IP})
    statuses = {r.status_code for r in responses}
    assert {200, 201, 303, 400, 403, 404, 415} <= statuses, statuses
    assert all(r.status_code < 500 for r in responses)
    exports = [r.text for r in responses if r.request.path_url == "/api/me"]
    assert exports and all(CLIENT_IP not in e and FORWARDED_IP not in e for e in exports)

    results = subprocess.run([sys.executable, "-m", "pollserver.cli", "results", "--out",
                              str(tmp_path / "results.json")],
                             cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    for server in (direct, proxied):
        server.stop()  # flush the logs and write the final snapshot

    logs = [direct.stdout_path, direct.stderr_path, proxied.stdout_path, proxied.stderr_path]
    log_text = "".join(p.read_text(errors="replace") for p in logs)
    # The control: the access log did record the requests (so an IP would have shown).
    assert '"POST /api/polls/p/vote" 200' in log_text
    assert f"Listening at: http://{SERVER_HOST}" in log_text
    stored = sorted(p for p in data_dir.rglob("*") if p.is_file())
    assert any(p.name.startswith(("journal", "store")) for p in stored)
    assert "Idea 0 from direct" in "".join(p.read_text(errors="replace") for p in stored)
    assert _leaks(stored + logs + [tmp_path / "results.json"]) == {}
    assert CLIENT_IP not in results.stdout + results.stderr + sync.stdout + sync.stderr


def test_access_logs_never_carry_query_strings():
    """A verify token, a newsletter merge tag or a share token rides in a query string: the
    shipped gunicorn config, `pollserver serve` and the nginx sample log the path only."""
    root = Path(__file__).resolve().parents[2]
    conf = (root / "deploy" / "gunicorn.conf.py").read_text()
    assert "access_log_format = '\"%(m)s %(U)s\"" in conf and "%(r)s" not in conf
    assert "%(r)s" not in (root / "pollserver" / "cli" / "run.py").read_text()
    nginx = (root / "deploy" / "nginx.conf").read_text()
    assert "$request_uri" not in nginx.split("log_format", 1)[1].split(";", 1)[0]
    assert "access_log /var/log/nginx/valuehub.access.log valuehub;" in nginx
