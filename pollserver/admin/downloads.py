"""Export downloads (CSV/JSON) and the audit log page for editors."""

from __future__ import annotations

from flask import Response, abort, render_template

from pollserver.admin import bp
from pollserver.admin.audit import record
from pollserver.admin.auth import editor_required
from pollserver.ops.exports import FIELDS, WHAT, build, open_data, to_csv, to_json
from pollserver.web.context import get_store, now

TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _download(name: str, rows: list, fmt: str) -> Response:
    body = to_csv(rows, FIELDS[name]) if fmt == "csv" else to_json(rows)
    stamp = now().strftime("%Y%m%d")
    response = Response(body, mimetype=TYPES[fmt].split(";")[0])
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
    record("export", f"export:{what}", format=fmt, rows=len(rows))
    return _download(what, rows, fmt)


@bp.get("/audit")
@editor_required
def audit_log() -> str:
    """Show the newest editor actions first."""
    return render_template("admin/audit.html", title="Audit log",
                           entries=get_store().list_audit(limit=500))
