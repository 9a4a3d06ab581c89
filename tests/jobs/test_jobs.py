"""The one list of jobs: which run where, what their records say, what needs attention."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from pollserver.cli import main
from pollserver.config import Settings, clock_for
from pollserver.domain.jobs import (
    INTERVALS,
    JobRecord,
    enabled_jobs,
    job_status,
    runtime_notices,
)
from pollserver.domain.outbox import Delivery
from pollserver.domain.webhooks import Endpoint
from pollserver.jobs import JOBS, build_rounds, run_round
from pollserver.ops.jobstate import jobs_health, read_job, recorded

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_every_job_has_a_builder_and_an_interval():
    assert list(JOBS) == list(INTERVALS) == ["closings", "mail", "webhooks", "publish"]


@pytest.mark.parametrize(("wanted", "command", "chosen"), [
    (["all"], "make publish", ["closings", "mail", "webhooks", "publish"]),
    (["all"], None, ["closings", "mail", "webhooks"]),  # no command: nothing to publish
    ([], "make publish", []),  # POLLSERVER_JOBS= : the web hosts of a multi-host setup
    (["mail", "webhooks"], "make publish", ["mail", "webhooks"]),
])
def test_pollserver_jobs_chooses_what_a_process_runs(wanted, command, chosen):
    assert enabled_jobs(wanted, command) == chosen


def test_an_unknown_job_name_is_refused():
    with pytest.raises(ValueError, match="unknown job"):
        enabled_jobs(["mial"], None)


def test_settings_read_the_jobs_and_the_clock():
    settings = Settings.from_env({"POLLSERVER_JOBS": "mail, webhooks",
                                  "POLLSERVER_NOW": "2026-03-02T09:00:00Z"})
    assert settings.jobs == ("mail", "webhooks")
    assert Settings.from_env({}).jobs == ("all",)
    assert Settings.from_env({"POLLSERVER_JOBS": ""}).jobs == ()
    clock = clock_for(settings)
    assert clock is not None and AT <= clock() < AT + timedelta(minutes=1)
    assert clock_for(Settings()) is None


def test_status_of_a_job():
    ok = JobRecord("mail", AT, "", AT, 5.0)
    assert job_status(ok, AT + timedelta(seconds=20)) == "ok"
    assert job_status(ok, AT + timedelta(seconds=26)) == "late"  # five intervals gone by
    assert job_status(JobRecord("mail", AT, "SMTP down", None, 5.0), AT) == "failing"
    assert job_status(None, AT) == "never"
    assert job_status(None, AT, expected=False) == "off"


def test_each_round_records_its_time_and_error(tmp_path):
    clock = [AT]
    calls = iter([1, RuntimeError("store hiccup"), 0])

    def run_once():
        result = next(calls)
        if isinstance(result, Exception):
            raise result
        return result

    round_ = recorded("mail", run_once, tmp_path, lambda: clock[0], interval=5.0)
    round_()
    assert read_job(tmp_path, "mail") == JobRecord("mail", AT, "", AT, 5.0)
    clock[0] = AT + timedelta(seconds=5)
    with pytest.raises(RuntimeError):
        round_()
    failed = read_job(tmp_path, "mail")
    assert failed.error == "RuntimeError: store hiccup" and failed.ok_at == AT
    assert jobs_health(tmp_path, None, clock[0])["mail"]["status"] == "failing"
    clock[0] = AT + timedelta(seconds=10)
    round_()
    assert jobs_health(tmp_path, None, clock[0])["mail"] == {
        "status": "ok", "last_run": clock[0].isoformat(), "last_ok": clock[0].isoformat(),
        "last_error": ""}


def test_a_publish_round_that_ran_nothing_keeps_the_last_verdict(tmp_path):
    results = iter([3, None, 0])
    _, failed = JOBS["publish"]
    round_ = recorded("publish", lambda: next(results), tmp_path, lambda: AT, interval=5.0,
                      failed=failed)
    round_()
    assert read_job(tmp_path, "publish").error == "exit status 3"
    round_()  # nothing waiting: still failed
    assert read_job(tmp_path, "publish").error == "exit status 3"
    round_()
    assert read_job(tmp_path, "publish").error == ""


def _delivery(status: str, error: str, at: datetime = AT) -> Delivery:
    return Delivery(id="d1", event_id="e1", consumer="mail", recipient="f1", address=None,
                    status=status, attempts=3, next_attempt=at, created_at=at,
                    last_error=error)


def _endpoint(since: datetime | None, reason: str = "") -> Endpoint:
    return Endpoint(id="w1", url="https://crm.example/hook", secret="whsec_x", events=(),
                    created_at=AT, failing_since=since, disabled_reason=reason)


def test_runtime_notices_name_each_thing_that_stops_the_hub_keeping_its_promises():
    now = AT + timedelta(hours=2)
    records = {"closings": JobRecord("closings", now, "", now, 5.0),
               "mail": JobRecord("mail", now, "OSError: refused", AT, 5.0),
               "webhooks": JobRecord("webhooks", AT, "", AT, 2.0),
               "publish": None}
    notices = runtime_notices(
        records, now, publish_run={"at": AT.isoformat(), "exit": 2},
        mail=[_delivery("pending", "SMTPServerDisconnected: gone"),
              _delivery("sent", ""), _delivery("failed", "nothing to send")],
        endpoints=[_endpoint(AT), _endpoint(now - timedelta(minutes=30)),
                   _endpoint(None, "failing for a day")])
    assert [n.kind for n in notices] == ["job-failing", "job-late", "publish-failed",
                                         "mail-failing", "webhook-failing",
                                         "webhook-failing"]
    assert "The webhooks job has not run for 120 minutes" in notices[1].text
    assert "1 mail cannot be sent (last error: SMTPServerDisconnected: gone)" == notices[3].text
    assert "has failed for 2 hours" in notices[4].text  # the one failing 30 minutes is not
    assert runtime_notices({}, now) == []  # a job that never ran here is not listed


def test_worker_runs_every_job_including_publish(tmp_path, monkeypatch):
    from pollserver import create_app
    from pollserver.editor import jams as editor
    from pollserver.web.context import services_of
    from tests.mail.helpers import arrange

    marker = tmp_path / "published"
    script = tmp_path / "publish.py"
    script.write_text(f"open({str(marker)!r}, 'a').write('run')\n")
    app = create_app(Settings(data_dir=tmp_path / "var", site_dir=None, rate_limits="off",
                              secret_key="k", extra={"store": "memory"},
                              publish_command=f"{sys.executable} {script}", publish_quiet=0))
    held = services_of(app)
    held.clock = lambda: AT + timedelta(minutes=1)
    idea = arrange(held.store)
    editor.set_status(held.store, "ed", idea, "planned", note="", notify=False, at=AT)
    rounds = build_rounds(app)
    assert list(rounds) == ["closings", "mail", "webhooks", "publish"]
    results = run_round(rounds)
    assert results["publish"] == 0 and marker.read_text() == "run"
    health = jobs_health(tmp_path / "var", "x", AT + timedelta(minutes=1))
    assert {n: j["status"] for n, j in health.items()} == dict.fromkeys(INTERVALS, "ok")


def test_attention_lists_a_broken_publish_command_and_exits_1(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    (var / "publish.json").write_text(json.dumps({
        "at": "2026-03-02T09:00:00+00:00", "command": "make publish", "exit": 2,
        "output": "make: *** [publish] Error 2", "changes": []}))
    env = {"POLLSERVER_DATA_DIR": str(var), "POLLSERVER_SITE_DIR": ""}
    result = CliRunner().invoke(main, ["attention", "--now", "2026-03-02T10:00:00Z"], env=env)
    assert result.exit_code == 1
    assert result.output.startswith("The publish command failed (exit status 2")
    (var / "publish.json").unlink()
    quiet = CliRunner().invoke(main, ["attention", "--now", "2026-03-02T10:00:00Z"], env=env)
    assert (quiet.exit_code, quiet.output) == (0, "")


def test_deliveries_nobody_tries_say_no_process_runs_the_job():
    fresh = _delivery("pending", "", AT + timedelta(seconds=20))
    old = _delivery("pending", "", AT)
    old = Delivery(**{**old.__dict__, "attempts": 0})
    fresh = Delivery(**{**fresh.__dict__, "attempts": 0})
    now = AT + timedelta(seconds=30)
    [notice] = runtime_notices({}, now, untouched={"mail": [old, fresh], "webhooks": [fresh]})
    assert notice.kind == "job-not-running"
    assert notice.text.startswith("1 mail delivery has waited since 2026-03-02 09:00 UTC: "
                                  "no process runs the mail job")
    assert runtime_notices({}, AT + timedelta(seconds=24), untouched={"mail": [old]}) == []


def test_health_shows_each_jobs_status_but_never_its_error_text(tmp_path):
    """``/api/health`` is public: a failing job says "failing", and the error (which may
    name a mail recipient or a database host) stays on the editors' dashboard."""
    from pollserver import create_app
    from pollserver.web.context import services_of

    def fail():
        raise RuntimeError("SMTP refused ann@example.org at db.internal:5432")

    app = create_app(Settings(data_dir=tmp_path, rate_limits="off"))
    services_of(app).clock = lambda: AT
    with pytest.raises(RuntimeError):
        recorded("mail", fail, tmp_path, lambda: AT, interval=5.0)()
    answer = app.test_client().get("/api/health")
    assert answer.get_json()["jobs"]["mail"]["status"] == "failing"
    assert "ann@example.org" not in answer.get_data(as_text=True)
    assert "db.internal" not in answer.get_data(as_text=True)
