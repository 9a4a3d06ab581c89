"""Pre-moderation: ``moderation: first`` and the burst queue."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from pollserver.domain.records import AuditEntry
from pollserver.editor.jams import approve
from pollserver.web.bursts import BURST_ACTION
from pollserver.web.context import services_of
from tests.conftest import VoterActions
from tests.trust.conftest import idea, solve


def _send(actor: VoterActions, title: str, jam: str):
    return idea(actor, title, jam=jam, proof=solve(actor.client, f"jam:{jam}"))


def test_the_first_idea_of_a_new_voter_waits_and_later_ones_go_up(guarded: Flask) -> None:
    store = services_of(guarded).store
    reader = VoterActions(guarded.test_client())
    first = _send(reader, "My very first idea", "first")
    assert first.get_json()["status"] == "pending"
    assert _send(reader, "Still waiting for one", "first").get_json()["status"] == "pending"
    approve(store, "editor", first.get_json()["id"], at=services_of(guarded).clock())
    assert _send(reader, "Now I am trusted", "first").get_json()["status"] == "published"
    other = VoterActions(guarded.test_client())
    assert _send(other, "A stranger's first", "first").get_json()["status"] == "pending"
    # A post-moderated jam is not affected.
    assert _send(other, "Straight up there", "j").get_json()["status"] == "published"


def test_a_burst_of_new_voters_sends_new_ideas_to_the_queue_for_a_while(guarded: Flask) -> None:
    store, clock = services_of(guarded).store, services_of(guarded).clock
    reader = VoterActions(guarded.test_client())
    assert _send(reader, "Before the burst", "j").get_json()["status"] == "published"
    store.add_audit(AuditEntry(at=clock(), actor="rate-limits", action=BURST_ACTION,
                               target="jam:j", details={}))
    assert _send(reader, "During the burst", "j").get_json()["status"] == "pending"
    assert solve(reader.client, "jam:j")  # still solvable, only harder
    challenge = reader.client.get("/api/altcha?item=jam:j").get_json()
    assert challenge["maxNumber"] == 2000 * 20
    clock.now += timedelta(minutes=61)  # type: ignore[attr-defined]
    assert _send(reader, "After the burst", "j").get_json()["status"] == "published"


def test_many_new_voters_from_one_address_wait_for_an_editor(guarded: Flask) -> None:
    # POLLSERVER_HOLD_NEW_VOTERS (2): the second new voter of one address on an item waits.
    statuses = [_send(VoterActions(guarded.test_client()), f"Fresh voter idea {n}", "j")
                .get_json()["status"] for n in range(4)]
    assert statuses == ["published", "pending", "pending", "pending"]
    elsewhere = VoterActions(guarded.test_client())
    sent = elsewhere.post("/api/jams/j/ideas", json={
        "title": "From another address", "altcha": solve(elsewhere.client, "jam:j")},
        environ_base={"REMOTE_ADDR": "127.0.0.7"})
    assert sent.get_json()["status"] == "published"


def test_a_flagged_burst_sends_its_earlier_unbacked_ideas_back_to_the_queue(
        guarded: Flask) -> None:
    store, clock = services_of(guarded).store, services_of(guarded).clock
    honest, backer = VoterActions(guarded.test_client()), VoterActions(guarded.test_client())
    old = honest.post("/api/jams/j/ideas", json={
        "title": "An older honest idea", "altcha": solve(honest.client, "jam:j")},
        environ_base={"REMOTE_ADDR": "127.0.0.9"}).get_json()
    clock.now += timedelta(minutes=61)  # type: ignore[attr-defined]
    bots = [VoterActions(guarded.test_client()) for _ in range(5)]
    first = _send(bots[0], "Spam from the first bot", "j").get_json()
    assert first["status"] == "published"  # one new voter of an address: not told apart yet
    backed = honest.post("/api/jams/j/ideas", json={
        "title": "A backed honest idea", "altcha": solve(honest.client, "jam:j")},
        environ_base={"REMOTE_ADDR": "127.0.0.9"}).get_json()
    assert backed["status"] == "published"
    voted = backer.post(f"/api/jams/j/ideas/{backed['id']}/vote", json={},
                        environ_base={"REMOTE_ADDR": "127.0.0.10"})
    assert voted.status_code == 200
    # The fifth new voter of the bots' address flags the jam (POLLSERVER_SUSPICIOUS_NEW_VOTERS).
    for n, bot in enumerate(bots[1:], 2):
        assert _send(bot, f"Spam from bot {n}", "j").get_json()["status"] == "pending"
    shown = {i.title: i.moderation for i in store.list_ideas("j")}
    assert shown["Spam from the first bot"] == "pending"
    assert shown["An older honest idea"] == "published"
    assert shown["A backed honest idea"] == "published"
    assert old["status"] == "published"
