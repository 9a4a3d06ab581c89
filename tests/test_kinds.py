"""The kinds registry (``pollserver.domain.kinds``) is the one list of kinds of block.

Every part a kind needs is checked for every registered kind: its block template (with a
no-JS outcome slot when the kind has one), its ES module, its API route and OpenAPI entry, a
sitecheck sample for its id, a dashboard row and section. Adding a kind to the registry
without one of them fails here, naming what is missing; the lists that used to be written out
by hand are checked to be the registry's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from pollserver.admin.overview import DETAILS
from pollserver.api.openapi import document
from pollserver.domain.kinds import KINDS, NAMES, SECTIONS, Kind, parse_spec
from pollserver.domain.specs import PollSpec, SpecError, parse_poll
from pollserver.public.site import STATUS_SLOT
from sitecheck.server import ARGS

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "plugins" / "engage" / "templates"
STATIC = ROOT / "theme" / "static"
DASHBOARD = ROOT / "pollserver" / "templates" / "admin" / "dashboard.html"


def missing_parts(kind: Kind, app: Flask) -> list[str]:
    """Return what ``kind`` lacks, one line each (``[]``: complete)."""
    missing = []
    template = TEMPLATES / kind.template
    if not template.is_file():
        missing.append(f"block template {template.relative_to(ROOT)}")
    elif kind.status_slot and f'status("{kind.name}"' not in template.read_text("utf-8"):
        missing.append(f"the outcome slot (status(\"{kind.name}\", ...)) in {kind.template}")
    if kind.status_slot and not STATUS_SLOT.match(f"<!-- engage-status {kind.name} x -->"):
        missing.append("its kind in public/site.STATUS_SLOT")
    module = STATIC / kind.module
    if not module.is_file():
        missing.append(f"ES module {module.relative_to(ROOT)}")
    elif f'upgradeAll("{kind.name}"' not in module.read_text("utf-8"):
        missing.append(f'upgradeAll("{kind.name}", ...) in {kind.module}')
    rule = f"/api/{kind.section}/<{kind.name}_id>"
    if not any(r.rule == rule and "GET" in (r.methods or ()) for r in app.url_map.iter_rules()):
        missing.append(f"API route GET {rule}")
    if f"/api/{kind.section}/{{{kind.name}_id}}" not in document()["paths"]:
        missing.append(f"OpenAPI entry /api/{kind.section}/{{{kind.name}_id}}")
    if f"{kind.name}_id" not in ARGS:
        missing.append(f"sitecheck sample ARGS[{kind.name!r}_id] in sitecheck/server.py")
    if kind.name not in DETAILS:
        missing.append(f"a dashboard row: admin/overview.DETAILS[{kind.name!r}]")
    if f"{{% for row in {kind.section} %}}" not in DASHBOARD.read_text("utf-8"):
        missing.append(f"a dashboard section looping over {kind.section}")
    return missing


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_every_kind_has_all_its_parts(kind: Kind, app: Flask) -> None:
    assert missing_parts(kind, app) == []


def test_the_walk_sees_a_kind_with_nothing(app: Flask) -> None:
    quiz = Kind("quiz", "quizzes", PollSpec, parse_poll, "engage/quiz.html", "js/engage/quiz.js")
    assert len(missing_parts(quiz, app)) == 8


def test_the_lists_of_kinds_are_the_registry_s() -> None:
    from plugins.engage.blocks import KINDS as FENCES
    from plugins.engage.manifest import SECTIONS as MANIFEST_SECTIONS
    from pollserver.ops.sync import KINDS as SYNCED

    assert FENCES == NAMES == ("poll", "jam", "survey", "claim")
    assert MANIFEST_SECTIONS == SECTIONS == {"poll": "polls", "jam": "jams", "survey": "surveys",
                                             "claim": "claims"}
    assert SYNCED is KINDS
    assert set(DETAILS) == set(NAMES)


def test_an_unknown_kind_is_an_editor_s_error() -> None:
    with pytest.raises(SpecError, match="unknown block kind 'quiz'"):
        parse_spec("quiz", {"id": "q"})


def test_a_block_may_hold_exactly_its_spec_s_fields() -> None:
    with pytest.raises(SpecError, match=r"unknown key 'kind' \(allowed: changeable, closes"):
        parse_spec("poll", {"id": "p", "question": "Q?", "options": ["a", "b"], "kind": "jam"})
