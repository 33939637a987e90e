"""The emulator's HTTP/1.1 server, which keeps connections open between requests as AWS does.

werkzeug's development server answers every request with `Connection: close`, even over
HTTP/1.1 (werkzeug/serving.py, `WSGIRequestHandler.run_wsgi`: "Always close the
connection ... Python's http.server ... doesn't know how to drain the stream before the
next request line"). AWS keeps connections open, and botocore's connection pool
(urllib3) reuses them, so against werkzeug every call pays for a new TCP connection that
it does not pay for against AWS.

`KeepAliveHandler` answers a request itself when its body is framed by a Content-Length
(or it has no body: a request with neither Content-Length nor Transfer-Encoding has a
body of length zero, RFC 9112 section 6.3, rule 6,
https://www.rfc-editor.org/rfc/rfc9112#section-6.3, checked 2026-12-02). The
application reads the body through a reader that stops at its end, whatever is left
unread is drained after the answer, and the answer, collected in full, carries its own
Content-Length. So the next request on the connection starts exactly where this one
ended. The connection is closed instead when the client asks for it (`Connection:
close`, or HTTP/1.0 without keep-alive), when the application fails, when the client
goes away mid-body, or when a leftover body is too large to drain; a chunked request
goes to werkzeug's own handling, which closes. Idle connections stay open until the
client closes them or the server stops (`EmulatorServer.close_connections`): the server
never closes an idle connection on its own, so no client races a closing connection.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import traceback
from collections.abc import Iterable
from typing import Any

from moto.moto_server.werkzeug_app import MotoRequestHandler
from werkzeug.serving import ThreadedWSGIServer

# A body the application left unread beyond this is not read: the connection closes.
MAX_DRAIN_BYTES = 16 * 1024 * 1024
_READ_SIZE = 64 * 1024
# Answers that never have a body (RFC 9110 section 6.4.1).
_BODILESS = frozenset({204, 304})
# The application's framing headers give way to the Content-Length of what it returned.
_FRAMING = frozenset({"content-length", "transfer-encoding", "connection"})


class BoundedInput:
    """A request's body as the application sees it: it ends where the body ends, so that
    reading it never reaches the next request on the connection."""

    def __init__(self, stream: Any, length: int) -> None:
        self._stream = stream
        self.remaining = length

    def read(self, size: int | None = -1) -> bytes:
        wanted = self.remaining if size is None or size < 0 else min(size, self.remaining)
        data: bytes = self._stream.read(wanted) if wanted else b""
        self.remaining -= len(data)
        if len(data) < wanted:
            raise ConnectionError("the client closed the connection in the middle of a body")
        return data

    def readline(self, size: int | None = -1) -> bytes:
        wanted = self.remaining if size is None or size < 0 else min(size, self.remaining)
        data: bytes = self._stream.readline(wanted) if wanted else b""
        self.remaining -= len(data)
        return data

    def readlines(self, hint: int | None = -1) -> list[bytes]:
        return list(iter(self.readline, b""))

    def __iter__(self) -> Any:
        return iter(self.readline, b"")

    def drain(self) -> None:
        """Read and drop what the application left unread of the body."""
        while self.remaining:
            self.read(_READ_SIZE)


def body_length(headers: Any) -> int | None:
    """The request body's length by its Content-Length (0 without one), or None when the
    body is not framed that way (chunked), the length is not one number, or the header
    block was malformed: Python's parser drops every header after a line it cannot read
    (a space before the colon), so a Content-Length may be hidden and the body would be
    read as the next request."""
    if getattr(headers, "defects", None) or headers.get("Transfer-Encoding") is not None:
        return None
    values = headers.get_all("Content-Length") or []
    if not values:
        return 0
    lengths = {value.strip() for value in ",".join(values).split(",")}
    if len(lengths) != 1:
        return None
    (length,) = lengths
    # str.isdigit also accepts digits int() refuses, such as "²".
    return int(length) if length.isascii() and length.isdigit() else None


class KeepAliveHandler(MotoRequestHandler):
    """moto's request handler, answering HTTP/1.1 requests on connections kept open."""

    protocol_version = "HTTP/1.1"
    server: EmulatorServer

    def setup(self) -> None:
        super().setup()
        self.server.opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.finished(self.connection)

    def run_wsgi(self) -> None:
        length = body_length(self.headers)
        if length is None or not self.server.keep_alive:
            # werkzeug's own handling, which closes the connection after the answer.
            self.close_connection = True
            super().run_wsgi()
            return
        body = BoundedInput(self.rfile, length)
        self.environ = environ = self.make_environ()
        environ["wsgi.input"] = body
        status, headers, chunks = self._call_application(environ)
        self._answer(status, headers, chunks)
        # Drained even before a close: a socket closed with data unread sends a reset,
        # which may reach the client before it has read the answer.
        if body.remaining > MAX_DRAIN_BYTES:
            self.close_connection = True
            return
        body.drain()

    def _call_application(
        self, environ: dict[str, Any]
    ) -> tuple[str, list[tuple[str, str]], list[bytes]]:
        """The application's answer, collected in full; a failure answers 500 and closes."""
        started: list[tuple[str, list[tuple[str, str]]]] = []
        written: list[bytes] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            if started and exc_info is None:
                raise AssertionError("start_response called twice without exc_info")
            started[:] = [(status, list(headers))]
            return written.append

        try:
            answer: Iterable[bytes] = self.server.app(environ, start_response)
            try:
                # After what the application wrote, in the order it wrote it.
                written.extend(answer)
            finally:
                close = getattr(answer, "close", None)
                if close is not None:
                    close()
            if not started:
                raise AssertionError("the application returned without start_response")
        except (ConnectionError, TimeoutError):
            raise
        except Exception:
            self.log_error("Error on request:\n%s", traceback.format_exc())
            self.close_connection = True
            message = b"Internal Server Error"
            return "500 Internal Server Error", [("Content-Type", "text/plain")], [message]
        status, headers = started[0]
        return status, headers, written

    def _answer(self, status: str, headers: list[tuple[str, str]], chunks: list[bytes]) -> None:
        code_text, _, reason = status.partition(" ")
        code = int(code_text)
        self.send_response(code, reason)
        bodiless = self.command == "HEAD" or code < 200 or code in _BODILESS
        for name, value in headers:
            lowered = name.lower()
            if lowered == "connection" and value.strip().lower() == "close":
                self.close_connection = True
            # A HEAD answer's Content-Length is the length of the body it does not send.
            if lowered not in _FRAMING or (bodiless and lowered == "content-length"):
                self.send_header(name, value)
        body = b"" if bodiless else b"".join(chunks)
        if not bodiless:
            self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        elif self.request_version == "HTTP/1.0":
            self.send_header("Connection", "keep-alive")
        self.end_headers()
        if body:
            self.wfile.write(body)
        self.wfile.flush()


class EmulatorServer(ThreadedWSGIServer):
    """werkzeug's threaded server, which knows its open connections so that stopping it
    closes them too; `keep_alive=False` closes each after one answer, as werkzeug does."""

    keep_alive = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self.connections_opened = 0

    def opened(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open.add(connection)
            self.connections_opened += 1

    def finished(self, connection: socket.socket) -> None:
        with self._open_lock:
            self._open.discard(connection)

    def close_connections(self) -> None:
        """End every connection still open: their threads see the end and return."""
        with self._open_lock:
            still_open = list(self._open)
        for connection in still_open:
            with contextlib.suppress(OSError):  # already gone
                connection.shutdown(socket.SHUT_RDWR)
