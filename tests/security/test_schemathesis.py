"""Property-based API test against a live server: schemathesis generates requests from
``openapi.json`` and every response must be documented and never a server error.

The server is a real WSGI server (werkzeug, in a thread) on the embedded TinyDB store, with
rate limits off so hundreds of generated requests are judged on their content alone. Every
call carries this server's ``Origin``, so state-changing requests get past the CSRF check
and exercise validation, the store and the error mapping.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
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
from tests.security.conftest import seed

pytestmark = pytest.mark.slow

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def live_url(tmp_path_factory) -> Iterator[str]:
    """Serve the app on a free port in a thread; yield its base URL."""
    settings_ = Settings(data_dir=tmp_path_factory.mktemp("schemathesis") / "var",
                         site_dir=None, rate_limits="off", secret_key="schemathesis")
    app = create_app(settings_)
    seed(app.extensions["pollserver.store"])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        app.extensions["pollserver.store"].close()


#: The document the server serves (the same static file), loaded once at collection.
schema = schemathesis.openapi.from_dict(document())


@schema.parametrize()
@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_document(case, live_url) -> None:
    case.call_and_validate(base_url=live_url, headers={"Origin": live_url}, checks=CHECKS)
