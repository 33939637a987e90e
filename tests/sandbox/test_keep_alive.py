"""The emulator's server keeps connections open between requests, as AWS does, and never
lets one request's leftovers reach the next (ecrrepl.sandbox.keep_alive)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

import boto3
import pytest
from werkzeug.serving import ThreadedWSGIServer

from ecrrepl.sandbox import ecr_gaps
from ecrrepl.sandbox.keep_alive import EmulatorServer, KeepAliveHandler, body_length
from ecrrepl.sandbox.server import HOST, emulator_server, serving

Application = Callable[[dict[str, Any], Any], Iterable[bytes]]


def echo(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Answers with the request's path and the body it read in full."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    read = environ["wsgi.input"].read(length)
    data = json.dumps({"path": environ["PATH_INFO"], "body": read.decode()}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [data]


def ignoring(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Reads nothing of the body, under /ignore; echoes everything else."""
    if environ["PATH_INFO"] != "/ignore":
        return echo(environ, start_response)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "7")])
    return [b"ignored"]


def failing(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    if environ["PATH_INFO"] == "/fail":
        raise RuntimeError("the application fails")
    return echo(environ, start_response)


@contextmanager
def serving_app(app: Application, *, keep_alive: bool = True) -> Iterator[EmulatorServer]:
    server = EmulatorServer(HOST, 0, app, KeepAliveHandler)
    server.keep_alive = keep_alive
    with serving(server):
        yield server


class Connection:
    """One client socket, reading the answers to requests sent on it in order."""

    def __init__(self, server: ThreadedWSGIServer) -> None:
        host, port = server.server_address[:2]
        self.socket = socket.create_connection((str(host), int(port)), timeout=10)
        self.reader: BinaryIO = self.socket.makefile("rb")

    def send(self, *requests: bytes) -> None:
        self.socket.sendall(b"".join(requests))

    def answer(self, *, to_head: bool = False) -> tuple[int, dict[str, str], bytes]:
        status = self.reader.readline()
        assert status.startswith(b"HTTP/1.1 "), status
        headers: dict[str, str] = {}
        for line in iter(self.reader.readline, b"\r\n"):
            name, _, value = line.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        body = b"" if to_head else self.reader.read(int(headers.get("content-length", "0")))
        return int(status.split()[1]), headers, body

    def closed_by_server(self) -> bool:
        return self.reader.read(1) == b""

    def close(self) -> None:
        self.reader.close()
        self.socket.close()


@pytest.fixture
def connect() -> Iterator[Callable[[EmulatorServer], Connection]]:
    opened: list[Connection] = []

    def open_one(server: EmulatorServer) -> Connection:
        opened.append(Connection(server))
        return opened[-1]

    yield open_one
    for connection in opened:
        connection.close()


def request(method: str, path: str, body: bytes = b"", *headers: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *headers]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def assert_still_serving(fresh: Connection) -> None:
    """The server answers on a new connection: what went wrong stayed with the old one."""
    fresh.send(request("GET", "/after"))
    assert fresh.answer()[0] == 200


def test_two_requests_on_one_connection_are_both_answered(connect: Any) -> None:
    with serving_app(echo) as server:
        client = connect(server)
        client.send(request("POST", "/one", b"first"))
        first = client.answer()
        client.send(request("GET", "/two"))
        second = client.answer()

        assert first[0] == second[0] == 200
        assert json.loads(first[2]) == {"path": "/one", "body": "first"}
        assert json.loads(second[2]) == {"path": "/two", "body": ""}
        assert "connection" not in first[1]
        assert server.connections_opened == 1


def test_a_body_the_application_ignores_does_not_reach_the_next_request(connect: Any) -> None:
    with serving_app(ignoring) as server:
        client = connect(server)
        # Sent at once: the server holds the next request while it answers the first.
        leftover = b"POST /smuggled HTTP/1.1\r\nContent-Length: 0\r\n\r\n" * 100
        client.send(request("POST", "/ignore", leftover), request("POST", "/next", b"mine"))

        assert client.answer()[2] == b"ignored"
        status, _, body = client.answer()
        assert (status, json.loads(body)) == (200, {"path": "/next", "body": "mine"})
        assert server.connections_opened == 1


def writing(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
    """Writes part of its answer through start_response's write, then yields the rest."""
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    write(b"written ")
    yield b"then "
    write(b"written again ")
    yield b"yielded"


def test_what_the_application_writes_and_yields_is_answered_in_order(connect: Any) -> None:
    with serving_app(writing) as server:
        client = connect(server)
        client.send(request("GET", "/"), request("GET", "/"))

        assert client.answer()[2] == b"written then written again yielded"
        assert client.answer()[2] == b"written then written again yielded"


def test_a_client_asking_to_close_gets_it(connect: Any) -> None:
    with serving_app(echo) as server:
        client = connect(server)
        client.send(request("GET", "/one", b"", "Connection: close"))

        status, headers, _ = client.answer()
        assert (status, headers["connection"]) == (200, "close")
        assert client.closed_by_server()


def test_an_http_1_0_client_is_answered_and_closed(connect: Any) -> None:
    with serving_app(echo) as server:
        client = connect(server)
        client.send(b"GET /old HTTP/1.0\r\n\r\n")

        assert client.reader.readline().split()[1] == b"200"
        assert b"Connection: close\r\n" in client.reader.read()


def test_a_failing_application_answers_500_and_closes(connect: Any) -> None:
    with serving_app(failing) as server:
        client = connect(server)
        client.send(request("POST", "/fail", b"x"), request("GET", "/after"))

        status, headers, _ = client.answer()
        assert (status, headers["connection"]) == (500, "close")
        assert client.closed_by_server()
        assert_still_serving(connect(server))


def test_a_chunked_request_is_answered_and_the_connection_closed(connect: Any) -> None:
    with serving_app(echo) as server:
        client = connect(server)
        client.send(
            b"POST /chunks HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\nhello\r\n0\r\n\r\n"
        )

        status = client.reader.readline()
        assert status.split()[1] == b"200"
        assert b"Connection: close\r\n" in client.reader.read()


@pytest.mark.parametrize("hidden", ["Content-Length: 37", "Transfer-Encoding: chunked"])
def test_a_malformed_header_line_closes_instead_of_reading_the_body_as_a_request(
    connect: Any, hidden: str
) -> None:
    # Python's header parser drops every line after "X-Bad : y", so the body's framing is
    # unknown: the next bytes on the connection must never be answered as a request.
    smuggled = b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
    with serving_app(echo) as server:
        client = connect(server)
        client.send(
            f"POST /read HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad : y\r\n{hidden}\r\n\r\n".encode()
            + smuggled
        )

        rest = client.reader.read()
        assert rest.count(b"HTTP/1.1 ") == 1
        assert b"/smuggled" not in rest
        assert b"Connection: close\r\n" in rest


def test_a_client_gone_in_the_middle_of_a_body_leaves_the_server_serving(
    connect: Any,
) -> None:
    with serving_app(ignoring) as server:
        client = connect(server)
        client.send(request("POST", "/ignore", b"x" * 10)[:-5])
        client.socket.shutdown(socket.SHUT_WR)
        client.answer()

        assert_still_serving(connect(server))


def test_a_head_answer_keeps_its_length_and_sends_no_body(connect: Any) -> None:
    with serving_app(ignoring) as server:
        client = connect(server)
        client.send(request("HEAD", "/ignore"), request("GET", "/after"))

        # No body follows the HEAD answer: the next answer starts right after it.
        status, headers, _ = client.answer(to_head=True)
        assert (status, headers["content-length"]) == (200, "7")
        assert json.loads(client.answer()[2])["path"] == "/after"


def test_without_keep_alive_every_answer_closes(connect: Any) -> None:
    with serving_app(ignoring, keep_alive=False) as server:
        client = connect(server)
        client.send(request("GET", "/ignore"))

        assert client.answer()[1]["connection"] == "close"
        assert client.closed_by_server()


def test_connections_still_open_when_serving_ends_are_closed(connect: Any) -> None:
    with serving_app(echo) as server:
        client = connect(server)
        client.send(request("GET", "/one"))
        client.answer()

    assert client.closed_by_server()


def test_werkzeug_alone_closes_every_connection(connect: Any) -> None:
    """Why keep_alive exists: the day werkzeug keeps connections open, it can go."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    server = ThreadedWSGIServer(HOST, 0, ignoring, MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = Connection(server)
        client.send(request("GET", "/ignore"))

        assert client.answer()[1]["connection"] == "close"
        assert client.closed_by_server()
        client.close()
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@pytest.mark.parametrize(
    ("headers", "length"),
    [
        ({}, 0),
        ({"Content-Length": "12"}, 12),
        ({"Content-Length": "12, 12"}, 12),
        ({"Content-Length": "12, 13"}, None),
        ({"Content-Length": "-1"}, None),
        ({"Content-Length": "twelve"}, None),
        ({"Content-Length": "\u00b2"}, None),
        ({"Transfer-Encoding": "chunked"}, None),
    ],
)
def test_body_length(headers: dict[str, str], length: int | None) -> None:
    from email.message import Message

    message = Message()
    for name, value in headers.items():
        message[name] = value
    assert body_length(message) == length


def test_botocore_calls_reuse_one_connection() -> None:
    server = emulator_server(0, ecr_gaps.ReplicationSettings())
    try:
        with serving(server) as endpoint:
            ecr = boto3.client(
                "ecr",
                region_name="us-east-1",
                endpoint_url=endpoint,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
            registries = {ecr.describe_registry()["registryId"] for _ in range(3)}
            ecr.describe_repositories()

            assert registries == {"123456789012"}
            assert server.connections_opened == 1
    finally:
        ecr_gaps.reset_replication_settings()
