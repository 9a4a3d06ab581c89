"""Reward pools for editors: load codes (pasted or a file), see what is left, revoke."""

from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for

from pollserver.admin import bp
from pollserver.admin.audit import record
from pollserver.admin.auth import current_editor, editor_required
from pollserver.domain.specs import ID_RE
from pollserver.domain.text import problem_of
from pollserver.web.context import get_store

#: Admin uploads may be larger than a reader's vote (a file of thousands of codes).
UPLOAD_LIMIT = 2 * 1024 * 1024
MAX_CODE = 200


@bp.before_request
def _allow_bigger_uploads() -> None:
    # Flask 3.1 lets one request raise the app-wide 16 KiB cap; only for a signed-in
    # editor, so nobody else can make the server read 2 MB before being turned away.
    if request.endpoint == "admin.load_codes" and current_editor() is not None:
        request.max_content_length = UPLOAD_LIMIT
        request.max_form_memory_size = UPLOAD_LIMIT


def _pools() -> list[dict[str, object]]:
    store = get_store()
    used_by: dict[str, list[str]] = {}
    for item in store.list_items():
        pool = item.spec.get("reward")
        if pool:
            used_by.setdefault(pool, []).append(f"{item.kind} {item.id}")
    stats = store.pool_stats()
    return [{"name": name, "total": total, "claimed": claimed, "left": total - claimed,
             "used_by": used_by.get(name, [])}
            for name, (total, claimed) in sorted({**dict.fromkeys(used_by, (0, 0)),
                                                  **stats}.items())]


def _page(status: int = 200, errors: dict[str, str] | None = None, notice: str = "",
          form: dict[str, str] | None = None) -> tuple[str, int]:
    return render_template("admin/rewards.html", title="Reward pools", pools=_pools(),
                           errors=errors or {}, notice=notice, form=form or {}), status


@bp.get("/rewards")
@editor_required
def rewards() -> tuple[str, int]:
    """Show every pool: codes loaded, claimed and left, and which items hand them out."""
    return _page(notice=request.args.get("notice", "")[:200])


@bp.post("/rewards/load")
@editor_required
def load_codes() -> Response | tuple[str, int]:
    """Add codes (one a line, ``#`` comments skipped) from the textarea and/or a file."""
    pool = request.form.get("pool", "").strip()
    text = request.form.get("codes", "")
    upload = request.files.get("file")
    errors: dict[str, str] = {}
    if upload and upload.filename:
        try:
            text += "\n" + upload.read().decode("utf-8")
        except UnicodeDecodeError:
            errors["file"] = "The file must be plain UTF-8 text, one code a line."
    if not ID_RE.match(pool):
        errors["pool"] = "Use lowercase letters, digits and dashes, like winter-coupons."
    codes = [line.strip() for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    if not codes and "file" not in errors:
        errors["codes"] = "Paste at least one code, or choose a file."
    if any(len(code) > MAX_CODE for code in codes):
        errors["codes"] = f"Codes must be at most {MAX_CODE} characters."
    bad = next((problem for code in codes if (problem := problem_of(code))), None)
    if bad:
        errors["codes"] = f"Codes must be plain text; one contains {bad}."
    if errors:
        return _page(400, errors, form={"pool": pool, "codes": request.form.get("codes", "")})
    added = get_store().add_codes(pool, codes)
    record("codes.load", f"pool:{pool}", added=added, submitted=len(codes))
    return redirect(url_for("admin.rewards",
                            notice=f"{pool}: {added} new codes added "
                                   f"({len(codes) - added} already there)."), code=303)


@bp.post("/rewards/revoke")
@editor_required
def revoke_codes() -> Response:
    """Remove a pool's unclaimed codes; codes already given out stay with their owners."""
    pool = request.form.get("pool", "")
    if not ID_RE.match(pool):
        return redirect(url_for("admin.rewards", notice="No such pool."), code=303)
    removed = get_store().revoke_codes(pool)
    record("codes.revoke", f"pool:{pool}", removed=removed)
    return redirect(url_for("admin.rewards",
                            notice=f"{pool}: {removed} unclaimed codes removed."), code=303)
