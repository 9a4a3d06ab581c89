"""Export downloads (CSV/JSON) and the audit log page for editors.

Downloads stream: rows are read and written a chunk at a time, so a table of any size never
sits in a worker's memory as one text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response, abort, render_template, request, stream_with_context

from pollserver.admin import bp
from pollserver.admin.audit import record
from pollserver.admin.auth import editor_required
from pollserver.ops.exports import FIELDS, WHAT, build, csv_chunks, json_chunks, open_data
from pollserver.presenters.moderation import read_page
from pollserver.web.context import get_store, now

#: Audit entries a page, and how many pages back the screen goes (the export has them all).
AUDIT_PER_PAGE, AUDIT_PAGES = 100, 50
TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _download(name: str, rows: Iterator[dict[str, Any]], fmt: str) -> Response:
    body = csv_chunks(rows, FIELDS[name]) if fmt == "csv" else json_chunks(rows)
    stamp = now().strftime("%Y%m%d")
    response = Response(stream_with_context(body), mimetype=TYPES[fmt].split(";")[0])
    response.headers["Content-Type"] = TYPES[fmt]
    response.headers["Content-Disposition"] = (
        f'attachment; filename="valuehub-{name}-{stamp}.{fmt}"')
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/exports")
@editor_required
def exports() -> str:
    """List the downloads."""
    return render_template("admin/exports.html", title="Exports", what=WHAT)


@bp.get("/exports/<what>.<any(csv, json):fmt>")
@editor_required
def export(what: str, fmt: str) -> Response:
    """Download one export as CSV or JSON (recorded in the audit log)."""
    if fmt not in TYPES or what not in (*WHAT, "open-data"):
        abort(404)
    rows = open_data(get_store(), now()) if what == "open-data" else build(
        get_store(), what, now())
    record("export", f"export:{what}", format=fmt)
    return _download(what, rows, fmt)


@bp.get("/audit")
@editor_required
def audit_log() -> str:
    """Show the newest editor actions first, 100 a page (older ones: the export)."""
    page = min(read_page(request.args.get("page")), AUDIT_PAGES)
    entries = get_store().list_audit(limit=page * AUDIT_PER_PAGE + 1)
    shown = entries[(page - 1) * AUDIT_PER_PAGE:page * AUDIT_PER_PAGE]
    more = len(entries) > page * AUDIT_PER_PAGE and page < AUDIT_PAGES
    return render_template("admin/audit.html", title="Audit log", entries=shown, page=page,
                           more=more)
