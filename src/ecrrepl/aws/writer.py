"""The write primitives the applier calls: one AWS call each (a create that meets an
existing template reads it too), no ordering, no backups.

Each primitive checks the identity of its account first (a cached no-op after the
guard ran) and turns any failure into a UserError naming the account and region.
Deciding what to write, in which order, and saving backups is the applier's job.
"""

from __future__ import annotations

from collections.abc import Sequence

from ecrrepl.aws.convert import rules_to_api, template_to_api, template_update_to_api
from ecrrepl.aws.failures import aws_failures
from ecrrepl.aws.reader import read_templates
from ecrrepl.aws.session import Sessions
from ecrrepl.config.model import CreationTemplate, RegistryAddress, ReplicationRule
from ecrrepl.errors import UserError
from ecrrepl.plan.templates import differing_fields


def put_replication_rules(
    sessions: Sessions, address: RegistryAddress, rules: Sequence[ReplicationRule]
) -> None:
    """Replace the whole replication configuration of a registry; [] clears it."""
    sessions.verify_identities([address.account])
    client = sessions.ecr(address)
    with aws_failures("PutReplicationConfiguration", address.account, address.region):
        client.put_replication_configuration(
            replicationConfiguration=rules_to_api(list(rules))  # type: ignore[arg-type]
        )


def put_registry_policy(sessions: Sessions, address: RegistryAddress, policy_text: str) -> None:
    """Replace the whole registry policy of a registry with `policy_text`."""
    sessions.verify_identities([address.account])
    client = sessions.ecr(address)
    with aws_failures("PutRegistryPolicy", address.account, address.region):
        client.put_registry_policy(policyText=policy_text)


def delete_registry_policy(sessions: Sessions, address: RegistryAddress) -> bool:
    """Delete the registry policy; False when there was none (a rerun converges)."""
    sessions.verify_identities([address.account])
    client = sessions.ecr(address)
    with aws_failures("DeleteRegistryPolicy", address.account, address.region):
        try:
            client.delete_registry_policy()
        except client.exceptions.RegistryPolicyNotFoundException:
            return False
    return True


def create_template(sessions: Sessions, template: CreationTemplate) -> str | None:
    """Create the template; when one with its prefix exists already, success only if it
    is the wanted one. Returns a note in that case."""
    address = template.address
    sessions.verify_identities([address.account])
    client = sessions.ecr(address)
    with aws_failures(
        f"CreateRepositoryCreationTemplate ({template.prefix})", address.account, address.region
    ):
        try:
            client.create_repository_creation_template(**template_to_api(template))
            return None
        except client.exceptions.TemplateAlreadyExistsException:
            pass
    return _existing_as_wanted(sessions, template)


def _existing_as_wanted(sessions: Sessions, wanted: CreationTemplate) -> str:
    """A create met TemplateAlreadyExistsException: botocore retries a request whose answer
    was lost (ConnectionClosedError and ReadTimeoutError are retried in every retry mode,
    https://docs.aws.amazon.com/boto3/latest/guide/retries.html), and
    CreateRepositoryCreationTemplateRequest has no idempotency token (botocore ECR model;
    both checked 2026-12-02), so the retry finds the template made by the first attempt,
    or someone else made one meanwhile. Read it: the write succeeded only if it is the
    one wanted."""
    address = wanted.address
    failed = (
        f"CreateRepositoryCreationTemplate ({wanted.prefix}) failed in account "
        f"{address.account} region {address.region}: TemplateAlreadyExistsException: "
    )
    live = {t.prefix: t for t in read_templates(sessions, address)}.get(wanted.prefix)
    if live is None:
        raise UserError(
            f"{failed}yet no template with this prefix is there when read (deleted "
            "meanwhile?); run the command again"
        )
    differing = differing_fields(live, wanted)
    if differing:
        raise UserError(
            f"{failed}the template with this prefix differs from the configuration in "
            f"{', '.join(differing)} (made by someone else meanwhile?) and was left as it "
            "is; run `ecrrepl diff` to review it"
        )
    return "it exists already, exactly as wanted (an earlier attempt or another writer made it)"


def update_template(sessions: Sessions, template: CreationTemplate) -> None:
    """Make the live template with this prefix say exactly what `template` says."""
    address = template.address
    sessions.verify_identities([address.account])
    client = sessions.ecr(address)
    with aws_failures(
        f"UpdateRepositoryCreationTemplate ({template.prefix})", address.account, address.region
    ):
        client.update_repository_creation_template(**template_update_to_api(template))


def delete_template(sessions: Sessions, address: RegistryAddress, prefix: str) -> bool:
    """Delete one template (restore needs it); False when it did not exist."""
    sessions.verify_identities([address.account])
    client = sessions.ecr(address)
    with aws_failures(
        f"DeleteRepositoryCreationTemplate ({prefix})", address.account, address.region
    ):
        try:
            client.delete_repository_creation_template(prefix=prefix)
        except client.exceptions.TemplateNotFoundException:
            return False
    return True
