"""The outbox part of the Store contract, on every backend (memory, TinyDB, PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from pollserver.domain.errors import BadRequest, Conflict, Gone, NotFound
from pollserver.domain.events import new_event
from pollserver.domain.outbox import CONFIRM, MAIL, Follow, follow_id
from tests.store.conftest import DURABLE
from tests.store.test_contract import AT, idea, jam, poll

LEASE = timedelta(minutes=5)


def status_event(idea_id: str, *, at: datetime = AT, notify: bool = True) -> dict:
    return new_event("idea.status_changed", [f"idea:{idea_id}", "jam:j"],
                     {"status": "planned", "note": "On the roadmap"}, at=at, notify=notify)


def follow(store, email: str, kind: str = "idea", item: str = "1", *, at: datetime = AT,
           voter: str | None = None, confirm: bool = True) -> Follow:
    token = f"{email}-{kind}-{item}-{at.isoformat()}"
    made = Follow(id=follow_id(token), kind=kind, item=item, jam="j" if kind == "idea" else None,
                  email=email, voter_id=voter, created_at=at)
    store.request_follow(made, new_event("follow.requested", [f"follow:{made.id}"],
                                         {"kind": kind, "id": item}, at=at))
    if confirm:
        return store.confirm_follow(made.id, at=at)
    return made


def claim_all(store, *, now: datetime = AT, claim: str = "c1", limit: int = 100,
              consumer: str = MAIL):
    return store.claim_deliveries(consumer, now=now, lease=LEASE, claim=claim, limit=limit)


def drain(store, *, now: datetime = AT) -> None:
    """Mark everything due as sent (the confirmation mails, typically)."""
    for d in claim_all(store, now=now, claim="drain", consumer=CONFIRM):
        assert store.finish_delivery(d.id, "drain", at=now)


@pytest.fixture
def jam_store(store):
    store.sync_items([jam(), poll()])
    idea(store)  # idea 1
    return store


def test_event_is_written_with_the_change_and_keeps_its_id(jam_store):
    store = jam_store
    event = status_event("1")
    updated = store.emit(event).update_idea("1", status="planned")
    assert updated.status == "planned"
    [stored] = store.list_events()
    assert stored.id == event["id"] and stored.type == "idea.status_changed"
    assert stored.subjects == ("idea:1", "jam:j") and stored.created_at == AT
    assert stored.data == {"status": "planned", "note": "On the roadmap"}
    store.update_idea("1", status="done")  # no emit: no event
    assert len(store.list_events()) == 1


@pytest.mark.parametrize("change", ["missing idea", "bad merge", "closed item", "bad field"])
def test_a_refused_change_writes_no_event_and_no_mail(jam_store, change):
    store = jam_store
    follow(store, "ann@example.org")
    drain(store)
    with pytest.raises((NotFound, BadRequest, Conflict)):
        if change == "missing idea":
            store.emit(status_event("99")).update_idea("99", status="planned")
        elif change == "bad merge":
            store.emit(status_event("1")).merge_ideas("1", "1")
        elif change == "closed item":
            store.emit(status_event("1")).set_closed_at("poll", "nope", AT)
        else:
            store.emit(status_event("1")).update_idea("1", colour="red")
    assert [e.type for e in store.list_events()] == ["follow.requested"]
    assert claim_all(store) == []
    store.update_idea("1", status="planned")  # the next plain change carries nothing over
    assert [e.type for e in store.list_events()] == ["follow.requested"]


def test_created_id_completes_the_subject_and_if_result_needs_a_result(store):
    store.sync_items([jam()])
    made = store.emit(new_event("idea.created", ["idea:*", "jam:j"], {"title": "T"},
                                at=AT)).add_idea("j", title="T", body="b", author=None,
                                                 voter_id="v", moderation="published", at=AT)
    [event] = store.list_events()
    assert event.subjects == (f"idea:{made.id}", "jam:j") and event.data["id"] == made.id
    reward = new_event("reward.issued", ["pool:p"], {"pool": "p"}, at=AT, voter="v",
                       if_result=True)
    assert store.emit(reward).claim_code("p", "v", at=AT) is None  # empty pool
    assert [e.type for e in store.list_events()] == ["idea.created"]
    store.add_codes("p", ["CODE1"])
    assert store.emit(dict(reward)).claim_code("p", "v", at=AT) == "CODE1"
    assert [e.type for e in store.list_events()] == ["reward.issued", "idea.created"]
    assert store.list_events(voter="v")[0].voter == "v"


def test_list_events_filters(jam_store):
    store = jam_store
    store.emit(status_event("1")).update_idea("1", status="planned")
    later = AT + timedelta(hours=1)
    store.emit(new_event("poll.closed", ["poll:p"], {}, at=later)).set_closed_at(
        "poll", "p", later)
    assert [e.type for e in store.list_events()] == ["poll.closed", "idea.status_changed"]
    assert [e.type for e in store.list_events(subjects={"idea:1"})] == ["idea.status_changed"]
    assert [e.type for e in store.list_events(subjects={"poll:p", "jam:j"})] == [
        "poll.closed", "idea.status_changed"]
    assert store.list_events(subjects=set()) == []
    assert [e.type for e in store.list_events(after=AT)] == ["poll.closed"]
    assert [e.type for e in store.list_events(types={"idea.status_changed"})] == [
        "idea.status_changed"]
    assert len(store.list_events(limit=1)) == 1


def test_double_opt_in_only_confirmed_followers_get_mail(jam_store):
    store = jam_store
    pending = follow(store, "pending@example.org", confirm=False)
    confirmed = follow(store, "ann@example.org")
    assert store.get_follow(pending.id).confirmed_at is None
    assert store.get_follow(confirmed.id).confirmed_at == AT
    assert claim_all(store) == []
    confirmations = claim_all(store, consumer=CONFIRM)
    assert sorted(d.address for d in confirmations) == ["ann@example.org",
                                                        "pending@example.org"]
    assert {d.event.type for d in confirmations} == {"follow.requested"}
    for d in confirmations:
        store.finish_delivery(d.id, "c1", at=AT)
    store.emit(status_event("1")).update_idea("1", status="planned")
    [mail] = claim_all(store, claim="c2")
    assert (mail.address, mail.recipient, mail.attempts) == ("ann@example.org", confirmed.id, 1)
    assert mail.event.type == "idea.status_changed"
    assert store.follower_counts() == {"idea:1": 1}


def test_one_mail_per_address_however_many_follows_match(jam_store):
    store = jam_store
    first = follow(store, "Ann@Example.org", "idea", "1")
    follow(store, "ann@example.org", "jam", "j", at=AT + timedelta(seconds=1))
    follow(store, "bob@example.org", "jam", "j")
    follow(store, "carl@example.org", "poll", "p")
    drain(store)
    store.emit(status_event("1")).update_idea("1", status="planned")
    mails = claim_all(store, claim="c2")
    assert sorted((d.address or "").lower() for d in mails) == ["ann@example.org",
                                                               "bob@example.org"]
    assert first.id in {d.recipient for d in mails}
    assert store.follower_counts() == {"idea:1": 1, "jam:j": 2, "poll:p": 1}


def test_silent_change_reaches_feeds_but_not_mail(jam_store):
    store = jam_store
    follow(store, "ann@example.org")
    drain(store)
    store.emit(status_event("1", notify=False)).update_idea("1", status="planned")
    assert claim_all(store, claim="c2") == []
    assert store.list_events(subjects={"idea:1"})[0].notify is False


def test_claim_lease_retry_and_failure(jam_store):
    store = jam_store
    follow(store, "ann@example.org")
    drain(store)
    store.emit(status_event("1")).update_idea("1", status="planned")
    [mail] = claim_all(store, claim="a")
    assert claim_all(store, claim="b") == []  # leased to "a"
    assert claim_all(store, claim="b", now=AT + LEASE - timedelta(seconds=1)) == []
    # "a" died without finishing: after the lease the row comes back, one attempt more.
    [again] = claim_all(store, claim="b", now=AT + LEASE)
    assert (again.id, again.attempts) == (mail.id, 2)
    assert store.finish_delivery(mail.id, "a", at=AT) is False  # "a" lost its claim
    retry = AT + LEASE + timedelta(minutes=1)
    assert store.finish_delivery(mail.id, "b", at=AT + LEASE, error="421 busy", retry_at=retry)
    assert claim_all(store, claim="c", now=retry - timedelta(seconds=1)) == []
    [third] = claim_all(store, claim="c", now=retry)
    assert third.attempts == 3 and third.last_error == "421 busy"
    assert store.finish_delivery(third.id, "c", at=retry, error="550 no such user")
    [row] = [d for d in store.list_deliveries() if d.id == mail.id]
    assert (row.status, row.address, row.last_error) == ("failed", None, "550 no such user")
    assert claim_all(store, claim="d", now=retry + LEASE * 10) == []


def test_sent_rows_forget_the_address_and_are_never_claimed_again(jam_store):
    store = jam_store
    follow(store, "ann@example.org")
    drain(store)
    store.emit(status_event("1")).update_idea("1", status="planned")
    [mail] = claim_all(store, claim="a")
    assert store.finish_delivery(mail.id, "a", at=AT)
    assert store.finish_delivery(mail.id, "a", at=AT) is False
    [row] = [d for d in store.list_deliveries(MAIL) if d.id == mail.id]
    assert (row.status, row.address, row.sent_at) == ("sent", None, AT)
    assert claim_all(store, claim="b", now=AT + timedelta(days=3)) == []


def test_created_before_holds_back_newer_rows_for_the_digest(jam_store):
    store = jam_store
    follow(store, "ann@example.org")
    drain(store)
    store.emit(status_event("1")).update_idea("1", status="planned")
    later = AT + timedelta(hours=2)
    assert store.claim_deliveries(MAIL, now=later, lease=LEASE, claim="x",
                                  created_before=AT) == []
    assert len(store.claim_deliveries(MAIL, now=later, lease=LEASE, claim="x",
                                      created_before=AT + timedelta(hours=1))) == 1


def test_expired_request_cannot_be_confirmed_and_is_purged(jam_store):
    store = jam_store
    made = follow(store, "late@example.org", confirm=False)
    with pytest.raises(Gone):
        store.confirm_follow(made.id, at=AT + timedelta(hours=48, seconds=1))
    with pytest.raises(Gone):
        store.confirm_follow("unknown", at=AT)
    kept = follow(store, "kept@example.org", confirm=False, at=AT + timedelta(hours=47))
    assert store.purge_follows(AT + timedelta(hours=48, seconds=1)) == 1
    assert store.get_follow(made.id) is None
    assert store.get_follow(kept.id) is not None
    assert store.confirm_follow(kept.id, at=AT + timedelta(hours=49)).confirmed_at is not None
    assert store.purge_follows(AT + timedelta(days=30)) == 0  # confirmed ones stay


def test_unsubscribe_removes_every_follow_of_the_address(jam_store):
    store = jam_store
    one = follow(store, "ann@example.org", "idea", "1")
    follow(store, "ANN@example.org", "poll", "p")
    other = follow(store, "bob@example.org", "idea", "1")
    drain(store)
    store.emit(status_event("1")).update_idea("1", status="planned")
    assert store.unsubscribe(one.id) == 2
    with pytest.raises(Gone):
        store.unsubscribe(one.id)
    assert store.follower_counts() == {"idea:1": 1}
    [left] = claim_all(store, claim="z")
    assert left.recipient == other.id
    assert [d.address for d in store.list_deliveries() if d.recipient == one.id] == [None, None]


def test_erase_removes_the_voters_follows_mail_and_feed_token(jam_store):
    store = jam_store
    follow(store, "ann@example.org", voter="v1")
    follow(store, "bob@example.org", voter="v2")
    token = store.feed_token("v1", "tok-1")
    assert store.feed_token("v1", "tok-other") == token == "tok-1"
    assert store.feed_voter("tok-1") == "v1"
    assert store.erase_follows("v1") == 1
    assert store.feed_voter("tok-1") is None
    assert store.follower_counts() == {"idea:1": 1}
    assert all(d.address != "ann@example.org" for d in store.list_deliveries())


def test_reward_event_reaches_the_voters_own_address(jam_store):
    store = jam_store
    follow(store, "ann@example.org", "poll", "p", voter="v1")
    drain(store)
    store.add_codes("pool", ["C1"])
    store.emit(new_event("reward.issued", ["pool:pool"], {"pool": "pool"}, at=AT, voter="v1",
                         if_result=True)).claim_code("pool", "v1", at=AT)
    [mail] = claim_all(store, claim="r")
    assert mail.address == "ann@example.org" and mail.event.type == "reward.issued"


@pytest.mark.parametrize("backend", DURABLE, indirect=True)
def test_outbox_survives_reopen(jam_store, reopen):
    store = jam_store
    made = follow(store, "ann@example.org", voter="v1")
    drain(store)
    store.feed_token("v1", "tok")
    event = status_event("1")
    store.emit(event).update_idea("1", status="planned")
    [mail] = claim_all(store, claim="a")
    store = reopen(store)
    assert [e.id for e in store.list_events(subjects={"idea:1"})] == [event["id"]]
    assert store.get_follow(made.id).confirmed_at == AT
    assert store.feed_voter("tok") == "v1"
    assert claim_all(store, claim="b") == []  # still leased
    [again] = claim_all(store, claim="b", now=AT + LEASE)
    assert again.id == mail.id and again.attempts == 2
    assert store.finish_delivery(again.id, "b", at=AT + LEASE)
    follow(store, "bob@example.org")  # ids keep counting after a reopen
    ids = [d.id for d in store.list_deliveries()]
    assert len(ids) == len(set(ids))


def test_parallel_claimers_never_share_a_row(jam_store):
    store = jam_store
    for n in range(30):
        follow(store, f"r{n}@example.org")
    drain(store)
    store.emit(status_event("1")).update_idea("1", status="planned")
    got: dict[str, list[str]] = {}

    def worker(name: str) -> None:
        mine = got.setdefault(name, [])
        while batch := store.claim_deliveries(MAIL, now=AT, lease=LEASE, claim=name, limit=3):
            mine.extend(d.id for d in batch)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [d for ids in got.values() for d in ids]
    assert len(claimed) == 30 and len(set(claimed)) == 30


def test_a_follow_keeps_the_language_it_was_asked_in_until_erased(jam_store):
    store = jam_store
    made = Follow(id=follow_id("lang-token"), kind="idea", item="1", jam="j",
                  email="de@example.org", voter_id="v9", created_at=AT, lang="de")
    store.request_follow(made, new_event("follow.requested", [f"follow:{made.id}"],
                                         {"kind": "idea", "id": "1"}, at=AT))
    assert store.get_follow(made.id).lang == "de"
    assert store.confirm_follow(made.id, at=AT).lang == "de"
    assert follow(store, "en@example.org").lang == ""  # older follows: the main language
    assert store.erase_follows("v9") == 1
    assert store.get_follow(made.id) is None


def test_followed_by_lists_the_voters_own_follows(jam_store):
    store = jam_store
    follow(store, "ann@example.org", voter="v1")
    follow(store, "ann@example.org", "jam", "j", voter="v1", confirm=False)
    follow(store, "bob@example.org", "poll", "p", voter="v2")
    assert store.followed_by("v1") == {"idea:1", "jam:j"}
    assert store.followed_by("v3") == set()
    store.erase_follows("v1")
    assert store.followed_by("v1") == set()
