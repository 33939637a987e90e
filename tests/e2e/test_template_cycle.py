"""Creation templates end to end: an update converges when the file drops settings, and a
live template spelled with a trailing `/` is the file's template, updated in place."""

from __future__ import annotations

from typing import Any

import pytest

from harness.lab import CONFIG, EU

pytestmark = pytest.mark.e2e

ROLE = "arn:aws:iam::222222222222:role/ecr-template"

FULL_TEMPLATE = f"""\
templates:
  - account: "222222222222"
    region: eu-west-1
    prefix: prod
    description: replicated prod
    image_tag_mutability: IMMUTABLE_WITH_EXCLUSION
    image_tag_mutability_exclusion_filters: [latest]
    encryption: {{type: KMS, kms_key: "arn:aws:kms:eu-west-1:222222222222:key/k"}}
    resource_tags: {{team: platform}}
    lifecycle_policy:
      rules:
        - rulePriority: 1
          selection: {{tagStatus: untagged, countType: imageCountMoreThan, countNumber: 5}}
          action: {{type: expire}}
    repository_policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: {{AWS: "arn:aws:iam::222222222222:root"}}
          Action: ecr:BatchGetImage
    custom_role_arn: {ROLE}
"""

BARE_TEMPLATE = """\
templates:
  - account: "222222222222"
    region: eu-west-1
    prefix: prod
"""

READ_BACK_CLEAN = "Read back: the live registries match the configuration."


def live_templates(lab: Any) -> list[dict[str, Any]]:
    answer = lab.ecr(EU).describe_repository_creation_templates()
    return [
        {k: v for k, v in t.items() if k not in ("createdAt", "updatedAt")}
        for t in answer["repositoryCreationTemplates"]
    ]


def test_dropping_every_setting_from_a_template_converges(lab: Any) -> None:
    full = lab.write("ecrrepl.yaml", CONFIG + FULL_TEMPLATE)
    assert lab.run("apply", "--yes", full).exit_code == 0

    bare = lab.write("ecrrepl.yaml", CONFIG + BARE_TEMPLATE)
    applied = lab.run("apply", "--yes", bare)
    diff = lab.run("diff", "--exit-code", bare)

    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert "update the creation template 'prod' in 222222222222/eu-west-1" in applied.stdout
    assert READ_BACK_CLEAN in applied.stdout
    assert diff.exit_code == 0, diff.stdout
    assert live_templates(lab) == [
        {
            "prefix": "prod",
            "appliedFor": ["REPLICATION"],
            "encryptionConfiguration": {"encryptionType": "AES256"},
            "imageTagMutability": "MUTABLE",
        }
    ]


def test_a_live_template_spelled_with_a_slash_is_updated_not_duplicated(lab: Any) -> None:
    lab.ecr(EU).create_repository_creation_template(
        prefix="prod/", appliedFor=["REPLICATION"], description="made by hand"
    )
    config = lab.write("ecrrepl.yaml", CONFIG + BARE_TEMPLATE)

    applied = lab.run("apply", "--yes", config)
    diff = lab.run("diff", "--exit-code", config)

    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert "update the creation template 'prod/' in 222222222222/eu-west-1" in applied.stdout
    assert READ_BACK_CLEAN in applied.stdout
    assert diff.exit_code == 0, diff.stdout
    assert "unmanaged" not in diff.stdout
    [template] = live_templates(lab)
    assert (template["prefix"], template.get("description")) == ("prod/", None)
