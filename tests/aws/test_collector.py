"""A command, and the reads of a run, start fewer passes of the cycle collector
(aws/collector.py), and leave its settings as they found them."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ecrrepl.aws import reader
from ecrrepl.aws.collector import READS_THRESHOLD0, fewer_collections
from ecrrepl.config.model import Config
from harness import configs


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)


def test_the_young_generation_waits_longer_inside_and_as_before_after(
    thresholds: tuple[int, int, int],
) -> None:
    gc.set_threshold(700, 10, 10)

    with fewer_collections():
        assert gc.get_threshold() == (READS_THRESHOLD0, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_settings_come_back_after_a_failure(thresholds: tuple[int, int, int]) -> None:
    gc.set_threshold(500, 5, 5)

    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a read failed")
    assert gc.get_threshold() == (500, 5, 5)


@pytest.mark.parametrize("threshold0", [0, READS_THRESHOLD0 * 2])
def test_a_collector_off_or_already_rarer_is_left_alone(
    thresholds: tuple[int, int, int], threshold0: int
) -> None:
    gc.set_threshold(threshold0, 10, 10)

    with fewer_collections():
        assert gc.get_threshold() == (threshold0, 10, 10)


def test_read_state_reads_with_fewer_collections(
    aws: None,
    thresholds: tuple[int, int, int],
    load_config: Callable[[str], Config],
    observed_sessions: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gc.set_threshold(700, 10, 10)
    config = load_config(
        configs.document(
            configs.registry(configs.rule("us-east-1")),
            accounts=[configs.account(configs.SOURCE_ACCOUNT)],
        )
    )
    seen: list[int] = []
    read_replication = reader.read_replication

    def observed(*args: Any) -> Any:
        seen.append(gc.get_threshold()[0])
        return read_replication(*args)

    monkeypatch.setattr(reader, "read_replication", observed)

    reader.read_state(config, observed_sessions(config))

    assert seen == [READS_THRESHOLD0]
    assert gc.get_threshold() == (700, 10, 10)


def test_every_command_of_the_click_path_runs_with_fewer_collections(
    thresholds: tuple[int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ecrrepl.commands.schema
    from ecrrepl.cli_click import run_click

    gc.set_threshold(700, 10, 10)
    seen: list[int] = []

    def observed() -> int:
        seen.append(gc.get_threshold()[0])
        return 0

    monkeypatch.setattr(ecrrepl.commands.schema, "schema", observed)

    assert run_click(["schema"]) == 0
    assert seen == [READS_THRESHOLD0]
    assert gc.get_threshold() == (700, 10, 10)
