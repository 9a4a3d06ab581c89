"""Browser test set-up: Debian's Chromium through pytest-playwright, and the sample site
built once and served by the real pollserver (CSP and all)."""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from pollserver.web.context import services_of
from tests.ci import missing
from tests.instant import TEST_NOW

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
]


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


class ClockedBrowser:
    """The session's browser, but every context it opens starts at the instant under test.

    site.js marks offers expired with the page's own clock, so the page must not see the
    machine's date: Playwright's clock starts at TEST_NOW and then runs on naturally.
    """

    def __init__(self, browser) -> None:
        self._browser = browser

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        context.clock.install(time=TEST_NOW)
        return context

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser(browser):
    """Wrap pytest-playwright's browser so no page reads the wall clock."""
    return ClockedBrowser(browser)


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """Return the path of axe-core, installed by `make test` (npm install axe-core@4.14.1)."""
    if not AXE.exists():
        missing("accessibility checks need node_modules/axe-core (npm install axe-core@4.14.1)")
    return AXE


class Hub:
    """A running pollserver (memory store) serving the built sample site."""

    def __init__(self, output: Path, data_dir: Path, clock=lambda: TEST_NOW,
                 **settings: object) -> None:
        from pollserver import create_app
        from pollserver.config import Settings
        from pollserver.ops.sync import load_manifest, sync_manifest

        # The memory store: these tests look at pages and widgets, not at restarts.
        base: dict = {"rate_limits": "off", "extra": {"store": "memory"}, **settings}
        self.app = create_app(Settings(data_dir=data_dir, site_dir=output, **base))
        self.store = services_of(self.app).store
        sync_manifest(self.store, load_manifest(output / "engage" / "manifest.json"))
        services_of(self.app).clock = clock
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def stop(self) -> None:
        """Stop serving and close the store."""
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.store.close()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """Build and index the sample site once per session; return the output directory."""
    sitebuild = _sitebuild()
    base = tmp_path_factory.mktemp("browser-site")
    output = base / "output"
    built = sitebuild.build_site(ROOT / "content", output, base / "cache")
    assert built.returncode == 0, built.stdout + built.stderr
    indexed = sitebuild.index_site(output)
    assert indexed.returncode == 0, indexed.stdout + indexed.stderr
    compressed = sitebuild.compress_site(output)
    assert compressed.returncode == 0, compressed.stdout + compressed.stderr
    return output


@pytest.fixture(scope="session")
def serve_hub(built_site, tmp_path_factory):
    """Start a pollserver with its own store on the built site: ``serve_hub(clock)``; the
    clock defaults to the instant under test, never the machine's."""
    hubs: list[Hub] = []

    def start(clock=lambda: TEST_NOW, **settings: object) -> Hub:
        hub = Hub(built_site, tmp_path_factory.mktemp("hub-var"), clock, **settings)
        hubs.append(hub)
        return hub

    yield start
    for hub in hubs:
        hub.stop()


@pytest.fixture(scope="session")
def site_url(serve_hub) -> str:
    """Serve the sample site once for the session and return its base URL."""
    return serve_hub().url


@pytest.fixture
def console_errors(page):
    """Collect console errors and uncaught exceptions (CSP violations show up here)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors
