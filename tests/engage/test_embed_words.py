"""The embed script's words come from the build's widget catalogue (German for every one),
and the script with one language's catalogue stays inside the embeds' budget."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

from languages import catalogs, widgets

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "pollserver" / "public" / "static" / "embed.js"


def test_every_word_of_the_embed_script_is_in_the_german_widget_catalogue():
    script = SCRIPT.read_text(encoding="utf-8")
    messages = catalogs.extract()
    own = [m for m in messages if any(p.endswith("embed.js") for p, _l in m.locations)]
    assert len(own) >= 25
    german = widgets.catalogue_for(ROOT / "theme" / "translations", "de", messages)
    for message in own:
        if isinstance(message.msgid, tuple):
            assert german["plurals"][message.key]["other"] != message.msgid[1], message.msgid
        else:
            assert german["messages"][message.key] != message.key, message.key
    # No English sentence outside t()/tn(): every text the elements set is looked up.
    assert not re.search(r'text: "[A-Z]', script)
    assert '"Accept-Language": lang' in script and 'getAttribute("lang")' in script


def test_the_script_and_a_widget_catalogue_fit_the_budget():
    """embed.js (all three widgets) plus the largest language's catalogue, compressed."""
    messages = catalogs.extract()
    words = widgets.catalogue_for(ROOT / "theme" / "translations", "de", messages)
    catalogue = json.dumps(words, ensure_ascii=False, separators=(",", ":")).encode()
    total = len(gzip.compress(SCRIPT.read_bytes(), 9)) + len(gzip.compress(catalogue, 9))
    assert total <= 15 * 1024, total
