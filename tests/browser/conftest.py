"""Browser test set-up: Debian's Chromium through pytest-playwright, and the sample site served.

The site is served by the real pollserver (CSP and all) when it can be imported, else by
http.server with the same Content-Security-Policy header, so CSP mistakes show up either way.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'none'"
)


def missing(reason: str) -> None:
    """Skip on a laptop without the tool; fail in CI, where a skip would hide a gap."""
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def _sitebuild():
    spec = importlib.util.spec_from_file_location("sitebuild", ROOT / "tests/site/sitebuild.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium (never a downloaded one) with the network kept local."""
    if not CHROMIUM.exists():
        missing("browser tests need Debian's chromium: apt-get install chromium")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """Return the path of axe-core, installed by `make test` (npm install axe-core@4.14.1)."""
    if not AXE.exists():
        missing("accessibility checks need node_modules/axe-core (npm install axe-core@4.14.1)")
    return AXE


class _StaticHandler(SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - keep the test output quiet
        pass


def _pollserver(base: Path, output: Path):
    """Return a WSGI server for pollserver serving `output`, or None if it is not importable."""
    try:
        from pollserver import create_app
        from pollserver.config import Settings
    except ImportError:
        return None
    from werkzeug.serving import make_server

    # The memory store: these tests look at pages, not at what survives a restart.
    settings = Settings(
        data_dir=base / "var", site_dir=output, rate_limits="off", extra={"store": "memory"}
    )
    app = create_app(settings)
    manifest = output / "engage" / "manifest.json"
    if manifest.exists():
        from pollserver.sync import load_manifest, sync_manifest

        sync_manifest(app.extensions["pollserver.store"], load_manifest(manifest))
    return make_server("127.0.0.1", 0, app, threaded=True)


@pytest.fixture(scope="session")
def site_url(tmp_path_factory):
    """Build the sample site once, serve it on 127.0.0.1 and return its base URL."""
    sitebuild = _sitebuild()
    base = tmp_path_factory.mktemp("browser-site")
    output = base / "output"
    built = sitebuild.build_site(ROOT / "content", output, base / "cache")
    assert built.returncode == 0, built.stdout + built.stderr
    indexed = sitebuild.index_site(output)
    assert indexed.returncode == 0, indexed.stdout + indexed.stderr
    server = _pollserver(base, output)
    if server is None:
        handler = functools.partial(_StaticHandler, directory=str(output))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def console_errors(page):
    """Collect console errors and uncaught exceptions (CSP violations show up here)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors
