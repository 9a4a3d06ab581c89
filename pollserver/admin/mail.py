"""``/admin/mail``: who follows what, what the outbox sent, and the mails themselves.

Without ``POLLSERVER_SMTP_URL`` mails are ``.eml`` files in ``var/mail/``; this page lists
them so an editor sees exactly what readers get. Recipients' addresses are never shown here
(nor in exports, logs or the audit log): counts per item, and each message's text.
"""

from __future__ import annotations

import email
import email.policy
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

from flask import abort, render_template

from pollserver.admin import bp
from pollserver.admin.auth import editor_required
from pollserver.domain.outbox import MAIL
from pollserver.web.context import get_store, services

#: Most .eml files listed (newest first).
LIST_MAX = 200
#: Most followed items listed (most followers first).
FOLLOWED_MAX = 100


def _folder() -> Path:
    return Path(services().settings.data_dir) / "mail"


def _read(path: Path) -> EmailMessage:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def _files() -> list[dict[str, str]]:
    folder = _folder()
    if not folder.is_dir():
        return []
    paths = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True)
    rows = []
    for path in paths[:LIST_MAX]:
        msg = _read(path)
        rows.append({"name": path.stem, "subject": str(msg["Subject"] or ""),
                     "date": str(msg["Date"] or "")})
    return rows


def sent_summary() -> dict[str, object]:
    """Followers per item and deliveries per event and status (for this page and the
    dashboard)."""
    store = get_store()
    deliveries = store.list_deliveries(MAIL, limit=500)  # not webhooks nor rebuilds
    per_event: dict[str, Counter[str]] = {}
    titles: dict[str, str] = {}
    for d in deliveries:
        if d.event is None or d.event.type == "follow.requested":
            continue
        per_event.setdefault(d.event_id, Counter())[d.status] += 1
        titles[d.event_id] = (f"{d.event.type}: {d.event.data.get('title', '')} "
                              f"({d.event.created_at:%Y-%m-%d %H:%M})")
    return {"followers": store.follower_counts(),
            "sent": [{"event": titles[e], **counts} for e, counts in per_event.items()]}


@bp.get("/mail")
@editor_required
def mail() -> str:
    """Followers, what was sent, and the .eml files."""
    smtp = bool(services().settings.smtp_url)
    summary = sent_summary()
    followers: dict[str, int] = summary.pop("followers")  # type: ignore[assignment]
    top = sorted(followers.items(), key=lambda kv: (-kv[1], kv[0]))[:FOLLOWED_MAX]
    return render_template("admin/mail.html", title="Followers and mail", smtp=smtp,
                           files=[] if smtp else _files(), folder=_folder(),
                           followers=dict(top),
                           followers_more=len(followers) - len(top), **summary)


@bp.get("/mail/<name>")
@editor_required
def mail_message(name: str) -> str:
    """One mail as its reader gets it (plain-text part, headers without the address)."""
    if not name.isalnum():
        abort(404)
    path = _folder() / f"{name}.eml"
    if not path.is_file():
        abort(404)
    msg = _read(path)
    part = msg.get_body(preferencelist=("plain",))
    text = str(part.get_content()) if part is not None else ""
    headers = [(h, str(msg[h])) for h in ("Subject", "Date", "From", "Message-ID",
                                          "List-Unsubscribe", "List-Unsubscribe-Post")
               if msg[h] is not None]
    return render_template("admin/mail_message.html", title=str(msg["Subject"] or ""),
                           headers=headers, text=text)
