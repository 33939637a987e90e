"""A moto server with ECR's gaps closed, for `python -m harness.moto_server_main`.

Run with the tests folder on PYTHONPATH. It binds 127.0.0.1 only, on the port given
(0: any free port), prints one line `READY <endpoint URL>` on stdout once it listens,
and serves until it is terminated or its parent process ends.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from types import FrameType

from moto.server import ThreadedMotoServer

from harness import ecr_gaps

READY = "READY"
PARENT_CHECK_SECONDS = 0.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)

    ecr_gaps.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    host, port = server.get_host_and_port()

    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    parent = os.getppid()
    print(f"{READY} http://{host}:{port}", flush=True)
    # A parent killed outright cannot stop the server: it then stops itself.
    while not stopping.wait(PARENT_CHECK_SECONDS):
        if os.getppid() != parent:
            break
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
