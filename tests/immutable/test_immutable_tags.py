"""Destination repositories with immutable tags: read once per destination registry,
filtered by what the rules send there, warned about in the plan with the tags each
setting keeps immutable, part of the fingerprint.

ECR user guide, private image replication: an image replicated into a repository with
tag immutability, whose tag already exists there, arrives untagged.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ecrrepl.aws.reader import read_immutable_repositories, read_state
from ecrrepl.aws.session import Sessions
from ecrrepl.commands.diff import diff
from ecrrepl.config.model import Config, RegistryAddress
from ecrrepl.plan import compute_plan, plan_from_json, plan_to_json
from ecrrepl.plan.immutable_tags import immutable_tag_warnings
from ecrrepl.state import LiveState, TagImmutability
from harness import configs
from harness.replication_arrange import (
    DR_ACCOUNT,
    SOURCE_ACCOUNT,
    TWO_ACCOUNTS,
    allow_replication,
    ecr,
    push,
    replicate,
)
from harness.sessions import ObservedSessions, StubbedSessions

SOURCE = RegistryAddress(SOURCE_ACCOUNT, "us-west-2")
EAST = RegistryAddress(SOURCE_ACCOUNT, "us-east-1")
DR = RegistryAddress(DR_ACCOUNT, "eu-west-1")
OTHER_SOURCE = RegistryAddress(SOURCE_ACCOUNT, "ap-south-1")

# TWO_ACCOUNTS, and 111111111111/ap-south-1 sends every repository to Ireland too.
CONFIG = TWO_ACCOUNTS + configs.registry(
    configs.rule((DR_ACCOUNT, "eu-west-1"), name="everything", flow=True), region="ap-south-1"
)


@pytest.fixture
def config(load_config: Callable[[str], Config]) -> Config:
    return load_config(CONFIG)


def create(address: RegistryAddress, name: str, mutability: str, **extra: Any) -> None:
    ecr(address.account, address.region).create_repository(
        repositoryName=name, imageTagMutability=mutability, **extra
    )


EXCLUDING_LATEST = {
    "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": "latest"}]
}


@pytest.fixture
def arranged(aws: None) -> None:
    create(DR, "prod/api", "IMMUTABLE")
    create(DR, "prod/web", "IMMUTABLE_WITH_EXCLUSION", **EXCLUDING_LATEST)
    create(DR, "prod/cache", "MUTABLE")
    create(DR, "tools/lint", "IMMUTABLE")
    create(EAST, "prod/api", "MUTABLE_WITH_EXCLUSION", **EXCLUDING_LATEST)
    create(EAST, "dev/api", "IMMUTABLE")


def test_the_reader_lists_immutable_repositories_the_rules_send_to_once_per_destination(
    arranged: None, config: Config
) -> None:
    sessions = ObservedSessions.for_config(config)
    assert isinstance(sessions, ObservedSessions)

    state = read_state(config, sessions)

    assert state.immutable_repositories == {
        # prod/ from us-west-2, and every repository from ap-south-1; prod/cache is MUTABLE.
        DR: (
            TagImmutability("prod/api", "IMMUTABLE"),
            TagImmutability("prod/web", "IMMUTABLE_WITH_EXCLUSION", ("latest",)),
            TagImmutability("tools/lint", "IMMUTABLE"),
        ),
        # Tags matching `latest` are immutable in prod/api; dev/api is immutable, but
        # only prod/ is sent here.
        EAST: (TagImmutability("prod/api", "MUTABLE_WITH_EXCLUSION", ("latest",)),),
    }
    assert sessions.counts()["DescribeRepositories"] == 2


def repository(name: str, mutability: str | None, *filters: str) -> dict[str, Any]:
    found: dict[str, Any] = {"repositoryName": name}
    if mutability is not None:
        found["imageTagMutability"] = mutability
    if filters:
        found["imageTagMutabilityExclusionFilters"] = [
            {"filterType": "WILDCARD", "filter": f} for f in filters
        ]
    return found


def test_a_long_listing_is_read_page_by_page() -> None:
    sessions = StubbedSessions("eu-west-1")
    sessions.stubber.add_response(
        "describe_repositories",
        {
            "repositories": [
                repository("prod/b", "IMMUTABLE"),
                repository("prod/mutable", "MUTABLE"),
                repository("other/x", "IMMUTABLE"),
            ],
            "nextToken": "2",
        },
        # Pages of 1,000, the largest the model allows, rather than AWS's default 100.
        {"maxResults": 1000},
    )
    sessions.stubber.add_response(
        "describe_repositories",
        {
            "repositories": [
                repository("prod/a", "IMMUTABLE_WITH_EXCLUSION", "latest"),
                repository("prod/c", "MUTABLE_WITH_EXCLUSION", "release-*", "v*"),
                # An answer without the setting is taken as mutable, the default.
                repository("prod/unknown", None),
            ]
        },
        {"maxResults": 1000, "nextToken": "2"},
    )

    with sessions.stubber:
        names = read_immutable_repositories(sessions, DR, frozenset({"prod/"}))  # type: ignore[arg-type]

    assert names == (
        TagImmutability("prod/a", "IMMUTABLE_WITH_EXCLUSION", ("latest",)),
        TagImmutability("prod/b", "IMMUTABLE"),
        TagImmutability("prod/c", "MUTABLE_WITH_EXCLUSION", ("release-*", "v*")),
    )
    sessions.stubber.assert_no_pending_responses()


UNTAGGED = (
    "An image replicated there under an immutable tag the repository already holds arrives untagged"
)


def test_the_plan_warns_on_each_source_that_sends_into_them(arranged: None, config: Config) -> None:
    plan = compute_plan(config, read_state(config, Sessions.for_config(config)))

    warnings = {section.registry: section.warnings for section in plan.replication}
    assert warnings == {
        SOURCE: (
            "111111111111/us-east-1 keeps tags immutable in 1 repository these rules "
            "replicate into: prod/api (tags matching `latest`). " + UNTAGGED,
            "222222222222/eu-west-1 keeps tags immutable in 2 repositories these rules "
            "replicate into: prod/api (every tag), prod/web (every tag except those matching "
            "`latest`). " + UNTAGGED,
        ),
        OTHER_SOURCE: (
            "222222222222/eu-west-1 keeps tags immutable in 3 repositories these rules "
            "replicate into: prod/api (every tag), prod/web (every tag except those matching "
            "`latest`), tools/lint (every tag). " + UNTAGGED,
        ),
    }
    assert plan.warnings == (*warnings[OTHER_SOURCE], *warnings[SOURCE])


def test_diff_shows_the_warning_under_the_source_registry(arranged: None, config: Config) -> None:
    out = io.StringIO()

    code = diff(list(config.files), out=out)

    assert code == 0
    text = out.getvalue()
    assert (
        "registry 111111111111/us-west-2 — replication configuration\n  + rule 'prod'\n"
    ) in text
    assert (
        "  warning: 222222222222/eu-west-1 keeps tags immutable in 2 repositories these "
        "rules replicate into: prod/api (every tag), prod/web (every tag except those "
        "matching `latest`). " + UNTAGGED + "\n"
    ) in text


def test_many_repositories_are_counted_rather_than_all_named() -> None:
    live = LiveState(immutable_repositories={DR: tuple(immutable(f"prod/r{n}") for n in range(8))})
    registry = _registry(SOURCE)

    assert immutable_tag_warnings(registry, live) == (
        "222222222222/eu-west-1 keeps tags immutable in 8 repositories these rules "
        "replicate into: prod/r0 (every tag), prod/r1 (every tag), prod/r2 (every tag), "
        "prod/r3 (every tag), prod/r4 (every tag) and 3 more. " + UNTAGGED,
    )


def immutable(name: str) -> TagImmutability:
    return TagImmutability(name, "IMMUTABLE")


@pytest.mark.parametrize(
    ("mutability", "filters", "tags"),
    [
        ("IMMUTABLE", (), "every tag"),
        (
            "IMMUTABLE_WITH_EXCLUSION",
            ("latest", "dev-*"),
            "every tag except those matching `latest` or `dev-*`",
        ),
        ("MUTABLE_WITH_EXCLUSION", ("release-*",), "tags matching `release-*`"),
    ],
)
def test_the_warning_names_the_tags_each_setting_keeps_immutable(
    mutability: str, filters: tuple[str, ...], tags: str
) -> None:
    live = LiveState(
        immutable_repositories={DR: (TagImmutability("prod/api", mutability, filters),)}
    )

    (warning,) = immutable_tag_warnings(_registry(SOURCE), live)

    assert f"prod/api ({tags})." in warning


def _registry(address: RegistryAddress) -> Any:
    from ecrrepl.config.model import Destination, ReplicationRule, RepositoryFilter, SourceRegistry

    return SourceRegistry(
        account=address.account,
        region=address.region,
        rules=(
            ReplicationRule(
                filters=(RepositoryFilter(prefix="prod/"),),
                destinations=(Destination(account=DR.account, region=DR.region),),
            ),
        ),
    )


def test_no_warning_without_immutable_repositories_where_the_rules_send() -> None:
    live = LiveState(
        immutable_repositories={DR: (immutable("tools/lint"),), EAST: (immutable("prod/api"),)}
    )
    assert immutable_tag_warnings(_registry(SOURCE), live) == ()


def test_the_fingerprint_changes_when_a_repository_becomes_immutable() -> None:
    before = LiveState(immutable_repositories={DR: ()})
    after = LiveState(immutable_repositories={DR: (immutable("prod/api"),)})
    assert before.fingerprint() != after.fingerprint()
    # A changed setting or filter is a change too.
    excluding = TagImmutability("prod/api", "IMMUTABLE_WITH_EXCLUSION", ("latest",))
    other_filter = excluding._replace(exclusion_filters=("stable",))
    fingerprints = {
        LiveState(immutable_repositories={DR: (r,)}).fingerprint()
        for r in (immutable("prod/api"), excluding, other_filter)
    }
    assert len(fingerprints) == 3
    # Order of reading does not matter.
    a, b = immutable("a"), immutable("b")
    assert (
        LiveState(immutable_repositories={DR: (a, b), EAST: ()}).fingerprint()
        == LiveState(immutable_repositories={EAST: (), DR: (b, a)}).fingerprint()
    )


def test_a_plan_file_keeps_the_warnings(config: Config) -> None:
    live = LiveState(immutable_repositories={DR: (immutable("prod/api"),)})
    plan = compute_plan(config, live)
    assert plan.warnings

    restored = plan_from_json(plan_to_json(plan, {"ecrrepl.yaml": "version: 1\n"}))

    assert restored.replication == plan.replication
    # A plan file written before replication sections had warnings still reads.
    data = plan_to_json(plan, {"ecrrepl.yaml": "version: 1\n"})
    for section in data["replication"]:
        del section["warnings"]
    older = plan_from_json(data)
    assert older.replication == tuple(
        dataclasses.replace(section, warnings=()) for section in plan.replication
    )


@pytest.fixture
def applied(aws: None) -> Iterator[None]:
    allow_replication(ecr(DR.account, DR.region), DR.region)
    replicate(
        ecr(SOURCE.account, SOURCE.region), (EAST.account, EAST.region), (DR.account, DR.region)
    )
    yield


def test_what_the_warning_says_happens_in_the_emulator(applied: None) -> None:
    create(DR, "prod/api", "IMMUTABLE")
    push(ecr(DR.account, DR.region), "prod/api", "1.0", label="the image already there")

    push(ecr(SOURCE.account, SOURCE.region), "prod/api", "1.0", label="a new build")

    images = ecr(DR.account, DR.region).describe_images(repositoryName="prod/api")["imageDetails"]
    assert sorted(tuple(image.get("imageTags", [])) for image in images) == [(), ("1.0",)]


@pytest.mark.parametrize(
    ("mutability", "filters", "tag", "arrives_tagged"),
    [
        # A re-pushed release tag arrives untagged; other tags move to the new image.
        ("MUTABLE_WITH_EXCLUSION", ["release-*"], "release-1.0", False),
        ("MUTABLE_WITH_EXCLUSION", ["release-*"], "latest", True),
        # The excluded tag moves; the others are kept on the image already there.
        ("IMMUTABLE_WITH_EXCLUSION", ["latest"], "latest", True),
        ("IMMUTABLE_WITH_EXCLUSION", ["latest"], "latest-rc", False),
    ],
)
def test_replication_follows_the_exclusion_settings_in_the_emulator(
    applied: None, mutability: str, filters: list[str], tag: str, arrives_tagged: bool
) -> None:
    exclusions = [{"filterType": "WILDCARD", "filter": f} for f in filters]
    create(DR, "prod/api", mutability, imageTagMutabilityExclusionFilters=exclusions)
    before = push(ecr(DR.account, DR.region), "prod/api", tag, label="the image already there")

    after = push(ecr(SOURCE.account, SOURCE.region), "prod/api", tag, label="a new build")

    images = ecr(DR.account, DR.region).describe_images(repositoryName="prod/api")["imageDetails"]
    tagged = {image["imageDigest"] for image in images if tag in image.get("imageTags", [])}
    assert tagged == ({after} if arrives_tagged else {before})
    # Kept off the tag or not, the new image arrives.
    assert after in {image["imageDigest"] for image in images}



def test_a_repository_excluding_every_tag_from_immutability_is_not_listed(
    aws: None, config: Config
) -> None:
    # IMMUTABLE_WITH_EXCLUSION with the filter `*`: every tag stays mutable.
    every_tag = {"imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": "*"}]}
    create(DR, "prod/open", "IMMUTABLE_WITH_EXCLUSION", **every_tag)
    create(DR, "prod/api", "IMMUTABLE")
    listed = read_immutable_repositories(
        ObservedSessions.for_config(config), DR, frozenset({"prod/"})
    )
    assert listed == (TagImmutability("prod/api", "IMMUTABLE"),)
