"""`make test-fast` leaves out the tests that use the ECR emulator, whatever their folder:
tests/conftest.py marks them `emulator` from the fixtures they use, directly or through
another fixture, so that a new test file cannot forget the marker.

The files that reach the emulator in each way, and one that does not, are collected by
a fresh pytest (collection only) with `-m emulator`; the test functions each file
defines are read from its source.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Each reaches the emulator through another fixture than `aws` or `server` by name.
THROUGH_FIXTURES = {
    "tests/live/test_write_faults.py": "`live` and `aws` overridden in tests/live",
    "tests/e2e/test_apply_cycle.py": "`lab`, on `endpoint`, on the session's `server`",
    "tests/emulator/test_through_moto_server.py": "`endpoint` on a module's own `server`",
    "tests/contract/test_contract_semantics.py": "`target`, which asks for `aws` at run time",
}
PINS = "tests/aws/test_moto_gaps.py"
PURE = "tests/route/test_route_command.py"


def marked() -> set[str]:
    """The test functions, as `path::name`, that pytest selects with `-m emulator`."""
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist"]
    done = subprocess.run(
        [*command, "-m", "emulator", *THROUGH_FIXTURES, PINS, PURE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # A parametrized test is one function: `path::name[case]` counts as `path::name`.
    return {line.split("[")[0] for line in done.stdout.splitlines() if "::" in line}


def defined(path: str) -> set[str]:
    """The test functions the file defines, as `path::name`."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return {
        f"{path}::{node.name}"
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }


# A fresh pytest collection in a subprocess (some 5 s): make test runs it.
@pytest.mark.slow
def test_tests_that_use_the_emulator_are_marked_and_no_others() -> None:
    selected = marked()
    for path, way in THROUGH_FIXTURES.items():
        assert defined(path), path
        assert {node for node in selected if node.startswith(f"{path}::")} == defined(path), way
    assert defined(PURE) and not defined(PURE) & selected
    # Stock moto in a fresh interpreter (`stock_moto_probe`) and the patched one (`aws`).
    assert f"{PINS}::test_gap_a_stock_moto_refuses_a_second_replication_rule" in selected
    assert f"{PINS}::test_more_than_25_rules_are_refused" in selected
    # Checking that the patches install twice over needs no emulator running.
    assert f"{PINS}::test_install_is_idempotent" in defined(PINS) - selected
