"""The editor dashboard: every poll, jam and survey with live counts and charts."""

from __future__ import annotations

from pathlib import Path

from flask import render_template

from pollserver.admin import bp
from pollserver.admin.auth import editor_required
from pollserver.admin.charts import bar_chart, trend_chart
from pollserver.admin.mail import sent_summary
from pollserver.admin.overview import overview
from pollserver.admin.versioned import Versioned
from pollserver.admin.webhooks import failing_endpoints
from pollserver.domain.attention import collect
from pollserver.domain.surveys import nps, trend
from pollserver.ops.jobstate import jobs_health, runtime_attention
from pollserver.ops.publish import describe, last_run, unpublished
from pollserver.ops.sync import manifest_content
from pollserver.web.context import get_store, now, services
from pollserver.web.newvoters import suspicious_bursts


@bp.get("/")
@editor_required
def dashboard() -> str:
    """Show every item with its live counts, a bar chart per poll and the NPS trend."""
    data = overview()
    for row in data["polls"]:
        row["chart"] = bar_chart(f"chart-poll-{row['item'].id}",
                                 f"Results: {row['item'].spec.get('question', '')}", row["bars"])
    today = now().date()
    for row in data["surveys"]:
        answers = [(r.created_at, r.score) for r in row["responses"]]
        row["nps"] = nps(s for _, s in answers).as_dict()
        row["chart"] = trend_chart(f"chart-nps-{row['item'].id}",
                                   "NPS, rolling 30 days, over the last 30 days",
                                   trend(answers, today))
    site_dir = services().settings.site_dir
    manifest = manifest_content(Path(site_dir) / "engage" / "manifest.json" if site_dir else None)
    settings = services().settings
    data["attention"] = (runtime_attention(get_store(), settings.data_dir, now())
                         + collect(Versioned(get_store()), manifest, now()))
    data["jobs"] = jobs_health(settings.data_dir, settings.publish_command, now())
    return render_template("admin/dashboard.html", title="Dashboard",
                           bursts=suspicious_bursts(get_store()), **data, **sent_summary(),
                           failing_webhooks=failing_endpoints(), **_site())


def _site() -> dict[str, object]:
    """What the static site does not show yet, and the publish command's last run."""
    settings = services().settings
    return {"publish_command": settings.publish_command,
            "publish_run": last_run(settings.data_dir),
            "unpublished": [describe(d) for d in unpublished(get_store())]}
