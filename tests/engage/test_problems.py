"""The problem list's own format: sorted, warnings last, the count, and the exit status."""

from __future__ import annotations

import io

from pollserver.domain.problems import Problem, add, print_report, problems_of


def test_report_sorts_counts_files_and_keeps_warnings_out_of_the_status():
    settings: dict = {}
    add(settings, "content/b.md", 3, "second")
    add(settings, "content/a.md", 9, "first")
    add(settings, "content/b.md", 3, "second")  # the same problem twice is listed once
    add(settings, "content/a.md", 0, "whole file")
    add(settings, "content/c.md", 2, "look at this", warning=True)
    out = io.StringIO()
    assert print_report(problems_of(settings), out) == 1
    assert out.getvalue().splitlines() == [
        "content/a.md:1: whole file",
        "content/a.md:9: first",
        "content/b.md:3: second",
        "content/c.md:2: warning: look at this",
        "3 problems in 2 files",
    ]


def test_warnings_alone_do_not_fail():
    out = io.StringIO()
    assert print_report([Problem("content/c.md", 2, "hm", warning=True)], out) == 0
    assert out.getvalue().splitlines() == ["content/c.md:2: warning: hm",
                                           "no problems, 1 warning"]
