"""An app with the proof of work and the burst queue ON (the tests' base config has them off:
``rate_limits="off"`` turns both off), and helpers that solve challenges as a widget does."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import altcha
import pytest
from flask import Flask
from flask.testing import FlaskClient

from pollserver import create_app
from pollserver.config import Settings
from pollserver.web.context import services_of
from tests.conftest import Clock, VoterActions, make_item


def proof_settings(data_dir: Path, **extra: Any) -> Settings:
    """Limits on but wide (these tests are about the proof), proof on."""
    base: dict[str, Any] = {"data_dir": data_dir, "site_dir": None,
                            "rate_limits": "100000/minute", "secret_key": "trust-secret",
                            "first_write_burst": 1000, "new_voters": "100000/minute",
                            "proof": "on", "proof_difficulty": 2000,
                            "extra": {"store": "memory"}}
    return Settings(**{**base, **extra})


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[Flask]:
    """An app with proof on, a jam ``j`` (post-moderation), ``first`` and a survey ``s``."""
    app = create_app(proof_settings(tmp_path / "var"))
    services_of(app).clock = Clock()
    services_of(app).store.sync_items([
        make_item("jam", id="j", title="What next?"),
        make_item("jam", id="first", title="First?", moderation="first"),
        make_item("survey", id="s")])
    yield app
    services_of(app).store.close()


def solve(client: FlaskClient, target: str) -> str:
    """Fetch a challenge for ``target`` and answer it, as the widget's worker does."""
    challenge = client.get(f"/api/altcha?item={target}").get_json()
    found = altcha.solve_challenge_v1(challenge["challenge"], challenge["salt"],
                                      challenge["algorithm"], challenge["maxNumber"])
    assert found is not None
    payload = {"algorithm": challenge["algorithm"], "challenge": challenge["challenge"],
               "number": found.number, "salt": challenge["salt"],
               "signature": challenge["signature"]}
    return base64.b64encode(json.dumps(payload).encode()).decode()


def idea(actor: VoterActions, title: str, jam: str = "j", proof: str | None = None):
    body: dict[str, Any] = {"title": title, "body": "Because."}
    if proof is not None:
        body["altcha"] = proof
    return actor.post(f"/api/jams/{jam}/ideas", json=body)
