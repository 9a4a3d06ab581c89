"""Settings: one table of every ``POLLSERVER_*`` variable, its field, default, parser and help.

The table is the only place a default is written: it drives ``Settings.from_env``, the
dataclass defaults (tests build ``Settings(...)`` directly), the README's configuration table
(``make settings-doc`` rewrites it) and the docs test that compares the two row by row (the
Datasette habit), so a setting cannot exist undocumented or documented wrong.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

__all__ = ["SETTINGS", "Setting", "Settings", "clock_for", "parse_jobs", "readme_table"]


def _optional(text: str) -> str | None:
    """Blank means "not set" (no database, no Redis, a generated key)."""
    return text or None


def _optional_path(text: str) -> Path | None:
    return Path(text) if text else None


def _origin(text: str) -> str | None:
    return text.rstrip("/") or None


def _origins(text: str) -> tuple[str, ...]:
    """Origins separated by commas or spaces, without trailing slashes."""
    return tuple(o.strip().rstrip("/") for o in re.split(r"[,\s]+", text) if o.strip())


def _flag(text: str) -> bool:
    return text == "1"


def parse_jobs(text: str) -> tuple[str, ...]:
    """Job names separated by commas or spaces; ``all`` stands for every job."""
    names = tuple(n.strip() for n in re.split(r"[,\s]+", text) if n.strip())
    return ("all",) if "all" in names else names


class Setting(NamedTuple):
    """One environment variable and the ``Settings`` field it fills.

    ``default`` is the text an unset (or blank) variable stands for, parsed like any other
    value; ``field`` is None for variables only the Makefile reads. ``blank_unsets`` lets an
    explicit empty value switch a feature off instead of meaning the default. ``unset`` is
    what the README shows when there is no default.
    """

    env: str
    field: str | None
    default: str
    parse: Callable[[str], Any]
    help: str
    blank_unsets: bool = False
    unset: str = "unset"

    def shown_default(self) -> str:
        """The README's default cell."""
        return f"`{self.default}`" if self.default else self.unset


SETTINGS = (
    Setting("PORT", None, "8000", int, "port for `make run` (binds 127.0.0.1)"),
    Setting("POLLSERVER_DATA_DIR", "data_dir", "var/", Path,
            "embedded store, generated secret key, reward pools"),
    Setting("POLLSERVER_DATABASE_URL", "database_url", "", _optional,
            "`postgresql://...` selects the PostgreSQL store"),
    Setting("POLLSERVER_SECRET_KEY", "secret_key", "", _optional, "signs cookies",
            unset="generated once into the data dir"),
    Setting("POLLSERVER_RATE_LIMITS", "rate_limits", "on", str,
            "`on`, `off`, or a Flask-Limiter spec such as `60/minute`; `off` also turns off the "
            "first-write, new-voter and reward-per-address limits below"),
    Setting("POLLSERVER_FIRST_WRITE_WINDOW", "first_write_window", "5", int,
            "seconds in which cookie-less writes from one client address on one item count as "
            "one burst"),
    Setting("POLLSERVER_FIRST_WRITE_BURST", "first_write_burst", "1", int,
            "cookie-less writes per client address and item in that window; the rest get 429 "
            "`rate_limited`"),
    Setting("POLLSERVER_NEW_VOTERS", "new_voters", "20/hour", str,
            "new voter ids one client address may receive (a limits spec such as `20/hour`)"),
    Setting("POLLSERVER_REWARDS_PER_ADDRESS", "rewards_per_address", "1/day", str,
            "reward codes one client address may receive from one pool (as well as one per "
            "voter)"),
    Setting("POLLSERVER_SHARE_REWARDS_PER_DAY", "share_rewards_per_day", "3", int,
            "reward codes one sharer may receive a day for friends brought by share links, "
            "where a block names a `share_reward` pool"),
    Setting("POLLSERVER_SUSPICIOUS_NEW_VOTERS", "suspicious_new_voters", "5", int,
            "new voters from one address on one item within a minute that the admin dashboard "
            "lists"),
    Setting("POLLSERVER_REDIS_URL", "redis_url", "", _optional,
            "shared rate-limit storage for several processes or hosts"),
    Setting("POLLSERVER_TRUSTED_PROXIES", "trusted_proxies", "0", int,
            "how many proxies' X-Forwarded-For to trust"),
    Setting("POLLSERVER_SITE_DIR", "site_dir", "output/", _optional_path,
            "static site served in the embedded setup (set it empty to serve none)",
            blank_unsets=True),
    Setting("POLLSERVER_LANGUAGE", "language", "en", str,
            "the site's main language: pages, messages and mails use it when neither the page "
            "a request came from nor the browser asks for another the server speaks"),
    Setting("POLLSERVER_PREVIEW_DIR", "preview_dir", "", _optional_path,
            "champions' previews the build wrote (unset: `<site dir>-previews/` beside the "
            "site, e.g. `output-previews/`)", blank_unsets=True),
    Setting("POLLSERVER_PUBLIC_ORIGIN", "public_origin", "", _origin,
            "the site's public origin (`https://hub.example`) when behind a proxy"),
    Setting("POLLSERVER_HTTPS", "https", "auto", str,
            "`on` forces Secure cookies and HSTS; `auto` follows the request scheme"),
    Setting("POLLSERVER_SNAPSHOT_EVERY", "snapshot_every", "5000", int,
            "journal entries between snapshots of the embedded store"),
    Setting("POLLSERVER_SNAPSHOT_FORK_AT", "snapshot_fork_at", "5000", int,
            "state size (records) from which a forked child writes the snapshot"),
    Setting("POLLSERVER_DB_TIMEOUT", "db_timeout", "2", float,
            "seconds to connect to PostgreSQL or wait for a pooled connection before a 503"),
    Setting("POLLSERVER_LOG_LEVEL", "log_level", "INFO", str,
            "log level (the access log never has raw IPs)"),
    Setting("POLLSERVER_SMTP_URL", "smtp_url", "", _optional,
            "`smtp://user:pass@host:587` (STARTTLS) or `smtps://host:465`",
            unset="unset: `.eml` files in `var/mail/`"),
    Setting("POLLSERVER_SMTP_CA_FILE", "smtp_ca_file", "", _optional,
            "extra CA certificates (PEM) the SMTP server may present (a private CA)"),
    Setting("POLLSERVER_MAIL_FROM", "mail_from", "", str,
            "the From of mails to followers (`Brand <hub@brand.example>`; a bare address is shown "
            "with the site's name)", unset="unset: `noreply@` the public origin's host"),
    Setting("POLLSERVER_MAIL_DIGEST", "mail_digest", "off", str,
            "`off`: one mail per event; `daily`: one summary a day (08:00 UTC)"),
    Setting("POLLSERVER_WEBHOOKS_ALLOW_HTTP", "webhooks_allow_http", "0", _flag,
            "`1` lets webhook endpoints use plain `http://` (local receivers only)"),
    Setting("POLLSERVER_WEBHOOKS_ALLOW_PRIVATE", "webhooks_allow_private", "0", _flag,
            "`1` lets webhooks reach loopback, private and link-local addresses"),
    Setting("POLLSERVER_WEBHOOKS_CA_FILE", "webhooks_ca_file", "", _optional,
            "extra CA certificates (PEM) webhook endpoints may present (a private CA)"),
    Setting("POLLSERVER_PUBLIC_ORIGINS", "public_origins", "", _origins,
            "other origins serving the static site (`https://www.brand.example`, comma "
            "separated): their pages may call the API (CORS with credentials) and post forms"),
    Setting("POLLSERVER_PUBLISH_COMMAND", "publish_command", "", _optional,
            "run after changes static pages show (e.g. `make publish`); unset: the dashboard "
            "says when the site is behind"),
    Setting("POLLSERVER_PUBLISH_QUIET", "publish_quiet", "30", int,
            "seconds without a new change before the publish command runs (debounce)"),
    Setting("POLLSERVER_JOBS", "jobs", "all", parse_jobs,
            "background jobs this process runs (`closings,mail,webhooks,publish`, `all`, or "
            "empty for none: then `pollserver worker` runs them elsewhere)", blank_unsets=True),
    Setting("POLLSERVER_NOW", "now", "", _optional,
            "ISO 8601 instant the clock starts at and runs on from (rehearsals, tests); unset: "
            "the wall clock"),
    Setting("POLLSERVER_EMBED_ORIGINS", "embed_origins", "", _origins,
            "origins whose pages may embed polls, jams and surveys (`https://shop.brand.example`,"
            " comma separated): CORS for the embed's API calls and the iframe's "
            "`frame-ancestors`; every other origin is refused"),
    Setting("POLLSERVER_VERIFY_KEY", "verify_key", "", _optional,
            "verified customers: the brand's HS256 secret, or its RS256/ES256 public key "
            "(PEM), that signs the tokens `POST /api/verify` takes (unset: verification off)"),
    Setting("POLLSERVER_PROOF", "proof", "on", str,
            "`on`: ideas, follow requests and survey comments need a proof of work (solved by "
            "the widgets) or, from a plain form, a signed render time; `off` for a private "
            "deployment (also off while `POLLSERVER_RATE_LIMITS=off`)"),
    Setting("POLLSERVER_PROOF_DIFFICULTY", "proof_difficulty", "50000", int,
            "the proof of work's largest number (the work is half of it on average); a client "
            "or an item under a burst gets twenty times more"),
    Setting("POLLSERVER_HOLD_NEW_VOTERS", "hold_new_voters", "2", int,
            "from this many new voters of one client address on one item within an hour, "
            "their ideas wait for an editor (`0`: never; the first one never waits)"),
    Setting("POLLSERVER_BURST_QUEUE", "burst_queue", "60", int,
            "minutes every new idea on an item waits for an editor after a suspicious burst "
            "of new voters on it, and how far back its unbacked published ideas go back to "
            "the queue (`0`: never; off while `POLLSERVER_RATE_LIMITS=off`)"),
)

_BY_FIELD = {s.field: s for s in SETTINGS if s.field}


def _default(name: str) -> Any:
    """The dataclass default of field ``name``: the table's default, parsed."""
    setting = _BY_FIELD[name]
    return setting.parse(setting.default)


@dataclass(frozen=True)
class Settings:
    """Everything the app factory needs; tests build it directly instead of touching env."""

    data_dir: Path = _default("data_dir")
    site_dir: Path | None = _default("site_dir")
    preview_dir: Path | None = _default("preview_dir")
    language: str = _default("language")
    database_url: str | None = _default("database_url")
    secret_key: str | None = _default("secret_key")
    rate_limits: str = _default("rate_limits")
    first_write_window: int = _default("first_write_window")
    first_write_burst: int = _default("first_write_burst")
    new_voters: str = _default("new_voters")
    rewards_per_address: str = _default("rewards_per_address")
    suspicious_new_voters: int = _default("suspicious_new_voters")
    share_rewards_per_day: int = _default("share_rewards_per_day")
    redis_url: str | None = _default("redis_url")
    trusted_proxies: int = _default("trusted_proxies")
    public_origin: str | None = _default("public_origin")
    https: str = _default("https")
    snapshot_every: int = _default("snapshot_every")
    snapshot_fork_at: int = _default("snapshot_fork_at")
    db_timeout: float = _default("db_timeout")
    log_level: str = _default("log_level")
    smtp_url: str | None = _default("smtp_url")
    smtp_ca_file: str | None = _default("smtp_ca_file")
    mail_from: str = _default("mail_from")
    mail_digest: str = _default("mail_digest")
    webhooks_allow_http: bool = _default("webhooks_allow_http")
    webhooks_allow_private: bool = _default("webhooks_allow_private")
    webhooks_ca_file: str | None = _default("webhooks_ca_file")
    publish_command: str | None = _default("publish_command")
    public_origins: tuple[str, ...] = _default("public_origins")
    publish_quiet: int = _default("publish_quiet")
    jobs: tuple[str, ...] = _default("jobs")
    now: str | None = _default("now")
    embed_origins: tuple[str, ...] = _default("embed_origins")
    proof: str = _default("proof")
    proof_difficulty: int = _default("proof_difficulty")
    burst_queue: int = _default("burst_queue")
    hold_new_voters: int = _default("hold_new_voters")
    verify_key: str | None = _default("verify_key")
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every variable of :data:`SETTINGS`; unset or blank means the table's default."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            if setting.field is None:
                continue
            text = env.get(setting.env, setting.default).strip()
            if not text and not setting.blank_unsets:
                text = setting.default
            values[setting.field] = setting.parse(text)
        return cls(**values)

    @property
    def backend(self) -> str:
        """The store these settings select, decided here only: ``postgres`` when a database
        URL is set, ``memory`` when tests ask for it (``extra={"store": "memory"}``), else the
        embedded ``tinydb`` (``store.open_store`` opens it)."""
        if self.database_url:
            return "postgres"
        return "memory" if self.extra.get("store") == "memory" else "tinydb"

    def resolved_secret_key(self) -> str:
        """Return the configured key, or the one generated once into the data dir."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            # O_EXCL: two workers starting together must agree on one key.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as fh:
                    fh.write(secrets.token_urlsafe(48))
                    fh.flush()
                    os.fsync(fh.fileno())
        key = path.read_text().strip()
        while not key:  # another worker is between create and write
            key = path.read_text().strip()
        return key


def site_origin(settings: Settings) -> str:
    """The origin links sent outside (mails, webhook payloads) point at: the public origin,
    else the local server ``make run`` starts."""
    return settings.public_origin or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"


def clock_for(settings: Settings) -> Callable[[], datetime] | None:
    """The clock ``POLLSERVER_NOW`` asks for: it starts at that instant and runs on at the wall
    clock's pace (so queues, retries and debounces behave); ``None`` for the wall clock."""
    if not settings.now:
        return None
    start = datetime.fromisoformat(settings.now.replace("Z", "+00:00"))
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    offset = start - datetime.now(UTC)
    return lambda: datetime.now(UTC) + offset


def readme_table() -> str:
    """The README's configuration table, one row per setting, in the table's order."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for s in SETTINGS:
        lines.append(f"| `{s.env}` | {s.shown_default()} | {s.help} |")
    return "\n".join(lines) + "\n"
