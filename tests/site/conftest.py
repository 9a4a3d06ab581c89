"""Build the sample site once per session for the build tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sitebuild import ROOT, build_site, compress_site, index_site


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """Return the output of a full sample-site build (pelican, pagefind, compressed copies)."""
    base = tmp_path_factory.mktemp("site")
    output = base / "output"
    built = build_site(ROOT / "content", output, base / "cache")
    assert built.returncode == 0, built.stdout + built.stderr
    indexed = index_site(output)
    assert indexed.returncode == 0, indexed.stdout + indexed.stderr
    compressed = compress_site(output)
    assert compressed.returncode == 0, compressed.stdout + compressed.stderr
    return output


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """Return a private copy of content/ that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target
