"""Fetch every page pollserver renders itself, as a reader, a signed-in editor and a stranger.

Every GET route of the app is fetched, its URL arguments filled from :data:`ARGS` (values
taken from the built manifest), so a page added later is checked without anyone listing it;
a route whose argument has no sample value is an error that says where to add one.
:data:`EXTRA` lists what routes alone do not reach: error pages and query variants.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from pollserver.ops.passwords import hash_password
from pollserver.web.context import services_of

__all__ = ["ARGS", "EXTRA", "SKIP", "Fetched", "fetch_server_pages", "route_paths"]

ORIGIN = "http://localhost"
EDITOR, PASSWORD = "sitecheck", "sitecheck editor password"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

#: Endpoints not fetched by route: files and JSON (the built site is checked file by file),
#: and ``admin.resume``, which only shows after a re-login (fetched in :func:`_editor`).
SKIP = {"static", "admin.static", "site.page", "admin.export", "admin.session_info",
        "admin.resume", "sitecheck_broken", "public.updates_feed", "admin.mail_message",
        "public.confirm_page", "public.unsubscribe_page", "admin.webhook_log",
        "public.embed_script", "public.embed_style"}
Samples = Callable[[Flask, dict], list[str]]


def from_manifest(section: str) -> Samples:
    """Return a sampler of the ids of one manifest section (``jams``, ``polls``...)."""
    return lambda _app, manifest: [item["id"] for item in manifest.get(section, [])]


def idea_pairs(app: Flask, manifest: dict) -> list[dict[str, str]]:
    """Return ``{jam_id, idea_id}`` for one published idea of each jam that has one."""
    store = services_of(app).store
    pairs = []
    for jam in manifest.get("jams", []):
        ideas = [i.id for i in store.list_ideas(jam["id"]) if i.moderation == "published"]
        pairs += [{"jam_id": jam["id"], "idea_id": idea} for idea in ideas[:1]]
    return pairs


def champion_slugs(app: Flask, manifest: dict) -> list[str]:
    """Return the profile slug of the first named author of a published idea."""
    from pollserver.domain.profiles import slug_of

    store = services_of(app).store
    names = sorted({i.author for jam in manifest.get("jams", []) for i in
                    store.list_ideas(jam["id"]) if i.author and i.moderation == "published"})
    return [slug_of(name) for name in names[:1]]


def embed_pairs(_app: Flask, manifest: dict) -> list[dict[str, str]]:
    """Return ``{kind, item_id}`` for the first poll, jam and survey (the iframe pages)."""
    return [{"kind": kind, "item_id": manifest[section][0]["id"]}
            for kind, section in (("poll", "polls"), ("jam", "jams"), ("survey", "surveys"))
            if manifest.get(section)]


#: Sample values for each URL argument name; a new argument needs an entry here.
ARGS: dict[str, Samples] = {
    "jam_id": from_manifest("jams"),
    "poll_id": from_manifest("polls"),
    "survey_id": from_manifest("surveys"),
    "claim_id": from_manifest("claims"),
    "idea_id": lambda app, manifest: [p["idea_id"] for p in idea_pairs(app, manifest)],
    "slug": champion_slugs,
    "kind": lambda _app, _manifest: [],  # only with item_id (LINKED)
    "item_id": lambda _app, _manifest: [],
}
#: Arguments that must be sampled together when a route has all of them (an idea of that jam).
LINKED: dict[frozenset[str], Callable[[Flask, dict], list[dict[str, str]]]] = {
    frozenset({"jam_id", "idea_id"}): idea_pairs,
    frozenset({"kind", "item_id"}): embed_pairs,
}
#: Pages routes alone do not reach: (who, path, expected status). ``who``: reader, editor,
#: stranger (no cookies at all).
EXTRA: list[tuple[str, str, int]] = [
    ("stranger", "/me", 200),
    ("stranger", "/admin/login", 200),
    ("stranger", "/champions", 200),
    ("reader", "/jams/{jam}?sort=new", 200),
    ("reader", "/no-such-page.html", 404),
    ("reader", "/jams/no-such-jam", 404),
    ("reader", "/me/erase", 404),
    ("editor", "/admin/logout", 405),
    ("editor", "/admin/jams/no-such-jam", 404),
    ("editor", "/admin/no-such-page", 404),
    ("reader", "/sitecheck-broken", 500),
    ("stranger", "/follows/confirm/no-such-token", 410),
    ("stranger", "/follows/unsubscribe/no-such-follow", 410),
    ("editor", "/admin/mail", 200),
    ("editor", "/admin/webhooks", 200),
]
#: A route added for the check only, so the error page of an unexpected failure is checked.
BROKEN = "/sitecheck-broken"


@dataclass
class Fetched:
    """One server response: who asked, the path, status, content type and body."""

    who: str
    path: str
    status: int
    mimetype: str
    body: bytes

    @property
    def name(self) -> str:
        """Return how the page is reported: ``editor GET /admin/``."""
        return f"{self.who} GET {self.path}"


def _editor(app: Flask) -> tuple[FlaskClient, Fetched]:
    """Return a signed-in editor, and the page offering to resend a form their session lost.

    The editor first posts a form while signed out (as after a session expired); signing in
    then leads to ``/admin/resume``, which is only ever shown that way.
    """
    store = services_of(app).store
    store.put_admin(EDITOR, hash_password(PASSWORD))
    client = app.test_client()
    client.post("/admin/rewards/revoke", data={"pool": "sample"}, headers={"Origin": ORIGIN})
    token = TOKEN.search(client.get("/admin/login").get_data(as_text=True))
    answer = client.post("/admin/login", headers={"Origin": ORIGIN}, data={
        "username": EDITOR, "password": PASSWORD, "csrf_token": token.group(1) if token else ""})
    if answer.status_code != 302:
        raise RuntimeError(f"sitecheck could not sign in as an editor: {answer.status}")
    resume = client.get(answer.headers["Location"])
    return client, Fetched("editor", "/admin/resume (after a re-login)", resume.status_code,
                           resume.mimetype or "", resume.get_data())


def _reader(app: Flask, manifest: dict) -> tuple[FlaskClient, list[Fetched]]:
    """Return a reader who voted in every poll and shared an idea in every jam, and the
    pages each form post led back to (carrying its outcome message), fetched at once."""
    client = app.test_client()
    seen: list[Fetched] = []

    def post_then_show(action: str, data: dict[str, str], page: str) -> None:
        answer = client.post(action, data=data, headers={"Origin": ORIGIN})
        if answer.status_code != 303:
            raise RuntimeError(f"sitecheck: POST {action} answered {answer.status}, not 303")
        shown = client.get(page)
        seen.append(Fetched("reader", f"{page} (after POST {action})", shown.status_code,
                            shown.mimetype or "", shown.get_data()))

    for poll in manifest.get("polls", []):
        post_then_show(f"/api/polls/{poll['id']}/vote", {"choices": poll["options"][0]["key"]},
                       poll["url"])
    for jam in manifest.get("jams", []):
        page = f"/jams/{jam['id']}"
        post_then_show(f"{page.replace('/jams/', '/api/jams/')}/ideas", {
            "title": "Decaf tasting flight", "body": "Three decafs *side by side*.",
            "author": "Sam", "next": page}, page)
    return client, seen


def preview_paths(app: Flask, reader_voter: str | None) -> list[tuple[str, str, int]]:
    """Make the reader a champion and return each built preview for them (200, the page with
    its badge) and for a stranger (404, the site's missing page)."""
    import json
    from pathlib import Path

    from pollserver.domain.champions import PREVIEW_INDEX, Champion, previews_beside

    settings = services_of(app).settings
    site_dir = settings.site_dir
    folder = settings.preview_dir or (previews_beside(Path(site_dir)) if site_dir else None)
    index = Path(folder or ".") / PREVIEW_INDEX
    if not site_dir or not index.is_file() or reader_voter is None:
        return []
    from pollserver.web.context import now

    with app.app_context():
        at = now()  # the app's clock: sitecheck fixes it at the build's instant
    services_of(app).store.grant_champion(
        Champion(reader_voter, "sitecheck", "sitecheck", at))
    paths = ["/" + str(row["path"]).lstrip("/")
             for row in json.loads(index.read_text(encoding="utf-8"))["previews"]]
    return ([("reader", p, 200) for p in paths]  # the reader is now a champion
            + [("stranger", p, 404) for p in paths])


def route_paths(app: Flask, manifest: dict, errors: list[str]) -> list[tuple[str, str]]:
    """Return (who, path) for every GET route, each argument filled with every sample."""
    paths: list[tuple[str, str]] = []
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()) or rule.endpoint in SKIP:
                continue
            if rule.rule.startswith("/api/"):
                continue  # JSON, checked against the OpenAPI document elsewhere
            missing = [arg for arg in rule.arguments if arg not in ARGS]
            if missing:
                errors.append(f"{rule.rule}: no sample value for {', '.join(missing)}; "
                              "add one to ARGS (or the endpoint to SKIP) in sitecheck/server.py")
                continue
            combos: list[dict[str, str]] = [{}]
            alone = set(rule.arguments)
            for group, sampler in LINKED.items():
                if group <= alone:
                    combos = [{**c, **pair} for c in combos for pair in sampler(app, manifest)]
                    alone -= group
            for arg in sorted(alone):
                combos = [{**c, arg: value} for c in combos for value in ARGS[arg](app, manifest)]
            who = "editor" if rule.rule.startswith("/admin") else "reader"
            paths += [(who, adapter.build(rule.endpoint, values)) for values in combos]
    return paths


def _fail() -> str:
    raise RuntimeError("sitecheck: the page a reader sees when something breaks")


def fetch_server_pages(app: Flask, manifest: dict) -> tuple[list[Fetched], list[str]]:
    """Fetch every server page; return the responses and the errors met on the way."""
    errors: list[str] = []
    app.add_url_rule(BROKEN, "sitecheck_broken", _fail)
    logging.getLogger("pollserver").disabled = True  # the 500 page's traceback is expected
    reader, fetched = _reader(app, manifest)
    clients: dict[str, Callable[[], FlaskClient]] = {
        "reader": lambda: reader, "editor": lambda: editor, "stranger": app.test_client}
    editor, resumed = _editor(app)
    fetched.append(resumed)
    jam = next((j["id"] for j in manifest.get("jams", [])), "none")
    wanted = [(who, path, 200) for who, path in route_paths(app, manifest, errors)]
    wanted += [(who, path.format(jam=jam), status) for who, path, status in EXTRA]
    shared = [i for j in manifest.get("jams", []) for i in
              services_of(app).store.list_ideas(j["id"]) if i.author == "Sam"]
    previews = preview_paths(app, shared[-1].voter_id if shared else None)
    if not previews:  # the sample always holds one (dated three weeks after the build)
        errors.append("no champions' preview found beside the site: the check would be empty")
    wanted += previews
    errors += [f"{f.name}: status {f.status}, expected 200" for f in fetched if f.status != 200]
    for who, path, status in wanted:
        answer = clients[who]().get(path)
        got = Fetched(who, path, answer.status_code, answer.mimetype or "", answer.get_data())
        if got.status != status:
            errors.append(f"{got.name}: status {got.status}, expected {status}")
        fetched.append(got)
    return fetched, errors
