"""One run reports every finding it can: an error does not stop the checks of what is
around it, and no finding follows only from another one."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrrepl.findings import Finding
from ecrrepl.validation import validate_files

TEMPLATE = """\
templates:
  - account: "222222222222"
    region: eu-west-1
    prefix: prod
"""
ACCOUNT_ENTRY = (
    'version: 1\naccounts: {"222222222222": {role_arn: "arn:aws:iam::222222222222:role/x"}}\n'
)


def findings_of(tmp_path: Path, *texts: str) -> list[Finding]:
    paths = []
    for index, text in enumerate(texts):
        path = tmp_path / f"part{index}.yaml"
        path.write_text(text)
        paths.append(str(path))
    return validate_files(paths).findings


def rules_and_lines(findings: list[Finding]) -> list[tuple[str, int]]:
    return [(f.rule, f.location.line) for f in findings]


def registry(account: str, destination: str, region: str = "eu-west-1") -> str:
    return f"""\
version: 1
registries:
  - account: {account}
    region: us-west-2
    rules:
      - filters: [prod/]
        destinations:
          - {{account: {destination}, region: {region}}}
"""


def test_an_unquoted_account_does_not_hide_the_region_typo_below(tmp_path: Path) -> None:
    text = registry("111111111111", '"111111111111"', region="eu-wset-1")
    findings = findings_of(tmp_path, text)
    assert rules_and_lines(findings) == [("E007", 3), ("E105", 8)]
    assert "did you mean 'eu-west-1'" in findings[1].message


def test_an_octal_looking_account_is_read_as_it_is_written(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(registry("012345670123", '"012345670123"'))
    result = validate_files([str(path)])
    (finding,) = result.findings
    assert finding.rule == "E007"
    assert "YAML reads 012345670123 as the octal number 1402433619" in finding.message
    assert 'write it as a quoted string: "012345670123"' in finding.message
    # The text as written, not YAML 1.1's octal number, stands in for the account.
    assert result.config.registries[0].account == "012345670123"


def test_an_unquoted_destination_account_gives_no_w306_for_its_template(tmp_path: Path) -> None:
    text = registry('"111111111111"', "222222222222") + TEMPLATE
    findings = findings_of(tmp_path, text, ACCOUNT_ENTRY)
    # Before: the destination was dropped, and W306 said no rule replicates into the
    # template's registry.
    assert rules_and_lines(findings) == [("E007", 8)]


def test_an_unquoted_account_key_builds_its_entry(tmp_path: Path) -> None:
    accounts = """\
version: 1
accounts:
  222222222222:
    role_arn: arn:aws:iam::333333333333:role/ecrrepl
"""
    findings = findings_of(tmp_path, accounts, registry('"111111111111"', '"222222222222"'))
    # The role in another account (E201) is still checked, and the destination's
    # account has its entry (no W204).
    assert [f.rule for f in findings] == ["E007", "E201"]


def test_an_account_that_is_not_12_digits_does_not_stop_its_entry(tmp_path: Path) -> None:
    findings = findings_of(tmp_path, registry('"1111"', '"1111"', region="us-est-1"))
    assert [f.rule for f in findings] == ["E007", "E007", "E105"]


def test_a_destination_that_cannot_be_built_is_not_a_rule_without_destinations(
    tmp_path: Path,
) -> None:
    text = registry('"111111111111"', '"111111111111"').replace("region: eu-west-1", "regio: x")
    findings = findings_of(tmp_path, text + TEMPLATE.replace('"222222222222"', '"111111111111"'))
    # E003 for the typo (not also E004 for the missing region it means); no E109 (the
    # rule has a destination, just not a buildable one) and no W306 (it may go there).
    assert [f.rule for f in findings] == ["E003"]
    assert findings[0].message == "unknown key 'regio' in a destination; did you mean 'region'?"


def test_a_real_rule_without_destinations_is_still_e109(tmp_path: Path) -> None:
    text = registry('"111111111111"', '"111111111111"')
    text = text.replace(
        '        destinations:\n          - {account: "111111111111", region: eu-west-1}\n',
        "        destinations: []\n",
    )
    assert [f.rule for f in findings_of(tmp_path, text)] == ["E109"]


def test_a_registry_that_cannot_be_built_gives_no_w306(tmp_path: Path) -> None:
    text = registry('"111111111111"', '"222222222222"').replace("    region: us-west-2\n", "")
    findings = findings_of(tmp_path, text + TEMPLATE)
    assert rules_and_lines(findings) == [("E004", 3)]


def test_a_registry_without_a_region_still_has_its_rules_checked(tmp_path: Path) -> None:
    text = registry('"111111111111"', '"222222222222"', region="eu-wset-1")
    text = text.replace("    region: us-west-2\n", "").replace("[prod/]", "[Prod/]")
    findings = findings_of(tmp_path, text)
    # The registry cannot be built (E004), but its filter (E104) and the region typo of
    # its destination (E105) are reported in the same run.
    assert rules_and_lines(findings) == [("E004", 3), ("E104", 5), ("E105", 7)]


def test_a_registries_section_that_is_not_a_list_gives_no_w306(tmp_path: Path) -> None:
    findings = findings_of(tmp_path, "version: 1\nregistries: {}\n" + TEMPLATE)
    assert rules_and_lines(findings) == [("E004", 2)]


def test_a_broken_file_gives_no_w306_in_the_others(tmp_path: Path) -> None:
    findings = findings_of(tmp_path, "version: 1\nregistries: [\n", "version: 1\n" + TEMPLATE)
    assert [f.rule for f in findings] == ["E001"]


def test_a_misspelt_destination_region_gives_no_w306_for_the_meant_template(
    tmp_path: Path,
) -> None:
    text = registry('"111111111111"', '"222222222222"', region="eu-wst-1")
    findings = findings_of(tmp_path, text + TEMPLATE, ACCOUNT_ENTRY)
    assert [f.rule for f in findings] == ["E105"]


def test_w306_still_reported_when_everything_was_built(tmp_path: Path) -> None:
    text = registry('"111111111111"', '"222222222222"', region="eu-central-1")
    findings = findings_of(tmp_path, text + TEMPLATE, ACCOUNT_ENTRY)
    assert [f.rule for f in findings] == ["W306"]


def test_an_accounts_entry_that_cannot_be_built_gives_no_w204(tmp_path: Path) -> None:
    accounts = 'version: 1\naccounts:\n  "222222222222": arn:aws:iam::222222222222:role/x\n'
    findings = findings_of(tmp_path, accounts, registry('"111111111111"', '"222222222222"'))
    assert rules_and_lines(findings) == [("E004", 3)]


def test_filters_of_the_wrong_type_are_not_called_empty(tmp_path: Path) -> None:
    text = registry('"111111111111"', '"111111111111"').replace("[prod/]", "[1, true]")
    findings = findings_of(tmp_path, text)
    assert [f.rule for f in findings] == ["E004", "E004"]
    assert all("a filter must be a string" in f.message for f in findings)


def test_applied_for_with_no_valid_value_is_not_taken_as_replication(tmp_path: Path) -> None:
    template = TEMPLATE + "    applied_for: [PULL_THROUGH_CACH]\n"
    findings = findings_of(tmp_path, registry('"111111111111"', '"111111111111"') + template)
    # No W306: the template was never said to apply to REPLICATION.
    assert [f.rule for f in findings] == ["E004"]
    assert "applied_for" in findings[0].message


def test_a_template_missing_its_prefix_still_checks_its_settings(tmp_path: Path) -> None:
    template = TEMPLATE.replace("    prefix: prod\n", "    image_tag_mutability: immutable\n")
    findings = findings_of(tmp_path, registry('"111111111111"', '"222222222222"') + template)
    assert [(f.rule, f.location.line) for f in findings if f.rule == "E004"] == [
        ("E004", 10),
        ("E004", 12),
    ]
    assert "did you mean 'IMMUTABLE'" in findings[-1].message


def test_a_rule_missing_its_destinations_still_checks_its_other_keys(tmp_path: Path) -> None:
    text = """\
version: 1
registries:
  - account: "111111111111"
    region: us-west-2
    rules:
      - name: 7
        delete_replication: maybe
"""
    findings = findings_of(tmp_path, text)
    assert rules_and_lines(findings) == [("E004", 6), ("E004", 6), ("E004", 7)]
    assert [f.message for f in findings] == [
        "a rule is missing the required key 'destinations'",
        "`name` must be a string, not a number",
        "`delete_replication` must be true or false, not a string",
    ]


@pytest.mark.parametrize(
    ("unreadable", "omitted", "consequence"),
    [
        # Misspelt, so read as absent: not "exclusion filters without *_WITH_EXCLUSION".
        (
            "    image_tag_mutability: IMMUTABLE_WITH_EXCLUSIONS\n",
            "    image_tag_mutability_exclusion_filters: [latest]\n",
            "E309",
        ),
        # A number, so read as absent: not "resource tags without custom_role_arn".
        ("    custom_role_arn: 12\n", "    resource_tags: {team: platform}\n", "E308"),
    ],
)
def test_a_setting_that_cannot_be_read_is_not_a_missing_setting(
    tmp_path: Path, unreadable: str, omitted: str, consequence: str
) -> None:
    text = registry('"111111111111"', '"222222222222"') + TEMPLATE
    findings = findings_of(tmp_path, text + unreadable + omitted, ACCOUNT_ENTRY)
    assert [f.rule for f in findings] == ["E004"]
    # Left out rather than unreadable, the setting is missing: the finding is due.
    assert [f.rule for f in findings_of(tmp_path, text + omitted, ACCOUNT_ENTRY)] == [consequence]


def test_external_id_with_an_unreadable_role_arn_is_not_without_role_arn(tmp_path: Path) -> None:
    accounts = 'version: 1\naccounts: {"222222222222": {role_arn: [x], external_id: abc123}}\n'
    source = registry('"111111111111"', '"222222222222"')
    # Not E202 (external_id without role_arn), nor W204 (no role_arn or profile).
    assert [f.rule for f in findings_of(tmp_path, accounts, source)] == ["E004"]
    dropped = accounts.replace("role_arn: [x], ", "")
    assert [f.rule for f in findings_of(tmp_path, dropped, source)] == ["E202", "W204"]


def test_a_misspelt_required_key_is_not_also_missing(tmp_path: Path) -> None:
    text = registry('"111111111111"', '"222222222222"').replace("    rules:", "    rule:")
    findings = findings_of(tmp_path, text + TEMPLATE, ACCOUNT_ENTRY)
    # Not "missing the required key 'rules'", and no W306 from the unbuilt registry.
    assert [(f.rule, f.message) for f in findings] == [
        ("E003", "unknown key 'rule' in a registry; did you mean 'rules'?")
    ]
    truly_missing = text.replace("    rule:\n", "    x:\n").split("    x:")[0]
    assert [f.message for f in findings_of(tmp_path, truly_missing)] == [
        "a registry is missing the required key 'rules'"
    ]


def test_a_misspelt_section_is_not_nothing_to_manage(tmp_path: Path) -> None:
    text = registry('"111111111111"', '"222222222222"').replace("registries:", "registires:")
    findings = findings_of(tmp_path, "version: 1\n" + TEMPLATE, text)
    assert [(f.rule, f.message) for f in findings] == [
        ("E003", "unknown key 'registires' in the file; did you mean 'registries'?")
    ]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            '"1"',
            '`version` is the string "1", not the number 1; write `version: 1` without quotes',
        ),
        (
            "0x1",
            "`version` is written 0x1; write `version: 1` (YAML reads 0x1 as 1, but the "
            "format's version is the plain number 1)",
        ),
        ("2", "unsupported version '2'; this ecrrepl reads `version: 1` only"),
        ("[1]", "unsupported version a list; this ecrrepl reads `version: 1` only"),
        ("true", "unsupported version 'true'; this ecrrepl reads `version: 1` only"),
    ],
)
def test_version_messages_say_what_is_wrong(tmp_path: Path, written: str, message: str) -> None:
    text = registry('"111111111111"', '"111111111111"').replace("version: 1", f"version: {written}")
    (finding,) = findings_of(tmp_path, text)
    assert (finding.rule, finding.message) == ("E005", message)
