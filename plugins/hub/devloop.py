"""`make devserver`'s rebuild loop: on every change, the pages, the search index and the items.

Pelican's own `--autoreload` rebuilds the pages only, so a poll an editor just wrote 404s
until the search index is rebuilt and `pollserver sync` runs. This loop waits for changes to
settle (debounced: saving five files is one rebuild), then runs each step in order (Pelican,
pagefind, sync) and stops at the first that fails, so a broken article never reaches the
search index or the store. Changes made during a rebuild start the next one.

    PYTHONPATH=plugins python -m hub.devloop --watch content --watch theme -- \\
        "pelican content ..." "python -m pagefind --site output" "pollserver sync ..."
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from collections.abc import Iterable, Sequence

import watchfiles

DEBOUNCE_MS = 400


def run_steps(steps: Sequence[str]) -> bool:
    """Run each shell command in order; return False at the first that fails."""
    for step in steps:
        if subprocess.run(step, shell=True, check=False).returncode != 0:
            print(f"devserver: stopped at `{shlex.split(step)[0]}`; fix the problem above, "
                  "the next save rebuilds", file=sys.stderr, flush=True)
            return False
    return True


def loop(changes: Iterable[set], steps: Sequence[str]) -> None:
    """Rebuild once per batch of changes."""
    for batch in changes:
        names = sorted({path for _change, path in batch})
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        print(f"devserver: changed {shown}; rebuilding", file=sys.stderr, flush=True)
        if run_steps(steps):
            print("devserver: pages, search index and items are up to date", file=sys.stderr,
                  flush=True)


def main(argv: list[str] | None = None) -> int:
    """Watch the given paths and run the steps after each settled batch of changes."""
    parser = argparse.ArgumentParser(prog="hub.devloop", description=__doc__.splitlines()[0])
    parser.add_argument("--watch", action="append", required=True, help="file or folder")
    parser.add_argument("--debounce-ms", type=int, default=DEBOUNCE_MS)
    parser.add_argument("steps", nargs="+", help="shell commands, run in order")
    args = parser.parse_args(argv)
    print(f"devserver: watching {', '.join(args.watch)}", file=sys.stderr, flush=True)
    try:
        # Polling: inotify misses changes on some mounted and container file systems.
        loop(watchfiles.watch(*args.watch, debounce=args.debounce_ms, force_polling=True,
                              poll_delay_ms=200, raise_interrupt=False), args.steps)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
