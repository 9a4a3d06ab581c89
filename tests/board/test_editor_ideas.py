"""Editors correct ideas (old words in the audit log, nobody told) and give them topics;
readers filter the board by topic and status, with search, sort and paging kept."""

from __future__ import annotations

from tests.board.conftest import AT, BOARD

BASE = f"/api/admin/jams/{BOARD}/ideas"


def _post(editor, idea_id, action, **body):
    client, csrf = editor
    return client.post(f"{BASE}/{idea_id}/{action}", json=body, headers=csrf)


def test_typo_fix_keeps_old_words_in_audit_log_and_tells_nobody(editor, board, store, client):
    events_before = len(store.list_events(limit=1000))
    answer = _post(editor, board[1], "edit", title="Faster delivery to Bergen!",
                   body="Two days, not *five*.")
    assert answer.status_code == 200
    idea = store.get_idea(board[1])
    assert (idea.title, idea.body, idea.author) == (
        "Faster delivery to Bergen!", "Two days, not *five*.", "Sam")
    entry = store.list_audit()[0]
    assert (entry.action, entry.target) == ("idea.edit", f"idea:{board[1]}")
    assert entry.details["before"] == {"title": "Faster delivery to Bergen",
                                       "body": "**Faster delivery to Bergen**, please."}
    assert entry.details["after"]["title"] == "Faster delivery to Bergen!"
    assert len(store.list_events(limit=1000)) == events_before  # followers are not told
    page = client.get(f"/ideas/{BOARD}/{board[1]}").get_data(as_text=True)
    assert "Faster delivery to Bergen!" in page and "<em>five</em>" in page
    audit = editor[0].get("/admin/audit").get_data(as_text=True)
    assert "idea.edit" in audit and "**Faster delivery to Bergen**, please." in audit


def test_edit_is_validated_and_unknown_ideas_are_404(editor, board, store):
    assert _post(editor, board[0], "edit", title="No").status_code == 400
    assert store.get_idea(board[0]).title == "Oat milk flat white"
    assert _post(editor, "999", "edit", title="Whatever it is").status_code == 404


def test_topics_are_editor_only_and_from_the_jam(editor, board, store, voter):
    assert _post(editor, board[0], "topics", topics=["coffee", "app"]).status_code == 200
    assert store.get_idea(board[0]).topics == ("app", "coffee")  # the jam's order
    bad = _post(editor, board[0], "topics", topics=["tea"])
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "topics"
    assert store.get_idea(board[0]).topics == ("app", "coffee")
    assert store.list_audit()[0].details["after"] == ["app", "coffee"]
    # A reader cannot reach the editor API.
    assert voter.post(f"{BASE}/{board[0]}/topics", json={"topics": []}).status_code == 401
    html = voter.client.get(f"/ideas/{BOARD}/{board[0]}").get_data(as_text=True)
    assert f'href="/jams/{BOARD}?topic=coffee">Coffee</a>' in html


def _many(store, editor, n=7):
    """``n`` more ideas: every other one Delivery, every third planned."""
    made = []
    for k in range(n):
        idea = store.add_idea(BOARD, title=f"Delivery idea number {k}", body="", author=None,
                              voter_id=f"w{k}", moderation="published", at=AT)
        if k % 2 == 0:
            _post(editor, idea.id, "topics", topics=["delivery"])
        if k % 3 == 0:
            _post(editor, idea.id, "status", status="planned")
        made.append(idea.id)
    return made


def test_topic_and_status_filters_with_paging(editor, board, store, client):
    made = _many(store, editor)
    _post(editor, board[0], "status", status="planned")  # planned, but not Delivery
    wanted = {made[k] for k in range(7) if k % 2 == 0 and k % 3 == 0}  # 0 and 6
    seen, cursor = [], None
    for _ in range(5):
        query = f"/api/jams/{BOARD}?topic=delivery&status=planned&limit=1&sort=new"
        page = client.get(query + (f"&cursor={cursor}" if cursor else "")).get_json()
        assert page["idea_count"] == 2 and page["topic"] == "delivery"
        seen += [i["id"] for i in page["ideas"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert set(seen) == wanted and len(seen) == 2
    topic_only = client.get(f"/api/jams/{BOARD}?topic=delivery&limit=100").get_json()
    assert {i["id"] for i in topic_only["ideas"]} == {made[k] for k in (0, 2, 4, 6)}
    with_search = client.get(f"/api/jams/{BOARD}?topic=delivery&q=number+4").get_json()
    assert [i["id"] for i in with_search["ideas"]] == [made[4]]
    assert client.get(f"/api/jams/{BOARD}?topic=Not+A+Key").status_code == 400


def test_filters_on_the_page_without_js(editor, board, store, client):
    made = _many(store, editor)
    html = client.get(f"/jams/{BOARD}?status=planned&topic=delivery&limit=1").get_data(
        as_text=True)
    assert '<option value="delivery" selected>Delivery</option>' in html
    assert '<option value="planned" selected>Planned</option>' in html
    assert f'href="/ideas/{BOARD}/{made[0]}"' in html
    assert f'href="/ideas/{BOARD}/{made[2]}"' not in html  # Delivery but still open
    more = html.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    assert "topic=delivery" in more and "status=planned" in more and "cursor=" in more
    second = client.get(more).get_data(as_text=True)
    assert f'href="/ideas/{BOARD}/{made[6]}"' in second
    assert f'href="/ideas/{BOARD}/{made[0]}"' not in second
