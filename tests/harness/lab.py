"""The estate of the live-engine and end-to-end tests, and reading back what ecrrepl left.

moto's default account 123456789012 (the base fake keys) owns the source registry; the
destinations 222222222222 and 333333333333 are reached by AssumeRole, as in production.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness import configs
from harness.policies import repositories, root, statement

Registry = tuple[str, str]

SOURCE = ("123456789012", "us-west-2")
EU = ("222222222222", "eu-west-1")
DR = ("333333333333", "us-east-2")
# The Sid of the statement ecrrepl writes for SOURCE into a destination's registry policy.
SOURCE_SID = "Ecrrepl123456789012uswest2"


def estate(*rules: str, **eu_account: str | bool) -> str:
    """The source registry with these rules; both other accounts by AssumeRole, the EU one
    with more settings when told (`manage_registry_policy=False`)."""
    return configs.document(
        configs.registry(*rules, account=SOURCE[0], region=SOURCE[1]),
        accounts=[configs.account(EU[0], **eu_account), configs.account(DR[0])],
    )


# CONFIG without rule `dr` and without eu-west-1 (222222222222) in rule `prod`: the source
# registry sends prod/ and base- to its own us-east-1 only, to neither other account.
REDUCED = estate(configs.rule("us-east-1", name="prod", filters=["prod/", "base-"]))

# Rule `prod` sends prod/ and base- to us-east-1 and 222222222222/eu-west-1; rule `dr`
# sends every repository to 333333333333/us-east-2.
ESTATE_RULES = (
    configs.rule("us-east-1", EU, name="prod", filters=["prod/", "base-"]),
    configs.rule(DR, name="dr"),
)
CONFIG = estate(*ESTATE_RULES)


def to_eu(*sources: tuple[Registry, str], owner: str | None = None) -> str:
    """Each source registry sends its filters ("prod/, base/") to EU, destinations on one
    line; EU, and each source account but the base credentials', by AssumeRole."""
    others = sorted({registry[0] for registry, _ in sources} - {SOURCE[0]})
    return configs.document(
        *(
            configs.registry(
                configs.rule(EU, filters=filters.split(", "), flow=True),
                account=registry[0],
                region=registry[1],
            )
            for registry, filters in sources
        ),
        accounts=[configs.account(number) for number in (EU[0], *others)],
        owner=owner,
    )


# CONFIG narrowed: base- and tools/ (prod/ no longer) to us-east-1 and 222222222222/eu-west-1
# (its statement narrows, and widens to tools/); 333333333333 is no longer a destination.
NARROWED = estate(configs.rule("us-east-1", EU, filters=["base-", "tools/"]))


# A statement someone else owns in a registry policy ecrrepl writes to.
FOREIGN = statement(
    "PullThroughCacheTeam",
    root("999999999999"),
    ["ecr:ReplicateImage"],
    repositories(EU, "other/*"),
)


def write_file(folder: Path, name: str, text: str) -> str:
    """Write a file the command is given by name, relative to its working directory."""
    (folder / name).write_text(text, encoding="utf-8")
    return name


def backups(workdir: Path) -> list[Path]:
    """The backups apply and restore took, oldest first."""
    folder = workdir / ".ecrrepl" / "backups"
    return sorted(folder.glob("*.json")) if folder.exists() else []


def replication(client: Any) -> Any:
    """A registry's replication configuration, exactly as ECR returns it."""
    return client.describe_registry().get("replicationConfiguration")


def policy_text(client: Any) -> str | None:
    """A registry's policy text, exactly as ECR returns it; None when it has none."""
    try:
        text: str = client.get_registry_policy()["policyText"]
    except client.exceptions.RegistryPolicyNotFoundException:
        return None
    return text


def statements_of(text: str | None) -> list[dict[str, Any]]:
    return [] if text is None else list(json.loads(text)["Statement"])


def put_statements(client: Any, statements: list[dict[str, Any]]) -> None:
    policy = {"Version": "2012-10-17", "Statement": statements}
    client.put_registry_policy(policyText=json.dumps(policy))
