"""The OpenAPI document is true: it lists exactly the ``/api`` routes, and it is valid 3.1.

Adding an endpoint without documenting it (or removing one and leaving it documented) fails
``test_document_matches_url_map`` with the difference spelled out.
"""

from __future__ import annotations

import re

from pollserver.api.openapi import document

IGNORED = {"HEAD", "OPTIONS"}


def _routes(app) -> set[tuple[str, str]]:
    """Return ``(path, method)`` for every /api rule, in OpenAPI's ``{name}`` syntax."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        found.update((path, m.lower()) for m in rule.methods or () if m not in IGNORED)
    return found


def _documented() -> set[tuple[str, str]]:
    methods = {"get", "post", "put", "patch", "delete"}
    return {(path, method) for path, item in document()["paths"].items()
            for method in item if method in methods}


def test_document_matches_url_map(app) -> None:
    routes, documented = _routes(app), _documented()
    assert routes - documented == set(), "routes missing from openapi.json"
    assert documented - routes == set(), "documented paths with no route"


def test_document_is_served(client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == document()
    assert response.get_json()["openapi"].startswith("3.1")


def test_document_loads_with_every_operation_resolved() -> None:
    # schemathesis resolves every $ref and parameter; a broken one is an Err, not an Ok.
    import schemathesis
    from schemathesis.core.result import Ok

    results = list(schemathesis.openapi.from_dict(document()).get_all_operations())
    assert results and all(isinstance(r, Ok) for r in results), results
    assert len(results) == len(_documented())


def test_path_parameters_are_declared() -> None:
    for path, item in document()["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        for method, op in item.items():
            if method == "parameters":
                continue
            declared = {p["name"] for p in item.get("parameters", []) + op.get("parameters", [])
                        if p["in"] == "path"}
            assert declared == names, f"{method.upper()} {path}"


def test_state_changing_operations_document_their_errors() -> None:
    for path, item in document()["paths"].items():
        for method in ("post", "delete"):
            if method not in item:
                continue
            responses = item[method]["responses"]
            needed = {"401", "403", "404"} if "/admin/" in path else {
                "400", "403", "413", "415", "429", "503"}
            assert needed <= set(responses), f"{method.upper()} {path}"
            errors = [r for code, r in responses.items() if code[0] in "45"]
            assert all(r["content"]["application/json"]["schema"]["$ref"]
                       == "#/components/schemas/Error" for r in errors), path


def test_error_schema_matches_what_the_api_sends(client) -> None:
    error = client.get("/api/polls/missing").get_json()["error"]
    schema = document()["components"]["schemas"]["Error"]["properties"]["error"]
    assert set(schema["required"]) <= set(error)
    assert error["code"] in schema["properties"]["code"]["enum"]
