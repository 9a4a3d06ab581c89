"""The built site's assets: content-hashed CSS/JS names, engage only where a block is, and
the gzip/brotli copies the server sends."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

import brotli
import pytest

from plugins.assets.compress import compress_site
from plugins.assets.plugin import build_assets

HASHED_REF = re.compile(
    r'(?:href|src)="(/theme/(?:css|js)/(?:engage/)?[a-z]+\.([0-9a-f]{10})\.(?:css|js))"')
MODULE = re.compile(r'<script type="module" src="/theme/js/engage/([a-z]+)\.[0-9a-f]{10}\.js">')
IMPORT = re.compile(r'from "(\./[^"]+)"')


def test_pages_link_hashed_assets_whose_names_match_their_content(site):
    page = (site / "pages" / "have-your-say.html").read_text()
    refs = HASHED_REF.findall(page)
    assert {Path(url).name.split(".")[0] for url, _ in refs} == {
        "main", "engage", "site", "shared", "follow", "poll", "jam", "proof"}
    for url, digest in refs:
        data = (site / url.lstrip("/")).read_bytes()
        assert hashlib.sha256(data).hexdigest()[:10] == digest
    manifest = json.loads((site / "theme" / "assets.json").read_text())
    assert manifest["/theme/js/engage/poll.js"] in page
    assert manifest["/theme/js/engage/jam.js"] in page


def test_hashed_modules_import_the_hashed_copies_of_their_neighbours(site):
    manifest = json.loads((site / "theme" / "assets.json").read_text())
    hashed = {v for k, v in manifest.items() if k.startswith("/theme/js/engage/")}
    # shared, follow, poll, jam, survey, roadmap, claim, proof and its worker
    assert len(hashed) == 9
    for url in hashed:
        module = site / url.lstrip("/")
        for spec in IMPORT.findall(module.read_text()):
            target = (module.parent / spec).resolve()
            assert target.is_file(), (url, spec)
            assert "/theme/js/engage/" + target.name in hashed, (url, spec)
    # The unhashed originals import each other by their plain names and still load.
    assert 'from "./shared.js"' in (site / "theme/js/engage/poll.js").read_text()


def test_each_page_loads_the_modules_of_the_blocks_it_holds(site):
    def modules(path: str) -> list[str]:
        return MODULE.findall((site / path).read_text())

    assert modules("pages/have-your-say.html") == ["poll", "jam"]
    assert modules("support/sour-or-bitter-coffee.html") == ["poll"]
    assert modules("pages/how-are-we-doing.html") == ["survey"]
    assert modules("news/september-idea-jam-winners.html") == ["jam"]
    assert modules("roadmap.html") == ["roadmap"]
    assert modules("index.html") == ["poll"]  # only the lifted block's widget
    assert modules("support/faq.html") == []


def test_only_pages_with_a_block_load_engage(site):
    with_block = (site / "pages" / "have-your-say.html").read_text()
    assert "<!-- engage:begin -->" in with_block and "/theme/js/engage/" in with_block
    plain = (site / "support" / "faq.html").read_text()
    assert "engage:begin" not in plain
    assert "/theme/js/engage" not in plain and "/theme/css/engage." not in plain
    shell = (site / "engage" / "shell.html").read_text()
    assert "/theme/css/engage." in shell and "/theme/js/engage" not in shell  # no block there


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


def _theme(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_a_module_is_renamed_when_a_module_it_imports_changes(tmp_path):
    static = _theme(tmp_path, {
        "js/m/a.js": 'import { b } from "./b.js";\nb();\n',
        "js/m/b.js": 'import "./c.js";\nexport function b() {}\n',
        "js/m/c.js": "// one\n",
        "css/x.css": "a{}"})
    first = build_assets(static)
    assert first["js/m/a.js"].body.decode() == (
        f'import {{ b }} from "./{Path(first["js/m/b.js"].hashed).name}";\nb();\n')
    assert first["js/m/a.js"].imports == ("js/m/b.js",)
    (static / "js/m/c.js").write_text("// two\n")
    second = build_assets(static)
    for name in ("js/m/a.js", "js/m/b.js", "js/m/c.js"):  # c changed, so all three did
        assert first[name].hashed != second[name].hashed
    assert first["css/x.css"].hashed == second["css/x.css"].hashed


def test_a_missing_import_or_a_cycle_stops_the_build(tmp_path):
    with pytest.raises(ValueError, match="imports js/gone.js"):
        build_assets(_theme(tmp_path / "one", {"js/a.js": 'import "./gone.js";\n'}))
    with pytest.raises(ValueError, match="import cycle"):
        build_assets(_theme(tmp_path / "two", {"js/a.js": 'import "./b.js";\n',
                                                "js/b.js": 'import "./a.js";\n'}))
