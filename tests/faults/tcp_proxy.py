"""A TCP proxy on loopback that a test can cut and restore, to play a network outage.

The real PostgreSQL or Redis server is never stopped: the service under test connects
through this proxy instead. ``cut()`` closes every open connection and, until ``restore()``,
closes each new one as soon as it is accepted (as a crashed or unreachable server looks to a
client); nothing else on the machine notices.
"""

from __future__ import annotations

import socket
import threading

__all__ = ["TcpProxy"]


class TcpProxy:
    """Forward ``127.0.0.1:<port>`` to ``upstream`` while up; drop everything while cut."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        assert upstream[0] in ("127.0.0.1", "localhost", "::1"), "loopback only"
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.silent = False
        self.accepted = 0
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._closed = False
        threading.Thread(target=self._accept, name="tcp-proxy", daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.accepted += 1
            if self.silent:  # accepted, never answered: the client must time out
                with self._lock:
                    self._open.add(client)
                continue
            if not self.up:
                _close(client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._open.update((client, server))
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                self._drop(sock)

    def _drop(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.discard(sock)
        _close(sock)

    def cut(self) -> None:
        """Break every connection now and refuse new ones until :meth:`restore`."""
        self.up = False
        with self._lock:
            socks, self._open = list(self._open), set()
        for sock in socks:
            _close(sock)

    def stall(self) -> None:
        """Break every connection now; accept new ones but never answer them."""
        self.cut()
        self.silent = True

    def restore(self) -> None:
        """Forward new connections again."""
        self.silent = False
        self.up = True

    def close(self) -> None:
        self._closed = True
        self.cut()
        _close(self.listener)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
