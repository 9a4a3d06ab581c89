"""Proof of work on anonymous costly writes (the ALTCHA protocol), and the no-JS time check.

A bot spread over many addresses defeats per-address limits; a small cost per write does not
care about addresses. The widgets fetch a challenge (``GET /api/altcha``), find the number in
a Web Worker while the reader types, and send the answer as ``altcha`` with the write. The
server checks the HMAC signature, the expiry (against the app clock) and the item the
challenge was made for, and keeps each used challenge until it expires in the rate limiter's
shared counters (Redis, or the data dir's limits file), so a replayed answer is refused by
every process. A client asking for many challenges, or an item the burst watcher flagged,
gets a harder one.

A plain form (JavaScript off) cannot solve anything: the server-rendered form carries a
signed render time (``_t``); a form posted within two seconds of rendering or after a day is
refused, and what it submits waits for an editor (``g.proof_held``).

Off with ``POLLSERVER_PROOF=off``, and whenever ``POLLSERVER_RATE_LIMITS=off`` (tests).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.parse
from datetime import timedelta
from typing import Any

import altcha
from flask import Flask, g
from itsdangerous import BadData, URLSafeSerializer
from limits import RateLimitItemPerSecond
from markupsafe import Markup

from pollserver.config import Settings
from pollserver.errors import ProofRequired, RateLimited
from pollserver.web.bursts import under_burst
from pollserver.web.context import get_store, now, services, services_of
from pollserver.web.identity import client_ip_hash

__all__ = ["PROOF_FIELD", "TIME_FIELD", "Proof", "check_proof", "init_app", "must_wait"]

PROOF_FIELD = "altcha"
TIME_FIELD = "_t"
#: How long a challenge may be answered (a reader may write an idea slowly).
CHALLENGE_TTL = timedelta(minutes=30)
#: A plain form posted sooner than this after rendering, or later, is refused.
FORM_MIN = timedelta(seconds=2)
FORM_MAX = timedelta(days=1)
#: Challenges one client address may ask for in a minute before they get harder.
CLIENT_BURST = 20
#: How much harder a challenge gets under a burst.
HARDER = 20


class Proof:
    """The app's challenge maker and checker."""

    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.proof != "off" and settings.rate_limits.strip() != "off"
        key = settings.resolved_secret_key().encode()
        self.hmac_key = hmac.new(key, b"altcha", hashlib.sha256).hexdigest()
        self.difficulty = max(1000, settings.proof_difficulty)
        self.burst_minutes = settings.burst_queue
        self.times = URLSafeSerializer(key, salt="form-time")

    def challenge(self, target: str) -> dict[str, Any]:
        """A new challenge for a write to ``target`` (``kind:id``), harder under a burst."""
        hard = self._client_burst() or under_burst(get_store(), target, now(),
                                                   self.burst_minutes)
        made = altcha.create_challenge_v1(
            hmac_key=self.hmac_key, max_number=self.difficulty * (HARDER if hard else 1),
            expires=now() + CHALLENGE_TTL, params={"item": target})
        return made.to_dict()

    def _client_burst(self) -> bool:
        minute = now().strftime("%Y-%m-%dT%H:%M")
        try:
            storage = services().limits.limiter.storage
            return int(storage.incr(f"altcha/{client_ip_hash()}/{minute}", 120)) > CLIENT_BURST
        except Exception:  # noqa: BLE001 - a failing counter only means an easy challenge
            return False

    def verify(self, payload: object, target: str) -> None:
        """Accept a solved, signed, unexpired challenge for ``target`` once; else raise."""
        if not isinstance(payload, str) or not payload or len(payload) > 2000:
            raise ProofRequired("This request needs a proof of work (the page's script "
                                "solves it); please try again.")
        ok, _ = altcha.verify_solution_v1(payload, self.hmac_key, check_expires=False)
        if not ok:
            raise ProofRequired("The proof of work is not valid; please try again.")
        salt = json.loads(base64.b64decode(payload))["salt"]
        params = urllib.parse.parse_qs(str(salt).partition("?")[2])
        expires = params.get("expires", ["0"])[0]
        if not expires.isdigit() or int(expires) < now().timestamp():
            raise ProofRequired("The proof of work has expired; please try again.")
        if params.get("item", [""])[0] != target:
            raise ProofRequired("The proof of work was made for another item.")
        ttl = max(1, int(int(expires) - now().timestamp()) + 1)
        self._use(f"altcha:{hashlib.sha256(str(salt).encode()).hexdigest()}", ttl)

    def form_time(self) -> str:
        """A signed render time for a plain form."""
        return self.times.dumps(round(now().timestamp(), 3))

    def check_form(self, token: object) -> None:
        """Accept a plain form rendered between two seconds and a day ago, once; else raise."""
        try:
            rendered = float(self.times.loads(str(token or "")))
        except (BadData, TypeError, ValueError):
            raise ProofRequired("This form's check against robots is not valid; please "
                                "reload the page and send it again.") from None
        age = now().timestamp() - rendered
        if age < FORM_MIN.total_seconds() or age > FORM_MAX.total_seconds():
            raise ProofRequired("This form was sent too fast or is too old; please reload "
                                "the page and send it again.")
        self._use(f"form:{token}", int(FORM_MAX.total_seconds()))
        g.proof_held = True

    @staticmethod
    def _use(key: str, ttl: int) -> None:
        try:
            services().limits.count("proof", [(RateLimitItemPerSecond(1, ttl), key)])
        except RateLimited:
            raise ProofRequired("This proof was used already; please try again.") from None


def check_proof(body: Any, target: str, *, form: bool) -> None:
    """Check the proof of a costly anonymous write (nothing when the proof is off)."""
    proof: Proof = services().proof
    if not proof.enabled:
        return
    if form:
        proof.check_form(body.get(TIME_FIELD))
    else:
        proof.verify(body.get(PROOF_FIELD), target)


def must_wait(target: str) -> bool:
    """Tell whether this request's new idea waits for an editor: it came from a plain form,
    from one of many new voters of one address on this item (``POLLSERVER_HOLD_NEW_VOTERS``),
    or its item had a burst of new voters lately (the last two off with the rate limits)."""
    if g.get("proof_held") or g.get("suspect_new_voter"):
        return True
    if not services().new_voters.enabled:
        return False
    return under_burst(get_store(), target, now(), services().proof.burst_minutes)


def init_app(app: Flask, settings: Settings) -> None:
    """Make the app's :class:`Proof` and give templates ``form_time_field()``."""
    proof = Proof(settings)
    services_of(app).proof = proof

    def form_time_field() -> Markup:
        if not proof.enabled:
            return Markup("")
        return Markup('<input type="hidden" name="{}" value="{}">').format(
            TIME_FIELD, proof.form_time())

    app.jinja_env.globals["form_time_field"] = form_time_field
