"""Which ``next`` targets are paths on this site: the one open-redirect rule.

Readers' forms and the editor's login both send people on to a ``next`` path. A target must
be a plain path here (``/x``): never ``//host``, a URL with a scheme, a backslash (browsers
read it as a slash) or a control character (a CR/LF in a ``Location`` header splits it).
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["local_path"]

MAX_PATH = 300


def local_path(value: object) -> str | None:
    """Return ``value`` if it is a path on this site, else ``None``."""
    if not isinstance(value, str) or not value.startswith("/") or len(value) > MAX_PATH:
        return None
    if value.startswith("//") or "\\" in value or any(ord(c) < 32 or ord(c) == 127
                                                       for c in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value
