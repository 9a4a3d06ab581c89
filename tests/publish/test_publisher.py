"""The publish loop: a burst of changes gives one run of the real command, debounced with a
hand-moved clock; failures are retried; the build marks what it baked."""

from __future__ import annotations

import sys
from datetime import timedelta

import pytest

from pollserver.domain.publish import PUBLISH
from pollserver.editor import jams as editor
from pollserver.ops.publish import Publisher, last_run, mark_baked, unpublished
from pollserver.store.memory import MemoryStore
from pollserver.web.context import services_of
from tests.mail.helpers import AT, Clock, arrange


@pytest.fixture
def store() -> MemoryStore:
    store = MemoryStore()
    store.idea_id = arrange(store)  # type: ignore[attr-defined]
    return store


def command(tmp_path, exit_code: int = 0) -> str:
    """A real command that appends one line per run to runs.txt."""
    script = tmp_path / "publish.py"
    script.write_text("import sys, pathlib\n"
                      f"p = pathlib.Path({str(tmp_path / 'runs.txt')!r})\n"
                      "p.write_text(p.read_text() + 'run\\n' if p.exists() else 'run\\n')\n"
                      "print('built 12 pages')\n"
                      f"sys.exit({exit_code})\n")
    return f"{sys.executable} {script}"


def runs(tmp_path) -> int:
    path = tmp_path / "runs.txt"
    return len(path.read_text().splitlines()) if path.exists() else 0


def ten_changes(store) -> None:
    for n in range(10):
        editor.set_status(store, "ed", store.idea_id, "planned" if n % 2 else "in-progress",
                          note="", notify=False, at=AT + timedelta(seconds=n))


def test_ten_changes_give_one_run_after_a_quiet_spell(store, tmp_path):
    clock = Clock(AT)
    publisher = Publisher(store, command(tmp_path), clock, tmp_path / "var",
                          quiet=timedelta(seconds=30))
    assert publisher.run_once() is None  # nothing changed
    ten_changes(store)
    clock.now = AT + timedelta(seconds=20)  # the last change is 11 s old: still a burst
    assert publisher.run_once() is None and runs(tmp_path) == 0
    clock.now = AT + timedelta(seconds=40)
    assert publisher.run_once() == 0
    assert runs(tmp_path) == 1
    assert publisher.run_once() is None and runs(tmp_path) == 1  # nothing left
    record = last_run(tmp_path / "var")
    assert record is not None and record["exit"] == 0
    assert "built 12 pages" in record["output"] and len(record["changes"]) == 10
    assert unpublished(store) == []


def test_a_failed_run_is_shown_and_tried_again(store, tmp_path):
    clock = Clock(AT + timedelta(minutes=1))
    ten_changes(store)
    failing = Publisher(store, command(tmp_path, exit_code=2), clock, tmp_path / "var")
    assert failing.run_once() == 2
    assert last_run(tmp_path / "var")["exit"] == 2
    assert len(unpublished(store)) == 10  # still not on the site
    assert failing.run_once() is None  # not before the retry time
    clock.now += timedelta(minutes=5)
    fixed = Publisher(store, command(tmp_path), clock, tmp_path / "var")
    assert fixed.run_once() == 0 and runs(tmp_path) == 2 and unpublished(store) == []


def test_at_most_one_run_at_a_time(store, tmp_path):
    clock = Clock(AT + timedelta(minutes=1))
    ten_changes(store)
    inside: list[int | None] = []

    def slow(argv, timeout):
        inside.append(publisher.run_once())  # a second round while the command runs
        return 0, ""

    publisher = Publisher(store, "make publish", clock, tmp_path, run_command=slow)
    other = Publisher(store, "make publish", clock, tmp_path,
                      run_command=lambda a, t: (_ for _ in ()).throw(AssertionError("ran")))
    assert publisher.run_once() == 0
    assert inside == [None]
    assert other.run_once() is None


def test_the_build_marks_what_it_baked(store):
    editor.close_early(store, "ed", "j", at=AT)
    editor.set_status(store, "ed", store.idea_id, "planned", note="", notify=False,
                      at=AT + timedelta(minutes=10))
    assert [d.event.type for d in unpublished(store)] == ["idea.status_changed", "jam.closed"]
    assert mark_baked(store, AT + timedelta(minutes=5)) == 1
    assert [d.event.type for d in unpublished(store)] == ["idea.status_changed"]
    assert [d.status for d in store.list_deliveries(PUBLISH)] == ["pending", "sent"]


def test_dashboard_says_the_site_is_behind_or_shows_the_last_run(client, clock, app,
                                                                 tmp_path):
    from tests.admin.conftest import EditorActions, password_hash

    store = services_of(app).store
    clock.now = AT
    store.put_admin("editor", password_hash())
    idea_id = arrange(store)
    ed = EditorActions(client)
    assert ed.login().status_code == 302
    assert "older results" not in client.get("/admin/").get_data(as_text=True)
    ed.post("/admin/jams/j/close")
    editor.set_status(store, "ed", idea_id, "planned", note="", notify=False, at=AT)
    page = client.get("/admin/").get_data(as_text=True)
    assert "The site shows older results: rebuild" in page
    assert "jam.closed: Better app" in page and "idea.status_changed: Dark mode" in page
    settings = services_of(app).settings
    clock.now = AT + timedelta(minutes=1)
    assert Publisher(store, command(tmp_path), clock, settings.data_dir).run_once() == 0
    from dataclasses import replace

    services_of(app).settings = replace(settings, publish_command="make publish")
    page = client.get("/admin/").get_data(as_text=True)
    assert "older results" not in page and "built 12 pages" in page and "done" in page
