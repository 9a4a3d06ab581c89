"""Write ``.gz`` and ``.br`` copies of the built site's text files, for the server to send as is.

``python -m plugins.assets.compress OUTPUT [--state cache/precompress.json]`` runs after
Pelican and Pagefind. Compressing once at build time lets the server answer with the best
encoding the browser accepts without spending CPU per request, at Brotli's and gzip's highest
settings (which no server could afford per request).

A rebuild rewrites every page, but most are byte-for-byte the same: the state file keeps each
file's digest, so only changed files are compressed again. Copies are written to a temporary
name and renamed, so a running server never reads half a file; copies whose original is gone,
or that would not be smaller, are removed.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import brotli

__all__ = ["compress_site", "main"]

TEXT = frozenset({".html", ".css", ".js", ".mjs", ".json", ".xml", ".svg", ".txt", ".ics",
                  ".csv", ".map", ".webmanifest"})
MIN_SIZE = 256
#: Keep a copy only if it saves at least this share of the bytes (as WhiteNoise does).
MAX_RATIO = 0.95
ENCODINGS = (".gz", ".br")


def _encode(data: bytes, suffix: str, path: Path) -> bytes:
    if suffix == ".gz":
        return gzip.compress(data, compresslevel=9, mtime=0)
    # The theme's assets are small, hashed and cached for a year: worth Brotli's slowest
    # setting (10 % smaller). Pages change with each build and big bundles (Pagefind's) take
    # seconds at 11; quality 5 is within 1 % of 9 on a page at a twentieth of the time.
    small_asset = path.suffix in (".css", ".js", ".mjs", ".svg") and len(data) <= 64 * 1024
    quality = 11 if small_asset else 5
    return brotli.compress(data, quality=quality)


def _write(target: Path, data: bytes) -> None:
    temp = target.with_name(f".{target.name}.tmp")
    temp.write_bytes(data)
    os.replace(temp, target)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _text_files(root: Path) -> Iterator[Path]:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder, name)
            if path.suffix in TEXT and not name.startswith("."):
                yield path


def _stale_copies(root: Path) -> Iterator[Path]:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            original = name[:-3]
            if (name.endswith(ENCODINGS) and Path(original).suffix in TEXT
                    and original not in files):
                yield Path(folder, name)


def compress_site(root: Path, state: dict[str, str]) -> tuple[int, int, dict[str, str]]:
    """Compress what changed since ``state``; return (files compressed, files seen, new state)."""
    done = seen = 0
    new_state: dict[str, str] = {}
    for path in _text_files(root):
        seen += 1
        data = path.read_bytes()
        rel = path.relative_to(root).as_posix()
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        new_state[rel] = digest
        copies = [path.with_name(path.name + s) for s in ENCODINGS]
        if state.get(rel) == digest and all(c.is_file() for c in copies):
            continue
        done += 1
        for suffix, copy in zip(ENCODINGS, copies, strict=True):
            packed = _encode(data, suffix, path) if len(data) >= MIN_SIZE else b""
            if packed and len(packed) <= len(data) * MAX_RATIO:
                _write(copy, packed)
            else:
                _remove(copy)
                new_state[rel] = ""  # nothing to reuse next time
    for stale in _stale_copies(root):
        _remove(stale)
    return done, seen, new_state


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="the built site (Pelican's OUTPUT_PATH)")
    parser.add_argument("--state", type=Path, default=None,
                        help="where to keep file digests between builds (skip unchanged files)")
    opts = parser.parse_args(argv)
    if not opts.output.is_dir():
        print(f"compress: {opts.output} is not a directory", file=sys.stderr)
        return 2
    state: dict[str, str] = {}
    if opts.state and opts.state.is_file():
        try:
            state = json.loads(opts.state.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {}
    started = time.monotonic()
    done, seen, new_state = compress_site(opts.output, state)
    if opts.state:
        opts.state.parent.mkdir(parents=True, exist_ok=True)
        opts.state.write_text(json.dumps(new_state, sort_keys=True), encoding="utf-8")
    print(f"compress: {done} of {seen} files compressed (gzip, brotli) in "
          f"{time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
