"""`ecrrepl route` output for the sample estate, compared byte for byte with golden files.

Golden files live in tests/route/golden/. After an intended change to the output,
refresh them and review the diff before committing:

    ECRREPL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/route -q
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrrepl.commands.route import route
from harness import golden
from harness.golden import ANSI

GOLDEN = Path(__file__).parent / "golden"


def assert_golden(name: str, rendered: str) -> None:
    golden.assert_golden(GOLDEN, name, rendered)


@pytest.mark.parametrize(
    ("name", "repository", "output_format"),
    [
        ("route-prod-api.txt", "prod/api/v2", "text"),
        ("route-prod-api.json", "prod/api/v2", "json"),
        ("route-scratch.txt", "scratch", "text"),
    ],
)
def test_golden(
    sample_file: str,
    capsys: pytest.CaptureFixture[str],
    name: str,
    repository: str,
    output_format: str,
) -> None:
    assert route([sample_file], repository, None, output_format, False) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert_golden(name, out)


def test_colour_changes_nothing_but_the_escapes(
    sample_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert route([sample_file], "prod/api/v2", None, "text", True) == 0
    coloured = capsys.readouterr().out
    assert "\x1b[" in coloured
    assert ANSI.sub("", coloured) == (GOLDEN / "route-prod-api.txt").read_text(encoding="utf-8")
