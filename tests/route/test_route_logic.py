"""`route_repository` on model objects: matching, hops, templates and chains."""

from __future__ import annotations

import pytest

from ecrrepl.arguments import parse_registry_argument
from ecrrepl.config.model import (
    AccountAccess,
    Config,
    CreationTemplate,
    RegistryAddress,
    ReplicationRule,
)
from ecrrepl.route import (
    Hop,
    NotReached,
    RuleMatch,
    SourceRoute,
    creation_template_for,
    repository_name_problem,
    route_repository,
)
from harness import models
from harness.models import OREGON, VIRGINIA

IRELAND_B = models.IRELAND
FRANKFURT_B = RegistryAddress("222222222222", "eu-central-1")
OREGON_C = RegistryAddress("333333333333", "us-west-2")
TOKYO_D = RegistryAddress("444444444444", "ap-northeast-1")


def make_rule(
    filters: list[str] | None, *destinations: RegistryAddress, name: str | None = None
) -> ReplicationRule:
    return models.rule(*destinations, filters=filters, name=name)


make_source = models.registry


def make_template(
    address: RegistryAddress, prefix: str, applied_for: tuple[str, ...] = ("REPLICATION",)
) -> CreationTemplate:
    return CreationTemplate(
        account=address.account, region=address.region, prefix=prefix, applied_for=applied_for
    )


def only_source(config: Config, repository: str) -> SourceRoute:
    route = route_repository(config, repository)
    assert len(route.sources) == 1
    return route.sources[0]


def destinations(source_route: SourceRoute) -> list[RegistryAddress]:
    return [hop.destination for hop in source_route.hops]


def hop_to(source_route: SourceRoute, address: RegistryAddress) -> Hop:
    (hop,) = [hop for hop in source_route.hops if hop.destination == address]
    return hop


class TestMatching:
    config = Config(
        registries=(
            make_source(
                OREGON,
                make_rule(["prod/", "base-"], VIRGINIA, name="prod"),
                make_rule(["prod"], IRELAND_B),
                make_rule(None, OREGON_C, name="everything"),
            ),
        )
    )

    def test_filters_are_prefixes_of_the_name(self) -> None:
        source_route = only_source(self.config, "prod/api")
        assert destinations(source_route) == [VIRGINIA, IRELAND_B, OREGON_C]
        assert hop_to(source_route, VIRGINIA).rules == (RuleMatch("prod", 0, "prod/"),)
        assert hop_to(source_route, IRELAND_B).rules == (RuleMatch(None, 1, "prod"),)

    def test_a_prefix_matches_text_not_path_segments(self) -> None:
        source_route = only_source(self.config, "production/api")
        assert destinations(source_route) == [IRELAND_B, OREGON_C]

    def test_a_rule_without_filters_matches_every_repository(self) -> None:
        source_route = only_source(self.config, "scratch")
        assert destinations(source_route) == [OREGON_C]
        assert hop_to(source_route, OREGON_C).rules == (RuleMatch("everything", 2, None),)
        assert source_route.matched

    def test_the_second_filter_of_a_rule_matches_too(self) -> None:
        source_route = only_source(self.config, "base-images")
        assert hop_to(source_route, VIRGINIA).rules == (RuleMatch("prod", 0, "base-"),)

    def test_no_matching_rule_means_not_replicated(self) -> None:
        config = Config(registries=(make_source(OREGON, make_rule(["prod/"], VIRGINIA)),))
        source_route = only_source(config, "dev/api")
        assert source_route.hops == ()
        assert not source_route.matched
        assert source_route.rule_count == 1

    def test_a_registry_without_rules_replicates_nothing(self) -> None:
        source_route = only_source(Config(registries=(make_source(OREGON),)), "prod/api")
        assert not source_route.matched
        assert source_route.rule_count == 0

    def test_the_longest_matching_filter_is_named(self) -> None:
        config = Config(
            registries=(make_source(OREGON, make_rule(["prod", "prod/api", "x1"], VIRGINIA)),)
        )
        assert only_source(config, "prod/api/v2").hops[0].rules[0].prefix == "prod/api"

    def test_rules_are_labelled_by_name_or_position(self) -> None:
        assert RuleMatch("prod", 0, "prod/").label == "prod"
        assert RuleMatch(None, 2, None).label == "#3"
        assert RuleMatch("prod", 0, "prod/").words == "rule 'prod' (filter 'prod/')"
        assert RuleMatch(None, 2, None).words == "rule #3 (no filters: every repository)"


class TestSeveralRulesToOneDestination:
    def test_listed_once_naming_every_rule(self) -> None:
        config = Config(
            registries=(
                make_source(
                    OREGON,
                    make_rule(["prod/"], IRELAND_B, VIRGINIA, name="prod"),
                    make_rule(["dev/"], IRELAND_B, name="dev"),
                    make_rule(None, IRELAND_B),
                ),
            )
        )
        source_route = only_source(config, "prod/api")
        assert destinations(source_route) == [IRELAND_B, VIRGINIA]
        assert hop_to(source_route, IRELAND_B).rules == (
            RuleMatch("prod", 0, "prod/"),
            RuleMatch(None, 2, None),
        )

    def test_a_destination_repeated_in_one_rule_is_one_hop_and_one_rule(self) -> None:
        config = Config(registries=(make_source(OREGON, make_rule(None, VIRGINIA, VIRGINIA)),))
        source_route = only_source(config, "app")
        assert destinations(source_route) == [VIRGINIA]
        assert hop_to(source_route, VIRGINIA).rules == (RuleMatch(None, 0, None),)


class TestHopProperties:
    config = Config(
        accounts={
            "333333333333": AccountAccess(
                account="333333333333", profile="dr", manage_registry_policy=False
            )
        },
        registries=(make_source(OREGON, make_rule(None, VIRGINIA, IRELAND_B, OREGON_C)),),
    )

    def test_same_account_other_region(self) -> None:
        hop = hop_to(only_source(self.config, "app"), VIRGINIA)
        assert (hop.cross_region, hop.cross_account, hop.policy_managed) == (True, False, None)

    def test_other_account_whose_policy_the_config_manages(self) -> None:
        hop = hop_to(only_source(self.config, "app"), IRELAND_B)
        assert (hop.cross_region, hop.cross_account, hop.policy_managed) == (True, True, True)

    def test_other_account_whose_policy_is_left_alone(self) -> None:
        hop = hop_to(only_source(self.config, "app"), OREGON_C)
        assert (hop.cross_region, hop.cross_account, hop.policy_managed) == (False, True, False)


class TestCreationTemplates:
    templates = (
        make_template(IRELAND_B, "prod"),
        make_template(IRELAND_B, "prod/api/"),
        make_template(IRELAND_B, "ROOT"),
        make_template(IRELAND_B, "dev", applied_for=("CREATE_ON_PUSH",)),
        make_template(FRANKFURT_B, "dev"),
        make_template(VIRGINIA, "ROOT", applied_for=("PULL_THROUGH_CACHE",)),
    )

    @pytest.mark.parametrize(
        ("registry", "repository", "expected"),
        [
            pytest.param(IRELAND_B, "prod/web", "prod", id="prefix"),
            pytest.param(IRELAND_B, "prod/api/v2", "prod/api/", id="longest-prefix"),
            pytest.param(IRELAND_B, "prod/api", "prod", id="namespace-excludes-itself"),
            pytest.param(IRELAND_B, "production/api", "ROOT", id="namespace-not-text"),
            pytest.param(IRELAND_B, "prod", "ROOT", id="bare-prefix-name"),
            pytest.param(IRELAND_B, "dev/api", "ROOT", id="not-for-replication"),
            pytest.param(FRANKFURT_B, "dev/api", "dev", id="other-registry"),
            pytest.param(FRANKFURT_B, "prod/api", None, id="none"),
            pytest.param(VIRGINIA, "prod/api", None, id="root-not-for-replication"),
            pytest.param(OREGON_C, "prod/api", None, id="no-templates"),
        ],
    )
    def test_choice(self, registry: RegistryAddress, repository: str, expected: str | None) -> None:
        template = creation_template_for(self.templates, registry, repository)
        assert (None if template is None else template.prefix) == expected

    def test_the_hop_carries_the_destination_template(self) -> None:
        config = Config(
            registries=(make_source(OREGON, make_rule(None, IRELAND_B, VIRGINIA)),),
            templates=self.templates,
        )
        source_route = only_source(config, "prod/api/v2")
        template = hop_to(source_route, IRELAND_B).template
        assert template is not None and template.prefix == "prod/api/"
        assert hop_to(source_route, VIRGINIA).template is None


class TestChains:
    def test_a_destination_that_is_a_source_does_not_forward(self) -> None:
        config = Config(
            registries=(
                make_source(OREGON, make_rule(["prod/"], IRELAND_B)),
                make_source(IRELAND_B, make_rule(["prod/"], FRANKFURT_B)),
            )
        )
        oregon, ireland = route_repository(config, "prod/api").sources
        assert destinations(oregon) == [IRELAND_B]
        assert oregon.not_reached == (NotReached(FRANKFURT_B, via=IRELAND_B),)
        assert oregon.not_reached[0].reason == (
            "replication does not chain (push to 222222222222/eu-west-1 to reach it)"
        )
        assert destinations(ireland) == [FRANKFURT_B]
        assert ireland.not_reached == ()

    def test_only_rules_of_the_next_registry_that_match_count(self) -> None:
        config = Config(
            registries=(
                make_source(OREGON, make_rule(None, IRELAND_B)),
                make_source(IRELAND_B, make_rule(["prod/"], FRANKFURT_B)),
            )
        )
        assert route_repository(config, "dev/api").sources[0].not_reached == ()

    def test_registries_reached_anyway_and_the_origin_are_not_listed(self) -> None:
        config = Config(
            registries=(
                make_source(OREGON, make_rule(None, IRELAND_B, FRANKFURT_B)),
                make_source(IRELAND_B, make_rule(None, FRANKFURT_B, OREGON, OREGON_C)),
            )
        )
        oregon = route_repository(config, "app").sources[0]
        assert oregon.not_reached == (NotReached(OREGON_C, via=IRELAND_B),)

    def test_longer_chains_name_the_nearest_registry_to_push_to(self) -> None:
        config = Config(
            registries=(
                make_source(OREGON, make_rule(None, IRELAND_B)),
                make_source(IRELAND_B, make_rule(None, FRANKFURT_B)),
                make_source(FRANKFURT_B, make_rule(None, TOKYO_D, OREGON)),
                make_source(TOKYO_D, make_rule(None, IRELAND_B)),
            )
        )
        oregon = route_repository(config, "app").sources[0]
        assert oregon.not_reached == (
            NotReached(FRANKFURT_B, via=IRELAND_B),
            NotReached(TOKYO_D, via=FRANKFURT_B),
        )

    def test_a_target_of_two_registries_is_listed_once(self) -> None:
        config = Config(
            registries=(
                make_source(OREGON, make_rule(None, IRELAND_B, VIRGINIA)),
                make_source(IRELAND_B, make_rule(None, TOKYO_D)),
                make_source(VIRGINIA, make_rule(None, TOKYO_D)),
            )
        )
        oregon = route_repository(config, "app").sources[0]
        assert oregon.not_reached == (NotReached(TOKYO_D, via=IRELAND_B),)


def test_source_restricts_the_route_to_one_registry() -> None:
    config = Config(
        registries=(
            make_source(OREGON, make_rule(None, VIRGINIA)),
            make_source(IRELAND_B, make_rule(None, FRANKFURT_B)),
        )
    )
    route = route_repository(config, "app", source=IRELAND_B)
    assert [s.source for s in route.sources] == [IRELAND_B]
    assert route.repository == "app"
    assert [s.source for s in route_repository(config, "app").sources] == [OREGON, IRELAND_B]


@pytest.mark.parametrize("name", ["ab", "prod/api", "a.b_c-d/e1", "a" * 256, "x/" * 127 + "yy"])
def test_valid_repository_names(name: str) -> None:
    assert repository_name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("a", "2 to 256"),
        ("a" * 257, "2 to 256"),
        ("/prod", "not a repository name"),
        ("prod//api", "not a repository name"),
        ("prod/", "not a repository name"),
        ("prod-", "not a repository name"),
        ("prod/*", "not a repository name"),
        ("team__x", "not a repository name"),
        ("Prod/API", "did you mean 'prod/api'?"),
        ("", "not a repository name"),
    ],
)
def test_invalid_repository_names(name: str, fragment: str) -> None:
    problem = repository_name_problem(name)
    assert problem is not None
    shown = repr(name) if len(name) <= 60 else f"{name[:40]!r}... (257 characters)"
    assert problem.startswith(f"{shown} is not a repository name: ")
    assert fragment in problem


def test_registry_argument() -> None:
    assert parse_registry_argument("111111111111/us-west-2") == OREGON
    assert parse_registry_argument("11111111111/us-west-2") is None
    assert parse_registry_argument("us-west-2") is None
    assert parse_registry_argument("111111111111/us-west-2/x") is None
