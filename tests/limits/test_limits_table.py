"""The one table of AWS limits (ecrrepl.limits): each entry agrees with botocore's ECR
model where the model states it, and the schema, the rules' documentation, docs/rules.md
and the README say the same numbers as the table."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import botocore
import pytest

from ecrrepl import limits
from ecrrepl.config.schema import SCHEMA
from ecrrepl.lint.registry import all_rules

ROOT = Path(__file__).parents[2]

# Table entry -> (botocore shape, constraint) for every number or pattern the ECR model
# itself carries. The others (unique destinations, tags, backfill) come from documents.
FROM_MODEL = {
    "MAX_RULES_PER_REGISTRY": ("ReplicationRuleList", "max"),
    "MAX_DESTINATIONS_PER_RULE": ("ReplicationDestinationList", "max"),
    "MAX_FILTERS_PER_RULE": ("RepositoryFilterList", "max"),
    "MIN_FILTER_LENGTH": ("RepositoryFilterValue", "min"),
    "MAX_FILTER_LENGTH": ("RepositoryFilterValue", "max"),
    "FILTER_PATTERN": ("RepositoryFilterValue", "pattern"),
    "MAX_REGISTRY_POLICY_CHARS": ("RegistryPolicyText", "max"),
    "MIN_REPOSITORY_NAME_LENGTH": ("RepositoryName", "min"),
    "MAX_REPOSITORY_NAME_LENGTH": ("RepositoryName", "max"),
    "MAX_TEMPLATE_PREFIX_LENGTH": ("Prefix", "max"),
    "TEMPLATE_PREFIX_PATTERN": ("Prefix", "pattern"),
    "MAX_TEMPLATE_DESCRIPTION_CHARS": ("RepositoryTemplateDescription", "max"),
    "MAX_REPOSITORY_POLICY_CHARS": ("RepositoryPolicyText", "max"),
    "MAX_LIFECYCLE_POLICY_CHARS": ("LifecyclePolicyTextForRepositoryCreationTemplate", "max"),
    "MAX_EXCLUSION_FILTERS": ("ImageTagMutabilityExclusionFilters", "max"),
    "MAX_EXCLUSION_FILTER_LENGTH": ("ImageTagMutabilityExclusionFilterValue", "max"),
    "EXCLUSION_FILTER_PATTERN": ("ImageTagMutabilityExclusionFilterValue", "pattern"),
    "MAX_CUSTOM_ROLE_ARN_LENGTH": ("CustomRoleArn", "max"),
    "MAX_KMS_KEY_LENGTH": ("KmsKeyForRepositoryCreationTemplate", "max"),
    "MAX_BACKFILLS_PAGE": ("FiftyMaxResults", "max"),
    "MAX_BACKFILL_RESULTS_PAGE": ("MaxResults", "max"),
}


@pytest.fixture(scope="module")
def ecr_shapes() -> dict[str, Any]:
    model = Path(botocore.__file__).parent / "data" / "ecr" / "2015-09-21" / "service-2.json.gz"
    with gzip.open(model, "rt", encoding="utf-8") as stream:
        shapes: dict[str, Any] = json.load(stream)["shapes"]
    return shapes


@pytest.mark.parametrize("name", sorted(FROM_MODEL))
def test_the_table_agrees_with_the_installed_botocore_model(
    ecr_shapes: dict[str, Any], name: str
) -> None:
    shape, constraint = FROM_MODEL[name]
    assert limits.TABLE[name] == ecr_shapes[shape][constraint]
    assert shape in limits.TABLE[name].source


def test_25_rules_and_25_unique_destinations_per_registry() -> None:
    # Written out: botocore 1.43.73 raised the rules from 10 to 25; the user guide's
    # 25 unique destinations across all rules (both checked 2026-12-02).
    assert (limits.MAX_RULES_PER_REGISTRY, limits.MAX_UNIQUE_DESTINATIONS_PER_REGISTRY) == (25, 25)


def test_the_kms_key_pattern_accepts_what_botocore_does_and_names_its_parts(
    ecr_shapes: dict[str, Any],
) -> None:
    ours = re.compile(limits.KMS_KEY_PATTERN)
    theirs = re.compile(ecr_shapes["KmsKeyForRepositoryCreationTemplate"]["pattern"])
    keys = [
        "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws-cn:kms:cn-north-1:111111111111:key/mrk-1234abcd12ab34cd56ef1234567890ab",
        "arn:aws-us-gov:kms:us-gov-west-1:111111111111:key/1234abcd",
    ]
    for key in keys:
        match = ours.fullmatch(key)
        assert match is not None and theirs.fullmatch(key) is not None
        assert match["region"] == key.split(":")[3]
    for not_a_key in ["alias/ecr", "1234abcd", "arn:aws:kms:us-east-1:111111111111:alias/ecr"]:
        assert ours.fullmatch(not_a_key) is None


def test_every_entry_says_what_it_limits_and_where_that_is_written() -> None:
    assert len(limits.TABLE) >= 25
    for name, entry in limits.TABLE.items():
        assert entry.what and entry.source, name
        assert "botocore ECR model" in entry.source or "https://" in entry.source, name


def test_the_tag_limits_other_rules_import() -> None:
    # ECR API reference, Tag (128 and 256 characters); botocore TooManyTagsException (50).
    assert (
        limits.MAX_TAG_KEY_LENGTH,
        limits.MAX_TAG_VALUE_LENGTH,
        limits.MAX_TAGS_PER_RESOURCE,
    ) == (128, 256, 50)


def test_the_schema_reads_its_numbers_from_the_table() -> None:
    definitions = SCHEMA["$defs"]
    rule, template = definitions["rule"]["properties"], definitions["template"]["properties"]
    rules = definitions["registry"]["properties"]["rules"]
    assert rules["maxItems"] == limits.MAX_RULES_PER_REGISTRY
    assert f"0..{limits.MAX_RULES_PER_REGISTRY} rules" in rules["description"]
    assert rule["destinations"]["maxItems"] == limits.MAX_DESTINATIONS_PER_RULE
    assert rule["filters"]["maxItems"] == limits.MAX_FILTERS_PER_RULE
    assert rule["filters"]["items"] == {
        "type": "string",
        "minLength": limits.MIN_FILTER_LENGTH,
        "maxLength": limits.MAX_FILTER_LENGTH,
        "pattern": limits.FILTER_PATTERN,
    }
    assert template["prefix"]["maxLength"] == limits.MAX_TEMPLATE_PREFIX_LENGTH
    assert template["prefix"]["pattern"] == limits.TEMPLATE_PREFIX_PATTERN
    assert template["description"]["maxLength"] == limits.MAX_TEMPLATE_DESCRIPTION_CHARS
    exclusions = template["image_tag_mutability_exclusion_filters"]
    assert exclusions["maxItems"] == limits.MAX_EXCLUSION_FILTERS
    assert exclusions["items"]["pattern"] == limits.EXCLUSION_FILTER_PATTERN
    assert template["custom_role_arn"]["maxLength"] == limits.MAX_CUSTOM_ROLE_ARN_LENGTH
    kms_key = template["encryption"]["properties"]["kms_key"]
    assert kms_key["maxLength"] == limits.MAX_KMS_KEY_LENGTH
    tags = template["resource_tags"]
    assert tags["maxProperties"] == limits.MAX_TAGS_PER_RESOURCE
    assert tags["propertyNames"]["maxLength"] == limits.MAX_TAG_KEY_LENGTH
    assert tags["additionalProperties"]["maxLength"] == limits.MAX_TAG_VALUE_LENGTH


def test_the_printed_schema_holds_plain_numbers() -> None:
    printed = json.loads(json.dumps(SCHEMA))
    rules = printed["$defs"]["registry"]["properties"]["rules"]
    assert type(rules["maxItems"]) is int
    assert rules["maxItems"] == limits.MAX_RULES_PER_REGISTRY


def test_rule_documentation_names_the_numbers_of_the_table() -> None:
    rules = {rule.id: rule for rule in all_rules()}
    expected = {
        "E101": limits.MAX_RULES_PER_REGISTRY,
        "E102": limits.MAX_UNIQUE_DESTINATIONS_PER_REGISTRY,
        "E103": limits.MAX_FILTERS_PER_RULE,
        "E203": limits.MAX_REGISTRY_POLICY_CHARS,
        "E309": limits.MAX_EXCLUSION_FILTERS,
    }
    for rule_id, number in expected.items():
        assert re.search(rf"\b{number}\b", rules[rule_id].summary), rule_id
        assert re.search(rf"\b{number}\b", rules[rule_id].doc), rule_id
    tags_rule = rules["E314"]
    for number in (
        limits.MAX_TAG_KEY_LENGTH,
        limits.MAX_TAG_VALUE_LENGTH,
        limits.MAX_TAGS_PER_RESOURCE,
    ):
        assert re.search(rf"\b{number}\b", tags_rule.summary)
        assert re.search(rf"\b{number}\b", tags_rule.doc)
    lifecycle_rule = rules["E312"]
    for number in (
        limits.MAX_LIFECYCLE_TAG_PATTERN_WILDCARDS,
        limits.MIN_ARCHIVED_DAYS_BEFORE_EXPIRY,
    ):
        assert re.search(rf"\b{number}\b", lifecycle_rule.doc)
    e303 = rules["E303"]
    for number in (limits.MAX_REPOSITORY_POLICY_CHARS, limits.MAX_LIFECYCLE_POLICY_CHARS):
        assert str(number) in e303.summary and str(number) in e303.doc
    # No placeholder is left unreplaced, in any rule.
    for rule in rules.values():
        assert "{limits." not in rule.doc, rule.id


def test_the_readme_lists_every_rule_as_the_catalogue_says() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = dict(
        re.findall(r"^\| \[([EWI]\d{3})\]\(docs/rules\.md#[ewi]\d{3}\) \| \w+ \| (.*) \|$",
                   readme, flags=re.M)
    )  # fmt: skip
    summaries = {rule.id: rule.summary.replace("|", "\\|") for rule in all_rules()}
    assert rows == summaries


def test_the_old_ten_rule_quota_is_gone_from_the_documents() -> None:
    for document in ("README.md", "docs/rules.md"):
        text = (ROOT / document).read_text(encoding="utf-8")
        old_quota = r"\b(at most|more than|up to|maximum of|against the) (10|ten) rules"
        assert not re.search(old_quota, text, flags=re.I), document
