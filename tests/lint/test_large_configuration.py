"""Every rule on a large configuration: the file of the benchmark is clean (its speed
is `make bench`'s job; this is that no rule reports on a valid file at scale)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrrepl.lint.registry import all_rules
from ecrrepl.validation import load_files


def _generated_config(registries: int, rules: int, filters: int) -> str:
    regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2"]
    lines = ["version: 1", "registries:"]
    for number in range(registries):
        region = regions[number % len(regions)]
        account = f"{100000000000 + number}"
        lines += [f'  - account: "{account}"', f"    region: {region}", "    rules:"]
        for rule_number in range(rules):
            prefixes = ", ".join(f"team{rule_number}-svc{f}/" for f in range(filters))
            target = regions[(number + 1 + rule_number % 2) % len(regions)]
            lines += [
                f"      - filters: [{prefixes}]",
                f"        destinations: [{{region: {target}}}]",
            ]
    return "\n".join(lines) + "\n"


@pytest.mark.slow
def test_rules_are_clean_on_a_large_configuration(tmp_path: Path) -> None:
    """The generated file of the benchmark is clean (its speed is `make bench`'s job)."""
    path = tmp_path / "large.yaml"
    path.write_text(_generated_config(200, 10, 20), encoding="utf-8")
    config = load_files([str(path)]).config
    assert len(config.registries) == 200

    checked = [registered for registered in all_rules() if registered.check is not None]
    findings = [finding for registered in checked for finding in registered.findings(config)]

    assert len(checked) > 30
    # A clean file is the slow path: every rule sweeps everything, none stops early.
    assert findings == []
