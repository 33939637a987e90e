"""The write primitives the applier calls: one AWS call each, no ordering, no backups.

Each primitive checks the identity of its account first (a cached no-op after the
guard ran) and turns any failure into a UserError naming the account and region.
Deciding what to write, in which order, and saving backups is the applier's job.
"""

from __future__ import annotations

from collections.abc import Sequence

from ecrrepl.aws.convert import rules_to_api, template_to_api, template_update_to_api
from ecrrepl.aws.failures import aws_failures
from ecrrepl.aws.session import Sessions
from ecrrepl.config.model import CreationTemplate, RegistryAddress, ReplicationRule


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


def create_template(sessions: Sessions, template: CreationTemplate) -> None:
    address = template.address
    sessions.verify_identities([address.account])
    client = sessions.ecr(address)
    with aws_failures(
        f"CreateRepositoryCreationTemplate ({template.prefix})", address.account, address.region
    ):
        client.create_repository_creation_template(**template_to_api(template))


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
