"""The built site's assets: content-hashed CSS/JS names, engage only where a block is, and
the gzip/brotli copies the server sends."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

import brotli

from plugins.assets.compress import compress_site

HASHED_REF = re.compile(r'(?:href|src)="(/theme/(?:css|js)/[a-z]+\.([0-9a-f]{10})\.(?:css|js))"')


def test_pages_link_hashed_assets_whose_names_match_their_content(site):
    page = (site / "pages" / "have-your-say.html").read_text()
    refs = HASHED_REF.findall(page)
    assert {Path(url).name.split(".")[0] for url, _ in refs} == {"main", "engage", "site"}
    for url, digest in refs:
        data = (site / url.lstrip("/")).read_bytes()
        assert hashlib.sha256(data).hexdigest()[:10] == digest
    manifest = json.loads((site / "theme" / "assets.json").read_text())
    assert manifest["/theme/js/engage.js"] in page


def test_only_pages_with_a_block_load_the_engage_script(site):
    with_block = (site / "pages" / "have-your-say.html").read_text()
    assert "<!-- engage:begin -->" in with_block and "/theme/js/engage." in with_block
    plain = (site / "support" / "faq.html").read_text()
    assert "engage:begin" not in plain
    assert "/theme/js/engage." not in plain and "/theme/css/engage." not in plain
    assert "/theme/js/engage." in (site / "engage" / "shell.html").read_text()


def test_text_files_have_compressed_copies_that_decode_to_them(site):
    page = site / "support" / "faq.html"
    original = page.read_bytes()
    assert gzip.decompress(page.with_name("faq.html.gz").read_bytes()) == original
    assert brotli.decompress(page.with_name("faq.html.br").read_bytes()) == original
    assert not list(site.rglob("*.svg.br.br")) and not list(site.rglob("*.gz.gz"))


def test_article_weight_over_the_wire_is_small(site):
    """HTML + CSS + JS of an article with a poll, as brotli sends them: at most 25 KB."""
    page = (site / "pages" / "have-your-say.html").read_text()
    urls = [url for url, _ in HASHED_REF.findall(page)]
    files = [site / "pages" / "have-your-say.html"] + [site / u.lstrip("/") for u in urls]
    weight = sum(f.with_name(f.name + ".br").stat().st_size for f in files)
    assert weight <= 25 * 1024, weight


def test_compress_skips_unchanged_files_and_removes_stale_copies(tmp_path):
    (tmp_path / "a.html").write_text("<p>hello</p>" * 100)
    (tmp_path / "tiny.css").write_text("a{}")
    (tmp_path / "gone.js.gz").write_bytes(b"old")
    (tmp_path / "download.tar.gz").write_bytes(b"not ours")
    done, seen, state = compress_site(tmp_path, {})
    assert (done, seen) == (2, 2)
    assert (tmp_path / "a.html.br").is_file() and (tmp_path / "a.html.gz").is_file()
    assert not (tmp_path / "tiny.css.gz").exists()  # would not be smaller
    assert not (tmp_path / "gone.js.gz").exists()
    assert (tmp_path / "download.tar.gz").read_bytes() == b"not ours"
    again, _, _ = compress_site(tmp_path, state)
    assert again == 1  # only the tiny file, which has no copies to reuse
    (tmp_path / "a.html").write_text("<p>changed</p>" * 100)
    done, _, _ = compress_site(tmp_path, state)
    assert gzip.decompress((tmp_path / "a.html.gz").read_bytes()) == b"<p>changed</p>" * 100
