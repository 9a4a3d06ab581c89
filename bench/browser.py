"""Open a page in Chromium and report what a reader's browser fetched and built.

Transfer size is the bytes on the wire of the page and everything it loaded (the Resource
Timing ``transferSize``, after compression); DOM nodes count every element. Uses the Debian
Chromium the browser tests use; without it the figure is reported as skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["page_weight"]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

_MEASURE = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const res = performance.getEntriesByType("resource");
  return {
    transfer_bytes: nav.transferSize + res.reduce((n, r) => n + r.transferSize, 0),
    html_bytes: nav.transferSize,
    requests: 1 + res.length,
    dom_nodes: document.getElementsByTagName("*").length,
    ideas_shown: document.querySelectorAll("li.engage-idea").length,
  };
}"""


def page_weight(url: str) -> dict[str, Any]:
    """Load ``url`` in a fresh browser (empty cache) and measure it."""
    if not CHROMIUM.exists():
        return {"skipped": "Chromium not installed (/usr/bin/chromium)"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "playwright not installed (make install-test)"}
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.goto(url, wait_until="load")
            measured: dict[str, Any] = page.evaluate(_MEASURE)
        finally:
            browser.close()
    return measured
