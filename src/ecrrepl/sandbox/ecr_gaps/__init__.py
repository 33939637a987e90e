"""Where moto's ECR differs from documented AWS, and the patches that close each gap.

This is the only place the test suite changes moto. Each patch cites the AWS
documentation it follows; tests/aws/test_moto_gaps.py pins every gap in stock moto,
so that when moto catches up a test fails and names the patch that can go.

`install()` applies all patches, once, to moto's classes. It works in-process (before
or inside `mock_aws`) and inside the emulator's server process (ecrrepl/sandbox/server.py).

Gaps closed here, one module per family:
  a. replication_configuration: PutReplicationConfiguration refuses more than one rule
     ("This feature is disabled"); AWS allows 25 rules and 25 unique destinations
     (the numbers come from ecrrepl.limits).
  b. templates: repository creation templates (Create/Describe/Update/Delete) do not exist.
  c. registry_policy: PutRegistryPolicy accepts only ecr:CreateRepository and
     ecr:ReplicateImage; AWS accepts every ECR action (registry policy scope V2).
  d. replication: moto never replicates. Here PutImage replicates (one hop, filters,
     registry policy of cross-account destinations, creation templates, tag
     immutability), BatchDeleteImage replicates deletions where a rule enables
     deleteReplication, and DescribeImageReplicationStatus reports each replication.
  e. backfill: Start/DescribeResults/List/StopReplicationBackfill do not exist.
  f. tag_mutability: tag exclusion filters are matched as regular expressions at the
     start of the tag; AWS's are WILDCARD filters over the whole tag.
  g. iam_enforcement: with IAM enforced, every ECR action is authorised against "*",
     and refused with an XML document; AWS checks the repository actions against the
     repository's ARN and refuses with a JSON AccessDeniedException.
  h. credentials: ECR accepts credentials after they expire. Not installed by `install()`:
     `credentials_expiring_on(clock)` refuses them, for the tests that move time.
  i. repository_pages: DescribeRepositories ignores maxResults and nextToken and lists
     every repository at once; AWS answers in pages of up to 100 (maxResults 1..1000).

How long replications stay IN_PROGRESS is a setting (settings.py):
`replication_settings(in_progress_polls=N)` in-process; in the moto server, the
environment variable ECR_EMULATOR_IN_PROGRESS_POLLS or `POST /ecr-emulator/settings`.

Not emulated: replication time (polls stand for it), partitions and opt-in regions,
IAM conditions in registry policies, scanning settings of replicated repositories,
lifecycle expiry, pull through cache, manifest lists (subImageFailureCodes), and the
90-day retention of ended backfills.
"""

from __future__ import annotations

from moto.ecr.models import ECRBackend
from moto.ecr.responses import ECRResponse

from .backfill import (
    BackfillLimitExceededException,
    ReplicationBackfillInProgressException,
    ReplicationBackfillInvalidStatusException,
    ReplicationBackfillNotFoundException,
    handle_describe_backfill_results,
    handle_list_backfills,
    handle_start_backfill,
    handle_stop_backfill,
)
from .copying import PERMISSION_DENIED, REGION_NOT_AVAILABLE
from .iam_enforcement import authorize_as_ecr, determine_resource
from .registry_policy import registry_policy_allows, validate_registry_policy_actions
from .replication import (
    handle_batch_delete_image,
    handle_describe_image_replication_status,
    handle_put_image,
)
from .replication_configuration import (
    MAX_RULES,
    MAX_UNIQUE_DESTINATIONS,
    Destination,
    put_replication_configuration,
)
from .repository_pages import handle_describe_repositories
from .settings import (
    IN_PROGRESS_POLLS_VARIABLE,
    ReplicationSettings,
    replication_settings,
    reset_replication_settings,
    settings_from_environment,
)
from .tag_mutability import resolve_image_tag_mutability
from .templates import (
    PREFIX_PATTERN,
    TemplateAlreadyExistsException,
    TemplateNotFoundException,
    create_repository_creation_template,
    delete_repository_creation_template,
    describe_repository_creation_templates,
    handle_create_template,
    handle_delete_template,
    handle_describe_templates,
    handle_update_template,
    replication_template,
    update_repository_creation_template,
)

__all__ = [
    "ACTION_HANDLERS",
    "BACKEND_PATCHES",
    "INSTALLED_MARKER",
    "IN_PROGRESS_POLLS_VARIABLE",
    "MAX_RULES",
    "MAX_UNIQUE_DESTINATIONS",
    "PERMISSION_DENIED",
    "PREFIX_PATTERN",
    "REGION_NOT_AVAILABLE",
    "BackfillLimitExceededException",
    "Destination",
    "ReplicationBackfillInProgressException",
    "ReplicationBackfillInvalidStatusException",
    "ReplicationBackfillNotFoundException",
    "ReplicationSettings",
    "TemplateAlreadyExistsException",
    "TemplateNotFoundException",
    "authorize_as_ecr",
    "create_repository_creation_template",
    "delete_repository_creation_template",
    "describe_repository_creation_templates",
    "determine_resource",
    "install",
    "put_replication_configuration",
    "registry_policy_allows",
    "replication_settings",
    "replication_template",
    "reset_replication_settings",
    "resolve_image_tag_mutability",
    "settings_from_environment",
    "update_repository_creation_template",
    "validate_registry_policy_actions",
]

INSTALLED_MARKER = "_ecrrepl_gaps_installed"

# Patched backend methods, and the API actions added or replaced: moto dispatches an
# action to the ECRResponse method of the same snake_case name.
BACKEND_PATCHES = {
    "put_replication_configuration": put_replication_configuration,
    "_validate_registry_policy_action": validate_registry_policy_actions,
    "create_repository_creation_template": create_repository_creation_template,
    "describe_repository_creation_templates": describe_repository_creation_templates,
    "update_repository_creation_template": update_repository_creation_template,
    "delete_repository_creation_template": delete_repository_creation_template,
    "_resolve_image_tag_mutability": resolve_image_tag_mutability,
}
ACTION_HANDLERS = {
    "create_repository_creation_template": handle_create_template,
    "describe_repository_creation_templates": handle_describe_templates,
    "update_repository_creation_template": handle_update_template,
    "delete_repository_creation_template": handle_delete_template,
    # Replication acts on API calls only, so that its own copies never replicate again.
    "put_image": handle_put_image,
    "batch_delete_image": handle_batch_delete_image,
    "describe_image_replication_status": handle_describe_image_replication_status,
    "start_replication_backfill": handle_start_backfill,
    "describe_replication_backfill_results": handle_describe_backfill_results,
    "list_replication_backfills": handle_list_backfills,
    "stop_replication_backfill": handle_stop_backfill,
    "describe_repositories": handle_describe_repositories,
}


def install() -> None:
    """Apply every patch to moto's ECR classes; a second call changes nothing."""
    if getattr(ECRBackend, INSTALLED_MARKER, False):
        return
    for name, patch in BACKEND_PATCHES.items():
        setattr(ECRBackend, name, patch)
    for name, handler in ACTION_HANDLERS.items():
        setattr(ECRResponse, name, handler)
    # Hooks moto's BaseResponse.call_action uses to authorise a request (gap g).
    setattr(ECRResponse, "_determine_resource", determine_resource)  # noqa: B010
    setattr(ECRResponse, "_authenticate_and_authorize_normal_action", authorize_as_ecr)  # noqa: B010
    setattr(ECRBackend, INSTALLED_MARKER, True)
