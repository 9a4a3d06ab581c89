"""The claim block in a real build: a form that posts, the stock and the end baked in, and an
editor's mistake reported as ``file:line: what is wrong``."""

from __future__ import annotations

ARTICLE = """\
Title: Kit offer
Date: 2026-11-20 09:00

Claim yours.

```claim
id: kit-tin
pool: kit-tins
closes: 2026-12-31T23:59:00Z
{extra}
```
"""


def test_the_claim_block_bakes_its_stock_and_end(site):
    site.write("news/kit.md", ARTICLE.format(extra="per_person: 1"))
    site.results({"pools": {"kit-tins": {"left": 37, "total": 100}}})
    build = site.build()
    assert build.process.returncode == 0, build.log
    page = build.page("news/kit-offer.html")
    assert 'action="/api/claims/kit-tin"' in page and 'method="post"' in page
    assert "Get your code" in page
    assert "37 of 100 left" in page
    assert 'datetime="2026-12-31T23:59:00Z"' in page
    assert "<!-- engage-status claim kit-tin -->" in page
    claims = build.manifest()["claims"]
    assert [(c["id"], c["pool"]) for c in claims] == [("kit-tin", "kit-tins")]


def test_an_ended_offer_says_so_and_has_no_form(site):
    site.write("news/kit.md", ARTICLE.format(extra=""))
    build = site.build(now="2027-01-02T00:00:00Z")
    assert build.process.returncode == 0, build.log
    page = build.page("news/kit-offer.html")
    assert "This offer ended on" in page and 'action="/api/claims/' not in page


def test_a_broken_claim_block_is_one_file_line_error(site):
    site.write("news/kit.md", ARTICLE.format(extra="per_person: 3"))
    build = site.build()
    assert build.process.returncode != 0
    assert "content/news/kit.md:6: claim 'kit-tin': per_person must be 1" in build.log
