"""Two origins, no dead links: built with ``ENGAGE_API_URL``, every link from a static page to
a page pollserver renders points at pollserver's origin, and pollserver answers that path."""

from __future__ import annotations

import re

from pollserver import create_app
from pollserver.config import Settings
from tests.engage.test_roadmap_build import CARD, THEMED

API = "https://engage.brand.example"
JAM = """Title: Ideas
Slug: ideas

```jam
id: next-roast
title: What should we build next?
```
"""
LOCAL = re.compile(r'\s(?:href|action)="(/(?:me|champions|jams/|ideas/|follows/)[^"]*)"')
POINTED = re.compile(r'\s(?:href|action)="' + re.escape(API) + r'(/[^"]*)"')


def test_every_link_to_a_server_page_points_at_pollserver_and_resolves(site, tmp_path):
    site.write("pages/ideas.md", JAM)
    site.results({"version": 1, "polls": {}, "jams": {}, "roadmap": [CARD]})
    build = site.build(ENGAGE_API_URL=API + "/", **THEMED)
    assert build.process.returncode == 0, build.log
    pages = {p: p.read_text(encoding="utf-8") for p in build.output.rglob("*.html")
             if p.relative_to(build.output).parts[0] != "engage"}
    left = {str(p.relative_to(build.output)): LOCAL.findall(html) for p, html in pages.items()}
    assert not {k: v for k, v in left.items() if v}, "links the static host would 404"
    pointed = {path.split("#")[0].split("?")[0] for html in pages.values()
               for path in POINTED.findall(html)}
    assert {"/me", "/jams/next-roast", "/ideas/build-next/12"} <= pointed
    app = create_app(Settings(data_dir=tmp_path / "var", site_dir=None, secret_key="k",
                              extra={"store": "memory"}))
    routes = app.url_map.bind("engage.brand.example")
    for path in pointed:
        endpoint, _ = routes.match(path, method="GET" if not path.startswith("/api/")
                                   else "POST")
        assert endpoint != "site.page", f"{path} is no pollserver page"
