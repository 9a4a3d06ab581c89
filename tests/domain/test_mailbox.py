"""Addresses for follow requests: what is refused, and which inbox an address reaches."""

from __future__ import annotations

import pytest

from pollserver.domain.errors import InvalidEmail
from pollserver.domain.outbox import check_email, mailbox_of


@pytest.mark.parametrize("address", [
    "a\ud800b@example.org", "a\x00b@example.org", "a\x7fb@example.org", "a\x85b@example.org",
    "a\u2028b@example.org", "ann@example", "ann example@example.org", "<ann@example.org>",
])
def test_addresses_no_mail_can_carry_are_refused(address):
    with pytest.raises(InvalidEmail):
        check_email(address)


@pytest.mark.parametrize(("address", "mailbox"), [
    ("ann@example.org", ("ann@example.org", "example.org")),
    ("Ann@Example.ORG", ("ann@example.org", "example.org")),
    ("ann+news@example.org", ("ann@example.org", "example.org")),
    ("ANN+1+2@EXAMPLE.org.", ("ann@example.org", "example.org")),
    ("first.last@example.org", ("first.last@example.org", "example.org")),
])
def test_the_inbox_an_address_reaches(address, mailbox):
    assert mailbox_of(address) == mailbox
