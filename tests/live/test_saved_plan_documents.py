"""A saved plan is the JSON plan plus what apply needs: a policy checked against either
sees the same documents, and apply writes only when the file's documents are the ones it
computes. A saved plan and configuration files together are a usage error."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.live_steps import Live


@pytest.fixture
def saved(aws: None, config_file: str, run: Callable[..., Any], workdir: Path) -> Path:
    assert run("diff", "--out", "plan.json", config_file).exit_code == 0
    return workdir / "plan.json"


def test_the_plan_file_holds_what_diff_format_json_prints(
    saved: Path, config_file: str, run: Callable[..., Any]
) -> None:
    printed = json.loads(run("diff", "--format", "json", config_file).stdout)
    in_file = json.loads(saved.read_text(encoding="utf-8"))

    assert {key: in_file[key] for key in printed} == printed
    assert in_file["kind"] == "ecrrepl-plan"
    assert [c["address"] for c in printed["changes"]] == [
        "replication/123456789012/us-west-2",
        "registry-policy/222222222222/eu-west-1/Ecrrepl123456789012uswest2",
        "registry-policy/333333333333/us-east-2/Ecrrepl123456789012uswest2",
    ]


def edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")


def _hide_a_destination(document: dict[str, Any]) -> None:
    document["changes"][0]["after"]["rules"][0]["destinations"].pop()


def _drop_a_document(document: dict[str, Any]) -> None:
    del document["changes"][1]


def _rename_an_action(document: dict[str, Any]) -> None:
    document["changes"][0]["action"] = "update"


@pytest.mark.parametrize("tamper", [_hide_a_destination, _drop_a_document, _rename_an_action])
def test_a_plan_whose_documents_were_edited_is_refused(
    saved: Path, live: Live, tamper: Callable[[dict[str, Any]], None]
) -> None:
    edit(saved, tamper)
    before = live.live_state()

    outcome = live.run("apply", "--yes", "plan.json")

    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr == (
        "ecrrepl: error: the documents listed under `changes` in plan.json are not those "
        "ecrrepl computes from its configuration and the live state (was it edited?); "
        "nothing was written. Run `ecrrepl diff --out plan.json --overwrite` again.\n"
    )
    assert live.live_state() == before


def test_words_beside_the_documents_are_not_compared(saved: Path, run: Callable[..., Any]) -> None:
    # Words are never trusted from a file, so never needed to match: apply shows its own.
    edit(saved, lambda document: document["changes"][0].update(effects=["all is well"]))

    outcome = run("apply", "--yes", "plan.json")

    assert outcome.exit_code == 0, outcome.stderr
    assert "all is well" not in outcome.stdout


@pytest.mark.parametrize(
    "arguments",
    [["plan.json", "ecrrepl.yaml"], ["ecrrepl.yaml", "plan.json"], ["a.json", "b.json"]],
)
def test_a_saved_plan_with_configuration_files_is_a_usage_error(
    saved: Path, run: Callable[..., Any], arguments: list[str]
) -> None:
    outcome = run("apply", "--yes", *arguments)

    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == (
        "ecrrepl: error: apply takes one saved plan (PLAN.json) or configuration files, not "
        "both; name the plan's files with --config to check them against it\n"
    )
