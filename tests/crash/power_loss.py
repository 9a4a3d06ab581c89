"""A power-loss fault layer for the embedded store's files (test-only).

kill -9 keeps the page cache, so it cannot show a missing fsync. This layer records, while a
store runs, what a disk would hold after a power cut at any moment: the content of each file
as of its last ``fsync`` (everything written after it is thrown away) and the directory's
entries as of its last directory ``fsync`` (a create, rename or unlink not followed by one is
undone). It hooks ``os.fsync``, ``os.replace`` and ``os.unlink`` for paths under the data dir
and appends one event per call to a log outside it, so a forked snapshot writer's fsyncs are
recorded too (the child appends to the same log). The test also logs ``ack`` events when an
operation returns. Every prefix of the log is a moment the power could fail:
:func:`image_at` rebuilds the disk of that moment into a fresh directory.

Files are identified by inode while they exist; when a file's last name goes away the inode
number may be reused, so its durable content is re-keyed and a new file starts empty.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["PowerLog", "image_at"]


class PowerLog:
    """Record durable states of ``data_dir`` into ``log_dir`` (install with monkeypatch)."""

    def __init__(self, data_dir: Path, log_dir: Path) -> None:
        self.data_dir = str(data_dir.resolve())
        self.log_dir = log_dir
        self.log = log_dir / "events.jsonl"
        self.real_fsync = os.fsync
        self.real_replace = os.replace
        self.real_unlink = os.unlink
        self._serial = 0

    def install(self, monkeypatch: Any) -> None:
        monkeypatch.setattr(os, "fsync", self.fsync)
        monkeypatch.setattr(os, "replace", self.replace)
        monkeypatch.setattr(os, "unlink", self.unlink)

    # -- recording ---------------------------------------------------------------------

    def event(self, kind: str, **data: Any) -> None:
        line = json.dumps({"kind": kind, "pid": os.getpid(), **data}) + "\n"
        fd = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)

    def _ours(self, path: str) -> bool:
        return path == self.data_dir or path.startswith(self.data_dir + os.sep)

    def fsync(self, fd: int) -> None:
        self.real_fsync(fd)
        try:
            path = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            return
        if not self._ours(path):
            return
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            names = {}
            for name in os.listdir(path):
                try:
                    names[name] = os.stat(os.path.join(path, name),
                                          follow_symlinks=False).st_ino
                except FileNotFoundError:
                    continue
            self.event("dir", names=names)
            return
        # Through /proc: the fd itself may be write-only.
        with open(f"/proc/self/fd/{fd}", "rb") as fh:
            content = fh.read(info.st_size)
        self._serial += 1
        blob = self.log_dir / f"blob-{os.getpid()}-{self._serial}"
        with open(blob, "wb") as fh:
            fh.write(content)
        self.event("file", ino=info.st_ino, blob=blob.name, name=os.path.basename(path))

    def _gone(self, path: str) -> None:
        """Note that ``path``'s inode loses its name (it may be reused after this)."""
        try:
            ino = os.stat(path, follow_symlinks=False).st_ino
        except OSError:
            return
        self.event("gone", ino=ino, name=os.path.basename(path))

    def replace(self, src: Any, dst: Any, **kwargs: Any) -> None:
        target = os.path.abspath(os.fspath(dst))
        ours = self._ours(target)
        if ours:
            self._gone(target)
            self.event("rename", src=os.path.basename(os.fspath(src)),
                       dst=os.path.basename(target))
        self.real_replace(src, dst, **kwargs)
        if ours:
            self.event("renamed", dst=os.path.basename(target))

    def unlink(self, path: Any, **kwargs: Any) -> None:
        target = os.path.abspath(os.fspath(path))
        if self._ours(target):
            self._gone(target)
        self.real_unlink(path, **kwargs)

    # -- reading -----------------------------------------------------------------------

    def events(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


def image_at(log: PowerLog, events: list[dict[str, Any]], cut: int, into: Path,
             on_ack: Callable[[dict[str, Any]], None] | None = None) -> None:
    """Write into ``into`` the data dir as a power cut after ``events[:cut]`` leaves it.

    ``on_ack`` sees each ``ack`` event before the cut: what was acknowledged by then.
    """
    serial = 0
    inode_key: dict[int, int] = {}
    content: dict[int, bytes] = {}
    entries: dict[str, int] = {}

    def key_of(ino: int) -> int:
        nonlocal serial
        if ino not in inode_key:
            serial += 1
            inode_key[ino] = serial
        return inode_key[ino]

    for event in events[:cut]:
        kind = event["kind"]
        if kind == "file":
            content[key_of(event["ino"])] = (log.log_dir / event["blob"]).read_bytes()
        elif kind == "dir":
            entries = {name: key_of(ino) for name, ino in event["names"].items()}
        elif kind == "gone":
            inode_key.pop(event["ino"], None)
        elif kind == "ack" and on_ack is not None:
            on_ack(event)
    into.mkdir(parents=True)
    for name, key in entries.items():
        (into / name).write_bytes(content.get(key, b""))
