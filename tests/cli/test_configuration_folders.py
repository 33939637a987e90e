"""Commands that take [FILE]... read folders and the default ecrrepl/ folder alike, and
a pre-commit run (no file names) lints the whole configuration."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from harness.cli import Outcome

RunCli = Callable[..., Outcome]

ACCOUNTS = """\
version: 1
accounts:
  "222222222222":
    role_arn: arn:aws:iam::222222222222:role/ecrrepl
"""
REGISTRIES = """\
version: 1
x-prod: &prod
  filters: [prod/]
registries:
  - account: "111111111111"
    region: us-west-2
    rules:
      - <<: *prod
        destinations: [{account: "222222222222", region: eu-west-1}]
"""


def split_configuration(folder: Path) -> None:
    folder.mkdir()
    (folder / "accounts.yaml").write_text(ACCOUNTS)
    (folder / "registries.yaml").write_text(REGISTRIES)


def test_validate_reads_the_default_folder(run_cli: RunCli, workdir: Path) -> None:
    # What the pre-commit hook runs: no file names, whatever the commit changed.
    split_configuration(workdir / "ecrrepl")
    outcome = run_cli("validate")
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        0,
        "ok: no findings in 2 files\n",
        "",
    )


def test_a_finding_in_a_folder_names_its_file(run_cli: RunCli, workdir: Path) -> None:
    split_configuration(workdir / "conf")
    registries = workdir / "conf" / "registries.yaml"
    registries.write_text(REGISTRIES.replace("eu-west-1", "eu-wset-1"))
    outcome = run_cli("validate", "--format", "json", "conf")
    assert outcome.exit_code == 1
    report = json.loads(outcome.stdout)
    assert [(f["rule"], f["file"], f["line"]) for f in report["findings"]] == [
        ("E105", "conf/registries.yaml", 9)
    ]
    assert report["summary"]["files"] == 2


def test_route_reads_a_folder(run_cli: RunCli, workdir: Path) -> None:
    split_configuration(workdir / "conf")
    outcome = run_cli("route", "conf", "prod/api", "--format", "json")
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert "222222222222" in outcome.stdout


def test_graph_reads_the_default_folder(run_cli: RunCli, workdir: Path) -> None:
    split_configuration(workdir / "ecrrepl")
    outcome = run_cli("graph")
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert "account 222222222222" in outcome.stdout


def test_a_folder_with_no_configuration_is_a_usage_error(run_cli: RunCli, workdir: Path) -> None:
    (workdir / "conf").mkdir()
    (workdir / "conf" / "README.md").write_text("x")
    outcome = run_cli("iam", "conf")
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (
        2,
        "",
        "ecrrepl: error: conf: the folder has no *.yaml or *.yml file\n",
    )
