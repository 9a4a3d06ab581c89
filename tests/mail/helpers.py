"""Arrange a jam with an idea and followers on any store, and build senders."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

from pollserver.actions import follows
from pollserver.domain.outbox import Follow
from pollserver.editor import jams as editor
from pollserver.mail.compose import MailContext
from pollserver.mail.sender import Sender
from pollserver.mail.transport import SmtpTransport
from pollserver.store.base import Store
from tests.conftest import make_item

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CTX = MailContext(mail_from="Hub <hub@hub.example>", base_url="https://hub.example",
                  site_name="Hub")


def arrange(store: Store) -> str:
    """Sync a jam and a poll, add one published idea; return the idea id."""
    store.sync_items([make_item("jam", id="j", title="Better app", url="/news/j.html"),
                      make_item("poll", id="p", question="Which colour?",
                                options=["Red", "Blue"])])
    return store.add_idea("j", title="Dark mode", body="Please", author="Ann", voter_id="v0",
                          moderation="published", at=AT).id


class Clock:
    """A hand-moved clock."""

    def __init__(self, now: datetime = AT) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def sender(store: Store, url: str, clock: Clock, **kwargs: object) -> Sender:
    return Sender(store=store, transport=SmtpTransport(url), ctx=CTX, clock=clock,
                  **kwargs)  # type: ignore[arg-type]


def confirm_link(msg: EmailMessage) -> str:
    """The confirmation URL in a confirmation mail's text."""
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    [line] = [w for w in str(part.get_content()).split() if "/follows/confirm/" in w]
    return line


def follow_confirmed(store: Store, email: str, kind: str = "idea", item: str = "1", *,
                     voter: str | None = None, at: datetime = AT) -> Follow:
    """Request and confirm a follow directly through the use cases."""
    follow = follows.request(store, kind, item, email, voter_id=voter, at=at)
    [event] = [e for e in store.list_events(subjects={f"follow:{follow.id}"})]
    return follows.confirm(store, event.data["token"], at=at)


def mark_planned(store: Store, idea_id: str, *, note: str = "Coming in May",
                 notify: bool = True, at: datetime = AT) -> None:
    editor.set_status(store, "editor", idea_id, "planned", note=note, notify=notify, at=at)
