"""The ECR emulator, for trying a configuration before touching AWS (`ecrrepl sandbox`).

moto's AWS emulator with ECR's gaps closed (ecr_gaps: replication on push, creation
templates, registry policies, status, backfill), served over HTTP on 127.0.0.1
(server.py), started in a subprocess by tests, the demo and the benchmarks
(launcher.py). moto is not a dependency of ecrrepl itself: it comes with the `sandbox`
extra, and nothing outside this package imports it. This module imports nothing heavy,
so that the launcher and the missing-extra check cost no start-up.
"""

from __future__ import annotations

import importlib.util

from ecrrepl.errors import UserError

EXTRA = "ecrrepl[sandbox]"
# What the emulator's server imports: moto, and the web stack of moto's server extra.
EMULATOR_MODULES = ("moto", "werkzeug", "flask", "flask_cors")


class EmulatorMissing(UserError):
    """The `sandbox` extra is not installed."""


def require_emulator() -> None:
    """Refuse, in one line naming the extra, when the emulator's modules are missing."""
    missing = [name for name in EMULATOR_MODULES if not _importable(name)]
    if missing:
        raise EmulatorMissing(
            f"the sandbox needs the emulator, which is not installed ({', '.join(missing)}"
            f" missing): pip install '{EXTRA}'"
        )


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        # find_spec raises ValueError for a module set to None in sys.modules.
        return False
