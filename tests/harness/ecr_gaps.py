"""Where moto's ECR differs from documented AWS, and the patches that close each gap.

This is the only place the test suite changes moto. Each patch below cites the AWS
documentation it follows; tests/aws/test_moto_gaps.py pins every gap in stock moto,
so that when moto catches up a test fails and names the patch that can go.

`install()` applies all patches, once, to moto's classes. It works in-process (before
or inside `mock_aws`) and inside a moto server process (harness/moto_server_main.py).

Gaps closed here:
  a. PutReplicationConfiguration refuses more than one rule ("This feature is
     disabled"); AWS allows 10 rules and 25 unique destinations per registry.
  b. Repository creation templates (Create/Describe/Update/Delete) do not exist.
  c. PutRegistryPolicy accepts only ecr:CreateRepository and ecr:ReplicateImage;
     AWS accepts every ECR action (registry policy scope V2, the default).
"""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime
from typing import Any

import botocore.session
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.ecr.exceptions import InvalidParameterException
from moto.ecr.models import ECRBackend
from moto.ecr.responses import ECRResponse
from moto.iam.exceptions import MalformedPolicyDocument

INSTALLED_MARKER = "_ecrrepl_gaps_installed"

# ECR user guide, "Private image replication in Amazon ECR", considerations.
MAX_RULES = 10
MAX_UNIQUE_DESTINATIONS = 25

_templates_lock = threading.Lock()


# --- gap a: several replication rules ------------------------------------------------


def put_replication_configuration(
    self: ECRBackend, replication_config: dict[str, Any]
) -> dict[str, Any]:
    """Accept up to 10 rules and 25 unique destinations, as AWS does.

    Stock moto raises ValidationException "This feature is disabled" for a second rule.
    AWS: "A replication configuration may contain up to 10 rules" and "up to 25 unique
    destinations across all rules"; a destination may not be the source registry.
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutReplicationConfiguration.html
    The whole configuration, `deleteReplication` included, is stored as sent and
    returned by DescribeRegistry.
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationRule.html
    """
    rules = replication_config.get("rules", [])
    if len(rules) > MAX_RULES:
        raise InvalidParameterException(
            "Invalid parameter at 'replicationConfiguration' failed to satisfy constraint: "
            f"'The replication configuration may contain at most {MAX_RULES} rules'"
        )
    destinations = {(d["region"], d["registryId"]) for r in rules for d in r["destinations"]}
    if len(destinations) > MAX_UNIQUE_DESTINATIONS:
        raise InvalidParameterException(
            "Invalid parameter at 'replicationConfiguration' failed to satisfy constraint: "
            f"'At most {MAX_UNIQUE_DESTINATIONS} unique destinations are allowed'"
        )
    if (self.region_name, self.account_id) in destinations:
        raise InvalidParameterException(
            "Invalid parameter at 'replicationConfiguration' failed to satisfy constraint: "
            "'Replication destination cannot be the same as the source registry'"
        )
    self.replication_config = replication_config
    return {"replicationConfiguration": replication_config}


# --- gap b: repository creation templates ----------------------------------------------


class TemplateAlreadyExistsException(ServiceException):
    code = "TemplateAlreadyExistsException"


class TemplateNotFoundException(ServiceException):
    code = "TemplateNotFoundException"


def _prefix_pattern() -> re.Pattern[str]:
    # The documented pattern, read from botocore's model rather than copied.
    model = botocore.session.get_session().get_service_model("ecr")
    return re.compile(model.shape_for("Prefix").metadata["pattern"])


PREFIX_PATTERN = _prefix_pattern()
TEMPLATE_SETTINGS = (
    "description",
    "encryptionConfiguration",
    "resourceTags",
    "imageTagMutability",
    "imageTagMutabilityExclusionFilters",
    "repositoryPolicy",
    "lifecyclePolicy",
    "appliedFor",
    "customRoleArn",
)
# An update that sends one of these empty clears the setting.
CLEARABLE_SETTINGS = (
    "description",
    "resourceTags",
    "repositoryPolicy",
    "lifecyclePolicy",
    "customRoleArn",
)
DEFAULT_PAGE_SIZE = 100


def _templates(backend: ECRBackend) -> dict[str, dict[str, Any]]:
    # Backends created before install() (or recreated by a reset) lack the attribute.
    store: dict[str, dict[str, Any]] | None = getattr(
        backend, "repository_creation_templates", None
    )
    if store is None:
        store = {}
        backend.repository_creation_templates = store  # type: ignore[attr-defined]
    return store


def _not_found(backend: ECRBackend, prefix: str) -> TemplateNotFoundException:
    return TemplateNotFoundException(
        f"The repository creation template with prefix '{prefix}' does not exist "
        f"in the registry with id '{backend.account_id}'"
    )


def _validate_template(template: dict[str, Any]) -> None:
    ECRBackend.validate_image_tag_mutability_params_compatibility(
        template["imageTagMutability"], template.get("imageTagMutabilityExclusionFilters")
    )


def create_repository_creation_template(
    self: ECRBackend, settings: dict[str, Any]
) -> dict[str, Any]:
    """Create a template; its prefix is unique in the registry.

    AWS: TemplateAlreadyExistsException when the prefix has a template; the prefix
    follows the documented pattern (or is ROOT); image tag mutability defaults to
    MUTABLE and encryption to AES256.
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepositoryCreationTemplate.html
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html
    """
    prefix = settings["prefix"]
    if not PREFIX_PATTERN.match(prefix):
        raise InvalidParameterException(
            f"Invalid parameter at 'prefix' failed to satisfy constraint: '{prefix}'"
        )
    now = datetime.now(UTC)
    template: dict[str, Any] = {
        "prefix": prefix,
        "imageTagMutability": "MUTABLE",
        "encryptionConfiguration": {"encryptionType": "AES256"},
    }
    template.update({k: settings[k] for k in TEMPLATE_SETTINGS if settings.get(k) is not None})
    template = {k: v for k, v in template.items() if v not in ("", [])}
    _validate_template(template)
    template |= {"createdAt": now, "updatedAt": now}
    with _templates_lock:
        store = _templates(self)
        if prefix in store:
            raise TemplateAlreadyExistsException(
                f"The repository creation template with prefix '{prefix}' already exists "
                f"in the registry with id '{self.account_id}'"
            )
        store[prefix] = template
    return {"registryId": self.account_id, "repositoryCreationTemplate": template}


def describe_repository_creation_templates(
    self: ECRBackend, prefixes: list[str] | None, next_token: str | None, max_results: int | None
) -> dict[str, Any]:
    """List templates by prefix, in pages of `maxResults` (default 100) with nextToken.

    Unknown prefixes are left out rather than refused.
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositoryCreationTemplates.html
    """
    with _templates_lock:
        store = _templates(self)
        selected = [store[p] for p in sorted(store) if not prefixes or p in prefixes]
    start = int(next_token) if next_token else 0
    end = start + (max_results or DEFAULT_PAGE_SIZE)
    answer: dict[str, Any] = {
        "registryId": self.account_id,
        "repositoryCreationTemplates": selected[start:end],
    }
    if end < len(selected):
        answer["nextToken"] = str(end)
    return answer


def update_repository_creation_template(
    self: ECRBackend, settings: dict[str, Any]
) -> dict[str, Any]:
    """Change the settings sent; an empty value clears a setting; others are kept.

    AWS: TemplateNotFoundException when the prefix has no template.
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_UpdateRepositoryCreationTemplate.html
    """
    prefix = settings["prefix"]
    with _templates_lock:
        store = _templates(self)
        if prefix not in store:
            raise _not_found(self, prefix)
        template = dict(store[prefix])
        for key in TEMPLATE_SETTINGS:
            if settings.get(key) is None:
                continue
            if key in CLEARABLE_SETTINGS and settings[key] in ("", []):
                template.pop(key, None)
            else:
                template[key] = settings[key]
        if settings.get("imageTagMutability") and not settings.get(
            "imageTagMutabilityExclusionFilters"
        ):
            template.pop("imageTagMutabilityExclusionFilters", None)
        _validate_template(template)
        template["updatedAt"] = datetime.now(UTC)
        store[prefix] = template
    return {"registryId": self.account_id, "repositoryCreationTemplate": template}


def delete_repository_creation_template(self: ECRBackend, prefix: str) -> dict[str, Any]:
    """Delete a template. AWS: TemplateNotFoundException when the prefix has none.
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepositoryCreationTemplate.html
    """
    with _templates_lock:
        store = _templates(self)
        if prefix not in store:
            raise _not_found(self, prefix)
        template = store.pop(prefix)
    return {"registryId": self.account_id, "repositoryCreationTemplate": template}


def _template_settings(response: ECRResponse) -> dict[str, Any]:
    return {key: response._get_param(key) for key in ("prefix", *TEMPLATE_SETTINGS)}


def handle_create_template(self: ECRResponse) -> ActionResult:
    return ActionResult(
        create_repository_creation_template(self.ecr_backend, _template_settings(self))
    )


def handle_describe_templates(self: ECRResponse) -> ActionResult:
    return ActionResult(
        describe_repository_creation_templates(
            self.ecr_backend,
            self._get_param("prefixes"),
            self._get_param("nextToken"),
            self._get_param("maxResults"),
        )
    )


def handle_update_template(self: ECRResponse) -> ActionResult:
    return ActionResult(
        update_repository_creation_template(self.ecr_backend, _template_settings(self))
    )


def handle_delete_template(self: ECRResponse) -> ActionResult:
    return ActionResult(
        delete_repository_creation_template(self.ecr_backend, self._get_param("prefix"))
    )


# --- gap c: every ECR action in a registry policy ---------------------------------------


def validate_registry_policy_actions(self: ECRBackend, policy_text: str) -> None:
    """Accept any ECR action, as registry policy scope V2 (the default) does.

    Stock moto accepts only ecr:CreateRepository and ecr:ReplicateImage, so a policy that
    also serves pull through cache (ecr:BatchImportUpstreamImage) or uses `ecr:*` is
    refused. AWS: "V2 is the expanded registry policy scope that includes all ECR
    permissions ... The V2 version is the default registry policy scope". Actions of
    other services stay refused, as stock moto refuses them.
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions.html
    """
    statements = json.loads(policy_text)["Statement"]
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action", statement.get("NotAction", []))
        for action in [actions] if isinstance(actions, str) else actions:
            if not action.lower().startswith("ecr:"):
                raise MalformedPolicyDocument()


# --- installing --------------------------------------------------------------------------


def install() -> None:
    """Apply every patch to moto's ECR classes; a second call changes nothing."""
    if getattr(ECRBackend, INSTALLED_MARKER, False):
        return
    ECRBackend.put_replication_configuration = put_replication_configuration  # type: ignore[method-assign]
    ECRBackend._validate_registry_policy_action = validate_registry_policy_actions  # type: ignore[method-assign]
    ECRBackend.create_repository_creation_template = create_repository_creation_template  # type: ignore[attr-defined]
    ECRBackend.describe_repository_creation_templates = describe_repository_creation_templates  # type: ignore[attr-defined]
    ECRBackend.update_repository_creation_template = update_repository_creation_template  # type: ignore[attr-defined]
    ECRBackend.delete_repository_creation_template = delete_repository_creation_template  # type: ignore[attr-defined]
    # moto dispatches an action to the response method of the same snake_case name.
    ECRResponse.create_repository_creation_template = handle_create_template  # type: ignore[attr-defined]
    ECRResponse.describe_repository_creation_templates = handle_describe_templates  # type: ignore[attr-defined]
    ECRResponse.update_repository_creation_template = handle_update_template  # type: ignore[attr-defined]
    ECRResponse.delete_repository_creation_template = handle_delete_template  # type: ignore[attr-defined]
    setattr(ECRBackend, INSTALLED_MARKER, True)
