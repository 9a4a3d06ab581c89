"""axe-core in a Playwright page: inject the script, run it, return what it found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["axe_violations", "brief"]


def axe_violations(page: Any, script: Path, args: str = "") -> list[dict[str, Any]]:
    """Run axe on the loaded page; ``args`` is what ``axe.run`` takes, as JavaScript
    (e.g. ``"{include: [['main']]}"``). The page's context needs ``bypass_csp=True``:
    axe goes in as an inline script, which the site's CSP rightly forbids."""
    page.add_script_tag(path=str(script))
    return list(page.evaluate(f"async () => (await axe.run({args})).violations"))


def brief(violations: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """Each violation's rule and the start of the elements it names, for an assertion."""
    return [(v["id"], [n["html"][:120] for n in v["nodes"]]) for v in violations]
