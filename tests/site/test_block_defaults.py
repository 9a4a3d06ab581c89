"""A poll, jam or survey with only its required keys builds, and every link it makes exists.

The survey's support link (offered to unhappy respondents) defaults to this site's support
channel, read from the settings (`CATEGORY_URL`), not to an address the site never makes.
A link a block makes that leads nowhere is reported at the block's fence line.
"""

from __future__ import annotations

import json
from pathlib import Path

from sitebuild import build_site

MINIMAL = """\
Title: Minimal blocks
Date: 2026-11-01 09:00

Tell us.

```poll
id: mini-poll
question: Tea or coffee?
options: [Tea, Coffee]
```

```jam
id: mini-jam
title: Ideas please
```

```survey
id: mini-survey
```
"""
HELP = "Title: Help\nDate: 2026-11-01 09:00\n\nHelp.\n"


def _build(tmp: Path, files: dict[str, str], **settings: object):
    for name, text in files.items():
        path = tmp / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return build_site(tmp / "content", tmp / "output", tmp / "cache",
                      ENGAGE_RESULTS=str(tmp / "no-results.json"), **settings)


def test_blocks_with_only_their_required_keys_build(tmp_path):
    built = _build(tmp_path, {"news/minimal.md": MINIMAL, "support/help.md": HELP})
    assert built.returncode == 0, built.stdout + built.stderr
    manifest = json.loads((tmp_path / "output/engage/manifest.json").read_text("utf-8"))
    assert [p["id"] for p in manifest["polls"]] == ["mini-poll"]
    assert [j["id"] for j in manifest["jams"]] == ["mini-jam"]
    assert manifest["surveys"][0]["support_url"] == "/support/"
    page = (tmp_path / "output/news/minimal-blocks.html").read_text("utf-8")
    assert '<a href="/support/">Our support team can help</a>' in page
    assert (tmp_path / "output/support/index.html").is_file()


def test_the_support_default_follows_the_sites_channel_addresses(tmp_path):
    built = _build(tmp_path, {"news/minimal.md": MINIMAL, "support/help.md": HELP},
                   CATEGORY_URL="channel/{slug}.html", CATEGORY_SAVE_AS="channel/{slug}.html")
    assert built.returncode == 0, built.stdout + built.stderr
    manifest = json.loads((tmp_path / "output/engage/manifest.json").read_text("utf-8"))
    assert manifest["surveys"][0]["support_url"] == "/channel/support.html"


def test_a_survey_saying_where_support_is_keeps_it(tmp_path):
    survey = MINIMAL.replace("id: mini-survey", "id: mini-survey\nsupport_url: /pages/help.html")
    built = _build(tmp_path, {"news/minimal.md": survey,
                              "pages/help.md": "Title: Help\n\nAsk us.\n"})
    assert built.returncode == 0, built.stdout + built.stderr
    manifest = json.loads((tmp_path / "output/engage/manifest.json").read_text("utf-8"))
    assert manifest["surveys"][0]["support_url"] == "/pages/help.html"


def test_a_link_a_block_makes_to_nowhere_names_the_blocks_line(tmp_path):
    # Every channel has a page (even before its first article), so the site's default for
    # support leads somewhere; an ENGAGE_SUPPORT_URL to a page nobody wrote does not.
    built = _build(tmp_path, {"news/minimal.md": MINIMAL}, ENGAGE_SUPPORT_URL="/help/")
    assert built.returncode == 1
    assert built.stderr.splitlines() == [
        "content/news/minimal.md:17: link to /help/ (made by this block: a key such as "
        "support_url sets it): no article or page has that address (check the slug; articles "
        "are /<channel>/<slug>.html)",
        "1 problem in 1 file"]
