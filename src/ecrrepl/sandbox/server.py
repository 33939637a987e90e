"""The ECR emulator as an HTTP server: moto's server with ECR's gaps closed (ecr_gaps).

`emulator_server(port)` binds 127.0.0.1 only, keeps each connection open between
requests as AWS does (sandbox/keep_alive.py), and `serving(server)` serves in threads of
this process until its block ends; `ecrrepl sandbox` and `python -m
ecrrepl.sandbox.server` both use them. The
second form is what the tests and `make demo` start in a subprocess: it prints one line
`READY <endpoint URL>` on stdout once it listens, and serves until it is terminated or
its parent process ends.

The replication emulator's settings (ecr_gaps/settings.py) start from the environment
variable ECR_EMULATOR_IN_PROGRESS_POLLS, and are read and changed at
`/ecr-emulator/settings`: GET answers `{"in_progress_polls": N}`, POST takes the same
JSON object and answers the settings now in force. moto's reset (`POST /moto-api/reset`)
also puts the starting settings back.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from ecrrepl.sandbox import ecr_gaps
from ecrrepl.sandbox.keep_alive import EmulatorServer, KeepAliveHandler

READY = "READY"
HOST = "127.0.0.1"
PARENT_CHECK_SECONDS = 0.5
SETTINGS_PATH = "/ecr-emulator/settings"
RESET_PATH = "/moto-api/reset"

# The emulator's IAM user that owns the base credentials; any keys of the base account do.
BASE_USER = "ecrrepl-sandbox"
# Keys the emulator does not know act in its default account: enough to assume a role.
SETUP_KEY = "sandbox"

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Application = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _answer(start_response: StartResponse, status: str, body: object) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


def _change_settings(environ: dict[str, Any]) -> ecr_gaps.ReplicationSettings:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    asked = json.loads(environ["wsgi.input"].read(length) or b"{}")
    if not isinstance(asked, dict) or set(asked) - {"in_progress_polls"}:
        raise ValueError('expected a JSON object like {"in_progress_polls": 2}')
    return ecr_gaps.replication_settings(in_progress_polls=asked.get("in_progress_polls"))


def with_emulator_routes(moto: Application, starting: ecr_gaps.ReplicationSettings) -> Application:
    """moto's application, with the emulator's settings route in front of it."""

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == SETTINGS_PATH:
            try:
                current = (
                    _change_settings(environ)
                    if method == "POST"
                    else ecr_gaps.replication_settings()
                )
            except ValueError as error:
                return _answer(start_response, "400 Bad Request", {"message": str(error)})
            return _answer(
                start_response, "200 OK", {"in_progress_polls": current.in_progress_polls}
            )
        if path == RESET_PATH and method == "POST":
            ecr_gaps.reset_replication_settings(starting)
        return moto(environ, start_response)

    return application


def emulator_server(
    port: int, starting: ecr_gaps.ReplicationSettings, *, keep_alive: bool = True
) -> EmulatorServer:
    """The emulator bound to 127.0.0.1:`port` (0: any free port), not serving yet; a port
    already in use raises OSError. It keeps connections open between requests, as AWS
    does (sandbox/keep_alive.py); `keep_alive=False` closes each after one answer."""
    # Bound here, not by werkzeug, which prints its own advice and exits on a port in use.
    with socket.create_server((HOST, port)) as listening:
        ecr_gaps.install()
        ecr_gaps.reset_replication_settings(starting)
        # What moto's ThreadedMotoServer runs, with the emulator's route in front.
        moto = DomainDispatcherApplication(create_backend_app)
        # werkzeug serves a duplicate of the descriptor, so this one can close.
        server = EmulatorServer(
            HOST,
            listening.getsockname()[1],
            with_emulator_routes(moto, starting),
            KeepAliveHandler,
            fd=listening.fileno(),
        )
        server.keep_alive = keep_alive
        return server


@contextmanager
def serving(server: EmulatorServer) -> Iterator[str]:
    """Serve in a thread of this process until the block ends; yields the endpoint URL.
    Connections still open then are closed: nothing is answered after the block."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        thread.join()
        server.close_connections()


def base_account_keys(endpoint: str, account: str) -> tuple[str, str]:
    """Access keys of an IAM user in `account`: the emulator maps them to it, as AWS does."""
    import boto3

    sts = boto3.client(
        "sts",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id=SETUP_KEY,
        aws_secret_access_key=SETUP_KEY,
    )
    assumed = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{BASE_USER}-setup", RoleSessionName="setup"
    )["Credentials"]
    iam = boto3.client(
        "iam",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id=assumed["AccessKeyId"],
        aws_secret_access_key=assumed["SecretAccessKey"],
        aws_session_token=assumed["SessionToken"],
    )
    iam.create_user(UserName=BASE_USER)
    key = iam.create_access_key(UserName=BASE_USER)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    # For benchmarks that compare with werkzeug's own server, which closes every connection.
    parser.add_argument("--close-connections", action="store_true")
    args = parser.parse_args(argv)
    try:
        starting = ecr_gaps.settings_from_environment(os.environ)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2

    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    parent = os.getppid()
    server = emulator_server(args.port, starting, keep_alive=not args.close_connections)
    with serving(server) as endpoint:
        print(f"{READY} {endpoint}", flush=True)
        # A parent killed outright cannot stop the server: it then stops itself.
        while not stopping.wait(PARENT_CHECK_SECONDS):
            if os.getppid() != parent:
                break
    return 0


if __name__ == "__main__":
    sys.exit(main())
