"""The small pure helpers of issue 30's goal benchmarks (no server, no timing)."""

from __future__ import annotations

from bench.embedgoal import compressed_size, imports_of
from bench.pggoal import spread_points


def test_spread_is_best_minus_worst_round_in_points() -> None:
    assert spread_points([0.34, 0.69, 0.5]) == 35.0
    assert spread_points([0.8]) == 0.0


def test_imports_of_follows_same_server_modules_only() -> None:
    script = ('import {a} from "./widgets/poll.js";\nimport "/theme/x.js";\n'
              'const m = import("../shared.js");\nimport z from "https://cdn.example/z.js";')
    assert imports_of(script, "/embed/embed.js") == [
        "/embed/widgets/poll.js", "/theme/x.js", "/shared.js"]


def test_compressed_size_trusts_the_servers_encoding() -> None:
    assert compressed_size(b"x" * 100, "br") == (100, "br (server)")
    size, how = compressed_size(b"abc" * 1000, None)
    assert size < 100 and "computed" in how
