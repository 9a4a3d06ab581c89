"""Voting from a newsletter: e-mail-safe HTML with one link per answer; opening a link
never votes (mail scanners open them all), the confirming POST counts once; the merge value
makes one voter per subscriber on every device."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from pollserver.cli import main
from pollserver.domain.reach import subscriber_voter
from tests.conftest import make_item

HUB = "http://127.0.0.1:8000"
MANIFEST = {
    "version": 1, "jams": [], "surveys": [],
    "polls": [{"id": "day", "question": "Which day & why?", "options": ["Mon", "Sat"],
               "source": "content/a.md:5", "url": "/news/a.html"},
              {"id": "two", "question": "Two?", "options": ["a", "b"], "changeable": True,
               "source": "content/a.md:9", "url": "/news/a.html"}],
}


@pytest.fixture
def poll(store) -> str:
    store.sync_items([make_item("poll", id="p", question="Which day?",
                                options=["monday", "friday"])])
    return "p"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _cli(tmp_path, *args):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(MANIFEST))
    env = {"POLLSERVER_DATA_DIR": str(tmp_path / "var"), "POLLSERVER_PUBLIC_ORIGIN": HUB}
    runner = CliRunner()
    assert runner.invoke(main, ["sync", "--manifest", str(manifest)], env=env).exit_code == 0
    return runner.invoke(main, list(args), env=env)


def test_newsletter_html_is_mail_safe_with_one_link_per_option(tmp_path):
    result = _cli(tmp_path, "newsletter", "poll", "day", "--merge-tag", "*|UNIQID|*")
    assert result.exit_code == 0, result.output
    parser = _Tags()
    parser.feed(result.output)
    names = {tag for tag, _ in parser.tags}
    assert names <= {"table", "tr", "td", "a"}, names  # no script, style, form, image
    assert "Which day &amp; why?" in result.output
    links = [attrs["href"] for tag, attrs in parser.tags if tag == "a"]
    assert links == [f"{HUB}/vote/poll/day?choice=mon&r=*|UNIQID|*",
                     f"{HUB}/vote/poll/day?choice=sat&r=*|UNIQID|*"]
    assert all(attrs.get("style") for tag, attrs in parser.tags if tag in ("td", "a"))
    assert "class=" not in result.output


def test_newsletter_and_embed_commands_refuse_unknown_items(tmp_path):
    assert _cli(tmp_path, "newsletter", "poll", "nope").exit_code != 0
    assert _cli(tmp_path, "embed", "jam", "day").exit_code != 0


def test_embed_prints_both_snippets(tmp_path):
    result = _cli(tmp_path, "embed", "poll", "day")
    assert result.exit_code == 0, result.output
    assert f'<script type="module" src="{HUB}/embed.js"></script>' in result.output
    assert '<valuehub-poll poll="day"></valuehub-poll>' in result.output
    assert f'<iframe src="{HUB}/embed/poll/day"' in result.output


def test_opening_a_link_never_votes(client, poll, store):
    for _ in range(3):  # a scanner, a preview, the reader
        page = client.get("/vote/poll/p?choice=friday&r=sub-1")
        assert page.status_code == 200
    assert store.tally("p").total == 0
    html = page.get_data(as_text=True)
    assert re.search(r'value="friday" checked', html)
    assert not re.search(r'value="monday" checked', html)
    assert "Confirm my vote" in html and 'name="r" value="sub-1"' in html
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["Cache-Control"] == "no-store"


def test_confirmed_post_counts_once_per_subscriber_on_any_device(app, poll, store):
    first, second = app.test_client(), app.test_client()  # two devices, no shared cookie
    same_origin = {"Origin": "http://localhost"}
    done = first.post("/vote/poll/p", data={"choices": "friday", "r": "sub-1"},
                      headers=same_origin)
    assert done.status_code == 200 and "your vote is counted" in done.get_data(as_text=True)
    again = second.post("/vote/poll/p", data={"choices": "monday", "r": "sub-1"},
                        headers=same_origin)
    assert again.status_code == 409
    assert store.tally("p").counts.get("friday") == 1 and store.tally("p").total == 1
    other = second.post("/vote/poll/p", data={"choices": "monday", "r": "sub-2"},
                        headers=same_origin)
    assert other.status_code == 200 and store.tally("p").total == 2
    assert store.vote_of("p", subscriber_voter("test-secret", "sub-1")) == ("friday",)


def test_without_merge_value_the_cookie_rules_apply(client, poll, store):
    same_origin = {"Origin": "http://localhost"}
    assert client.post("/vote/poll/p", data={"choices": "friday"},
                       headers=same_origin).status_code == 200
    assert client.post("/vote/poll/p", data={"choices": "friday"},
                       headers=same_origin).status_code == 409
    assert client.get("/api/polls/p").get_json()["my_vote"] == ["friday"]
    assert store.tally("p").total == 1


def test_unfilled_merge_tag_counts_as_none(client, poll, store):
    same_origin = {"Origin": "http://localhost"}
    assert client.post("/vote/poll/p", data={"choices": "friday", "r": "*|UNIQID|*"},
                       headers=same_origin).status_code == 200
    assert client.get("/api/polls/p").get_json()["my_vote"] == ["friday"]  # the cookie voter


def test_refused_posts(client, poll, store):
    assert client.post("/vote/poll/p", data={"choices": "friday"},
                       headers={"Origin": "http://evil.example"}).status_code == 403
    same_origin = {"Origin": "http://localhost"}
    bad = client.post("/vote/poll/p", data={"choices": "sunday"}, headers=same_origin)
    assert bad.status_code == 400
    long = client.post("/vote/poll/p", data={"choices": "friday", "r": "x" * 201},
                       headers=same_origin)
    assert long.status_code == 400
    assert client.get("/vote/poll/nope").status_code == 404
    assert store.tally("p").total == 0


def test_subscriber_voter_is_keyed_and_shaped_like_a_voter_id():
    one = subscriber_voter("k1", "sub-1")
    assert one == subscriber_voter("k1", "sub-1") != subscriber_voter("k2", "sub-1")
    assert len(one) == 22 and "sub" not in one
