"""The brand's name, as the build wrote it: mails, the admin and webhook texts speak in it.

The site's ``SITENAME`` travels in the build manifest (``engage/manifest.json``, key
``site.name``) next to the pages pollserver serves, so the brand sets its name once, in the
site's settings. Without a build the public origin's host name stands in; the software's own
name is never shown to a reader.
"""

from __future__ import annotations

import json
from email.utils import formataddr, parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from pollserver.config import Settings, site_origin

__all__ = ["brand_name", "mail_from"]

_cache: dict[Path, tuple[float, str]] = {}


def _from_manifest(site_dir: Path | None) -> str:
    if site_dir is None:
        return ""
    path = Path(site_dir) / "engage" / "manifest.json"
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return ""
    cached = _cache.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        name = str(((data.get("site") or {}).get("name")) or "").strip()
    except (OSError, ValueError, AttributeError):
        name = ""
    _cache[path] = (mtime, name)
    return name


def brand_name(settings: Settings) -> str:
    """The site's name from the build, else the public host name (``hub.example``)."""
    return _from_manifest(settings.site_dir) or urlsplit(site_origin(settings)).hostname \
        or "the hub"


def mail_from(settings: Settings) -> str:
    """``POLLSERVER_MAIL_FROM`` as set; a bare address gets the brand's name to show, and an
    unset one is ``noreply@`` the public host."""
    name, address = parseaddr(settings.mail_from or "")
    if not address:
        host = urlsplit(site_origin(settings)).hostname or "localhost"
        address = f"noreply@{host}"
    return formataddr((name or brand_name(settings), address))
