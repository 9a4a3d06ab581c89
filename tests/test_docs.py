"""Docs cannot drift: the README settings table is generated; every error code is documented.

(Datasette's ``test_docs.py`` habit.) A setting or an error code added in code without its
documentation fails here, naming what is missing.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import pkgutil
import re
from pathlib import Path

import pytest

import pollserver
from pollserver.config import SETTINGS, Settings, readme_table
from pollserver.domain.errors import DomainError
from pollserver.ops.settings_doc import documented_table, rewrite
from pollserver.web.errors import HTTP_CODES

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
OPENAPI = ROOT / "pollserver" / "api" / "openapi.json"


def _readme_rows() -> dict[str, list[str]]:
    """Return ``{VARIABLE: [variable, default, meaning]}`` for the README's table rows."""
    rows = {}
    for line in documented_table(README.read_text(encoding="utf-8")).splitlines():
        match = re.match(r"\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", line)
        if match:
            rows[match.group(1)] = [c.strip() for c in line.strip().strip("|").split("|")]
    return rows


def test_readme_settings_table_is_the_generated_one() -> None:
    """Byte for byte: a default or a help text changed in the README alone fails here."""
    documented = documented_table(README.read_text(encoding="utf-8"))
    assert documented == readme_table(), "README.md's settings table is stale: make settings-doc"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.env)
def test_every_setting_row_matches_the_table(setting) -> None:
    rows = _readme_rows()
    assert setting.env in rows, f"README.md has no configuration row for {setting.env}"
    assert rows[setting.env] == [f"`{setting.env}`", setting.shown_default(), setting.help]


def test_readme_has_no_row_the_table_lacks() -> None:
    assert list(_readme_rows()) == [s.env for s in SETTINGS]


def test_a_default_changed_in_the_readme_alone_is_caught() -> None:
    text = README.read_text(encoding="utf-8").replace(
        "| `POLLSERVER_SNAPSHOT_EVERY` | `5000` |", "| `POLLSERVER_SNAPSHOT_EVERY` | `50000` |")
    assert documented_table(text) != readme_table()
    assert rewrite(text) == README.read_text(encoding="utf-8")


def test_from_env_reads_every_default_from_the_table() -> None:
    """Unset, blank and set values all go through the table's parser."""
    defaults = Settings.from_env({})
    assert defaults == Settings()
    assert defaults.snapshot_every == 5000 and defaults.db_timeout == 2.0
    assert defaults.site_dir == Path("output") and defaults.database_url is None
    assert Settings.from_env({"POLLSERVER_SNAPSHOT_EVERY": " "}).snapshot_every == 5000
    assert Settings.from_env({"POLLSERVER_SITE_DIR": ""}).site_dir is None
    custom = Settings.from_env({"POLLSERVER_SNAPSHOT_EVERY": "7", "POLLSERVER_DB_TIMEOUT": "0.5",
                                "POLLSERVER_PUBLIC_ORIGIN": "https://hub.example/"})
    assert (custom.snapshot_every, custom.db_timeout) == (7, 0.5)
    assert custom.public_origin == "https://hub.example"
    fields = {f.name for f in dataclasses.fields(Settings)} - {"extra"}
    assert fields == {s.field for s in SETTINGS if s.field}


def test_makefile_port_default_is_the_table_s() -> None:
    port = next(s for s in SETTINGS if s.env == "PORT")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(rf"^PORT \?= {port.default}$", makefile, re.M)


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


def _block_example(kind: str) -> str:
    """Return README's example block of a kind (the fenced ```kind ... ``` it shows)."""
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^```{kind}\n(.*?)^```$", text, re.M | re.S)
    assert match, f"README.md shows no ```{kind} block"
    return match.group(1)


@pytest.mark.parametrize("kind", ["poll", "jam", "survey", "claim"])
def test_every_block_key_is_in_the_readme(kind) -> None:
    """Each key a block takes is in README's example of that block, with what it does."""
    from pollserver.domain.specs import ClaimSpec, JamSpec, PollSpec, SurveySpec

    spec = {"poll": PollSpec, "jam": JamSpec, "survey": SurveySpec, "claim": ClaimSpec}[kind]
    shown = {line.split(":", 1)[0].strip() for line in _block_example(kind).splitlines()
             if line and not line.startswith((" ", "-"))}
    keys = {f.name for f in dataclasses.fields(spec) if f.init}
    assert keys <= shown, f"README.md's ```{kind} example lacks {sorted(keys - shown)}"
