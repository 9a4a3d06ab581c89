"""``migrate``: an embedded store copied into PostgreSQL keeps every fact and every tally."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pollserver.domain.champions import Champion, ProfileRule
from pollserver.domain.errors import Conflict
from pollserver.domain.records import AuditEntry, Item
from pollserver.store.base import Store
from pollserver.store.memory import MemoryStore
from pollserver.store.migrate import MigrationError, migrate
from tests.ci import require_module

psycopg = require_module("psycopg")

from pollserver.store.postgres import PostgresStore  # noqa: E402

pytestmark = pytest.mark.postgres

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
POLLS = ("delivery-day", "colour", "closed-poll", "old-poll")
VOTERS = [f"voter-{i}" for i in range(12)]


def embedded(kind: str, data_dir: Path) -> Store:
    """Open the embedded store under test."""
    if kind == "memory":
        return MemoryStore()
    tinydb = require_module("pollserver.store.tinydb")
    return tinydb.TinyDBStore(data_dir)


def fill(store: Store) -> None:
    """Use every feature once or twice, including the awkward corners."""
    items = [Item("poll", p, {"id": p, "options": ["mon", "wed", "sat"]}, "content/a.md:3",
                  "/news/a.html") for p in POLLS]
    items += [Item("jam", "roadmap", {"id": "roadmap", "votes_per_person": 3}),
              Item("survey", "nps", {"id": "nps"})]
    store.sync_items(items)
    store.sync_items([i for i in items if i.id != "old-poll"])  # archived, votes kept
    store.set_closed_at("poll", "closed-poll", T0 + timedelta(days=2))
    for n, voter in enumerate(VOTERS):
        at = T0 + timedelta(minutes=n)
        store.record_vote("delivery-day", voter, [("mon", "wed", "sat")[n % 3]],
                          replace=False, at=at)
        store.record_vote("colour", voter, ["mon", "sat"] if n % 2 else ["wed"],
                          replace=True, at=at)
        if n < 4:
            store.record_vote("old-poll", voter, ["sat"], replace=False, at=at)
            store.record_vote("closed-poll", voter, ["mon"], replace=False, at=at)
    store.record_vote("colour", VOTERS[0], ["sat"], replace=True, at=T0)  # change of mind
    store.withdraw_vote("delivery-day", VOTERS[11])
    ideas = [store.add_idea("roadmap", title=f"Idea {n}", body=f"Body {n}",
                            author=None if n == 2 else f"Author {n}", voter_id=VOTERS[n],
                            moderation="pending" if n == 4 else "published",
                            at=T0 + timedelta(hours=n)).id for n in range(6)]
    for n, voter in enumerate(VOTERS):
        for idea in ideas[n % 3:n % 3 + 2]:
            store.vote_idea("roadmap", idea, voter, budget=3, at=T0)
    store.unvote_idea("roadmap", ideas[1], VOTERS[1])
    store.merge_ideas(ideas[1], ideas[2])  # voters who backed both now count once
    store.update_idea(ideas[0], status="planned", winner=True)
    store.update_idea(ideas[3], status="declined", moderation="hidden")
    for n, voter in enumerate(VOTERS[:7]):
        store.add_response("nps", voter_id=voter, score=n + 4, category="promoter",
                           comment=f"comment {n}", consent_to_quote=n % 2 == 0,
                           at=T0 + timedelta(seconds=n))
    store.add_response("nps", voter_id=None, score=2, category="detractor", comment="",
                       consent_to_quote=False, at=T0)
    store.add_codes("winter", [f"W-{n}" for n in range(10)])
    store.add_codes("summer", ["S-1", "S-2"])
    for voter in VOTERS[:4]:
        store.claim_code("winter", voter, at=T0)
    store.claim_code("summer", VOTERS[0], at=T0)
    store.revoke_codes("summer")
    store.put_admin("editor", "hash-1")
    store.put_admin("chief", "hash-2")
    for n in range(3):
        store.add_audit(AuditEntry(at=T0 + timedelta(seconds=n), actor="editor",
                                   action=f"action-{n}", target="roadmap", details={"n": n}))
    for voter in VOTERS[4:7]:
        store.grant_champion(Champion(voter, "1", "editor", T0))
    store.set_profile_rule(ProfileRule("old-name", merged_into="new-name", by="editor", at=T0))
    store.set_profile_rule(ProfileRule("spam", hidden=True, by="editor", at=T0))
    store.erase_voter(VOTERS[5], withdraw_polls=["colour"], withdraw_jams=["roadmap"])


def snapshot(store: Store) -> dict[str, object]:
    """Everything the public interface shows, for comparing two stores."""
    return {
        "items": store.list_items(),
        "tallies": {p: store.tally(p) for p in POLLS},
        "votes": {(p, v): store.vote_of(p, v) for p in POLLS for v in VOTERS},
        "ideas": store.list_ideas("roadmap"),
        "idea_votes": {v: store.idea_votes_of("roadmap", v) for v in VOTERS},
        "responses": store.list_responses("nps"),
        "codes": {(p, v): store.code_of(p, v) for p in ("winter", "summer") for v in VOTERS},
        "pools": {p: n for p, n in store.pool_stats().items() if n[0]},
        "admins": (store.get_admin("editor"), store.get_admin("chief")),
        "audit": store.list_audit(),
        "voter_data": {v: store.voter_data(v) for v in VOTERS},
        "champions": store.list_champions(),
        "profile_rules": store.profile_rules(),
    }


@pytest.mark.parametrize("kind", ["memory", "tinydb"])
def test_migrate_copies_everything(kind: str, tmp_path: Path,
                                   new_pg: Callable[[], PostgresStore]) -> None:
    source = embedded(kind, tmp_path / "var")
    fill(source)
    if kind == "tinydb":  # the CLI opens var/ afresh: migrate what a restart sees
        source.close()
        source = embedded(kind, tmp_path / "var")
    target = new_pg()
    counts = migrate(source, target)
    assert counts["votes"] == sum(source.tally(p).total for p in POLLS)
    assert snapshot(target) == snapshot(source)
    # Both go on numbering ideas and answers from the same place, and keep the rules.
    fresh = [s.add_idea("roadmap", title="Later", body="", author=None, voter_id=None,
                        moderation="published", at=T0) for s in (source, target)]
    assert fresh[0] == fresh[1]
    for store in (source, target):
        store.vote_idea("roadmap", fresh[0].id, VOTERS[6], budget=3, at=T0)
        assert store.claim_code("winter", VOTERS[9], at=T0) == "W-4"
    assert snapshot(target) == snapshot(source)
    source.close()


def test_migrate_between_postgres_schemas(new_pg: Callable[[], PostgresStore]) -> None:
    source, target = new_pg(), new_pg()
    fill(source)
    migrate(source, target)
    assert snapshot(target) == snapshot(source)


def test_migrate_refuses_a_target_with_data(new_pg: Callable[[], PostgresStore]) -> None:
    source, target = MemoryStore(), new_pg()
    fill(source)
    target.put_admin("someone", "hash")
    with pytest.raises(Conflict, match="not empty"):
        migrate(source, target)
    assert target.tally("colour").total == 0  # nothing half-copied


def test_migrate_needs_an_importing_target(new_pg: Callable[[], PostgresStore]) -> None:
    with pytest.raises(MigrationError, match="cannot be a migration target"):
        migrate(new_pg(), MemoryStore())


def test_migrate_refuses_a_target_with_only_a_grant(new_pg: Callable[[], PostgresStore]
                                                    ) -> None:
    source, target = MemoryStore(), new_pg()
    fill(source)
    target.grant_champion(Champion("someone", "1", "editor", T0))
    with pytest.raises(Conflict, match="not empty"):
        migrate(source, target)
    assert target.list_champions() == [Champion("someone", "1", "editor", T0)]


def test_migrate_refuses_a_target_with_only_a_profile_rule(
        new_pg: Callable[[], PostgresStore]) -> None:
    source, target = MemoryStore(), new_pg()
    fill(source)
    target.set_profile_rule(ProfileRule("spam", hidden=True, by="editor", at=T0))
    with pytest.raises(Conflict, match="not empty"):
        migrate(source, target)


def test_verify_notices_a_changed_profile_rule(new_pg: Callable[[], PostgresStore],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from pollserver.store.postgres import champions

    source, target = MemoryStore(), new_pg()
    fill(source)
    real = champions.import_champions

    def lossy(conn, tables):  # a copy whose merge points elsewhere
        for rule in tables.get("profile_rules", {}).values():
            if rule.get("merged_into"):
                rule["merged_into"] = "someone-else"
        return real(conn, tables)

    monkeypatch.setattr(champions, "import_champions", lossy)
    with pytest.raises(MigrationError, match="profile rules differ after the copy"):
        migrate(source, target)
