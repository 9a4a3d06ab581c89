"""Editors' first contact: every mistake in one run, `make check`, `make new`, `make devserver`.

These run the real Makefile targets on a private copy of content/ (CONTENT=..., OUTPUT=...),
so what is tested is what an editor types.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests
from sitebuild import BUILD_NOW, ROOT

SAY = """\
Title: {title}
Date: 2026-11-20 09:00

Tell us.

```poll
id: {poll_id}
question: Which day?
options: [Monday, Saturday]
```
"""

BROKEN = {
    "news/bad-date.md": "Title: Bad\nDate: 2026-13-45\n\nText.\n",
    "news/untitled.md": "Date: 2026-11-01 09:00\n\nText.\n",
    "offers/inverted.md": ("Title: Never on\nDate: 2026-11-01 09:00\nStarts: 2026-12-10\n"
                           "Expires: 2026-12-01\n\nSee [the FAQ](/support/nope.html).\n\n"
                           "![Beans](/images/no-such-beans.jpg)\n"),
    "offers/no-expiry.md": "Title: Forever\nDate: 2026-11-01 09:00\n\nText.\n",
    "news/jam.md": ("Title: Jam\nDate: 2026-11-01 09:00\n\n```jam\nid: zero-submit\ntitle: T\n"
                    "submit_from: 2026-12-01T00:00:00Z\nvote_from: 2026-12-01T00:00:00Z\n"
                    "closes: 2026-12-20T00:00:00Z\n```\n\n```poll\nid: one-option\n"
                    "question: Q?\noptions: [Only]\n```\n"),
    "news/first.md": SAY.format(title="First", poll_id="same-id"),
    "news/second.md": SAY.format(title="Second", poll_id="same-id"),
    "news/topics.md": ("Title: Topics\nDate: 2026-11-01 09:00\n\n```jam\nid: topical\n"
                       "title: T\ntopics: [App, Shops, app]\n```\n"),
    "events/over.md": ("Title: Already over\nDate: 2026-11-20 09:00\nStarts: 2026-11-10 18:00\n"
                       "Location: Roastery\n\nText.\n"),
}

EXPECTED = [
    "content/news/bad-date.md:2: date: '2026-13-45' is not a date (use YYYY-MM-DD HH:MM)",
    "content/news/jam.md:4: jam 'zero-submit': vote_from must be after submit_from, or nobody "
    "can submit an idea (move vote_from later)",
    "content/news/jam.md:12: poll 'one-option': options must have 2-12 entries",
    "content/news/second.md:6: poll 'same-id': duplicate id, already used at "
    "content/news/first.md:6 (give one of them another id)",
    "content/news/topics.md:4: jam 'topical': duplicate topic 'app'",
    "content/news/untitled.md:1: missing required metadata: title (start the file with "
    "`Title: A clear headline`)",
    "content/offers/inverted.md:3: starts (2026-12-10 00:00) is not before expires "
    "(2026-12-01): the offer would never be on (move starts earlier or expires later)",
    "content/offers/inverted.md:6: link to /support/nope.html: no article or page has that "
    "address (check the slug; articles are /<channel>/<slug>.html)",
    "content/offers/inverted.md:8: image /images/no-such-beans.jpg is missing (add the file "
    "to content/images/ or fix the path)",
    "content/offers/no-expiry.md:1: missing required metadata: expires (add `Expires: "
    "YYYY-MM-DD` to the header)",
    "content/events/over.md:3: warning: the event ended (2026-11-10 20:00) before the article "
    "is published (2026-11-20 09:00) (check starts/ends and Date, or add `Recap: yes` to a "
    "report)",
    "10 problems in 7 files",
]


def _make_env() -> dict[str, str]:
    """The environment of a `make` started from inside `make test`, without its job flags.

    The outer run exports its own POLLSERVER_DATA_DIR and POLLSERVER_SITE_DIR; they are set here
    to directories that do not exist whoever runs the tests, so the DATA_DIR and OUTPUT given on
    the command line are proven to win. Make's level and flags are dropped so its messages read
    `make: ...` at any depth.
    """
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    env["POLLSERVER_DATA_DIR"] = "/nonexistent/outer-var"
    env["POLLSERVER_SITE_DIR"] = "/nonexistent/outer-output"
    return env


def make(target: str, tmp: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run `make TARGET` on tmp/content into tmp/output, at the tests' build instant."""
    settings = f"CACHE_PATH='\"{tmp / 'cache'}\"' HUB_NOW='\"{BUILD_NOW}\"'"
    cmd = ["make", "-s", "--no-print-directory", target, f"CONTENT={tmp / 'content'}",
           f"OUTPUT={tmp / 'output'}", f"DATA_DIR={tmp / 'var'}",
           f"PELICAN_SETTINGS={settings}", *args]
    env = {**_make_env(), "COLUMNS": "80", "TERM": "xterm-256color"}
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False, timeout=timeout)


def _break(content: Path) -> None:
    for name, text in BROKEN.items():
        (content / name).write_text(text, encoding="utf-8")


def _problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("content/")
            or re.match(r"\d+ problems? in", line)]


def test_every_problem_is_listed_in_one_run_one_unwrapped_line_each(content_copy, tmp_path):
    _break(content_copy)
    built = make("html", tmp_path)
    assert built.returncode != 0
    assert _problem_lines(built.stderr) == EXPECTED, built.stderr
    assert built.stderr.splitlines()[-1].endswith("] Error 1")  # pelican's own status was 1
    # Nothing between or around them: no log time stamps, levels, logger positions, traces.
    assert "ERROR" not in built.stderr and "Traceback" not in built.stderr + built.stdout
    assert not (tmp_path / "output" / "engage" / "manifest.json").exists()

    checked = make("check", tmp_path)
    assert checked.returncode != 0  # pelican exits 1; make says so in a last line of its own
    assert checked.stderr.splitlines()[:-1] == EXPECTED
    assert checked.stderr.splitlines()[-1].startswith("make: *** [Makefile")
    assert checked.stderr.splitlines()[-1].endswith("] Error 1")
    assert not (tmp_path / "output" / "index.html").exists()


FIVE = {
    "offers/spring.md": ("Title: Spring sale\nDate: 2026-13-45 09:00\nSummary: Ten per cent "
                         "off.\n\nSee [the FAQ](/support/nope.html).\n"),
    "news/launch.md": ("Title: Launch\nDate: 2026-11-20 09:00\nCategory: Recipes\n\n"
                       "Vote:\n\n```poll\nid: launch-day\nquestion: Which day?\n"
                       "options: [Monday]\n```\n"),
}


def test_five_mistakes_in_two_files_are_five_lines(content_copy, tmp_path):
    """A malformed `Date:` hides nothing: the same file's missing field and broken link, and
    the other file's wrong channel and broken block, are all listed, once each."""
    for name, text in FIVE.items():
        (content_copy / name).write_text(text, encoding="utf-8")
    checked = make("check", tmp_path)
    assert checked.returncode != 0
    assert _problem_lines(checked.stderr) == [
        "content/news/launch.md:3: category: 'Recipes' does not match the folder: the folder "
        "decides the channel, here news (remove the Category line, or move the file to the "
        "folder of its channel: news/, support/, events/ or offers/)",
        "content/news/launch.md:7: poll 'launch-day': options must have 2-12 entries",
        "content/offers/spring.md:1: missing required metadata: expires (add `Expires: "
        "YYYY-MM-DD` to the header)",
        "content/offers/spring.md:2: date: '2026-13-45 09:00' is not a date (use YYYY-MM-DD "
        "HH:MM)",
        "content/offers/spring.md:5: link to /support/nope.html: no article or page has that "
        "address (check the slug; articles are /<channel>/<slug>.html)",
        "5 problems in 2 files"], checked.stderr
    assert "Traceback" not in checked.stdout + checked.stderr


def test_check_on_good_content_says_so_and_writes_nothing(content_copy, tmp_path):
    checked = make("check", tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.splitlines() == ["no problems"]
    assert not (tmp_path / "output").exists() or not any((tmp_path / "output").iterdir())


def _uncomment(text: str) -> str:
    """Do what the example's comment tells the editor: drop the comment lines, dedent."""
    start = text.index("<!-- Example")
    body = text[start:].splitlines()[3:-1]  # skip the two-line note and a blank, drop "-->"
    return text[:start] + "\n".join(line.removeprefix("    ") for line in body) + "\n"


def test_make_new_writes_an_article_that_builds_and_never_overwrites(content_copy, tmp_path):
    env_now = f"HUB_NOW={BUILD_NOW}"
    made = make("new", tmp_path, "CHANNEL=offers", "TITLE=Winter sale: 20 % off", env_now)
    assert made.returncode == 0, made.stderr
    path = content_copy / "offers" / "winter-sale-20-off.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("Title: Winter sale: 20 % off\nDate: 2026-11-23 12:00\n")
    assert "Expires: 2026-12-23\n" in text and "```poll" in text
    made = make("new", tmp_path, "CHANNEL=events", "TITLE=Latte art night", env_now)
    assert made.returncode == 0, made.stderr
    assert "Starts: 2026-12-07 18:30" in (content_copy / "events" / "latte-art-night.md"
                                          ).read_text(encoding="utf-8")

    again = make("new", tmp_path, "CHANNEL=offers", "TITLE=Winter sale: 20 % off", env_now)
    assert again.returncode != 0 and "already exists; not overwritten" in again.stderr
    assert path.read_text(encoding="utf-8") == text

    # What make new left for the editor to write is listed until it is written.
    checked = make("check", tmp_path)
    assert checked.returncode != 0
    assert _problem_lines(checked.stderr) == [
        "content/events/latte-art-night.md:7: summary: still the placeholder make new wrote "
        "(write one sentence about this article)",
        "content/events/latte-art-night.md:9: 'Write the article here.' is the placeholder "
        "make new wrote (replace it with the article)",
        "content/offers/winter-sale-20-off.md:4: code: CHANGEME is the placeholder make new "
        "wrote (write the real coupon code, or remove the line)",
        "content/offers/winter-sale-20-off.md:6: summary: still the placeholder make new wrote "
        "(write one sentence about this article)",
        "content/offers/winter-sale-20-off.md:8: 'Write the article here.' is the placeholder "
        "make new wrote (replace it with the article)",
        "5 problems in 2 files"], checked.stderr
    for new in (path, content_copy / "events" / "latte-art-night.md"):
        written = new.read_text(encoding="utf-8").replace("CHANGEME", "WINTER20").replace(
            "One sentence for cards and feeds.", "Twenty per cent off, all winter.").replace(
            "Write the article here.", "Every bag, every grind, until the end of the year.")
        new.write_text(written, encoding="utf-8")
    checked = make("check", tmp_path)
    assert checked.returncode == 0 and checked.stderr.splitlines() == ["no problems"]
    path.write_text(_uncomment(path.read_text(encoding="utf-8")), encoding="utf-8")
    built = make("html", tmp_path, "PORT=8765")
    assert built.returncode == 0, built.stderr
    manifest = json.loads((tmp_path / "output" / "engage" / "manifest.json").read_text())
    assert "winter-sale-20-off" in [poll["id"] for poll in manifest["polls"]]
    # Links in pages and feeds point at the server this local build is for.
    page = (tmp_path / "output" / "offers" / "winter-sale-20-off.html").read_text()
    assert '<link rel="canonical" href="http://127.0.0.1:8765/offers/winter-sale-20-off.html"' \
        in page and "127.0.0.1:8000" not in page
    feed = (tmp_path / "output" / "feeds" / "all.atom.xml").read_text()
    assert "http://127.0.0.1:8765/" in feed and "127.0.0.1:8000" not in feed


def test_make_run_writes_its_whole_log_to_one_file(content_copy, tmp_path):
    """`make run > run.log 2>&1`: nothing a step prints is written over by a later step (the
    sample-data step once reopened the log through /dev/stderr and wrote from its start)."""
    log = tmp_path / "run.log"
    settings = f"CACHE_PATH='\"{tmp_path / 'cache'}\"' HUB_NOW='\"{BUILD_NOW}\"'"
    args = " ".join(shlex.quote(a) for a in (
        f"CONTENT={content_copy}", f"OUTPUT={tmp_path / 'output'}",
        f"DATA_DIR={tmp_path / 'var'}", f"PELICAN_SETTINGS={settings}"))
    script = (f"make --no-print-directory html {args} && "
              f"make --no-print-directory sample-data {args}")
    with log.open("wb") as out:
        done = subprocess.run(["bash", "-c", script], cwd=ROOT, env=_make_env(), stdout=out,
                              stderr=subprocess.STDOUT, check=False, timeout=600)
    text = log.read_text(encoding="utf-8")
    assert done.returncode == 0, text
    first_build = text.index("Done: Processed")
    codes = text.index("new codes;")
    seeded = text.index("seeded september-jam")
    rebuild = text.index("Done: Processed", seeded)
    assert first_build < codes < seeded < rebuild, text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(check, seconds: float = 240.0):
    deadline = time.monotonic() + seconds
    while True:
        try:
            result = check()
        except requests.RequestException:
            result = None
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


def test_devserver_makes_a_new_poll_votable_after_a_save(content_copy, tmp_path):
    port = _free_port()
    settings = f"CACHE_PATH='\"{tmp_path / 'cache'}\"' HUB_NOW='\"{BUILD_NOW}\"'"
    cmd = ["make", "-s", "--no-print-directory", "devserver", f"PORT={port}",
           f"CONTENT={content_copy}", f"OUTPUT={tmp_path / 'output'}",
           f"DATA_DIR={tmp_path / 'var'}", f"PELICAN_SETTINGS={settings}"]
    env = _make_env()
    log = (tmp_path / "devserver.log").open("w")
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        assert _wait_for(lambda: requests.get(f"{base}/", timeout=5).ok), \
            (tmp_path / "devserver.log").read_text()
        assert requests.get(f"{base}/api/polls/fresh-poll", timeout=5).status_code == 404
        _wait_for(lambda: "devserver: watching" in (tmp_path / "devserver.log").read_text(), 30)
        (content_copy / "news" / "fresh.md").write_text(
            SAY.format(title="Fresh poll", poll_id="fresh-poll"), encoding="utf-8")
        poll = _wait_for(lambda: requests.get(f"{base}/api/polls/fresh-poll", timeout=5).ok)
        assert poll, (tmp_path / "devserver.log").read_text()
        page = requests.get(f"{base}/news/fresh-poll.html", timeout=5)
        assert page.ok and "Which day?" in page.text
        assert _wait_for(lambda: _indexed(tmp_path / "output", b"Fresh poll"), 60)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def _indexed(output: Path, text: bytes) -> bool:
    """Return whether a page of pagefind's search index (gzipped fragments) contains text."""
    return any(text in gzip.decompress(fragment.read_bytes())
               for fragment in (output / "pagefind" / "fragment").glob("*.pf_fragment"))
