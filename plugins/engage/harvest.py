"""Find engage blocks in rendered HTML and render them again for this build.

Pelican's content cache keeps an article's HTML, not the Markdown run that made it, so the
rendered blocks are the one source that survives every kind of build. Each block carries its
manifest entry (``data-engage-spec``) or its error (``data-engage-error``) between the
``engage:begin``/``engage:end`` comments written by :mod:`render`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from pollserver.domain.kinds import spec_from_manifest
from pollserver.domain.specs import Spec, SpecError

from .render import BEGIN, END

__all__ = ["Found", "rewrite_blocks"]

BLOCK = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
SPEC_ATTR = re.compile(r'data-engage-spec="([^"]*)"')
ERROR_ATTR = re.compile(r'data-engage-error="([^"]*)"')


@dataclass(frozen=True)
class Found:
    """One block found in a page: its spec, or the reason it could not be built."""

    kind: str
    line: int
    item_id: str
    spec: Spec | None = None
    error: str | None = None
    render_key: str = ""


def _read(block: str) -> Found | None:
    match = SPEC_ATTR.search(block)
    if match:
        data = json.loads(html.unescape(match.group(1)))
        kind, line, entry = data["kind"], int(data["line"]), data["spec"]
        item_id = str(entry.get("id", "?"))
        try:
            # Re-validate: the cached HTML may predate today's rules.
            spec = spec_from_manifest(kind, entry)
        except SpecError as exc:
            return Found(kind, line, item_id, error=f"{kind} '{item_id}': {exc}")
        return Found(kind, line, item_id, spec=spec, render_key=str(data.get("render", "")))
    match = ERROR_ATTR.search(block)
    if match:
        data = json.loads(html.unescape(match.group(1)))
        return Found(data["kind"], int(data["line"]), data["id"], error=data["message"])
    return None


def rewrite_blocks(content: str, render: Callable[[Found], str | None]) -> tuple[str, list[Found]]:
    """Return the HTML with each block replaced by ``render(found)`` and the blocks found.

    ``render`` returns None to keep a block as it is.
    """
    if BEGIN not in content:
        return content, []
    found: list[Found] = []

    def replace(match: re.Match[str]) -> str:
        block = _read(match.group(0))
        if block is None:
            return match.group(0)
        found.append(block)
        new = render(block)
        return match.group(0) if new is None else new

    return BLOCK.sub(replace, content), found
