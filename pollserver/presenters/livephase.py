"""The real phase of a jam on the static pages the embedded server sends (no-JS readers).

A jam's block is baked with the phase it had at build time. An editor may close a jam early
(or reopen it) long before the next build; the jam widget (``engage/jam.js``) then follows
the server's answer, but a reader without JavaScript would still see the "share your idea"
form of a closed jam. When pollserver serves the page itself it rewrites each jam block whose
live phase differs: the phase sentence, the block's ``data-engage-phase`` and the form's
``hidden`` flag. The server's answer wins over the baked one.
"""

from __future__ import annotations

import re

from pollserver.domain import jams
from pollserver.domain.errors import DomainError
from pollserver.web.services import Reader

__all__ = ["live_jam_phases"]

_BLOCK = re.compile(r'<section class="[^"]*engage-jam[^"]*" id="jam-([a-z0-9-]{1,64})"'
                    r'[^>]*data-engage-phase="([a-z]+)"[^>]*>.*?</section>', re.S)
_PHASE_TEXT = re.compile(r"(<p class=\"engage-phase\" data-engage-phase-text>).*?(</p>)", re.S)
_FORM = re.compile(r'(<form method="post" action="/api/jams/[a-z0-9-]+/ideas"'
                   r' class="engage-idea-form" id="jam-[a-z0-9-]+-form")( hidden)?>')
_TEXTS = {
    "closed": "This jam has closed.",
    "vote": "Voting is open now.",
    "submit": "Sharing ideas now.",
    "upcoming": "This jam has not started yet.",
}


def _live_phase(reader: Reader, jam_id: str) -> jams.JamState | None:
    try:
        item, spec = reader.load("jam", jam_id)
    except DomainError:
        return None
    return jams.jam_state(spec, item.closed_at, reader.at, archived=item.archived)


def _rewrite(reader: Reader, match: re.Match[str]) -> str:
    block, jam_id, baked = match.group(0), match.group(1), match.group(2)
    state = _live_phase(reader, jam_id)
    if state is None or state.phase == baked:
        return block
    block = block.replace(f'data-engage-phase="{baked}"',
                          f'data-engage-phase="{state.phase}"', 1)
    text = _TEXTS.get(state.phase, "")
    block = _PHASE_TEXT.sub(lambda m: m.group(1) + text + m.group(2), block, count=1)
    return _FORM.sub(lambda m: m.group(1) + ("" if state.submit_open else " hidden") + ">",
                     block, count=1)


def live_jam_phases(reader: Reader, html: str) -> str:
    """Return ``html`` with every jam block showing the jam's live phase."""
    if 'data-engage-kind="jam"' not in html:
        return html
    return _BLOCK.sub(lambda match: _rewrite(reader, match), html)
