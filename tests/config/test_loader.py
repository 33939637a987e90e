"""The loader and model builder on the bad input issue #2 lists, and on good input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ecrrepl.config.loader import MAX_FILE_BYTES, parse_document
from ecrrepl.errors import UsageError
from ecrrepl.validation import load_files, validate_files
from harness import configs

GOOD = configs.document(
    configs.registry(configs.prod_rule(delete_replication=True)),
    accounts=[configs.account(configs.OTHER_ACCOUNT)],
)


def write(tmp_path: Path, text: str | bytes, name: str = "ecrrepl.yaml") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return str(path)


def findings_of(tmp_path: Path, text: str | bytes) -> list[tuple[str, int, int]]:
    result = load_files([write(tmp_path, text)])
    return [(f.rule, f.location.line, f.location.column) for f in result.findings]


def test_good_file_builds_the_model(tmp_path: Path) -> None:
    result = load_files([write(tmp_path, GOOD)])
    assert result.findings == []
    (registry,) = result.config.registries
    assert (registry.account, registry.region) == ("111111111111", "us-west-2")
    (rule,) = registry.rules
    assert rule.name == "prod"
    assert rule.prefixes == ("prod/", "base-")
    assert [(d.account, d.region) for d in rule.destinations] == [
        ("111111111111", "us-east-1"),
        ("222222222222", "eu-west-1"),
    ]
    assert rule.delete_replication is True
    assert result.config.accounts["222222222222"].role_arn.endswith(":role/ecrrepl")
    # Locations point at the value, 1-based.
    assert (rule.destinations[1].at("region").line, rule.destinations[1].at("region").column) == (
        12,
        47,
    )

    assert rule.destinations[1].at("region").path == "registries[0].rules[0].destinations[1].region"


def test_omitted_filters_mean_every_repository(tmp_path: Path) -> None:
    text = GOOD.replace("        filters: [prod/, base-]\n", "")
    (rule,) = load_files([write(tmp_path, text)]).config.registries[0].rules
    assert rule.filters is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [("E004", 1, 1)]),
        ("- a\n- b\n", [("E004", 1, 1)]),
        ("version: 1\nregistries: [\n", [("E001", 3, 1)]),
        ("version: 1\nregistries:\n\t- x\n", [("E001", 3, 1)]),
        ("version: 2\nregistries: []\n", [("E005", 1, 10)]),
        ("version: '1'\nregistries: []\n", [("E005", 1, 10)]),
        ("registries: []\n", [("E004", 1, 1)]),
        ("version: 1\nregistries: []\nversion: 1\n", [("E002", 3, 1)]),
        ("version: 1\nregistries: {}\n", [("E004", 2, 13)]),
        # The E003 says "did you mean 'registries'?": not also "nothing to manage".
        ("version: 1\nregistrys: []\n", [("E003", 2, 1)]),
    ],
    ids=[
        "empty",
        "list",
        "syntax",
        "tab",
        "version-2",
        "version-string",
        "missing-registries",
        "duplicate-top-key",
        "registries-mapping",
        "typo",
    ],
)
def test_document_level_problems(
    tmp_path: Path, text: str, expected: list[tuple[str, int, int]]
) -> None:
    assert findings_of(tmp_path, text) == expected


def test_duplicate_keys_at_every_level(tmp_path: Path) -> None:
    text = """\
version: 1
accounts:
  "222222222222": {profile: a}
  "222222222222": {profile: b}
registries:
  - account: "111111111111"
    account: "111111111111"
    region: us-west-2
    rules:
      - destinations: [{region: us-east-1, region: us-east-2}]
        destinations: []
"""
    assert [f for f in findings_of(tmp_path, text) if f[0] == "E002"] == [
        ("E002", 4, 3),
        ("E002", 7, 5),
        ("E002", 10, 44),
        ("E002", 11, 9),
    ]


@pytest.mark.parametrize(
    ("account", "message_part"),
    [
        ("012345670123", "octal number 1402433619"),
        ("111111111111", "unquoted number"),
        ("'11111111111'", "not a 12-digit"),
        ("'11111111111a'", "not a 12-digit"),
    ],
)
def test_account_ids(tmp_path: Path, account: str, message_part: str) -> None:
    text = (
        f"version: 1\nregistries:\n  - account: {account}\n    region: us-west-2\n    rules: []\n"
    )
    result = load_files([write(tmp_path, text)])
    (finding,) = result.findings
    assert (finding.rule, finding.location.line, finding.location.column) == ("E007", 3, 14)
    assert message_part in finding.message


def test_unquoted_account_key(tmp_path: Path) -> None:
    text = "version: 1\naccounts:\n  222222222222: {profile: x}\nregistries: []\n"
    assert findings_of(tmp_path, text) == [("E007", 3, 3)]


def test_binary_junk_is_a_finding(tmp_path: Path) -> None:
    assert findings_of(tmp_path, b"\x00\x01\xff\xfe\x80garbage") == [("E001", 1, 3)]
    assert findings_of(tmp_path, b"version: 1\nregistries: \x01\n") == [("E001", 2, 13)]


def test_ten_megabyte_file_is_refused_without_parsing(tmp_path: Path) -> None:
    data = b"# padding\n" * (10 * 1024 * 1024 // 10)
    assert len(data) > MAX_FILE_BYTES
    root, findings = parse_document("big.yaml", data)
    assert root is None
    assert [f.rule for f in findings] == ["E006"]


def test_billion_laughs_answers_fast(tmp_path: Path) -> None:
    lines = [
        "version: 1",
        "registries: []",
        'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ]
    for level in range(1, 10):
        refs = ",".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    started = time.perf_counter()
    result = validate_files([write(tmp_path, "\n".join(lines) + "\n")])
    elapsed = time.perf_counter() - started
    assert [f.rule for f in result.findings] == ["E006"]
    # Generous bound: the point is "no expansion", which would take minutes and gigabytes.
    assert elapsed < 5


def test_recursive_alias(tmp_path: Path) -> None:
    assert findings_of(tmp_path, "version: 1\nregistries: &r [*r]\n") == [("E006", 2, 13)]


def test_aliases_and_merge_keys_are_allowed(tmp_path: Path) -> None:
    text = """\
version: 1
x-dr: &dr
  destinations: [{region: us-east-1}]
registries:
  - account: "111111111111"
    region: us-west-2
    rules:
      - <<: *dr
        name: all
"""
    result = load_files([write(tmp_path, text)])
    # Top-level x- keys are the author's (a home for anchors); the merged rule builds.
    assert result.findings == []
    (rule,) = result.config.registries[0].rules
    assert rule.name == "all"
    assert [d.region for d in rule.destinations] == ["us-east-1"]


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        load_files([str(tmp_path / "absent.yaml")])
    with pytest.raises(UsageError, match="is a directory"):
        load_files([str(tmp_path)])


def test_several_files_merge(tmp_path: Path) -> None:
    first = write(tmp_path, GOOD, "a.yaml")
    second = write(
        tmp_path,
        'version: 1\nregistries:\n  - account: "333333333333"\n'
        "    region: eu-west-1\n    rules: []\n",
        "b.yaml",
    )
    result = load_files([first, second])
    assert result.findings == []
    assert [r.account for r in result.config.registries] == ["111111111111", "333333333333"]
    assert result.config.files == (first, second)


def test_account_declared_in_two_files(tmp_path: Path) -> None:
    text = 'version: 1\naccounts:\n  "222222222222": {profile: x}\nregistries: []\n'
    result = load_files([write(tmp_path, text, "a.yaml"), write(tmp_path, text, "b.yaml")])
    (finding,) = result.findings
    assert finding.rule == "E002"
    assert finding.location.file.endswith("b.yaml")
    assert "a.yaml:3:3" in finding.message


def test_policy_from_file(tmp_path: Path) -> None:
    (tmp_path / "lifecycle.json").write_text('{"rules": []}')
    (tmp_path / "list.json").write_text("[1]")
    text = """\
version: 1
registries: []
templates:
  - account: "222222222222"
    region: eu-west-1
    prefix: prod
    lifecycle_policy: file:lifecycle.json
    repository_policy: file:list.json
"""
    result = load_files([write(tmp_path, text)])
    assert [(f.rule, f.location.line) for f in result.findings] == [("E303", 8)]
    (template,) = result.config.templates
    assert template.lifecycle_policy == {"rules": []}
    assert template.repository_policy is None


def test_policy_version_stays_a_string(tmp_path: Path) -> None:
    text = """\
version: 1
registries: []
templates:
  - account: "222222222222"
    region: eu-west-1
    prefix: prod
    repository_policy: {Version: 2012-10-17, Statement: []}
"""
    (template,) = load_files([write(tmp_path, text)]).config.templates
    assert template.repository_policy == {"Version": "2012-10-17", "Statement": []}


@pytest.mark.parametrize("written", ["0x1", "01", "1.0", "'1'"])
def test_version_must_be_written_as_1(tmp_path: Path, written: str) -> None:
    assert findings_of(tmp_path, f"version: {written}\nregistries: []\n") == [("E005", 1, 10)]


def test_template_lists_and_description_within_aws_limits(tmp_path: Path) -> None:
    text = (
        "version: 1\nregistries: []\ntemplates:\n"
        '  - account: "222222222222"\n    region: eu-west-1\n    prefix: prod\n'
        "    applied_for: [PULL_THROUGH_CACHE]\n"
        "    image_tag_mutability_exclusion_filters: []\n"
        f"    description: {'d' * 257}\n"
    )
    assert findings_of(tmp_path, text) == [("E004", 8, 45), ("E004", 9, 18)]
    text = text.replace("[PULL_THROUGH_CACHE]", "[]")
    assert ("E004", 7, 18) in findings_of(tmp_path, text)


def test_one_file_named_two_ways_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ecrrepl.validation import config_paths

    monkeypatch.chdir(tmp_path)
    write(tmp_path, GOOD, "a.yaml")
    paths = config_paths(["a.yaml", "./a.yaml", str(tmp_path / "a.yaml")])
    assert paths == ["a.yaml"]
    assert validate_files(paths).errors == []
    write(tmp_path, GOOD)
    assert config_paths([]) == ["ecrrepl.yaml"]


def test_a_float_account_is_an_account_finding(tmp_path: Path) -> None:
    text = (
        "version: 1\nregistries:\n  - account: 1.11111111111e11\n"
        "    region: us-west-2\n    rules: []\n"
    )
    assert findings_of(tmp_path, text) == [("E007", 3, 14)]


@pytest.mark.parametrize("tag", ["!!bool maybe", "!!int many", "!!float lots"])
def test_an_explicit_tag_on_a_word_it_cannot_read_is_a_finding(tmp_path: Path, tag: str) -> None:
    path = tmp_path / "ecrrepl.yaml"
    path.write_text(f"version: {tag}\nregistries: []\n")
    findings = validate_files([str(path)]).findings
    assert [(f.rule, f.location.line if f.location else None) for f in findings] == [("E005", 1)]
