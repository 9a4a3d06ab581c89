"""Start several callables at the same instant on their own threads (a barrier, not a sleep)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def run_at_once(calls: list[Callable[[], T]]) -> list[T]:
    """Run every call on its own thread, released together; return their results in order.

    The barrier makes the calls race for the same rows, which is what the "never twice" tests
    need to prove; a call that raises fails the test instead of vanishing with its thread.
    """
    start = threading.Barrier(len(calls))
    results: list[T | None] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], T]) -> None:
        start.wait()
        try:
            results[index] = call()
        except BaseException as error:  # re-raised in the test's thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results  # type: ignore[return-value]
