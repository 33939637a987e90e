"""A moto server with ECR's gaps closed, for `python -m harness.moto_server_main`.

Run with the tests folder on PYTHONPATH. It binds 127.0.0.1 only, on the port given
(0: any free port), prints one line `READY <endpoint URL>` on stdout once it listens,
and serves until it is terminated or its parent process ends.

The replication emulator's settings (harness/ecr_gaps/settings.py) start from the
environment variable ECR_EMULATOR_IN_PROGRESS_POLLS, and are read and changed at
`/ecr-emulator/settings`: GET answers `{"in_progress_polls": N}`, POST takes the same
JSON object and answers the settings now in force. moto's reset (`POST /moto-api/reset`)
also puts the starting settings back.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from types import FrameType
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from harness import ecr_gaps

READY = "READY"
PARENT_CHECK_SECONDS = 0.5
SETTINGS_PATH = "/ecr-emulator/settings"
RESET_PATH = "/moto-api/reset"

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Application = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _answer(start_response: StartResponse, status: str, body: object) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json")])
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)

    ecr_gaps.install()
    try:
        starting = ecr_gaps.settings_from_environment(os.environ)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    ecr_gaps.reset_replication_settings(starting)
    # What moto's ThreadedMotoServer runs, with the emulator's route in front.
    moto = DomainDispatcherApplication(create_backend_app)
    server = make_server(
        "127.0.0.1",
        args.port,
        with_emulator_routes(moto, starting),
        threaded=True,
        request_handler=MotoRequestHandler,
    )
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    host, port = server.server_address[:2]

    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    parent = os.getppid()
    print(f"{READY} http://{host!s}:{port}", flush=True)
    # A parent killed outright cannot stop the server: it then stops itself.
    while not stopping.wait(PARENT_CHECK_SECONDS):
        if os.getppid() != parent:
            break
    server.shutdown()
    serving.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
