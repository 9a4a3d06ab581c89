"""Rewards for sharing over HTTP: a newcomer's first write through a share link credits the
sharer once; visits, repeat writes, the sharer's own second browser and readers who only read
earn nothing and get no cookie; ``share_reward`` hands the sharer a code; erase forgets it."""

from __future__ import annotations

import pytest

from pollserver.api.sharing import HEADER
from tests.conftest import ORIGIN, make_item

FRIEND = {"REMOTE_ADDR": "127.0.0.2"}
OTHER_FRIEND = {"REMOTE_ADDR": "127.0.0.3"}


@pytest.fixture
def polls(store):
    store.sync_items([
        make_item("poll", id="p1", question="One?", options=["a", "b"],
                  share_reward="share-codes"),
        make_item("poll", id="p2", question="Two?", options=["a", "b"]),
    ])
    store.add_codes("share-codes", [f"SHARE-{n}" for n in range(10)])


def vote(client, poll, via=None, environ=None):
    headers = {"Origin": ORIGIN, **({HEADER: via} if via else {})}
    return client.post(f"/api/polls/{poll}/vote", json={"choices": ["a"]}, headers=headers,
                       environ_base=environ or {})


def friends(client) -> int:
    return client.get("/api/me").get_json()["friends_brought"]


@pytest.fixture
def sharer(app, polls):
    client = app.test_client()
    assert vote(client, "p2").status_code == 200
    return client


def token_of(client) -> str:
    response = client.get("/api/share")
    assert response.status_code == 200
    return response.get_json()["token"]


def test_a_reader_who_only_reads_has_no_token_and_gets_no_cookie(app, polls):
    reader = app.test_client()
    response = reader.get("/api/share")
    assert response.status_code == 404
    assert reader.get("/api/polls/p1").headers.get("Set-Cookie") is None
    assert reader.get_cookie("vh_voter") is None


def test_the_token_is_random_and_never_the_voter_id(sharer):
    token = token_of(sharer)
    voter = sharer.get("/api/me").get_json()["voter_id"]
    assert token != voter and voter not in token and len(token) == 16
    assert token_of(sharer) == token


def test_a_friend_s_first_vote_credits_the_sharer_once(app, sharer, store):
    token = token_of(sharer)
    friend = app.test_client()
    # A visit through the link credits nothing and sets no cookie.
    visit = friend.get("/api/polls/p1", headers={HEADER: token}, environ_base=FRIEND)
    assert visit.headers.get("Set-Cookie") is None and friends(sharer) == 0
    assert vote(friend, "p1", token, FRIEND).status_code == 200
    assert friends(sharer) == 1
    # A reload and a second vote by the same friend (cookie now) credit nothing more.
    assert vote(friend, "p1", token, FRIEND).status_code == 409
    assert vote(friend, "p2", token, FRIEND).status_code == 200
    assert friends(sharer) == 1
    # Another friend counts.
    assert vote(app.test_client(), "p2", token, OTHER_FRIEND).status_code == 200
    assert friends(sharer) == 2
    assert friends(friend) == 0


def test_the_sharer_s_own_second_browser_earns_nothing(app, sharer):
    token = token_of(sharer)
    second_browser = app.test_client()  # same address: the same keyed client hash today
    assert vote(second_browser, "p1", token).status_code == 200
    assert friends(sharer) == 0


def test_a_bad_or_unknown_token_is_ignored_and_the_vote_counts(app, sharer):
    for via in ("not-a-token", "A" * 16):
        assert vote(app.test_client(), "p1", via, FRIEND).status_code == 200
    assert friends(sharer) == 0


def test_share_reward_gives_the_sharer_a_code(app, sharer, store):
    token = token_of(sharer)
    assert vote(app.test_client(), "p1", token, FRIEND).status_code == 200
    rewards = sharer.get("/api/me").get_json()["rewards"]
    assert rewards.get("share-codes", "").startswith("SHARE-")
    # A block without share_reward credits points but no code.
    assert vote(app.test_client(), "p2", token, OTHER_FRIEND).status_code == 200
    assert store.pool_stats()["share-codes"] == (10, 1)


def test_the_no_js_form_carries_via_in_a_field(app, sharer):
    token = token_of(sharer)
    friend = app.test_client()
    response = friend.post("/api/polls/p1/vote", data={"choices": ["a"], "via": token},
                           headers={"Origin": ORIGIN}, environ_base=FRIEND)
    assert response.status_code == 303
    assert friends(sharer) == 1


def test_erase_removes_the_token_and_the_credits(app, sharer, store):
    token = token_of(sharer)
    vote(app.test_client(), "p1", token, FRIEND)
    voter = sharer.get("/api/me").get_json()["voter_id"]
    assert store.friends_brought(voter) == 1
    assert sharer.delete("/api/me", headers={"Origin": ORIGIN}).status_code == 200
    assert store.sharer_of(token) is None and store.friends_brought(voter) == 0
    vote(app.test_client(), "p1", token, OTHER_FRIEND)
    assert store.friends_brought(voter) == 0


def test_me_shows_the_share_link_and_friends_brought(app, sharer):
    token = token_of(sharer)
    vote(app.test_client(), "p1", token, FRIEND)
    page = sharer.get("/me").get_data(as_text=True)
    assert f"/?via={token}" in page and "data-friends-brought>1<" in page
    assert "Share with friends" not in app.test_client().get("/me").get_data(as_text=True)


def test_a_page_asked_for_with_via_carries_it_in_its_forms(tmp_path, sharer):
    from pollserver import create_app
    from pollserver.config import Settings
    from pollserver.web.context import services_of

    site = tmp_path / "output"
    (site / "news").mkdir(parents=True)
    (site / "news" / "a.html").write_text(
        '<form method="post" action="/api/polls/p1/vote" class="x"><button>Vote</button></form>')
    hub = create_app(Settings(data_dir=tmp_path / "var2", site_dir=site, rate_limits="off",
                              secret_key="k", extra={"store": "memory"}))
    try:
        reader = hub.test_client()
        with reader.get("/news/a.html") as first:
            assert 'name="via"' not in first.get_data(as_text=True)
        shared = reader.get("/news/a.html?via=" + "T" * 16)
        assert f'<input type="hidden" name="via" value="{"T" * 16}">' in shared.get_data(
            as_text=True)
        assert shared.headers.get("Set-Cookie") is None
        with reader.get('/news/a.html?via="><script>') as bad:
            assert 'name="via"' not in bad.get_data(as_text=True)
    finally:
        services_of(hub).store.close()


def test_a_survey_s_share_links_carry_the_respondent_s_token(app, store):
    store.sync_items([make_item("survey", url="/news/survey.html", id="nps",
                                share_text="Try Tallowmere")])
    client = app.test_client()
    answer = client.post("/api/surveys/nps/responses", headers={"Origin": ORIGIN},
                         json={"score": 10, "comment": "Lovely", "consent_to_quote": True})
    links = answer.get_json()["invite"]["share"]["links"]
    token = token_of(client)
    assert links and all(f"via%3D{token}" in link["url"] or f"via={token}" in link["url"]
                         for link in links)
