"""/admin/mail counts mail: a rebuild waiting or a webhook sent is not a mail to anyone."""

from __future__ import annotations

from pollserver.admin.mail import sent_summary
from pollserver.domain import events
from pollserver.domain.outbox import MAIL
from pollserver.ops.publish import unpublished
from tests.conftest import make_item
from tests.instant import TEST_NOW


def test_a_close_with_no_followers_sent_no_mail(app, store):
    store.sync_items([make_item("jam", id="j", title="Jam")])
    store.emit(events.jam_closed("j", "Jam", [], at=TEST_NOW)).set_closed_at("jam", "j",
                                                                            TEST_NOW)
    assert len(unpublished(store)) == 1  # the rebuild it asks for is waiting
    assert store.list_deliveries(MAIL) == []
    with app.app_context():
        assert sent_summary()["sent"] == []
