"""Docs cannot drift: every setting is in the README and every error code in the OpenAPI doc.

(Datasette's ``test_docs.py`` habit.) A setting or an error code added in code without its
documentation fails here, naming what is missing.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from pathlib import Path

import pytest

import pollserver
from pollserver.config import SETTINGS
from pollserver.domain.errors import DomainError
from pollserver.web.errors import HTTP_CODES

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
OPENAPI = ROOT / "pollserver" / "api" / "openapi.json"


def _readme_rows() -> dict[str, str]:
    """Return ``{VARIABLE: table row}`` for the README's configuration table rows."""
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", line)
        if match:
            rows[match.group(1)] = line
    return rows


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.env)
def test_every_setting_is_in_the_readme_table(setting) -> None:
    rows = _readme_rows()
    assert setting.env in rows, f"README.md has no configuration row for {setting.env}"
    cells = [c.strip().strip("`") for c in rows[setting.env].strip("|").split("|")]
    if setting.default:
        assert setting.default in cells[1], f"{setting.env}: README default {cells[1]!r}"
    else:
        assert cells[1], f"{setting.env}: README gives no default"


def _error_codes() -> set[str]:
    """Return every ``code`` a DomainError subclass in pollserver can carry."""
    for info in pkgutil.walk_packages(pollserver.__path__, "pollserver."):
        if info.name != "pollserver.wsgi":  # importing it builds an app from the env
            importlib.import_module(info.name)
    codes: set[str] = set()
    pending = [DomainError]
    while pending:
        cls = pending.pop()
        codes.add(cls.code)
        pending.extend(cls.__subclasses__())
    return codes


def _documented_codes() -> set[str]:
    doc = json.loads(OPENAPI.read_text(encoding="utf-8"))
    return set(doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
               ["code"]["enum"])


def test_every_error_code_is_in_the_openapi_document() -> None:
    codes = _error_codes() | set(HTTP_CODES.values()) | {"internal_error"}
    assert {"forbidden_origin", "rate_limited", "store_unavailable"} <= codes
    missing = codes - _documented_codes()
    assert not missing, f"error codes missing from openapi.json: {sorted(missing)}"


def test_design_error_codes_are_documented() -> None:
    design = {"bad_request", "invalid_choice", "forbidden_origin", "not_found",
              "already_voted", "poll_closed", "poll_not_open", "no_votes_left", "too_large",
              "rate_limited"}
    assert design <= _documented_codes()
