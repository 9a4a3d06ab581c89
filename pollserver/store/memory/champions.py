"""The state machine's share of champions: grants, profile rules, snapshot tables.

Mixed into :class:`pollserver.store.memory.state.State`; ``erasure.erase`` drops the erased voter's
grant in the same operation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pollserver.domain.champions import Champion, ProfileRule

if TYPE_CHECKING:
    from pollserver.store.memory.store import MemoryStore

__all__ = ["ChampionState", "champion_doc", "champion_tables", "grant_champion", "is_champion",
           "list_champions", "load_champions", "profile_rules", "revoke_champion", "rule_doc",
           "set_profile_rule"]


def champion_doc(grant: Champion) -> dict[str, Any]:
    """A grant as a JSON-able dict (operations and snapshots)."""
    return {"voter": grant.voter_id, "idea": grant.idea_id, "by": grant.granted_by,
            "at": grant.granted_at.isoformat()}


def _champion(doc: dict[str, Any]) -> Champion:
    return Champion(voter_id=doc["voter"], idea_id=str(doc["idea"]), granted_by=doc["by"],
                    granted_at=datetime.fromisoformat(doc["at"]))


def rule_doc(rule: ProfileRule) -> dict[str, Any]:
    """A profile rule as a JSON-able dict."""
    return {"slug": rule.slug, "hidden": rule.hidden, "merged_into": rule.merged_into,
            "by": rule.by, "at": rule.at.isoformat() if rule.at else None}


def _rule(doc: dict[str, Any]) -> ProfileRule:
    return ProfileRule(slug=doc["slug"], hidden=bool(doc.get("hidden")),
                       merged_into=doc.get("merged_into") or None, by=doc.get("by", ""),
                       at=datetime.fromisoformat(doc["at"]) if doc.get("at") else None)


class ChampionState:
    """Grants by voter id (insertion order kept) and profile rules by slug."""

    champions: dict[str, Champion]
    profile_rules: dict[str, ProfileRule]

    def init_champions(self) -> None:
        """Start with no grants and no rules (called from ``State.__init__``)."""
        self.champions = {}
        self.profile_rules = {}

    def _op_champion_grant(self, op: dict[str, Any]) -> Champion:
        grant = _champion(op["grant"])
        self.champions.pop(grant.voter_id, None)  # a new grant goes to the end
        self.champions[grant.voter_id] = grant
        return grant

    def _op_champion_revoke(self, op: dict[str, Any]) -> bool:
        return self.champions.pop(op["voter"], None) is not None

    def _op_profile_rule(self, op: dict[str, Any]) -> ProfileRule | None:
        rule = _rule(op["rule"])
        if not rule.hidden and not rule.merged_into:
            self.profile_rules.pop(rule.slug, None)
            return None
        self.profile_rules[rule.slug] = rule
        return rule


def champion_tables(state: ChampionState) -> Iterator[tuple[str, Iterable[dict[str, Any]]]]:
    """Yield the snapshot tables ``champions`` and ``profile_rules``."""
    yield "champions", (champion_doc(g) for g in state.champions.values())
    yield "profile_rules", (rule_doc(r) for r in state.profile_rules.values())


def load_champions(state: ChampionState, tables: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Fill grants and rules from a snapshot (both tables are missing in older ones)."""
    for doc in tables.get("champions", {}).values():
        grant = _champion(doc)
        state.champions[grant.voter_id] = grant
    for doc in tables.get("profile_rules", {}).values():
        rule = _rule(doc)
        state.profile_rules[rule.slug] = rule


# -- the store's champion calls (bound by MemoryStore, like items.py) ----------------------


def grant_champion(store: MemoryStore, grant: Champion) -> Champion:
    return store.commit({"op": "champion-grant", "grant": champion_doc(grant)})


def revoke_champion(store: MemoryStore, voter_id: str) -> bool:
    return bool(store.commit({"op": "champion-revoke", "voter": voter_id}))


def is_champion(store: MemoryStore, voter_id: str) -> bool:
    with store.reading() as state:
        return voter_id in state.champions


def list_champions(store: MemoryStore) -> list[Champion]:
    with store.reading() as state:
        return list(state.champions.values())


def set_profile_rule(store: MemoryStore, rule: ProfileRule) -> ProfileRule | None:
    return store.commit({"op": "profile-rule", "rule": rule_doc(rule)})


def profile_rules(store: MemoryStore) -> dict[str, ProfileRule]:
    with store.reading() as state:
        return dict(state.profile_rules)
