"""The GitHub Action at the repository root (action.yml): its shell steps, run as a
runner would run them, against the moto server.

GitHub runs a composite action's `run` steps with `bash --noprofile --norc -eo pipefail`,
gives them the inputs through each step's `env`, and reads GITHUB_STEP_SUMMARY and
GITHUB_OUTPUT afterwards. This test does the same for every step that has a `run`
(Python is set up already, and ecrrepl is installed here), so that what the Action
runs is what the tests ran.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.lab import CONFIG, EU

pytestmark = pytest.mark.e2e

ACTION = Path(__file__).resolve().parents[2] / "action.yml"
EXPRESSION = re.compile(r"\$\{\{\s*inputs\.([a-z-]+)\s*\}\}")
CONDITION = re.compile(r"inputs\.([a-z-]+) == '([a-z]+)'")

# A warning (W115: ap-east-1 needs opt-in) and nothing AWS would refuse.
WITH_WARNING = CONFIG.replace("region: us-east-1\n", "region: ap-east-1\n", 1)


def action() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return loaded


@dataclass
class Run:
    """What the steps did: the exit code of the last step run, and what they left."""

    exit_code: int
    steps_run: list[str]
    stdout: str
    summary: str
    outputs: dict[str, str]


def run_action(lab: Any, tmp_path: Path, **given: str) -> Run:
    definition = action()
    inputs = {name: str(spec.get("default", "")) for name, spec in definition["inputs"].items()}
    assert set(given) <= set(inputs), "an input the action does not declare"
    inputs.update(given)
    summary, outputs = tmp_path / "summary.md", tmp_path / "output.txt"
    summary.touch()
    outputs.touch()
    runner = {
        **lab.env,
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "GITHUB_ACTION_PATH": str(ACTION.parent),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "RUNNER_TEMP": str(tmp_path),
    }
    code, steps_run, printed = 0, [], []
    for step in definition["runs"]["steps"]:
        if "run" not in step or step.get("id") == "install":
            continue
        condition = step.get("if")
        if condition is not None:
            name, value = CONDITION.fullmatch(condition).groups()  # type: ignore[union-attr]
            if inputs[name] != value:
                continue
        env = {
            key: EXPRESSION.sub(lambda m: inputs[m.group(1)], str(value))
            for key, value in step.get("env", {}).items()
        }
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            env={**runner, **env},
            cwd=lab.workdir,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        steps_run.append(step["id"])
        printed.append(completed.stdout)
        code = completed.returncode
        if code != 0:
            break
    pairs = [line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line]
    return Run(code, steps_run, "".join(printed), summary.read_text(), dict(pairs))


def test_the_action_is_composite_and_never_interpolates_into_a_script() -> None:
    definition = action()
    assert definition["runs"]["using"] == "composite"
    steps = definition["runs"]["steps"]
    for step in steps:
        if "run" in step:
            assert "${{" not in step["run"], f"step {step['id']} interpolates into its script"
            assert step["shell"] == "bash"
        for value in step.get("env", {}).values():
            assert EXPRESSION.fullmatch(value), "an env value that is not one input"
        if "if" in step:
            assert CONDITION.fullmatch(step["if"]), "a condition this test cannot evaluate"
    (install,) = [step for step in steps if step.get("id") == "install"]
    assert install["run"] == 'python -m pip install --quiet "$GITHUB_ACTION_PATH"'
    assert set(definition["inputs"]) == {
        "config",
        "strict",
        "diff",
        "fail-on-changes",
        "python-version",
    }


def test_validate_annotates_and_diff_is_off_by_default(lab: Any, tmp_path: Path) -> None:
    lab.write("ecrrepl.yaml", WITH_WARNING)

    run = run_action(lab, tmp_path)

    assert (run.exit_code, run.steps_run) == (0, ["validate"])
    assert re.search(
        r"^::warning file=ecrrepl\.yaml,line=\d+,col=\d+,title=W115::", run.stdout, re.M
    )
    assert run.summary == "" and run.outputs == {}


def test_by_default_the_action_reads_the_ecrrepl_folder(lab: Any, tmp_path: Path) -> None:
    accounts, registries = WITH_WARNING.split("registries:\n")
    (lab.workdir / "ecrrepl").mkdir()
    lab.write("ecrrepl/a.yaml", accounts)
    lab.write("ecrrepl/b.yaml", "version: 1\nregistries:\n" + registries)

    run = run_action(lab, tmp_path)

    assert (run.exit_code, run.steps_run) == (0, ["validate"])
    assert re.search(
        r"^::warning file=ecrrepl/b\.yaml,line=\d+,col=\d+,title=W115::", run.stdout, re.M
    )


def test_strict_fails_on_the_warning_and_stops(lab: Any, tmp_path: Path) -> None:
    lab.write("ecrrepl.yaml", WITH_WARNING)

    run = run_action(lab, tmp_path, strict="true", diff="true")

    assert (run.exit_code, run.steps_run) == (1, ["validate"])


def test_diff_posts_the_plan_and_says_changes_are_pending(lab: Any, tmp_path: Path) -> None:
    lab.write("ecrrepl.yaml", CONFIG)

    run = run_action(lab, tmp_path, diff="true")

    assert (run.exit_code, run.steps_run) == (0, ["validate", "diff"])
    assert run.summary.startswith("### ecrrepl plan\n")
    assert "to add" in run.summary
    assert run.outputs == {"changes": "true", "plan": str(tmp_path / "ecrrepl-plan.md")}
    # diff only reads.
    assert lab.replication(("123456789012", "us-west-2")) in (None, {"rules": []})
    assert lab.policy_text(EU) is None


def test_fail_on_changes_fails_with_an_annotation(lab: Any, tmp_path: Path) -> None:
    lab.write("ecrrepl.yaml", CONFIG)

    run = run_action(lab, tmp_path, diff="true", **{"fail-on-changes": "true"})

    assert (run.exit_code, run.steps_run) == (3, ["validate", "diff"])
    assert "::error title=ecrrepl::changes are pending" in run.stdout
    assert run.outputs["changes"] == "true"


def test_no_changes_after_apply_and_files_given_as_a_glob(lab: Any, tmp_path: Path) -> None:
    (lab.workdir / "configs").mkdir()
    lab.write("configs/ecrrepl.yaml", CONFIG)
    assert lab.run("apply", "--yes", "configs/ecrrepl.yaml").exit_code == 0

    run = run_action(
        lab, tmp_path, config="configs/*.yaml", diff="true", **{"fail-on-changes": "true"}
    )

    assert (run.exit_code, run.steps_run) == (0, ["validate", "diff"])
    assert run.outputs["changes"] == "false"
    assert "No changes" in run.summary
