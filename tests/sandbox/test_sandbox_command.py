"""`ecrrepl sandbox` refusing before it serves: no emulator installed, a bad port."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from harness.cli import invoke

from .test_sandbox_access import THREE_WAYS


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "ecrrepl.yaml"
    path.write_text(THREE_WAYS, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("module", ["moto", "flask"])
def test_without_the_extra_one_line_names_it(
    config: str, module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A module set to None in sys.modules cannot be imported, as if not installed.
    monkeypatch.setitem(sys.modules, module, None)
    outcome = invoke("sandbox", config, "--port", "0")
    assert outcome.exit_code == 1
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert "pip install 'ecrrepl[sandbox]'" in lines[0]
    assert f"{module} missing" in lines[0]
    assert "Traceback" not in outcome.stderr


@pytest.mark.parametrize("port", ["65536", "-1"])
def test_a_port_out_of_range_is_a_usage_error(config: str, port: str) -> None:
    outcome = invoke("sandbox", config, "--port", port)
    assert outcome.exit_code == 2
    assert "is not a port" in outcome.stderr
