"""A saved plan cannot lie: apply shows what it computes, not the file's words; it
refuses a plan whose configuration files changed since `diff --out`; and the plan file
is private and never written through a symlink or over another file unless asked."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import lab
from harness.live_steps import Live


def save_plan(run: Callable[..., Any], config_file: str, *extra: str) -> None:
    saved = run("diff", "--out", "plan.json", *extra, config_file)
    assert saved.exit_code == 0, saved.stderr


def test_apply_shows_the_plan_it_computes_not_the_words_in_the_file(
    aws: None, config_file: str, run: Callable[..., Any]
) -> None:
    save_plan(run, config_file)
    plan_file = Path("plan.json")
    plan = json.loads(plan_file.read_text())
    for section in plan["replication"] + plan["registry_policies"]:
        for change in section["changes"]:
            change["subject"] = "nothing to worry about"
            change["details"] = ["a harmless tidy-up"]
            change["effects"] = ["no image goes anywhere new"]
    plan["replication"][0]["rules"][1]["name"] = "dr (into our own account only)"
    plan_file.write_text(json.dumps(plan))

    outcome = run("apply", "plan.json", "--yes")

    assert outcome.exit_code == 0, outcome.stderr
    for planted in ("worry", "harmless", "no image goes", "our own account"):
        assert planted not in outcome.stdout
    # The words come from the writes: the statements and their grants, and rules by number.
    assert "+ rule #2" in outcome.stdout
    assert "destinations: us-east-2 (333333333333)" in outcome.stdout
    assert "+ statement Ecrrepl123456789012uswest2" in outcome.stdout
    assert outcome.stdout.endswith("Apply complete: 3 written.\n")


def test_a_plan_whose_configuration_changed_is_refused(
    aws: None, config_file: str, live: Live
) -> None:
    save_plan(live.run, config_file)
    Path(config_file).write_text(lab.REDUCED)
    before = live.live_state()

    outcome = live.run("apply", "plan.json", "--yes")

    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr == (
        "ecrrepl: error: ecrrepl.yaml changed since plan.json was saved (its sha256 differs "
        "from the one the plan records); nothing was written. Run `ecrrepl diff ecrrepl.yaml "
        "--out plan.json --overwrite` again and review it, or name the files the plan came "
        "from with --config\n"
    )
    assert live.live_state() == before
    assert live.backup_files() == []


def test_files_are_found_relative_to_the_plan(
    aws: None, workdir: Path, config_file: str, run: Callable[..., Any]
) -> None:
    (workdir / "out").mkdir()
    assert run("diff", "--out", "out/plan.json", config_file).exit_code == 0
    recorded = json.loads(Path("out/plan.json").read_text())["config_files"]
    assert [(f["name"], f["path"]) for f in recorded] == [("ecrrepl.yaml", "../ecrrepl.yaml")]
    Path(config_file).write_text(lab.REDUCED)

    outcome = run("apply", "out/plan.json", "--yes")

    assert outcome.exit_code == 1
    assert outcome.stderr.startswith("ecrrepl: error: ecrrepl.yaml changed since out/plan.json")


def test_config_names_the_files_a_plan_came_from(
    aws: None, workdir: Path, config_file: str, live: Live
) -> None:
    save_plan(live.run, config_file)
    (workdir / "checkout").mkdir()
    (workdir / "checkout" / "copy.yaml").write_text(lab.CONFIG)
    (workdir / "checkout" / "other.yaml").write_text(lab.REDUCED)
    Path(config_file).write_text(lab.REDUCED)  # the file next to the plan is not compared
    before = live.live_state()

    wrong = live.run("apply", "plan.json", "--yes", "--config", "checkout/other.yaml")
    assert (wrong.exit_code, wrong.stdout) == (1, "")
    assert wrong.stderr.startswith(
        "ecrrepl: error: checkout/other.yaml is not a configuration file plan.json was computed "
        "from (its sha256 is not one the plan records); nothing was written."
    )
    assert live.live_state() == before

    right = live.run("apply", "plan.json", "--yes", "--config", "checkout/copy.yaml")
    assert right.exit_code == 0, right.stderr


def test_config_goes_only_with_a_plan(aws: None, config_file: str, run: Callable[..., Any]) -> None:
    outcome = run("apply", "--yes", "--config", config_file, config_file)
    assert (outcome.exit_code, outcome.stderr) == (
        2,
        "ecrrepl: error: --config goes with a saved plan (apply PLAN.json --config FILE)\n",
    )


def test_a_configuration_not_next_to_the_plan_is_told_and_not_compared(
    aws: None, config_file: str, run: Callable[..., Any]
) -> None:
    save_plan(run, config_file)
    os.remove(config_file)

    outcome = run("apply", "plan.json", "--yes")

    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.startswith(
        "Note: ecrrepl.yaml is not at ecrrepl.yaml, next to the plan; not compared (name it "
        "with --config to compare it).\n"
        "Note: the configuration plan.json carries could not be checked against its files "
        "(not all of them are there).\n"
    )


# -- writing the plan file ---------------------------------------------------------------


def test_the_plan_file_is_private(aws: None, config_file: str, run: Callable[..., Any]) -> None:
    save_plan(run, config_file)
    assert stat.S_IMODE(os.stat("plan.json").st_mode) == 0o600


def test_out_does_not_overwrite_unless_asked(
    aws: None, config_file: str, run: Callable[..., Any]
) -> None:
    Path("plan.json").write_text("keep me")

    refused = run("diff", "--out", "plan.json", config_file)

    assert refused.exit_code == 1
    assert refused.stderr.endswith(
        "ecrrepl: error: plan.json already exists; nothing was saved. Pass --overwrite to "
        "replace it, or choose another name\n"
    )
    assert Path("plan.json").read_text() == "keep me"
    save_plan(run, config_file, "--overwrite")
    assert json.loads(Path("plan.json").read_text())["kind"] == "ecrrepl-plan"


def test_out_never_writes_through_a_symlink(
    aws: None, workdir: Path, config_file: str, run: Callable[..., Any]
) -> None:
    victim = workdir / "victim.txt"
    victim.write_text("keep me")
    Path("plan.json").symlink_to(victim)

    refused = run("diff", "--out", "plan.json", config_file)

    assert refused.exit_code == 1
    assert "plan.json already exists; nothing was saved" in refused.stderr
    assert victim.read_text() == "keep me"

    save_plan(run, config_file, "--overwrite")
    # The link itself was replaced by the plan; what it pointed to is untouched.
    assert not Path("plan.json").is_symlink()
    assert victim.read_text() == "keep me"
    assert stat.S_IMODE(os.stat("plan.json").st_mode) == 0o600


def test_out_to_a_dangling_symlink_is_refused(
    aws: None, workdir: Path, config_file: str, run: Callable[..., Any]
) -> None:
    Path("plan.json").symlink_to(workdir / "would-be-created.txt")

    assert run("diff", "--out", "plan.json", config_file).exit_code == 1
    assert not (workdir / "would-be-created.txt").exists()


def test_overwrite_refuses_what_is_not_a_regular_file_or_a_symlink(
    aws: None, workdir: Path, config_file: str, run: Callable[..., Any]
) -> None:
    fifo = workdir / "plan.json"
    os.mkfifo(fifo)
    folder = workdir / "folder.json"
    folder.mkdir()

    for target in (fifo, folder):
        refused = run("diff", "--out", target.name, "--overwrite", config_file)

        assert refused.exit_code == 2, refused.stderr
        assert refused.stderr.endswith(
            f"ecrrepl: error: {target.name} is not a regular file or a symlink; --overwrite "
            "replaces only those, nothing was saved\n"
        )
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert folder.is_dir()
