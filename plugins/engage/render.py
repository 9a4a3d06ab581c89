"""Render a validated spec as server-rendered HTML that works with JavaScript off.

Each block is wrapped in ``<!-- engage:begin -->`` ... ``<!-- engage:end -->`` and carries its
manifest entry in a ``data-engage-spec`` attribute. The plugin reads both back from the
article's HTML after Pelican's content cache, so it can re-render the parts that depend on the
build time (open, closed, jam phase) and on the results of the day.

A block speaks the language of its page (``lang``): its own words are the editor's, the
words around them (``Vote``, ``Closes 31 December 2026``) come from the theme's catalogue
for that language (``theme/translations``, see ``plugins/languages/catalogs.py``), dates and
numbers are formatted for it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from languages import catalogs
from languages.formats import FILTERS

from pollserver.domain.jams import jam_state
from pollserver.domain.phases import phase_of
from pollserver.domain.specs import (
    ClaimSpec,
    JamSpec,
    PollSpec,
    Spec,
    SurveySpec,
    spec_to_manifest,
)

from .results import jam_outcome, poll_rows

__all__ = ["BEGIN", "END", "render_block", "render_error", "render_key"]

BEGIN = "<!-- engage:begin -->"
END = "<!-- engage:end -->"
TEMPLATES = Path(__file__).parent / "templates"


def iso(value: datetime) -> str:
    """Format an instant for a ``<time datetime>`` attribute."""
    return value.isoformat().replace("+00:00", "Z")


@lru_cache(maxsize=8)
def _environment(lang: str, catalogues: str, digest: str) -> Environment:
    del digest  # part of the cache key: an edited catalogue is read again
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    env.filters.update(FILTERS)
    env.filters["iso"] = iso
    translations = (catalogs.translations(Path(catalogues), lang) if catalogues
                    else NullTranslations())
    env.install_gettext_translations(translations, newstyle=True)
    return env


def environment(lang: str = "en", catalogues: str = "") -> Environment:
    """Return the Jinja environment for the block templates (autoescaped) in ``lang``, with
    the theme's catalogue in ``catalogues`` (English without one)."""
    digest = catalogs.po_digest(Path(catalogues), lang) if catalogues else ""
    return _environment(lang, catalogues, digest)


def jam_phase(spec: JamSpec, now: datetime) -> str:
    """Return the jam's stage at build time (``submit``, ``vote`` or ``closed``): the server's
    rule with nothing closed early, as the build cannot know of an editor's early close."""
    return jam_state(spec, None, now).phase


@lru_cache(maxsize=1)
def templates_digest() -> str:
    """Return a short hash of the block templates, so new markup re-renders cached pages."""
    digest = hashlib.sha256()
    for path in sorted(TEMPLATES.rglob("*.html")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def render_key(spec: Spec, now: datetime, results: dict[str, Any] | None,
               lang: str = "en", catalogues: str = "") -> str:
    """Return what a block's HTML depends on besides its spec: templates, state, results,
    language and that language's catalogue."""
    if isinstance(spec, JamSpec):
        state = jam_phase(spec, now)
        if spec.submit_from is not None and now < spec.submit_from:
            state += "-not-started"
    else:
        state = phase_of(None, spec, now)
    known = None
    if isinstance(spec, ClaimSpec):
        known = claim_stock(spec, results)
    elif state == "closed" and not isinstance(spec, SurveySpec):
        section = "jams" if isinstance(spec, JamSpec) else "polls"
        known = ((results or {}).get(section) or {}).get(spec.id)
    words = catalogs.po_digest(Path(catalogues), lang) if catalogues else ""
    facts = json.dumps([templates_digest(), state, known, lang, words], sort_keys=True,
                       default=str)
    return hashlib.sha256(facts.encode()).hexdigest()[:16]


def claim_stock(spec: ClaimSpec, results: dict[str, Any] | None) -> dict[str, int] | None:
    """Return the offer's pool stock as the results file knew it (``{left, total}``)."""
    known = ((results or {}).get("pools") or {}).get(spec.pool)
    if not isinstance(known, dict):
        return None
    return {"left": int(known.get("left", 0)), "total": int(known.get("total", 0))}


def payload(spec: Spec, line: int, key: str, entry: dict[str, Any] | None = None) -> str:
    """Return the JSON kept in ``data-engage-spec``: manifest entry, fence line, render key."""
    data = {"kind": spec.kind, "line": line, "render": key,
            "spec": entry if entry is not None else spec_to_manifest(spec)}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _context(spec: Spec, now: datetime, results: dict[str, Any] | None) -> dict[str, Any]:
    if isinstance(spec, PollSpec):
        state = phase_of(None, spec, now)
        rows = poll_rows(spec, results) if state == "closed" else None
        return {"state": state, "rows": rows}
    if isinstance(spec, JamSpec):
        phase = jam_phase(spec, now)
        outcome = jam_outcome(spec, results) if phase == "closed" else None
        paragraphs = [p.strip() for p in spec.prompt.split("\n\n") if p.strip()]
        return {"phase": phase, "outcome": outcome, "paragraphs": paragraphs,
                "not_started": spec.submit_from is not None and now < spec.submit_from}
    if isinstance(spec, SurveySpec):
        return {"state": phase_of(None, spec, now)}
    if isinstance(spec, ClaimSpec):
        return {"state": phase_of(None, spec, now), "stock": claim_stock(spec, results)}
    raise TypeError(f"not a spec: {spec!r}")


def render_block(spec: Spec, line: int, *, now: datetime,
                 results: dict[str, Any] | None = None,
                 entry: dict[str, Any] | None = None, lang: str = "en",
                 catalogues: str = "") -> str:
    """Render one block at build time ``now`` with the results known so far, in ``lang``.

    ``entry`` is ``spec_to_manifest(spec)`` when the caller already has it.
    """
    template = environment(lang, catalogues).get_template(f"engage/{spec.kind}.html")
    data = payload(spec, line, render_key(spec, now, results, lang, catalogues), entry)
    html = template.render(s=spec, payload=data, now=now, lang=lang,
                           **_context(spec, now, results))
    return f"{BEGIN}\n{html.strip()}\n{END}"


def render_error(kind: str, line: int, item_id: str, message: str, lang: str = "en",
                 catalogues: str = "") -> str:
    """Render a visible placeholder for a broken block; the plugin reports it as a build error."""
    data = json.dumps({"kind": kind, "line": line, "id": item_id, "message": message},
                      ensure_ascii=False, separators=(",", ":"))
    html = environment(lang, catalogues).get_template("engage/error.html").render(
        kind=kind, message=message, payload=data, lang=lang)
    return f"{BEGIN}\n{html.strip()}\n{END}"
