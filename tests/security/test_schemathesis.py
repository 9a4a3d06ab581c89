"""Property-based API test against a live server: schemathesis generates requests from
``openapi.json`` and every response must be documented and never a server error.

The server is a real WSGI server (werkzeug, in a thread) on the embedded TinyDB store, with
rate limits off so generated requests are judged on their content alone. Every call carries
this server's ``Origin`` (so state-changing requests pass the CSRF check) and a signed-in
editor's session cookie with its CSRF token (so the admin operations run instead of 401).
Random ids would almost always be 404s, so most generated path parameters are replaced by
ids that exist: the seeded poll, jam, survey and ideas, and the editor actions. A stateful
run follows the document's links as well (submit an idea, then vote for it, take the vote
back, moderate it; vote, then read the poll).

The stateful run is deterministic: every scenario starts on a fresh, freshly seeded store
(the server swaps in a new app), and Hypothesis runs derandomised. Sharing one store across
scenarios made what a scenario could draw depend on what earlier ones had done, which
Hypothesis reports as ``FlakyStrategyDefinition`` when it replays an example.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.serving import make_server

from pollserver import create_app
from pollserver.api.openapi import document
from pollserver.config import Settings
from pollserver.web.context import services_of
from tests.admin.conftest import PASSWORD, password_hash
from tests.instant import TEST_NOW
from tests.security.conftest import seed

pytestmark = pytest.mark.slow

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')

#: How often a generated path parameter is swapped for a real id.
REAL_ID_SHARE = 0.85


class Swappable:
    """A WSGI app that forwards to whichever app it holds now (a fresh one per scenario)."""

    def __init__(self) -> None:
        self.app: Any = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        return self.app(environ, start_response)


@dataclass
class Live:
    """The running server, the editor's session and the ids that exist."""

    url: str
    base: Path
    front: Swappable
    token: str = ""
    cookies: dict[str, str] = field(default_factory=dict)
    ids: dict[str, list[str]] = field(default_factory=dict)
    store: Any = None
    made: int = 0

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``case.call``: origin, CSRF token and session cookie."""
        return {"base_url": self.url, "cookies": self.cookies,
                "headers": {"Origin": self.url, "X-CSRF-Token": self.token}}

    def fresh(self) -> None:
        """Serve a new app on a new, seeded store, with an editor signed in."""
        self.close()
        self.made += 1
        settings_ = Settings(data_dir=self.base / f"var{self.made}", site_dir=None,
                             rate_limits="off", secret_key="schemathesis")
        app = create_app(settings_)
        services_of(app).clock = lambda: TEST_NOW
        store = self.store = services_of(app).store
        ids = seed(store)
        more = [store.add_idea("j", title=f"Seed idea {n}", body="Some *text*", author="Ann",
                               voter_id=None, moderation=mod, at=TEST_NOW).id
                for n, mod in enumerate(["published", "pending", "published"])]
        store.put_admin("editor", password_hash())
        self.front.app = app
        session = requests.Session()
        page = session.get(self.url + "/admin/login", timeout=30).text
        login = session.post(self.url + "/admin/login", headers={"Origin": self.url},
                             timeout=30, data={"username": "editor", "password": PASSWORD,
                                               "csrf_token": TOKEN_RE.search(page).group(1)})
        assert login.url.endswith("/admin/"), "the editor could not sign in"
        self.token = TOKEN_RE.search(session.get(self.url + "/admin/", timeout=30).text
                                     ).group(1)
        self.cookies = session.cookies.get_dict()
        self.ids = {
            "poll_id": [ids["poll_id"]], "jam_id": [ids["jam_id"]],
            "survey_id": [ids["survey_id"]], "idea_id": [ids["idea_id"], *more],
            "action": ["approve", "reject", "hide", "status", "merge"]}

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def use_real_ids(self, case: Any, keep_numbers: bool = False) -> None:
        """Replace most path parameters by existing ids (deterministically per case).

        ``keep_numbers`` leaves numeric idea ids alone: in a stateful run they come from a
        link (the idea just submitted), which is the point of following it.
        """
        params = case.path_parameters
        if not params:
            return
        rng = random.Random(f"{case.operation.label}|{sorted(params.items())}")
        for name in list(params):
            if keep_numbers and str(params[name]).isdigit():
                continue
            if name in self.ids and rng.random() < REAL_ID_SHARE:
                params[name] = rng.choice(self.ids[name])


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[Live]:
    """Serve the app on a free port in a thread, seeded, with an editor signed in."""
    front = Swappable()
    server = make_server("127.0.0.1", 0, front, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    live = Live(f"http://127.0.0.1:{server.server_port}",
                tmp_path_factory.mktemp("schemathesis"), front)
    try:
        live.fresh()
        yield live
    finally:
        server.shutdown()
        thread.join()
        live.close()


#: The document the server serves (the same static file), loaded once at collection.
schema = schemathesis.openapi.from_dict(document())


@schema.parametrize()
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_document(case, live: Live) -> None:
    live.use_real_ids(case)
    case.call_and_validate(checks=CHECKS, **live.kwargs())


def test_stateful_links_conform(live: Live) -> None:
    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            live.fresh()  # every scenario starts from the same state

        def before_call(self, case: Any) -> None:
            live.use_real_ids(case, keep_numbers=True)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return live.kwargs()

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None,
                              **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

    Workflow.run(settings=settings(max_examples=25, stateful_step_count=6, deadline=None,
                                   derandomize=True, database=None,
                                   suppress_health_check=list(HealthCheck)))
