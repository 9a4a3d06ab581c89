"""Run one sender round on a TinyDB data dir and die right after the SMTP server accepted
the first message, before the delivery is marked sent (``kill -9`` at the worst moment).

Usage: ``python -m tests.mail.crash_sender DATA_DIR SMTP_URL NOW_ISO``
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from email.message import EmailMessage

from pollserver.mail.sender import Sender
from pollserver.mail.transport import SmtpTransport
from pollserver.store.tinydb import TinyDBStore
from tests.mail.helpers import CTX


class DieAfterSending(SmtpTransport):
    def send(self, msg: EmailMessage) -> None:
        super().send(msg)
        os._exit(9)


def main() -> None:
    data_dir, url, now = sys.argv[1:4]
    store = TinyDBStore(data_dir)
    at = datetime.fromisoformat(now)
    Sender(store=store, transport=DieAfterSending(url), ctx=CTX, clock=lambda: at).run_once()
    raise SystemExit("the transport should have killed this process")


if __name__ == "__main__":
    main()
