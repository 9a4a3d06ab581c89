"""The webhook part of the Store contract, on every backend (memory, TinyDB, PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pollserver.domain.errors import NotFound
from pollserver.domain.events import new_event
from pollserver.domain.webhooks import FAILURE_WINDOW, WEBHOOK, Attempt, Endpoint
from tests.store.conftest import DURABLE
from tests.store.test_contract import AT, idea, jam, poll
from tests.store.test_outbox_contract import LEASE, claim_all, status_event


def endpoint(endpoint_id: str = "w1", events: tuple[str, ...] = ("idea.status_changed",),
             **fields) -> Endpoint:
    return Endpoint(id=endpoint_id, url=f"https://hooks.example/{endpoint_id}",
                    secret="whsec_c2VjcmV0", events=events, created_at=AT, **fields)


def attempt(delivery, *, ok: bool, at=AT, status: int = 500) -> Attempt:
    return Attempt(endpoint_id=delivery.recipient, delivery_id=delivery.id,
                   event_id=delivery.event_id, event_type="idea.status_changed", at=at,
                   ok=ok, status=200 if ok else status, duration_ms=12,
                   error="" if ok else "HTTP 500", body='{"type": "x"}')


@pytest.fixture
def jam_store(store):
    store.sync_items([jam(), poll()])
    idea(store)
    return store


@pytest.mark.parametrize("backend", DURABLE, indirect=True)
def test_endpoints_are_stored_changed_and_removed(store, reopen):
    store.add_webhook(endpoint("w1"))
    store.add_webhook(endpoint("w2", ("jam.closed", "poll.closed"), include_text=True))
    store = reopen(store)
    assert [e.id for e in store.list_webhooks()] == ["w1", "w2"]
    got = store.get_webhook("w2")
    assert got == endpoint("w2", ("jam.closed", "poll.closed"), include_text=True)
    changed = store.set_webhook("w2", enabled=False, events=("poll.closed",))
    assert not changed.enabled and changed.events == ("poll.closed",) and changed.include_text
    store.delete_webhook("w1")
    assert [e.id for e in store.list_webhooks()] == ["w2"]
    assert store.get_webhook("w1") is None
    with pytest.raises(NotFound):
        store.set_webhook("w1", enabled=True)
    with pytest.raises(NotFound):
        store.delete_webhook("w1")


def test_an_event_gets_one_delivery_per_endpoint_that_chose_it(jam_store):
    store = jam_store
    store.add_webhook(endpoint("w1"))
    store.add_webhook(endpoint("w2", ("jam.closed",)))
    store.add_webhook(endpoint("w3", ("idea.status_changed",), enabled=False))
    event = status_event("1", notify=False)  # silent for mail, still a webhook event
    store.emit(event).update_idea("1", status="planned")
    rows = claim_all(store, consumer=WEBHOOK)
    assert [(d.recipient, d.event_id) for d in rows] == [("w1", event["id"])]
    assert rows[0].event is not None and rows[0].event.type == "idea.status_changed"
    assert claim_all(store, consumer=WEBHOOK, claim="c2") == []  # leased: nobody else


def test_refused_change_queues_no_webhook(jam_store):
    store = jam_store
    store.add_webhook(endpoint("w1"))
    with pytest.raises(NotFound):
        store.emit(status_event("99")).update_idea("99", status="planned")
    assert claim_all(store, consumer=WEBHOOK) == []


def test_attempts_are_logged_and_a_day_of_failures_disables(jam_store):
    store = jam_store
    store.add_webhook(endpoint("w1"))
    store.emit(status_event("1")).update_idea("1", status="planned")
    [row] = claim_all(store, consumer=WEBHOOK)
    first = store.record_attempt(attempt(row, ok=False))
    assert first.enabled and first.failing_since == AT
    store.record_attempt(attempt(row, ok=False, at=AT + timedelta(hours=23)))
    assert store.get_webhook("w1").enabled
    off = store.record_attempt(attempt(row, ok=False, at=AT + FAILURE_WINDOW))
    assert not off.enabled and "failing since" in off.disabled_reason
    log = store.list_attempts("w1")
    assert [a.at for a in log] == [AT + FAILURE_WINDOW, AT + timedelta(hours=23), AT]
    assert log[0].status == 500 and log[0].body == '{"type": "x"}' and log[0].duration_ms == 12
    assert len({a.id for a in log}) == 3
    assert store.finish_delivery(row.id, "c1", at=AT, error="HTTP 500")  # failed for good
    # A new event is not queued for a disabled endpoint; turning it on forgets the failures.
    store.emit(status_event("1")).update_idea("1", status="done")
    assert claim_all(store, consumer=WEBHOOK, now=AT + timedelta(days=3)) == []
    on = store.set_webhook("w1", enabled=True)
    assert on.enabled and on.failing_since is None and on.disabled_reason == ""


def test_a_success_ends_the_failure_streak(jam_store):
    store = jam_store
    store.add_webhook(endpoint("w1"))
    store.emit(status_event("1")).update_idea("1", status="planned")
    [row] = claim_all(store, consumer=WEBHOOK)
    store.record_attempt(attempt(row, ok=False))
    assert store.record_attempt(attempt(row, ok=True, at=AT + timedelta(hours=20))
                                ).failing_since is None
    later = store.record_attempt(attempt(row, ok=False, at=AT + timedelta(hours=30)))
    assert later.enabled and later.failing_since == AT + timedelta(hours=30)


def test_send_again_requeues_the_same_event(jam_store):
    store = jam_store
    store.add_webhook(endpoint("w1"))
    event = status_event("1")
    store.emit(event).update_idea("1", status="planned")
    [row] = claim_all(store, consumer=WEBHOOK)
    assert store.finish_delivery(row.id, "c1", at=AT)
    later = AT + timedelta(hours=1)
    again = store.resend_delivery(row.id, at=later)
    assert again.status == "pending" and again.attempts == 0 and again.event_id == event["id"]
    [row2] = claim_all(store, consumer=WEBHOOK, now=later, claim="c2")
    assert row2.id == row.id and row2.event is not None and row2.event.id == event["id"]
    with pytest.raises(NotFound):
        store.resend_delivery("9999", at=later)


def test_test_event_goes_to_one_endpoint_only(store):
    store.add_webhook(endpoint("w1", ("idea.created",)))
    store.add_webhook(endpoint("w2", ("idea.created",)))
    test = new_event("webhook.test", ["webhook:w2"], {"message": "hello"}, at=AT,
                     notify=False)
    store.send_test_event("w2", test)
    [row] = claim_all(store, consumer=WEBHOOK)
    assert row.recipient == "w2" and row.event is not None
    assert row.event.type == "webhook.test" and row.event.data == {"message": "hello"}
    assert claim_all(store, now=AT + LEASE) == []  # no mail for it
    with pytest.raises(NotFound):
        store.send_test_event("nope", dict(test, id="other"))


def test_removing_an_endpoint_fails_its_queue(jam_store):
    store = jam_store
    store.add_webhook(endpoint("w1"))
    store.emit(status_event("1")).update_idea("1", status="planned")
    store.delete_webhook("w1")
    assert claim_all(store, consumer=WEBHOOK) == []
    [row] = store.list_deliveries(WEBHOOK)
    assert row.status == "failed"


def test_survey_answer_event_names_its_answer_so_the_comment_stays_in_the_answer(store):
    from pollserver.domain import events
    from pollserver.domain.webhooks import response_of

    store.add_webhook(endpoint("w9", ("survey.answered",), include_text=True))
    answer = store.emit(events.survey_answered("nps", 3, "detractor", at=AT)).add_response(
        "nps", voter_id="v1", score=3, category="detractor", comment="too slow",
        consent_to_quote=False, at=AT)
    [event] = store.list_events(types={"survey.answered"})
    assert response_of(event) == answer.id and "too slow" not in repr(event)
    [found] = [r for r in store.list_responses("nps") if r.id == response_of(event)]
    assert found.comment == "too slow"
    [delivery] = store.list_deliveries(WEBHOOK)
    assert delivery.recipient == "w9" and delivery.event_id == event.id
