"""Hostile input files: devices, FIFOs, symlinks to them, files over the cap, `file:`
references that leave the configuration's folder, and documents nested thousands deep.
Each is refused at once in one sentence, never read to its end, never a RecursionError."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ecrrepl.config.loader import MAX_DEPTH, MAX_FILE_BYTES, parse_document
from ecrrepl.errors import UsageError, UserError
from ecrrepl.input_files import MAX_JSON_DEPTH, RefusedFile, read_regular_file
from ecrrepl.jsondepth import nested_deeper_than
from ecrrepl.plan.files import plan_from_text
from ecrrepl.validation import load_files, read_input_text, validate_files
from harness import configs

POLICY = {"Version": "2012-10-17", "Statement": []}


def finishes(action: Callable[[], Any], seconds: float = 10) -> Any:
    """Run `action` in a thread; fail (instead of hanging the suite) if it blocks."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = action()
        except Exception as error:
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the read blocked"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


# -- the reader -----------------------------------------------------------------------------


def test_dev_zero_is_refused_without_reading_it() -> None:
    with pytest.raises(RefusedFile, match=r"^is not a regular file \(it is a device\)$"):
        read_regular_file("/dev/zero", 1024)


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    path = fifo(tmp_path / "pipe.yaml")
    with pytest.raises(RefusedFile, match=r"it is a FIFO"):
        finishes(lambda: read_regular_file(str(path), 1024))


def test_a_symlink_to_dev_zero_is_refused(tmp_path: Path) -> None:
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    with pytest.raises(RefusedFile, match="device"):
        read_regular_file(str(tmp_path / "zero.yaml"), 1024)


def test_a_symlink_to_a_regular_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_bytes(b"version: 1\n")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "real.yaml")
    assert read_regular_file(str(tmp_path / "link.yaml"), 1024) == b"version: 1\n"


def test_the_cap_is_checked_before_reading_and_exactly(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"x" * 10)
    assert read_regular_file(str(path), 10) == b"x" * 10
    with pytest.raises(RefusedFile, match="is 10 bytes; the limit is 9 bytes") as raised:
        read_regular_file(str(path), 9)
    assert raised.value.too_large


def test_a_file_without_a_size_is_cut_off_at_the_cap() -> None:
    # /proc files say they are 0 bytes long: only the bounded read can stop them.
    cpuinfo = "/proc/self/status"
    if not os.path.exists(cpuinfo):
        pytest.skip("no /proc here")
    with pytest.raises(RefusedFile, match="over the limit of 16 bytes"):
        read_regular_file(cpuinfo, 16)


# -- configurations -------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_a_configuration_that_is_not_a_regular_file_is_a_usage_error(
    tmp_path: Path, target: str
) -> None:
    config = tmp_path / "ecrrepl.yaml"
    if target == "fifo":
        fifo(config)
        kind = "a FIFO"
    else:
        config.symlink_to(target)
        kind = "a device"
    with pytest.raises(UsageError) as raised:
        finishes(lambda: load_files([str(config)]))
    assert raised.value.message == f"{config}: is not a regular file (it is {kind})"


def test_a_configuration_over_the_cap_is_e006_without_being_read(tmp_path: Path) -> None:
    config = tmp_path / "ecrrepl.yaml"
    with config.open("wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing to read but its size
    result = load_files([str(config)])
    assert [(f.rule, f.message) for f in result.findings] == [
        ("E006", f"file is {MAX_FILE_BYTES + 1:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes")
    ]


def test_plan_and_backup_files_go_through_the_same_reader(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"^/dev/zero: is not a regular file \(it is a device\)$"):
        read_input_text("/dev/zero")
    pipe = fifo(tmp_path / "plan.json")
    with pytest.raises(UsageError, match="it is a FIFO"):
        finishes(lambda: read_input_text(str(pipe)))


# -- file: references -----------------------------------------------------------------------


def e303(tmp_path: Path, reference: str) -> list[str]:
    config = tmp_path / "configs" / "ecrrepl.yaml"
    config.parent.mkdir(exist_ok=True)
    config.write_text(configs.template_field("repository_policy", reference))
    result = finishes(lambda: validate_files([str(config)]))
    return [f.message for f in result.findings if f.rule == "E303"]


def test_a_reference_is_relative_to_the_configuration_folder(tmp_path: Path) -> None:
    (tmp_path / "configs" / "policies").mkdir(parents=True)
    (tmp_path / "configs" / "policies" / "p.json").write_text(json.dumps(POLICY))
    assert e303(tmp_path, "file:policies/p.json") == []
    assert e303(tmp_path, "file:policies/../policies/p.json") == []


@pytest.mark.parametrize(
    ("reference", "problem"),
    [
        ("file:../outside.json", "leaves the configuration's folder"),
        ("file:policies/../../outside.json", "leaves the configuration's folder"),
        ("file:/etc/passwd", "is an absolute path"),
        ("file:escape.json", "leaves the configuration's folder"),
        ("file:zero.json", "leaves the configuration's folder"),
    ],
)
def test_a_reference_that_leaves_the_folder_is_refused(
    tmp_path: Path, reference: str, problem: str
) -> None:
    (tmp_path / "outside.json").write_text(json.dumps(POLICY))
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "escape.json").symlink_to(tmp_path / "outside.json")
    (tmp_path / "configs" / "zero.json").symlink_to("/dev/zero")
    (message,) = e303(tmp_path, reference)
    assert message.startswith("repository_policy: ")
    assert problem in message


def test_a_reference_to_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    (tmp_path / "configs").mkdir()
    fifo(tmp_path / "configs" / "p.json")
    (message,) = e303(tmp_path, "file:p.json")
    assert message.endswith("p.json: it is not a regular file (it is a FIFO)")


def test_a_reference_over_its_cap_is_refused(tmp_path: Path) -> None:
    (tmp_path / "configs").mkdir()
    with (tmp_path / "configs" / "p.json").open("wb") as stream:
        stream.truncate(2 * 1024 * 1024)
    (message,) = e303(tmp_path, "file:p.json")
    assert "the limit is 1,048,576 bytes" in message


def test_a_5000_deep_referenced_json_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "p.json").write_text('{"a": ' + "[" * 5000 + "]" * 5000 + "}")
    (message,) = e303(tmp_path, "file:p.json")
    assert message.endswith(f"nests arrays and objects more than {MAX_JSON_DEPTH} levels deep")


# -- depth ----------------------------------------------------------------------------------


def test_json_depth_counts_brackets_outside_strings_only() -> None:
    for text, depth in (('{"a": [1, {"b": "[[[{{{"}], "c\\"[": []}', 3), ('"]]]]"' + "[" * 7, 7)):
        assert not nested_deeper_than(text, depth)
        assert nested_deeper_than(text, depth - 1)
    assert not nested_deeper_than("", 0)


def test_a_5000_deep_plan_file_is_refused_in_one_sentence() -> None:
    with pytest.raises(UserError) as raised:
        plan_from_text('{"kind": ' + "[" * 5000 + "]" * 5000 + "}", "plan.json")
    assert raised.value.message == (
        f"plan.json is not a plan file: it nests arrays and objects more than {MAX_JSON_DEPTH} "
        "levels deep"
    )


# The top-level mapping is the first level; `x`'s value the second.
@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("version: 1\nx: " + "{a: " * 5000 + "}" * 5000 + "\n", 2, 4 + 4 * (MAX_DEPTH - 1)),
        ("version: 1\nx:\n" + "".join(" " * i + "- \n" for i in range(1000)), 3 + 99, 100),
        ("version: 1\nx:\n" + "- " * 5000 + "a\n", 3, 1 + 2 * (MAX_DEPTH - 1)),
    ],
    ids=["flow mappings", "block lists", "compact block lists"],
)
def test_deep_yaml_is_e006_at_the_level_too_deep(text: str, line: int, column: int) -> None:
    root, findings = parse_document("deep.yaml", text.encode())
    assert root is None
    assert [(f.rule, f.location.line, f.location.column, f.message) for f in findings] == [
        ("E006", line, column, f"lists and mappings nest more than {MAX_DEPTH} levels deep")
    ]


def test_deep_flow_lists_are_e006() -> None:
    # libyaml 0.2.6 scans a run of `[` ahead and stops at its own limit (1000) first;
    # older libyaml and the pure-Python parser leave it to the loader's count.
    text = "version: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n"
    root, findings = parse_document("deep.yaml", text.encode())
    assert root is None
    assert [(f.rule, f.location.line, f.message) for f in findings] == [
        ("E006", 2, f"lists and mappings nest more than {MAX_DEPTH} levels deep")
    ]
    assert findings[0].location.column in (4 + MAX_DEPTH - 1, 1003)


def test_yaml_nested_through_aliases_is_e006() -> None:
    lines = ["version: 1", "l0: &l0 [x]"]
    lines += [f"l{i}: &l{i} [*l{i - 1}]" for i in range(1, 3000)]
    root, findings = parse_document("deep.yaml", ("\n".join(lines) + "\n").encode())
    assert root is None
    assert [(f.rule, f.message) for f in findings] == [
        ("E006", f"lists and mappings nest more than {MAX_DEPTH} levels deep (through aliases)")
    ]


def test_yaml_exactly_at_the_depth_limit_loads() -> None:
    text = "x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    root, findings = parse_document("ok.yaml", text.encode())
    assert findings == []
    assert root is not None


def test_deep_flow_lists_are_e006_with_the_pure_python_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import yaml

    from ecrrepl.config import loader

    monkeypatch.setattr(loader, "_SafeLoader", yaml.SafeLoader)
    text = "version: 1\nx: " + "[" * 5000 + "]" * 5000 + "\n"
    root, findings = parse_document("deep.yaml", text.encode())
    assert root is None
    assert [(f.rule, f.location.line, f.location.column) for f in findings] == [
        ("E006", 2, 4 + MAX_DEPTH - 1)
    ]
