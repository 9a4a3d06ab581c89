"""Settings: one table of every ``POLLSERVER_*`` variable, its default and what it means.

The table drives ``Settings.from_env``, the README's configuration table and the test that
keeps the two in step (the Datasette habit), so a setting cannot exist undocumented.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

__all__ = ["SETTINGS", "Setting", "Settings"]


class Setting(NamedTuple):
    """One environment variable: its name, default (as text) and help."""

    env: str
    default: str
    help: str


SETTINGS = (
    Setting("PORT", "8000", "port for `make run` (binds 127.0.0.1)"),
    Setting("POLLSERVER_DATA_DIR", "var/", "embedded store, generated secret key, reward pools"),
    Setting("POLLSERVER_DATABASE_URL", "", "`postgresql://...` selects the PostgreSQL store"),
    Setting("POLLSERVER_SECRET_KEY", "", "signs cookies; generated once into the data dir"),
    Setting("POLLSERVER_RATE_LIMITS", "on",
            "`on`, `off`, or a Flask-Limiter spec such as `60/minute`"),
    Setting("POLLSERVER_REDIS_URL", "", "shared rate-limit storage for several processes"),
    Setting("POLLSERVER_TRUSTED_PROXIES", "0", "how many proxies' X-Forwarded-For to trust"),
    Setting("POLLSERVER_SITE_DIR", "output/", "static site served in the embedded setup"),
    Setting("POLLSERVER_PUBLIC_ORIGIN", "",
            "the site's public origin (`https://hub.example`) when behind a proxy"),
    Setting("POLLSERVER_HTTPS", "auto",
            "`on` forces Secure cookies and HSTS; `auto` follows the request scheme"),
    Setting("POLLSERVER_SNAPSHOT_EVERY", "5000",
            "journal entries between snapshots of the embedded store"),
    Setting("POLLSERVER_LOG_LEVEL", "INFO", "log level (access log never has raw IPs)"),
    Setting("POLLSERVER_SMTP_URL", "",
            "`smtp://user:pass@host:587` (STARTTLS) or `smtps://host:465`; unset: `.eml` files "
            "in `var/mail/`"),
    Setting("POLLSERVER_MAIL_FROM", "valuehub <noreply@localhost>",
            "the From address of mails to followers"),
    Setting("POLLSERVER_MAIL_DIGEST", "off",
            "`off`: one mail per event; `daily`: one summary a day (08:00 UTC)"),
    Setting("POLLSERVER_WEBHOOKS_ALLOW_HTTP", "0",
            "`1` lets webhook endpoints use plain `http://` (local receivers only)"),
    Setting("POLLSERVER_WEBHOOKS_ALLOW_PRIVATE", "0",
            "`1` lets webhooks reach loopback, private and link-local addresses"),
    Setting("POLLSERVER_WEBHOOKS_CA_FILE", "",
            "extra CA certificates (PEM) webhook endpoints may present (a private CA)"),
    Setting("POLLSERVER_PUBLIC_ORIGINS", "",
            "other origins serving the static site (`https://www.brand.example`, comma "
            "separated): their pages may call the API (CORS with credentials) and post forms"),
    Setting("POLLSERVER_PUBLISH_COMMAND", "",
            "run after changes static pages show (e.g. `make publish`); unset: the dashboard "
            "says when the site is behind"),
    Setting("POLLSERVER_PUBLISH_QUIET", "30",
            "seconds without a new change before the publish command runs (debounce)"),
)


@dataclass(frozen=True)
class Settings:
    """Everything the app factory needs; tests build it directly instead of touching env."""

    data_dir: Path = Path("var")
    site_dir: Path | None = Path("output")
    database_url: str | None = None
    secret_key: str | None = None
    rate_limits: str = "on"
    redis_url: str | None = None
    trusted_proxies: int = 0
    public_origin: str | None = None
    https: str = "auto"
    snapshot_every: int = 5000
    log_level: str = "INFO"
    smtp_url: str | None = None
    mail_from: str = "valuehub <noreply@localhost>"
    mail_digest: str = "off"
    webhooks_allow_http: bool = False
    webhooks_allow_private: bool = False
    webhooks_ca_file: str | None = None
    publish_command: str | None = None
    public_origins: tuple[str, ...] = ()
    publish_quiet: int = 30
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read ``POLLSERVER_*`` variables, falling back to the defaults in :data:`SETTINGS`."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str:
            default = next(s.default for s in SETTINGS if s.env == name)
            return env.get(name, default).strip()

        return cls(
            data_dir=Path(get("POLLSERVER_DATA_DIR") or "var"),
            site_dir=Path(get("POLLSERVER_SITE_DIR")) if get("POLLSERVER_SITE_DIR") else None,
            database_url=get("POLLSERVER_DATABASE_URL") or None,
            secret_key=get("POLLSERVER_SECRET_KEY") or None,
            rate_limits=get("POLLSERVER_RATE_LIMITS") or "on",
            redis_url=get("POLLSERVER_REDIS_URL") or None,
            trusted_proxies=int(get("POLLSERVER_TRUSTED_PROXIES") or 0),
            public_origin=(get("POLLSERVER_PUBLIC_ORIGIN") or "").rstrip("/") or None,
            https=get("POLLSERVER_HTTPS") or "auto",
            snapshot_every=int(get("POLLSERVER_SNAPSHOT_EVERY") or 5000),
            log_level=get("POLLSERVER_LOG_LEVEL") or "INFO",
            smtp_url=get("POLLSERVER_SMTP_URL") or None,
            mail_from=get("POLLSERVER_MAIL_FROM") or "valuehub <noreply@localhost>",
            mail_digest=get("POLLSERVER_MAIL_DIGEST") or "off",
            webhooks_allow_http=get("POLLSERVER_WEBHOOKS_ALLOW_HTTP") == "1",
            webhooks_allow_private=get("POLLSERVER_WEBHOOKS_ALLOW_PRIVATE") == "1",
            webhooks_ca_file=get("POLLSERVER_WEBHOOKS_CA_FILE") or None,
            publish_command=get("POLLSERVER_PUBLISH_COMMAND") or None,
            public_origins=tuple(o.strip().rstrip("/") for o in re.split(
                r"[,\s]+", get("POLLSERVER_PUBLIC_ORIGINS") or "") if o.strip()),
            publish_quiet=int(get("POLLSERVER_PUBLISH_QUIET") or 30),
        )

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

