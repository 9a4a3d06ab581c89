"""The kinds of block an editor can write: one registry every list of kinds derives from.

A kind is named once, here, with everything the rest of the project needs to know of it:

- ``name``: the fence word (```` ```poll ````), the store item's kind, ``data-engage-kind``
  and the no-JS outcome slot's kind (``<!-- engage-status poll ID -->``);
- ``section``: its manifest section and API collection (``polls``: ``/api/polls/ID``);
- ``spec`` and ``parse``: its spec class and the parser of its block (``specs.py``); the keys
  a block may hold are the spec's fields;
- ``template``: its block template (``plugins/engage/templates/``), ``module``: its ES module
  (``theme/static/``), ``status_slot``: whether its pages carry a no-JS outcome slot.

Derived from :data:`KINDS`: the engage plugin's fence words and manifest sections, the
manifest sections ``pollserver sync`` reads, the status-slot pattern pollserver fills, the
modules the theme links, the admin overview's rows. ``tests/domain/test_kinds.py`` walks the
registry and fails when a kind lacks its template, module, API route, OpenAPI entry, sitecheck
argument or overview row. Adding a kind (a quiz): its spec and parser in ``specs.py``, a line
here, then what that test asks for (docs/architecture.md, "Where does my change go?").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pollserver.domain.specs import (
    ClaimSpec,
    JamSpec,
    PollSpec,
    Spec,
    SpecError,
    SurveySpec,
    check_common,
    keys_of,
    parse_claim,
    parse_jam,
    parse_poll,
    parse_survey,
)

__all__ = ["BY_NAME", "KINDS", "NAMES", "SECTIONS", "Kind", "kind_named", "parse_spec",
           "spec_from_manifest"]


@dataclass(frozen=True)
class Kind:
    """One kind of block, and where each of its parts lives."""

    name: str
    section: str
    spec: type
    parse: Callable[[dict[str, Any], str], Spec]
    template: str
    module: str
    status_slot: bool = True

    @property
    def keys(self) -> frozenset[str]:
        """The keys a block of this kind may hold."""
        return keys_of(self.spec)


#: Every kind, in the order lists show them.
KINDS: tuple[Kind, ...] = (
    Kind("poll", "polls", PollSpec, parse_poll, "engage/poll.html", "js/engage/poll.js"),
    Kind("jam", "jams", JamSpec, parse_jam, "engage/jam.html", "js/engage/jam.js"),
    Kind("survey", "surveys", SurveySpec, parse_survey, "engage/survey.html",
         "js/engage/survey.js"),
    Kind("claim", "claims", ClaimSpec, parse_claim, "engage/claim.html", "js/engage/claim.js"),
)
#: ``name -> Kind``.
BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
#: The fence words, in order.
NAMES: tuple[str, ...] = tuple(BY_NAME)
#: ``name -> manifest section`` (``{"poll": "polls", ...}``).
SECTIONS: dict[str, str] = {kind.name: kind.section for kind in KINDS}


def kind_named(name: str) -> Kind:
    """Return the kind called ``name``; raise :class:`SpecError` for an unknown one."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise SpecError(f"unknown block kind {name!r}") from None


def parse_spec(kind: str, data: Any) -> Spec:
    """Validate a block's YAML mapping; raise :class:`SpecError` with an editor's message."""
    found = kind_named(kind)
    item_id = check_common(kind, found.keys, data)
    return found.parse(data, item_id)


def spec_from_manifest(kind: str, data: dict[str, Any]) -> Spec:
    """Rebuild a spec from a manifest entry (extra manifest fields like url are ignored)."""
    fields = {k: v for k, v in data.items() if k in kind_named(kind).keys}
    if kind == "poll":
        fields["options"] = [dict(o) if isinstance(o, dict) else o for o in fields["options"]]
    return parse_spec(kind, fields)
