"""Run the valuehub benchmarks: ``make bench`` or ``.venv/bin/python bench/run.py [NAME...]``.

Each benchmark measures pollserver and its baseline in the same run, on the same gunicorn
settings, and reports the ratio: absolute numbers on a shared 2-core machine mean little,
ratios measured side by side do. Targets are informative (PASS/MISS); the exit code is 0
unless a benchmark crashed. Results go to ``bench/results/latest.json`` (git-ignored), server
logs to ``bench/results/logs/``. Every server is stopped on exit, Ctrl-C or SIGTERM.

    bench/run.py                 # issue 30's five goals: vote, pgvote, reads, admin, embed
    bench/run.py jampage assets build  # issue 17's other goals, by name
    bench/run.py polls jams postgres   # the first stage's benches
    bench/run.py --quick         # small sizes and short runs (also BENCH_QUICK=1)
    bench/run.py --seconds 15 --rounds 3 --workers 2 --threads 8
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.admingoal import bench_admin  # noqa: E402
from bench.benches import BENCHES, EMBEDDED, SCALE_OUT  # noqa: E402
from bench.embedgoal import bench_embed  # noqa: E402
from bench.goals import bench_jam_page, bench_reads, bench_vote  # noqa: E402
from bench.pggoal import bench_pg_vote  # noqa: E402
from bench.sitegoals import bench_assets, bench_build  # noqa: E402

#: Issue 30's five goals, in its order; ``make bench`` runs these (the older benches by name).
GOALS = {"vote": bench_vote, "pgvote": bench_pg_vote, "reads": bench_reads,
         "admin": bench_admin, "embed": bench_embed}
BENCHES = {**GOALS, "jampage": bench_jam_page, "assets": bench_assets, "build": bench_build,
           **BENCHES}
from bench.servers import gunicorn_args, stop_all  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def _on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def machine() -> dict[str, Any]:
    """What the numbers were measured on, including how busy the machine was."""
    info: dict[str, Any] = {"cpus": os.cpu_count(), "python": platform.python_version(),
                            "platform": platform.platform()}
    try:
        info["loadavg"] = [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return info


def _fmt(value: Any, spec: str = ",.0f") -> str:
    if value is None:
        return "-"
    if isinstance(value, float | int):
        return format(value, spec)
    return str(value)


def print_table(results: list[dict[str, Any]]) -> None:
    header = ["bench", "metric", "pollserver", "p50 ms", "p99 ms", "baseline", "ratio",
              "target", "result"]
    lines = [header]
    for res in results:
        if res.get("skipped"):
            lines.append([res["name"], "SKIPPED", res["skipped"], "", "", "", "", "", "SKIP"])
            continue
        if res.get("error"):
            lines.append([res["name"], "CRASHED", res["error"], "", "", "", "", "", "ERROR"])
            continue
        for row in res["rows"]:
            unit = row.get("unit", "")
            lines.append([
                res["name"], row["metric"], f"{_fmt(row['value'])} {unit}".strip(),
                _fmt(row.get("p50_ms"), ".1f"), _fmt(row.get("p99_ms"), ".1f"),
                _fmt(row.get("baseline")),
                f"{row['ratio']:.0%}" if row.get("ratio") is not None else "-",
                row.get("target", ""),
                {True: "PASS", False: "MISS", None: ""}[row.get("ok")],
            ])
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    for n, line in enumerate(lines):
        print("  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(line)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for res in results:
        for row in res.get("rows", []):
            extra = []
            if row.get("cpu_ms_per_req") is not None:
                extra.append(f"server CPU {row['cpu_ms_per_req']:.2f} ms/req")
                if row.get("baseline_cpu_ms_per_req") is not None:
                    extra.append(f"baseline {row['baseline_cpu_ms_per_req']:.2f} ms/req")
            if row.get("errors"):
                extra.append(f"{row['errors']} errors")
            if row.get("detail"):
                extra.append(row["detail"])
            if extra:
                print(f"  {res['name']} / {row['metric'].strip()}: " + "; ".join(extra))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"benchmarks to run: {', '.join(BENCHES)} (default: all)")
    parser.add_argument("--seconds", type=float, default=None, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=None, help="warm-up seconds per run")
    parser.add_argument("--rounds", type=int, default=None,
                        help="alternating baseline/pollserver rounds (pooled)")
    parser.add_argument("--connections", type=int, default=None,
                        help="client keep-alive connections")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=None, help="gunicorn threads/worker")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes and 1-second runs: proves the scripts work")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    opts = parser.parse_args(argv)
    opts.quick = opts.quick or os.environ.get("BENCH_QUICK", "") not in ("", "0")
    names = opts.names or list(GOALS)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHES)}")

    signal.signal(signal.SIGTERM, _on_sigterm)
    logs = RESULTS / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    common: dict[str, Any] = {"logs": logs}
    for key in ("seconds", "warmup", "rounds", "connections", "workers", "threads"):
        if getattr(opts, key) is not None:
            common[key] = getattr(opts, key)
    sizes: dict[str, dict[str, Any]] = {}
    if opts.quick:
        common = {"seconds": 1.0, "warmup": 0.5, "rounds": 1, **common}
        sizes = {"polls": {"votes": 2000}, "jams": {"ideas": 100, "votes": 2000},
                 "postgres": {"pgbench_seconds": 2}, "vote": {"votes": 2000},
                 "pgvote": {"pgbench_seconds": 1}, "jampage": {"ideas": 100, "votes": 2000},
                 "reads": {"ideas": 100, "votes": 2000, "poll_votes": 2000},
                 "admin": {"items": 500}, "embed": {"samples": 10},
                 "build": {"articles": 20}}

    info = machine()
    print(f"valuehub bench on {info.get('cpus')} CPUs ({info.get('cpu', '?')}), "
          f"load average {info.get('loadavg')}; Python {info['python']}")
    def settings(defaults: dict[str, int]) -> str:
        return " ".join(gunicorn_args(common.get("workers", defaults["workers"]),
                                      common.get("threads", defaults["threads"])))

    print("gunicorn, the same for a baseline and its pollserver:")
    print(f"  polls, jams (embedded TinyDB): {settings(EMBEDDED)}")
    print(f"  postgres (scale-out):          {settings(SCALE_OUT)}")
    print("client: wrk (2 threads) for the goals, the Python keep-alive load generator for "
          f"polls/jams/postgres; {common.get('connections', 16)} connections; rate limits "
          "off; 127.0.0.1 only")
    print()

    results: list[dict[str, Any]] = []
    crashed = False
    started = time.monotonic()
    try:
        for name in names:
            kwargs = dict(common)
            kwargs.update(sizes.get(name, {}))
            if name == "postgres":
                polls = next((r for r in results if r["name"] == "polls" and r.get("rows")),
                             None)
                if polls:
                    kwargs["embedded"] = polls["rows"][0]
            print(f"-- {name} ...", flush=True)
            t0 = time.monotonic()
            try:
                res = BENCHES[name](**kwargs)
            except KeyboardInterrupt:
                raise
            except Exception as exc:
                traceback.print_exc()
                crashed = True
                res = {"name": name, "rows": [], "error": f"{type(exc).__name__}: {exc}"}
            res["elapsed_s"] = round(time.monotonic() - t0, 1)
            if res.get("skipped"):
                print(f"   skipped: {res['skipped']}")
            results.append(res)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping the servers", file=sys.stderr)
        stop_all()
        return 130
    finally:
        stop_all()

    print()
    print_table(results)
    info_end = machine()
    print(f"\nload average at the end {info_end.get('loadavg')}; "
          f"total {time.monotonic() - started:.0f} s")
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(json.dumps({
        "when": datetime.now(UTC).isoformat(timespec="seconds"), "machine": info,
        "machine_end": info_end, "quick": opts.quick, "results": results}, indent=2) + "\n")
    print(f"results: {opts.out.relative_to(ROOT) if opts.out.is_relative_to(ROOT) else opts.out}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
