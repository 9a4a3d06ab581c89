"""A confirmed follow is a newcomer's first write for the sharer's credit, on every store:
the share token waits in the follow request's event data, the confirmation credits once,
never from the sharer's own client, and erasing the newcomer's follows empties it."""

from __future__ import annotations

from pollserver.actions import follows, shares
from pollserver.store.base import Store
from tests.conftest import make_item
from tests.instant import TEST_NOW

TOKEN = "S" * 16


def _arrange(store: Store) -> None:
    store.sync_items([make_item("poll", id="p", question="Which?", options=["a", "b"],
                                share_reward="friends")])
    store.add_codes("friends", ["F-1", "F-2"])
    store.share_token("sharer", token=TOKEN, client="sharer-client")


def _request(store: Store, newcomer: str, via: str | None) -> str:
    """Ask to follow the poll; return the confirmation link's token."""
    kept = shares.keep_via(store, via, newcomer, client="friend-client") if via else None
    follow = follows.request(store, "poll", "p", f"{newcomer}@example.org", voter_id=newcomer,
                             at=TEST_NOW, via=kept)
    [event] = store.list_events(subjects={f"follow:{follow.id}"})
    return str(event.data["token"])


def test_confirming_a_follow_credits_the_sharer_once(store: Store) -> None:
    _arrange(store)
    token = _request(store, "friend", TOKEN)
    assert store.friends_brought("sharer") == 0  # asking is not yet a write
    follows.confirm(store, token, at=TEST_NOW, client="friend-client", share_cap=3)
    assert store.friends_brought("sharer") == 1
    assert store.code_of("friends", "sharer") is not None  # the block's share_reward
    follows.confirm(store, token, at=TEST_NOW, client="friend-client", share_cap=3)
    assert store.friends_brought("sharer") == 1


def test_no_credit_from_the_sharer_s_own_client_or_without_a_token(store: Store) -> None:
    _arrange(store)
    own = _request(store, "second-browser", TOKEN)
    follows.confirm(store, own, at=TEST_NOW, client="sharer-client", share_cap=3)
    plain = _request(store, "friend", None)
    follows.confirm(store, plain, at=TEST_NOW, client="friend-client", share_cap=3)
    assert store.friends_brought("sharer") == 0
    # Asked from the sharer's own client: nothing is even kept.
    assert shares.keep_via(store, TOKEN, "x", client="sharer-client") is None
    assert shares.keep_via(store, "not a token", "x", client="friend-client") is None


def test_erasing_the_newcomer_s_follows_removes_the_kept_token(store: Store) -> None:
    _arrange(store)
    _request(store, "friend", TOKEN)
    [event] = store.list_events(types={"follow.requested"})
    assert event.data["via"] == TOKEN
    store.erase_follows("friend")
    assert all("via" not in e.data for e in store.list_events(types={"follow.requested"}))
    assert store.friends_brought("sharer") == 0
