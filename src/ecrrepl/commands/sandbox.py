"""`ecrrepl sandbox`: the ECR emulator on 127.0.0.1, for trying a configuration first.

It serves the emulator (ecrrepl.sandbox), makes every account of the configuration
reachable as the file says (ecrrepl.sandbox.access), prints the shell lines that point
ecrrepl at it, and serves until Ctrl-C or SIGTERM (exit 0). Everything in the emulator
lives in memory and is gone when it stops; the files it writes (an AWS config file, an
empty credentials file, an example image manifest) are in a temporary folder, removed
on the way out.
"""

from __future__ import annotations

import logging
import os
import shlex
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from ecrrepl.commands.route import refuse_for_errors
from ecrrepl.errors import EXIT_OK, UsageError, UserError
from ecrrepl.sandbox import require_emulator
from ecrrepl.sandbox.access import (
    SandboxAccess,
    account_profile,
    aws_config_text,
    describe_accounts,
    export_lines,
    sandbox_access,
)
from ecrrepl.validation import config_paths, validate_files

if TYPE_CHECKING:
    from ecrrepl.config.model import Config

MAX_PORT = 65535


def sandbox(files: Sequence[str], *, port: int, color: bool, verbose: bool = False) -> int:
    """Serve the emulator for the configuration until stopped; 0 when stopped by the user.
    With `verbose`, every request is logged to stderr."""
    if not 0 <= port <= MAX_PORT:
        raise UsageError(f"--port {port} is not a port: give 1-{MAX_PORT}, or 0 for any free one")
    require_emulator()
    paths = config_paths(files)
    result = validate_files(paths)
    if result.errors:
        return refuse_for_errors(result, "sandbox", file_count=len(paths), color=color)
    access = sandbox_access(result.config)

    from ecrrepl.sandbox.ecr_gaps import settings_from_environment

    try:
        starting = settings_from_environment(os.environ)
    except ValueError as error:
        raise UsageError(str(error)) from None
    from ecrrepl.sandbox.server import HOST, base_account_keys, emulator_server, serving

    try:
        server = emulator_server(port, starting)
    except OSError as error:
        reason = os.strerror(error.errno) if error.errno else str(error)
        raise UserError(f"cannot serve on {HOST}:{port}: {reason}; choose another --port") from None
    # werkzeug logs each request at INFO: a line per AWS call would bury the session.
    logging.getLogger("werkzeug").setLevel(logging.INFO if verbose else logging.WARNING)
    stop = _stop_on_signals()
    with (
        tempfile.TemporaryDirectory(prefix="ecrrepl-sandbox-") as folder,
        serving(server) as endpoint,
    ):
        key_id, secret = base_account_keys(endpoint, access.base_account)
        files_made = _write_files(Path(folder), result.config, access)
        _print_session(result.config, access, endpoint, key_id, secret, files_made, paths)
        stop.wait()
    print("Sandbox stopped; everything in it is gone.", file=sys.stderr, flush=True)
    return EXIT_OK


def _stop_on_signals() -> threading.Event:
    """An event set by Ctrl-C (SIGINT) or SIGTERM, so that both end the serving calmly."""
    stop = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)
    return stop


class _SandboxFiles:
    def __init__(self, folder: Path) -> None:
        self.config = folder / "config"
        self.credentials = folder / "credentials"
        self.manifest = folder / "manifest.json"


def _write_files(folder: Path, config: Config, access: SandboxAccess) -> _SandboxFiles:
    from ecrrepl.sandbox.images import image_manifest

    made = _SandboxFiles(folder)
    made.config.write_text(aws_config_text(config, access), encoding="utf-8")
    made.credentials.write_text("", encoding="utf-8")
    made.manifest.write_text(image_manifest("sandbox"), encoding="utf-8")
    return made


def _example_push(config: Config, access: SandboxAccess, manifest: Path) -> list[str]:
    """AWS CLI lines that push an image where the first rule replicates it."""
    for registry in config.registries:
        for rule in registry.rules:
            prefix = (rule.prefixes or ("",))[0]
            repository = shlex.quote(f"{prefix}example")
            where = f"--region {registry.region}"
            if registry.account != access.base_account:
                where += f" --profile {account_profile(registry.account)}"
            return [
                f"aws ecr create-repository --repository-name {repository} {where}",
                f"aws ecr put-image --repository-name {repository} --image-tag v1"
                f" --image-manifest file://{shlex.quote(str(manifest))} {where}",
            ]
    return []


def _print_session(
    config: Config,
    access: SandboxAccess,
    endpoint: str,
    key_id: str,
    secret: str,
    made: _SandboxFiles,
    paths: Sequence[str],
) -> None:
    exports = export_lines(
        endpoint=endpoint,
        key_id=key_id,
        secret=secret,
        region=access.region,
        config_file=str(made.config),
        credentials_file=str(made.credentials),
    )
    named = " ".join(shlex.quote(path) for path in paths)
    lines = [
        f"ECR emulator listening on {endpoint}; Ctrl-C stops it (its state is lost).",
        "Accounts of the configuration:",
        *describe_accounts(config, access),
        "",
        "Paste into another shell:",
        *exports,
        "",
        "Then try:",
        f"ecrrepl diff {named}",
        f"ecrrepl apply {named} --yes",
        *_example_push(config, access, made.manifest),
        "",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
