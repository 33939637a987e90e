"""A configuration kept in a folder goes through diff, a saved plan and apply: the plan
records each file of the folder, and `apply PLAN.json --config FOLDER` compares them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness import lab

ACCOUNTS, REGISTRIES = lab.CONFIG.split("registries:\n")


def split_into(folder: Path) -> None:
    folder.mkdir()
    (folder / "accounts.yaml").write_text(ACCOUNTS)
    (folder / "registries.yaml").write_text("version: 1\nregistries:\n" + REGISTRIES)


def test_a_folder_is_diffed_saved_and_applied(
    aws: None, workdir: Path, run: Callable[..., Any]
) -> None:
    split_into(workdir / "conf")
    saved = run("diff", "--out", "plan.json", "conf")
    assert saved.exit_code == 0, saved.stderr
    recorded = [source["path"] for source in json.loads(Path("plan.json").read_text())[
        "config_files"]]  # fmt: skip
    assert recorded == ["conf/accounts.yaml", "conf/registries.yaml"]

    (workdir / "checkout").mkdir()
    split_into(workdir / "checkout" / "conf")
    (workdir / "conf" / "registries.yaml").write_text(lab.REDUCED)  # not compared now
    applied = run("apply", "plan.json", "--yes", "--config", "checkout/conf")
    assert applied.exit_code == 0, applied.stderr
    assert run("diff", "--exit-code", "checkout/conf").exit_code == 0
