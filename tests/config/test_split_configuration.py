"""One configuration in several files and folders: any file holds any section, a folder
reads its YAML files, the default is ecrrepl.yaml or else ecrrepl/, x- keys are ignored,
and what two files both declare is reported naming both places."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecrrepl.config.files import config_paths, expand_arguments
from ecrrepl.errors import UsageError
from ecrrepl.validation import load_files, validate_files
from harness import configs

ACCOUNTS = configs.document(accounts=[configs.account(configs.OTHER_ACCOUNT)])
REGISTRIES = configs.document(
    configs.registry(configs.rule((configs.OTHER_ACCOUNT, "eu-west-1"), filters=["prod/"]))
)
TEMPLATES = """\
version: 1
templates:
  - account: "222222222222"
    region: eu-west-1
    prefix: prod
"""


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def rules_of(paths: list[str]) -> list[tuple[str, str, int]]:
    return [(f.rule, os.path.basename(f.location.file), f.location.line) for f in
            validate_files(paths).findings]  # fmt: skip


def test_each_section_in_its_own_file_is_one_clean_configuration(tmp_path: Path) -> None:
    # Before: every file needed `registries`, so the accounts file was E004.
    paths = [
        write(tmp_path, "accounts.yaml", ACCOUNTS),
        write(tmp_path, "registries.yaml", REGISTRIES),
        write(tmp_path, "templates.yaml", TEMPLATES),
    ]
    result = validate_files(paths)
    assert result.findings == []
    assert set(result.config.accounts) == {"222222222222"}
    assert [t.prefix for t in result.config.templates] == ["prod"]
    # The destination's account (one file) has its `accounts` entry (another file): no
    # W204; and the template (a third file) is where a rule replicates: no W306.
    (destination,) = result.config.registries[0].rules[0].destinations
    assert result.config.access(destination.account) is not None


def test_a_configuration_needs_registries_or_templates_in_some_file(tmp_path: Path) -> None:
    only_accounts = [write(tmp_path, "accounts.yaml", ACCOUNTS)]
    (finding,) = validate_files(only_accounts).findings
    assert (finding.rule, finding.location.line, finding.location.column) == ("E004", 1, 1)
    assert "a `registries` or `templates` key" in finding.message
    templates_alone = [write(tmp_path, "templates.yaml", TEMPLATES)]
    assert [f.rule for f in validate_files(templates_alone).findings] == ["W306"]


def test_no_nothing_to_manage_finding_when_a_file_could_not_be_read(tmp_path: Path) -> None:
    # The broken file may hold the registries: E001 is the one finding.
    paths = [
        write(tmp_path, "accounts.yaml", ACCOUNTS),
        write(tmp_path, "registries.yaml", "version: 1\nregistries: [\n"),
    ]
    assert rules_of(paths) == [("E001", "registries.yaml", 3)]


def test_every_file_needs_its_version(tmp_path: Path) -> None:
    paths = [
        write(tmp_path, "accounts.yaml", ACCOUNTS.replace("version: 1\n", "")),
        write(tmp_path, "registries.yaml", REGISTRIES),
    ]
    findings = validate_files(paths).findings
    assert [(f.rule, f.location.file, f.message) for f in findings] == [
        ("E004", paths[0], "the file is missing the required key 'version'")
    ]


def test_a_registry_in_two_files_names_both_places(tmp_path: Path) -> None:
    paths = [write(tmp_path, "a.yaml", REGISTRIES), write(tmp_path, "b.yaml", REGISTRIES)]
    (finding,) = [f for f in validate_files(paths).findings if f.rule == "E108"]
    assert finding.location.file == paths[1]
    assert f"already declared at {paths[0]}:3" in finding.message


def test_a_template_in_two_files_names_both_places(tmp_path: Path) -> None:
    paths = [
        write(tmp_path, "a.yaml", REGISTRIES),
        write(tmp_path, "t1.yaml", TEMPLATES),
        write(tmp_path, "t2.yaml", TEMPLATES),
    ]
    (finding,) = [f for f in validate_files(paths).findings if f.rule == "E302"]
    assert finding.location.file == paths[2]
    assert f"{paths[1]}:3" in finding.message


def test_an_account_in_two_files_names_both_places(tmp_path: Path) -> None:
    paths = [
        write(tmp_path, "a.yaml", ACCOUNTS),
        write(tmp_path, "b.yaml", ACCOUNTS),
        write(tmp_path, "r.yaml", REGISTRIES),
    ]
    (finding,) = validate_files(paths).findings
    assert (finding.rule, finding.location.file, finding.location.line) == ("E002", paths[1], 3)
    assert f"first at {paths[0]}:3:3" in finding.message


# -- x- keys ----------------------------------------------------------------------------


def test_top_level_x_keys_hold_anchors_and_are_ignored(tmp_path: Path) -> None:
    text = """\
version: 1
x-defaults: &eu
  destinations: [{account: "222222222222", region: eu-west-1}]
x-note: anything at all, [even, lists]
registries:
  - account: "111111111111"
    region: us-west-2
    rules:
      - <<: *eu
        filters: [prod/]
"""
    paths = [write(tmp_path, "accounts.yaml", ACCOUNTS), write(tmp_path, "r.yaml", text)]
    result = validate_files(paths)
    assert result.findings == []
    (rule,) = result.config.registries[0].rules
    assert [d.address for d in rule.destinations] == [("222222222222", "eu-west-1")]


def test_only_top_level_x_keys_are_ignored(tmp_path: Path) -> None:
    text = REGISTRIES.replace("    region: us-west-2\n", "    region: us-west-2\n    x-a: 1\n")
    text += "X-upper: 1\n"
    findings = load_files([write(tmp_path, "r.yaml", text)]).findings
    assert sorted((f.rule, f.location.line) for f in findings) == [("E003", 5), ("E003", 10)]


# -- folders and the default ------------------------------------------------------------


def test_a_folder_reads_its_yaml_files_sorted_not_hidden_not_nested(tmp_path: Path) -> None:
    folder = tmp_path / "ecrrepl"
    write(folder, "b-registries.yml", REGISTRIES)
    write(folder, "a-accounts.yaml", ACCOUNTS)
    write(folder, "c-templates.yaml", TEMPLATES)
    write(folder, ".backup.yaml", "not: [valid")  # hidden: skipped
    write(folder, "notes.txt", "not yaml")
    write(folder, "policies/lifecycle.json", "{}")
    write(folder, "nested/more.yaml", "not: [valid")  # subfolder: not read
    (folder / "folder.yaml").mkdir()  # a folder named like a file: not read
    paths = expand_arguments([str(folder)])
    assert [os.path.basename(p) for p in paths] == [
        "a-accounts.yaml",
        "b-registries.yml",
        "c-templates.yaml",
    ]
    assert validate_files(paths).findings == []


def test_a_fifo_in_the_folder_is_refused_by_the_reader_not_skipped(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", REGISTRIES)
    os.mkfifo(tmp_path / "b.yaml")
    paths = expand_arguments([str(tmp_path)])
    assert [os.path.basename(p) for p in paths] == ["a.yaml", "b.yaml"]
    with pytest.raises(UsageError, match=r"b\.yaml"):
        load_files(paths)


def test_a_folder_without_yaml_files_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path, "notes.txt", "x")
    with pytest.raises(UsageError, match=r"the folder has no \*\.yaml or \*\.yml file"):
        expand_arguments([str(tmp_path)])


def test_files_and_folders_together_read_each_file_once(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    accounts = write(folder, "accounts.yaml", ACCOUNTS)
    registries = write(folder, "registries.yaml", REGISTRIES)
    extra = write(tmp_path, "templates.yaml", TEMPLATES)
    paths = expand_arguments([registries, str(folder), extra])
    assert paths == [registries, accounts, extra]
    assert validate_files(paths).findings == []


def test_default_is_ecrrepl_yaml_then_the_ecrrepl_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match=r"no ecrrepl\.yaml and no ecrrepl/ folder here"):
        config_paths([])
    write(tmp_path / "ecrrepl", "registries.yaml", REGISTRIES)
    write(tmp_path / "ecrrepl", "accounts.yaml", ACCOUNTS)
    assert config_paths([]) == [
        os.path.join("ecrrepl", "accounts.yaml"),
        os.path.join("ecrrepl", "registries.yaml"),
    ]
    write(tmp_path, "ecrrepl.yaml", REGISTRIES)
    assert config_paths([]) == ["ecrrepl.yaml"]
